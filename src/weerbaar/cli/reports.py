"""``weerbaar report``: a cycle's midterm review or risk analysis as HTML, Word, PDF, Excel and
OpenDocument (ODT, ODS), and ``weerbaar report template`` to copy the house style for editing."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
from typer.core import TyperGroup

from weerbaar.cli.options import (
    ActorOption,
    ClearanceOption,
    DbOption,
    Lang,
    LangOption,
    err,
    open_db,
    operator,
    progress_bar,
    write_file,
)
from weerbaar.cli.words import words
from weerbaar.errors import InvalidInput

STEPS = {"load": "loading the cycle", "uncertainty": "uncertainty analysis",
         "build": "building the report and its figures", "html": "writing HTML",
         "docx": "writing Word", "pdf": "writing PDF", "xlsx": "writing Excel",
         "odt": "writing OpenDocument text", "ods": "writing OpenDocument spreadsheet",
         "done": "done"}
"""The progress bar's steps: English message ids of the catalogues."""


class _CycleOrCommand(TyperGroup):
    """``weerbaar report CYCLE ...`` runs ``report build CYCLE ...``; ``report template`` and
    ``report build`` work as named commands."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["build", *args]
        return super().parse_args(ctx, args)


report_app = typer.Typer(cls=_CycleOrCommand, no_args_is_help=True,
                         help="Reports of a cycle: `weerbaar report CYCLE --format html,docx,pdf,"
                         "xlsx,odt,ods`, and `weerbaar report template --out DIR`.")


def _folder(out: Path) -> Path:
    """The folder the reports go in, made if needed (a file of that name is refused)."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file, not a folder", location=["--out"],
                           expected="a folder to write the reports in")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the folder {out}: {exc.strerror or exc}",
                           location=["--out"]) from None
    return out


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date", location=["--date"],
                           expected="YYYY-MM-DD") from None


@report_app.command("build")
def report_build(
    cycle: Annotated[str, typer.Argument(help="Key of the cycle (see `weerbaar cycle list`).")],
    kind: Annotated[str | None, typer.Option(
        "--kind", help="review (the midterm review with its annexes) or analysis (the risk "
        "analysis without review chapters); default by the cycle's kind.")] = None,
    formats: Annotated[str, typer.Option(
        "--format", help="Comma-separated: html, docx, pdf, xlsx, odt (OpenDocument text), ods "
        "(OpenDocument spreadsheet).")] = "html,docx,pdf,xlsx,odt,ods",
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
    from weerbaar.services.reports import UncertaintyOptions, build_report, parse_formats

    day = _day(report_date)
    chosen = parse_formats(formats)
    if uncertainty and samples < 1:
        raise InvalidInput("the number of samples must be positive", location=["--samples"])
    store = open_db(db)
    viewer = operator(actor, clearance, store=store)
    folder = _folder(output)
    t = words("nl" if lang == "nl" else "en")
    with progress_bar(TextColumn("{task.description}"), BarColumn(),
                      MofNCompleteColumn()) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            key = "uncertainty" if step == "uncertainty" else "report"
            if key not in tasks:
                tasks[key] = bar.add_task(t(STEPS[step]) if step in STEPS else step,
                                          total=total)
            bar.update(tasks[key], completed=done, total=total,
                       description=t(STEPS[step]) if step in STEPS else step)

        run = build_report(
            store, viewer, cycle, formats=chosen, kind=kind, lang=lang, template=template,
            classification=classification,
            uncertainty=UncertaintyOptions(samples=samples, seed=seed) if uncertainty else None,
            report_date=day, cut=cut, progress=progress)
    for name, content in run.files.items():
        path = folder / name  # a report of the same cycle, kind and language is replaced
        write_file(path, content, "--out")
        sys.stdout.write(f"{path}\n")  # plain lines, never wrapped: scripts read them


@report_app.command("template")
def report_template(
    output: Annotated[Path, typer.Option("--out", "-o", help="New folder for the copy.")],
    lang: LangOption = Lang.en,
) -> None:
    """Copy the default house style (style.yaml, logo, HTML template, CSS, script) to edit."""
    from weerbaar.services.reports import copy_house_style

    for path in copy_house_style(operator(), output):
        sys.stdout.write(f"{path}\n")
    err.print(words(lang)("use it with: weerbaar report CYCLE --template {path}", path=output),
              highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


__all__ = ["register"]
