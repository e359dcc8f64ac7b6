"""``weerbaar assess``: every scenario's impact and likelihood, the table and the risk diagram."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import (
    DbOption,
    JsonOption,
    Lang,
    LangOption,
    chart_files,
    needs_database,
    open_db,
    operator,
    out,
    print_json,
    write_charts,
)
from weerbaar.cli.words import plain, show, words, yes_if
from weerbaar.domain import Language

if TYPE_CHECKING:
    from weerbaar.services.assessment import AssessmentRun
    from weerbaar.services.caveats import RunCaveats


def assess(
    workspace: Annotated[str, typer.Argument(
        help="Workspace YAML file, example:NAME (shipped example) or cycle:KEY (database).")],
    diagram: Annotated[list[Path] | None, typer.Option(
        "--diagram", help="Write the risk diagram to FILE.svg or FILE.png (repeatable).")] = None,
    as_json: JsonOption = False,
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
    from weerbaar.services.assessment import run_assessment

    files = chart_files(diagram, "--diagram")
    store = open_db(db) if needs_database(workspace, compare_with) else None
    run = run_assessment(
        store, operator(), workspace, method=method, preference=profile_weights,
        denominator=denominator, diagrams=list(dict.fromkeys(files.values())),
        compare_with=compare_with, compare_methods_=compare_methods, lang=lang.value,
        iso_risk=iso_risk, residual=residual)
    written = write_charts(files, run.diagrams, "--diagram")
    if as_json:
        _print_json(run, compare_methods, lang.language)
        return
    _print_table(run, lang.language)
    for path in written:
        out.print(words(lang)("Risk diagram written to {path}", path=plain(path)),
                  highlight=False)


def _print_json(run: AssessmentRun, with_comparison: bool, lang: Language) -> None:
    """The results with the run's caveats: ``{"illustrative", "caveats", "results"}`` (and
    ``method_comparison`` with --compare-methods)."""
    from weerbaar.services.caveats import assessment_run_caveats

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
    payload: dict[str, object] = {**assessment_run_caveats(run, lang).fields(), "results": rows}
    if with_comparison and run.comparison is not None:
        payload["method_comparison"] = run.comparison.to_dict()
    print_json(payload)


def _print_table(run: AssessmentRun, lang: Language) -> None:
    from weerbaar.services.caveats import assessment_run_caveats, status_name, value_name

    a, ws, profile = run.assessment, run.workspace, run.profile
    t = words(lang)
    impact, like = profile.impact, profile.likelihood_scale
    title = (f"{plain(ws.title or t('Assessment'))} — {plain(profile.name.get(lang))} "
             f"({a.method}, {a.preference})")
    table = Table(title=title, title_justify="left")
    table.add_column(t("scenario"), no_wrap=True)
    table.add_column(t("theme"), min_width=10, max_width=18, overflow="ellipsis", no_wrap=True)
    table.add_column(t("impact"), justify="left", no_wrap=True, min_width=8)
    table.add_column(t("likelihood"), justify="left", no_wrap=True, min_width=10)
    table.add_column(t("prov."), no_wrap=True, min_width=5)
    ordered = sorted(a.results, key=lambda r: -(r.impact_position.ev if r.impact_position else -9))
    theme_ids = {th.id for th in ws.themes}
    for r in ordered:
        theme = ws.theme(r.theme).name.get(lang) if r.theme in theme_ids else r.theme
        icls = r.impact_class or ("<" + impact.codes[0] if r.impact_position else "")
        ipos = f"{r.impact_position.ev:5.2f} {icls}" if r.impact_position else "—"
        lpos = (f"{r.likelihood_position.ev:3.1f} {r.likelihood_code}"
                if r.likelihood_position else "—")
        table.add_row(plain(r.id), plain(theme), ipos, lpos, yes_if(t, r.provisional))
    show(table, assessment_run_caveats(run, lang))
    out.print(t("impact classes: {classes}", classes=", ".join(
        f"{lv.code} {lv.name.get(lang)}" for lv in impact.levels)), highlight=False, markup=False)
    out.print(t("likelihood classes: {classes}", classes=", ".join(
        f"{lv.code} {lv.name.get(lang)}" for lv in like.levels)), highlight=False, markup=False)
    by_reason: dict[str, list[str]] = {}
    for r in ordered:
        for w in r.weak_values:
            by_reason.setdefault(f"{value_name(w.what, t)} ({status_name(w.status, t)})",
                                 []).append(r.id)
    for reason, ids in by_reason.items():
        out.print(t("prov.: rests on {value}: {scenarios}", value=reason,
                    scenarios=", ".join(ids)), highlight=False, markup=False)
    for r in a.results:  # criteria not scored (a carried cycle's new criteria, for one)
        if r.unscored:
            out.print(t("Scenario {scenario}: incomplete: {criteria} not scored", scenario=r.id,
                        criteria=", ".join(r.unscored)), highlight=False, markup=False)
    if run.residual is not None:
        _print_residual(run, lang)
    for c in a.caveats:  # the notes of the values every result rests on
        if c.note:
            out.print(f"{value_name(c.what, t)}: {c.note}", highlight=False, markup=False)
    if run.comparison is not None:
        _print_comparison(run, lang)


def _print_residual(run: AssessmentRun, lang: Language) -> None:
    assert run.residual is not None
    t = words(lang)
    now = {r.id: r for r in run.assessment.results}
    moved = []
    for r in run.residual.results:
        c = now[r.id]
        if (r.impact_position, r.likelihood_position) != (c.impact_position,
                                                          c.likelihood_position):
            moved.append(t("{scenario}: impact {before} → {after}, likelihood {lbefore} → "
                           "{lafter}", scenario=r.id, before=_pos(c.impact_position),
                           after=_pos(r.impact_position), lbefore=_pos(c.likelihood_position),
                           lafter=_pos(r.likelihood_position)))
    out.print(t("residual after planned and running measures: {count} scenario(s) move",
                count=len(moved)), highlight=False)
    for line in moved:
        out.print(f"  {line}", highlight=False, markup=False)


def _pos(rng: object) -> str:
    ev = getattr(rng, "ev", None)
    return "—" if ev is None else f"{ev:.2f}"


def _print_comparison(run: AssessmentRun, lang: Language) -> None:
    cmp = run.comparison
    assert cmp is not None
    t = words(lang)
    table = Table(title=t("Where aggregation methods rank scenarios differently"),
                  title_justify="left")
    table.add_column(t("scenario"))
    for m in cmp.methods:
        table.add_column(t("rank {method}", method=m), justify="right")
    for shift in cmp.shifts[:15]:
        table.add_row(plain(shift.scenario), *(f"{shift.ranks[m]:g}" for m in cmp.methods))
    show(table, _caveats(run, lang))
    for (a, b), tau in cmp.tau.items():
        out.print(t("Kendall τ_b {a} vs {b}: {tau}; {pairs} scenario pairs in reversed order",
                    a=a, b=b, tau=f"{tau:.2f}", pairs=len(cmp.reversed_pairs[(a, b)])),
                  highlight=False)


def _caveats(run: AssessmentRun, lang: Language) -> RunCaveats:
    from weerbaar.services.caveats import assessment_run_caveats

    return assessment_run_caveats(run, lang)


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)


__all__ = ["register"]
