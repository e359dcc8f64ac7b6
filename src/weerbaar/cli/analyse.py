"""``weerbaar analyse``: uncertainty, sensitivity and rank robustness of a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
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
    progress_bar,
    write_charts,
)
from weerbaar.cli.words import plain, show, words, yes_if

if TYPE_CHECKING:
    from weerbaar.domain import Language
    from weerbaar.i18n import Texts
    from weerbaar.services.analysis import AnalysisRun
    from weerbaar.services.caveats import RunCaveats

PHASES = {"analysis": "uncertainty", "weights": "random weights", "sobol": "Sobol indices"}
"""The progress bar's phases: English message ids of the catalogues."""


def analyse(
    workspace: Annotated[str, typer.Argument(
        help="Workspace YAML file, example:NAME (shipped example) or cycle:KEY (database).")],
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.")] = 0,
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Run on Dask: 'local' (a local cluster) or a scheduler address "
        "(tcp://host:8786). Needs weerbaar[dask].")] = None,
    distribution: Annotated[str | None, typer.Option(
        "--distribution", help="Score distribution: triangular or pert (default: the profile's)."
    )] = None,
    serious: Annotated[str | None, typer.Option(
        "--serious", help="Impact class counted as serious, e.g. C (default: the profile's).")
    ] = None,
    profile_weights: Annotated[str | None, typer.Option(
        "--profile-weights", help="Preference profile (named weights) to aggregate with.")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", help="Aggregation method: weighted_sum or max_class.")] = None,
    denominator: Annotated[str | None, typer.Option(
        "--denominator", help="X rule for the weighted sum: all or applicable.")] = None,
    no_experts: Annotated[bool, typer.Option(
        "--no-experts", help="Use the agreed scores only, not the individual experts'.")] = False,
    as_json: JsonOption = False,
    matrix: Annotated[bool, typer.Option(
        "--matrix", help="Include the 'A outranks B' probability matrix.")] = False,
    diagram: Annotated[list[Path] | None, typer.Option(
        "--diagram", help="Risk diagram with uncertainty boxes: FILE.svg or .png (repeatable).")
    ] = None,
    rank_chart: Annotated[list[Path] | None, typer.Option(
        "--rank-chart", help="Rank-robustness chart: FILE.svg or .png (repeatable).")] = None,
    chunk_size: Annotated[int, typer.Option(
        "--chunk-size", help="Samples per chunk (bounds memory; does not change results).")
    ] = 16_384,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity", help="Also: preference profiles side by side, random weights, Sobol.")
    ] = False,
    concentration: Annotated[float, typer.Option(
        "--concentration", help="Dirichlet concentration of the random weights.")] = 100.0,
    sobol_samples: Annotated[int, typer.Option(
        "--sobol-samples", help="Rows of each Sobol sample matrix.")] = 4096,
    lang: LangOption = Lang.en,
    db: DbOption = None,
) -> None:
    """How sure is each scenario's position and rank, and what drives it."""
    from weerbaar.services.analysis import run_analysis

    t = words(lang)
    diagrams = chart_files(diagram, "--diagram")
    rank_charts = chart_files(rank_chart, "--rank-chart")
    store = open_db(db) if needs_database(workspace) else None
    with progress_bar(TextColumn("{task.description}"), BarColumn(),
                      MofNCompleteColumn()) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(t(PHASES[phase]) if phase in PHASES else phase,
                                            total=total)
            bar.update(tasks[phase], completed=done, total=total)

        run = run_analysis(
            store, operator(), workspace, samples=samples, seed=seed, dask=dask,
            distribution=distribution, serious=serious, preference=profile_weights,
            method=method, denominator=denominator, experts=not no_experts,
            chunk_size=chunk_size, diagrams=list(dict.fromkeys(diagrams.values())),
            rank_charts=list(dict.fromkeys(rank_charts.values())), sensitivity=sensitivity,
            concentration=concentration, sobol_samples=sobol_samples, lang=lang.value,
            progress=progress)
    written = (write_charts(diagrams, run.diagrams, "--diagram")
               + write_charts(rank_charts, run.rank_charts, "--rank-chart"))
    if as_json:
        _print_json(run, matrix, lang.language)
        return
    _print_table(run, matrix, lang.language)
    for path in written:
        out.print(t("written: {path}", path=plain(path)), highlight=False)


def _print_json(run: AnalysisRun, matrix: bool, lang: Language) -> None:
    """``{"illustrative", "caveats", "settings", "weak_values", "results"}`` (and the
    outranking matrix and the sensitivity analyses when asked)."""
    from weerbaar.services.caveats import analysis_caveats

    r = run.result
    keep = ("method", "preference", "denominator", "distribution", "samples", "seed", "engine")
    settings = r.settings()
    rows = []
    for s in r.scenarios:
        row = s.to_dict()
        row.update({"profile": r.profile_id, "profile_hash": r.profile_hash,
                    "serious": r.serious_class, **{k: settings[k] for k in keep}})
        rows.append(row)
    payload: dict[str, Any] = {
        **analysis_caveats(run, lang).fields(), "settings": settings,
        "weak_values": [c.model_dump(mode="json") for c in r.caveats], "results": rows}
    if matrix or run.preferences is not None:
        if matrix:
            payload["outranking"] = r.to_dict(matrix=True)["outranking"]
        if run.preferences is not None:
            payload["sensitivity"] = {
                "preferences": run.preferences.to_dict(),
                "random_weights": run.weights.to_dict() if run.weights else None,
                "sobol": run.sobol.to_dict() if run.sobol else None,
            }
    print_json(payload)


def _fmt(values: tuple[tuple[float, float], ...] | None) -> str:
    """``p50 [low–high]`` when the median is among the percentiles, else all of them."""
    if values is None:
        return "—"
    by = dict(values)
    if 50.0 in by and len(values) >= 3:
        return f"{by[50.0]:.2f} {values[0][1]:.1f}–{values[-1][1]:.1f}"
    return " / ".join(f"{v:.2f}" for _, v in values)


def _header(percentiles: tuple[float, ...]) -> str:
    if 50.0 in percentiles and len(percentiles) >= 3:
        return f"p50 p{percentiles[0]:g}–{percentiles[-1]:g}"
    return "/".join(f"p{p:g}" for p in percentiles)


def _print_table(run: AnalysisRun, matrix: bool, lang: Language) -> None:
    from weerbaar.services.caveats import analysis_caveats

    r = run.result
    t = words(lang)
    pct = _header(r.percentiles)
    title = t("{title} — {method}, {preference}, {distribution}, {samples} samples, seed {seed}",
              title=plain(run.workspace.title or t("Uncertainty")), method=r.method,
              preference=r.preference, distribution=r.distribution, samples=f"{r.samples:,}",
              seed=r.seed)
    table = Table(title=title, title_justify="left")
    table.add_column(t("scenario"), no_wrap=True, max_width=18, overflow="ellipsis")
    table.add_column(f"{t('impact')}\n{pct}", no_wrap=True, min_width=12)
    table.add_column(f"{t('likelihood')}\n{pct}", no_wrap=True, min_width=12)
    table.add_column(f"P≥{r.serious_class}", justify="right", no_wrap=True, min_width=4)
    table.add_column(plain(t("rank\n[90 %]")), justify="right", no_wrap=True, min_width=9)
    table.add_column(t("dis"), no_wrap=True, min_width=3)
    ordered = sorted(r.scenarios, key=lambda s: (s.rank.median if s.rank else 0,
                                                 s.rank.expected if s.rank else 0, s.id))
    for s in ordered:
        rank = f"{s.rank.median} [{s.rank.low}–{s.rank.high}]" if s.rank else "—"
        table.add_row(plain(s.id), _fmt(s.impact), _fmt(s.likelihood),
                      "—" if s.p_serious is None else f"{s.p_serious:.2f}", plain(rank),
                      yes_if(t, s.disagreement.flagged))
    caveats = analysis_caveats(run, lang)
    show(table, caveats)
    flagged = [s for s in r.scenarios if s.disagreement.flagged]
    if flagged:
        out.print(t("dis: the judgements (agreed and experts') lie a class or more apart: "
                    "{scenarios}", scenarios=", ".join(s.id for s in flagged)),
                  highlight=False, markup=False)
    out.print(t("engine: {engine}; ranks from {samples} samples; P(≥{serious}) and outranking "
                "probabilities exact from the marginal distributions", engine=r.engine,
                samples=f"{r.samples:,}", serious=r.serious_class), highlight=False, markup=False)
    if matrix:
        _print_pairs(run, t, caveats)
    if run.preferences is not None:
        _print_sensitivity(run, t, caveats)


def _print_pairs(run: AnalysisRun, t: Texts, caveats: RunCaveats) -> None:
    r = run.result
    ids = r.ids
    pairs = []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            p = float(r.outranking[i, j])
            pairs.append((abs(p - 0.5), ids[i], ids[j], p))
    pairs.sort()
    table = Table(title=t("Least certain orderings: P(A has the higher impact)"),
                  title_justify="left")
    for col in ("A", "B", "P(A > B)"):
        table.add_column(col)
    for _, a, b, p in pairs[:15]:
        table.add_row(plain(a), plain(b), f"{p:.2f}")
    show(table, caveats)


def _print_sensitivity(run: AnalysisRun, t: Texts, caveats: RunCaveats) -> None:
    prefs, weights, sobol = run.preferences, run.weights, run.sobol
    assert prefs is not None
    table = Table(title=plain(t("Preference profiles: median impact [expected rank]")),
                  title_justify="left")
    table.add_column(t("scenario"), no_wrap=True, max_width=18, overflow="ellipsis")
    for p in prefs.preferences:
        table.add_column(plain(p) + ("*" if p in prefs.provisional else ""), no_wrap=True,
                         min_width=11)
    for s in run.result.scenarios:
        cells = []
        for p in prefs.preferences:
            row = prefs.row(p, s.id)
            median = "—" if row.impact is None else f"{row.impact[len(row.impact) // 2][1]:.2f}"
            cells.append(plain(f"{median} [{row.expected_rank:.1f}]"))
        table.add_row(plain(s.id), *cells)
    show(table, caveats)
    if prefs.provisional:
        out.print(t("* provisional preference profile (illustrative weights)"), highlight=False,
                  markup=False)
    if weights is None or sobol is None:
        return
    table = Table(title=t("Random weights (Dirichlet, κ = {kappa}) and what drives the impact "
                          "position", kappa=f"{weights.concentration:g}"), title_justify="left")
    table.add_column(t("scenario"), no_wrap=True, max_width=18, overflow="ellipsis")
    table.add_column(f"{t('impact')}\n{_header(run.result.percentiles)}", no_wrap=True,
                     min_width=12)
    table.add_column(plain(t("rank\n[90 %]")), justify="right", no_wrap=True, min_width=9)
    table.add_column(t("driver\n(total Sobol)"), no_wrap=True, min_width=12)
    for w in weights.scenarios:
        sc = sobol.scenario(w.id)
        driver = sc.driver()
        table.add_row(plain(w.id), _fmt(w.impact),
                      plain(f"{w.rank.median} [{w.rank.low}–{w.rank.high}]"),
                      "—" if driver is None or sc.total is None
                      else plain(f"{driver} ({dict(sc.total)[driver]:.2f})"))
    show(table, caveats)


def register(app: typer.Typer) -> None:
    app.command("analyse")(analyse)


__all__ = ["register"]
