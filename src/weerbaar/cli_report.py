"""CLI command ``weerbaar report``: a cycle's midterm review or risk analysis as HTML, Word, PDF
and Excel, and ``weerbaar report template`` to copy the house style for editing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from typer.core import TyperGroup

from weerbaar.cli_db import ActorOption, ClearanceOption, DbOption, _actor, _clearance, _open
from weerbaar.errors import InvalidInput

err = Console(stderr=True)

STEPS = {"load": "loading the cycle", "uncertainty": "uncertainty analysis",
         "build": "building the report and its figures", "html": "writing HTML",
         "docx": "writing Word", "pdf": "writing PDF", "xlsx": "writing Excel", "done": "done"}


class _CycleOrCommand(TyperGroup):
    """``weerbaar report CYCLE ...`` runs ``report build CYCLE ...``; ``report template`` and
    ``report build`` work as named commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["build", *args]
        return super().parse_args(ctx, args)


report_app = typer.Typer(cls=_CycleOrCommand, no_args_is_help=True,
                         help="Reports of a cycle: `weerbaar report CYCLE --format html,docx,pdf,"
                         "xlsx`, and `weerbaar report template --out DIR`.")


@report_app.command("build")
def report_build(
    cycle: Annotated[str, typer.Argument(help="Key of the cycle (see `weerbaar cycle list`).")],
    kind: Annotated[str | None, typer.Option(
        "--kind", help="review (the midterm review with its annexes) or analysis (the risk "
        "analysis without review chapters); default by the cycle's kind.")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="Comma-separated: html, docx, pdf, xlsx.")] = "html,docx,pdf,xlsx",
    lang: Annotated[str | None, typer.Option(
        "--lang", help="nl or en (fixed text; content keeps the data's language); default: the "
        "cycle's language.")] = None,
    output: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")]
    = Path("out"),
    template: Annotated[Path | None, typer.Option(
        "--template", help="House-style folder (made by `weerbaar report template`).")] = None,
    classification: Annotated[str | None, typer.Option(
        "--classification", help="Lowest marking on every page (e.g. confidential); the report "
        "carries the highest marking of its content, and at least this one.")] = None,
    clearance: ClearanceOption = None,
    uncertainty: Annotated[bool, typer.Option(
        "--uncertainty", help="Add the uncertainty and rank-robustness annex.")] = False,
    samples: Annotated[int, typer.Option("--samples", help="Samples for --uncertainty.")]
    = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for --uncertainty.")] = 0,
    cut: Annotated[str, typer.Option("--cut", help="Lowest class on the priority list.")] = "C",
    report_date: Annotated[str | None, typer.Option(
        "--date", help="Date printed on the report (YYYY-MM-DD; default today).")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
) -> None:
    """Write the report of CYCLE in every requested format and print the paths written."""
    from weerbaar.services.reports import UncertaintyOptions, write_report

    day = None
    if report_date is not None:
        try:
            day = date.fromisoformat(report_date)
        except ValueError:
            raise InvalidInput(f"{report_date!r} is not a date", location=["--date"],
                               expected="YYYY-MM-DD") from None
    store = _open(db)
    if uncertainty and samples < 1:
        raise InvalidInput("the number of samples must be positive", location=["--samples"])
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            key = "uncertainty" if step == "uncertainty" else "report"
            if key not in tasks:
                tasks[key] = bar.add_task(STEPS.get(step, step), total=total)
            bar.update(tasks[key], completed=done, total=total,
                       description=STEPS.get(step, step))

        run = write_report(
            store, cycle, out=output, formats=formats, kind=kind, lang=lang,
            template=template, classification=classification, actor=_actor(actor),
            clearance=_clearance(store, clearance),
            uncertainty=UncertaintyOptions(samples=samples, seed=seed) if uncertainty else None,
            report_date=day, cut=cut, progress=progress)
    for path in run.paths:  # plain lines, never wrapped: scripts read them
        sys.stdout.write(f"{path}\n")


@report_app.command("template")
def report_template(
    output: Annotated[Path, typer.Option("--out", "-o", help="New folder for the copy.")],
) -> None:
    """Copy the default house style (style.yaml, logo, HTML template, CSS, script) to edit."""
    from weerbaar.services.reports import write_template

    for path in write_template(output):
        sys.stdout.write(f"{path}\n")
    err.print(f"use it with: weerbaar report CYCLE --template {output}", highlight=False)


def register(app: Any) -> None:
    app.add_typer(report_app, name="report")


__all__ = ["register", "report_app"]
