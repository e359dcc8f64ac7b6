"""The ``weerbaar`` command line: parse, call one service, render with Rich.

Errors: every :class:`~weerbaar.errors.WeerbaarError` becomes a one-paragraph message on stderr
and its exit code (2 for invalid input); no traceback reaches the user.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from weerbaar import __version__
from weerbaar.cli_analyse import register_analyse
from weerbaar.cli_cascade import register as register_cascade
from weerbaar.cli_classification import register as register_classification
from weerbaar.cli_cycle import register as register_cycle
from weerbaar.cli_db import DbOption, register
from weerbaar.cli_horizon import register as register_horizon
from weerbaar.cli_report import register as register_report
from weerbaar.cli_web import register as register_web
from weerbaar.domain import Language
from weerbaar.errors import InvalidInput, WeerbaarError
from weerbaar.io import EXAMPLES, example_path, example_text
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.render import describe_profile
from weerbaar.services import AssessmentRun, run_assessment

app = typer.Typer(
    name="weerbaar",
    help="Run a national security strategy cycle: method profiles, scenario scoring, risk diagram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
profiles_app = typer.Typer(help="List and show method profiles.", invoke_without_command=True)
app.add_typer(profiles_app, name="profiles")

out = Console(soft_wrap=False)
err = Console(stderr=True)


class Lang(StrEnum):
    nl = "nl"
    en = "en"


LangOption = Annotated[Lang, typer.Option("--lang", help="Language of class names and labels.")]


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"weerbaar {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(2)


@profiles_app.callback()
def profiles_list(ctx: typer.Context, lang: LangOption = Lang.en) -> None:
    """List the shipped method profiles."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Method profiles")
    for col in ("id", "year", "name", "interests", "criteria", "version", "hash"):
        table.add_column(col)
    for name in profile_names():
        p = get_profile(name)
        table.add_row(p.id, str(p.year), p.name.get(lang.value), str(len(p.interests)),
                      str(len(p.criteria)), p.version, p.content_hash[:12])
    out.print(table)


@profiles_app.command("show")
def profiles_show(name: str, lang: LangOption = Lang.en) -> None:
    """Show one profile: interests, criteria, scales and the provenance of every number."""
    describe_profile(get_profile(name), lang.value, out)


@app.command("example")
def example(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(EXAMPLES)}")] = "midterm-2021",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Write a copy here.")] = None,
) -> None:
    """Show where a shipped example workspace is, or copy it to edit it."""
    if output is None:
        out.print(f"example:{name}  ({example_path(name)})")
        return
    text = example_text(name)
    if output.exists():
        raise InvalidInput(f"{output} exists; not overwriting it", location=["--out"],
                           expected="a new file name")
    output.write_text(text, encoding="utf-8")
    out.print(f"wrote {output}")


@app.command("assess")
def assess_cmd(
    workspace: Annotated[str, typer.Argument(
        help="Workspace YAML file, example:NAME (shipped example) or cycle:KEY (database).")],
    diagram: Annotated[list[Path] | None, typer.Option(
        "--diagram", help="Write the risk diagram to FILE.svg or FILE.png (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    profile_weights: Annotated[str | None, typer.Option(
        "--profile-weights", help="Preference profile (named weights) to aggregate with.")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", help="Aggregation method: weighted_sum or max_class.")] = None,
    denominator: Annotated[str | None, typer.Option(
        "--denominator", help="X rule for the weighted sum: all or applicable.")] = None,
    compare_with: Annotated[str | None, typer.Option(
        "--compare-with", help="Earlier workspace drawn grey in the diagram's background.")] = None,
    compare_methods: Annotated[bool, typer.Option(
        "--compare-methods", help="Report where aggregation methods rank differently.")] = False,
    iso_risk: Annotated[bool, typer.Option("--iso-risk", help="Draw iso-risk lines.")] = False,
    residual: Annotated[bool, typer.Option(
        "--residual", help="Also the residual positions after planned and running measures.")
    ] = False,
    lang: LangOption = Lang.en,
    db: DbOption = None,
) -> None:
    """Aggregate every scenario's impact and likelihood; print the table, draw the diagram."""
    run = run_assessment(
        workspace, method=method, preference=profile_weights, denominator=denominator,
        diagrams=diagram or (), compare_with=compare_with, compare_methods_=compare_methods,
        lang=lang.value, iso_risk=iso_risk, db=db, residual=residual,
    )
    if as_json:
        _print_json(run, compare_methods)
        return
    _print_table(run, lang.value)


def _print_json(run: AssessmentRun, with_comparison: bool) -> None:
    a = run.assessment
    rows = []
    residual = {r.id: r for r in run.residual.results} if run.residual is not None else {}
    for r in a.results:
        row = r.to_dict()
        row.update({"profile": a.profile_id, "profile_hash": a.profile_hash, "method": a.method,
                    "preference": a.preference, "denominator": a.denominator})
        if r.id in residual:
            res = residual[r.id].to_dict()
            row["residual"] = {k: res[k] for k in ("impact_position", "impact_class",
                                                   "likelihood_position", "likelihood_class")}
        rows.append(row)
    payload: object = rows
    if with_comparison and run.comparison is not None:
        payload = {"results": rows, "method_comparison": run.comparison.to_dict()}
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def _print_table(run: AssessmentRun, lang: Language) -> None:
    a, ws, profile = run.assessment, run.workspace, run.profile
    impact, like = profile.impact, profile.likelihood_scale
    title = f"{ws.title or 'Assessment'} — {profile.name.get(lang)} ({a.method}, {a.preference})"
    table = Table(title=title, title_justify="left")
    table.add_column("scenario", no_wrap=True)
    table.add_column("theme", min_width=10, max_width=18, overflow="ellipsis", no_wrap=True)
    table.add_column("impact", justify="left", no_wrap=True, min_width=8)
    table.add_column("likelihood", justify="left", no_wrap=True, min_width=10)
    table.add_column("prov.", no_wrap=True, min_width=5)
    ordered = sorted(a.results, key=lambda r: -(r.impact_position.ev if r.impact_position else -9))
    theme_ids = {t.id for t in ws.themes}
    for r in ordered:
        theme = ws.theme(r.theme).name.get(lang) if r.theme in theme_ids else r.theme
        icls = r.impact_class or ("<" + impact.codes[0] if r.impact_position else "")
        ipos = f"{r.impact_position.ev:5.2f} {icls}" if r.impact_position else "—"
        lpos = (f"{r.likelihood_position.ev:3.1f} {r.likelihood_code}"
                if r.likelihood_position else "—")
        table.add_row(r.id, theme, ipos, lpos, "yes" if r.provisional else "")
    out.print(table)
    out.print("impact classes: " + ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in impact.levels),
              highlight=False)
    out.print("likelihood classes: " + ", ".join(f"{lv.code} {lv.name.get(lang)}" for lv in like.levels),
              highlight=False)
    by_reason: dict[str, list[str]] = {}
    for r in ordered:
        for w in r.weak_values:
            by_reason.setdefault(f"{w.what} ({w.status.value})", []).append(r.id)
    for reason, ids in by_reason.items():
        out.print(f"prov.: rests on {reason}: {', '.join(ids)}", highlight=False)
    if run.residual is not None:
        _print_residual(run)
    if ws.illustrative:
        out.print("[bold]Illustrative scores[/bold]: not an official assessment.")
    for c in a.caveats:
        out.print(f"[yellow]All results rest on an {c.status.value} value[/yellow]: {c.what}"
                  if c.status.value[0] in "aeiou" else
                  f"[yellow]All results rest on a {c.status.value} value[/yellow]: {c.what}"
                  + (f" — {c.note}" if c.note else ""))
    if run.comparison is not None:
        _print_comparison(run)
    for path in run.diagrams:
        out.print(f"Risk diagram written to {path}")


def _print_residual(run: AssessmentRun) -> None:
    assert run.residual is not None
    now = {r.id: r for r in run.assessment.results}
    moved = []
    for r in run.residual.results:
        c = now[r.id]
        if (r.impact_position, r.likelihood_position) != (c.impact_position,
                                                          c.likelihood_position):
            moved.append(f"{r.id}: impact {_pos(c.impact_position)} → {_pos(r.impact_position)}, "
                         f"likelihood {_pos(c.likelihood_position)} → "
                         f"{_pos(r.likelihood_position)}")
    out.print(f"residual after planned and running measures: {len(moved)} scenario(s) move")
    for line in moved:
        out.print(f"  {line}", highlight=False)


def _pos(rng: object) -> str:
    ev = getattr(rng, "ev", None)
    return "—" if ev is None else f"{ev:.2f}"


def _print_comparison(run: AssessmentRun) -> None:
    cmp = run.comparison
    assert cmp is not None
    table = Table(title="Where aggregation methods rank scenarios differently", title_justify="left")
    table.add_column("scenario")
    for m in cmp.methods:
        table.add_column(f"rank {m}", justify="right")
    for shift in cmp.shifts[:15]:
        table.add_row(shift.scenario, *(f"{shift.ranks[m]:g}" for m in cmp.methods))
    out.print(table)
    for (a, b), tau in cmp.tau.items():
        out.print(f"Kendall τ_b {a} vs {b}: {tau:.2f}; "
                  f"{len(cmp.reversed_pairs[(a, b)])} scenario pairs in reversed order")


register(app)
register_cycle(app)
register_cascade(app)
register_report(app)
register_web(app)
register_analyse(app)
register_horizon(app)
register_classification(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="weerbaar", standalone_mode=False)
    except WeerbaarError as exc:
        err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False,
                  markup=True)
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"error: {exc}")
        return int(getattr(exc, "exit_code", 2))
    # without standalone mode, an Exit raised inside a command comes back as its exit code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
