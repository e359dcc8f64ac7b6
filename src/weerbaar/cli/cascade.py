"""``weerbaar cascade …`` (cascade models) and ``weerbaar vital …`` (the catalogue).

Without ``--cycle`` the catalogue is the packaged Dutch list with the ILLUSTRATIVE dependencies
and no database is opened; ``--cycle KEY`` reads the cycle's catalogue from ``--db``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
from rich.table import Table

from weerbaar.cli.options import (
    ActorOption,
    DbOption,
    JsonOption,
    Lang,
    LangOption,
    ReasonOption,
    chart_files,
    open_db,
    operator,
    out,
    print_json,
    progress_bar,
    write_charts,
)
from weerbaar.cli.words import plain, words, yes_if
from weerbaar.errors import InvalidInput

if TYPE_CHECKING:
    from weerbaar.i18n import Texts
    from weerbaar.services.cascade import LoadedGraph, Source
    from weerbaar.services.database import Store

cascade_app = typer.Typer(
    help="Cascades through vital processes: time to impact, time-stepped runs, IIM, criticality, "
    "Monte Carlo and impact suggestions.", no_args_is_help=True)
vital_app = typer.Typer(help="The catalogue of vital processes, assets and dependencies.",
                        no_args_is_help=True)

Buffer = Literal["low", "mid", "high"]

OutageOption = Annotated[list[str], typer.Option(
    "--outage", help="Initially failed process id(s): 1,6 or repeat the option.")]
HoursOption = Annotated[float, typer.Option("--hours", help="Horizon in hours.")]
StepOption = Annotated[float, typer.Option("--step", help="Time step in hours.")]
RuleOption = Annotated[str, typer.Option(
    "--rule", help="How effects on one process combine: noisy-or, capped-sum or max.")]
BufferOption = Annotated[str, typer.Option(
    "--buffer", help="Buffer time used: low (earliest impact), mid or high.")]
CycleOption = Annotated[str | None, typer.Option(
    "--cycle", help="Use this cycle's catalogue (database); default: the packaged Dutch list "
    "with the ILLUSTRATIVE dependencies.")]
CatalogueOption = Annotated[list[Path] | None, typer.Option(
    "--catalogue", help="User file (CSV/YAML) adding or patching processes and dependencies "
    "(repeatable).")]
ConditionOption = Annotated[list[str] | None, typer.Option(
    "--condition", help="Run condition key=value (e.g. season=winter); repeatable.")]


def _buffer(value: str) -> Buffer:
    """The buffer choice as given; the use case refuses one it does not know."""
    return cast(Buffer, value)


def _source(cycle: str | None, db: str | None, catalogue: list[Path] | None,
            condition: list[str] | None) -> tuple[Store | None, Source]:
    """The database (only when a cycle's catalogue is used) and where the catalogue comes from."""
    from weerbaar.services.cascade import Source, parse_conditions

    source = Source(cycle=cycle, files=tuple(catalogue or ()),
                    conditions=parse_conditions(condition or []))
    return (open_db(db) if cycle is not None else None), source


def _outages(values: list[str]) -> list[str]:
    from weerbaar.services.cascade import split_ids

    return split_ids(values)


def _json(payload: Any, illustrative: bool | None = None, lang: Lang = Lang.en) -> None:
    """The answer as JSON; with ``illustrative``, with the run's ``illustrative`` and
    ``caveats`` (the illustrative dependency set)."""
    if illustrative is not None:
        from weerbaar.services.caveats import cascade_caveats

        payload = {**payload, **cascade_caveats(illustrative, lang.value).fields()}
    print_json(payload, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    raise TypeError(f"not JSON: {type(value).__name__}")


def _illustrative(loaded: LoadedGraph, t: Texts) -> None:
    if loaded.graph.illustrative:
        _label(t)


def _label(t: Texts) -> None:
    from weerbaar.services.cascade import ILLUSTRATIVE_LABEL

    out.print(f"[bold red]{plain(t(ILLUSTRATIVE_LABEL))}[/bold red]", highlight=False)


def _name_column(table: Table, t: Texts) -> None:
    table.add_column(t("process"), no_wrap=True, overflow="ellipsis", min_width=10,
                     max_width=26)


def _id_key(pid: str) -> tuple[int, int | str]:
    return (0, int(pid)) if pid.isdigit() else (1, pid)


def _hours(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:g}"


@cascade_app.command("run")
def cascade_run(
    outage: OutageOption,
    hours: HoursOption = 72.0, step: StepOption = 1.0, rule: RuleOption = "noisy-or",
    buffer: BufferOption = "low",
    restore: Annotated[float | None, typer.Option(
        "--restore", help="The outages end after this many hours (default: they last).")] = None,
    min_strength: Annotated[float, typer.Option(
        "--min-strength", help="Time to impact counts dependencies of at least this strength."
    )] = 0.0,
    chart: Annotated[list[Path] | None, typer.Option(
        "--chart", help="Timeline chart: FILE.svg or FILE.png (repeatable).")] = None,
    graph: Annotated[list[Path] | None, typer.Option(
        "--graph", help="Graph picture: FILE.svg or FILE.png (repeatable).")] = None,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, lang: LangOption = Lang.en, db: DbOption = None,
) -> None:
    """Time to impact and a time-stepped run of an outage: the timeline of affected processes."""
    from weerbaar.services.cascade import run_cascade

    charts = chart_files(chart, "--chart")
    graphs = chart_files(graph, "--graph")
    store, source = _source(cycle, db, catalogue, condition)
    run = run_cascade(store, operator(), _outages(outage), source=source, hours=hours,
                      step=step, rule=rule, buffer=_buffer(buffer), restore_after=restore,
                      min_strength=min_strength, charts=list(dict.fromkeys(charts.values())),
                      graphs=list(dict.fromkeys(graphs.values())), lang=lang.value)
    written = (write_charts(charts, run.timeline_chart, "--chart")
               + write_charts(graphs, run.graph_chart, "--graph"))
    if as_json:
        _json(run.to_dict(), run.graph.illustrative, lang)
        return
    t = words(lang)
    g, tl, times = run.graph, run.timeline, run.times
    language = lang.language
    outages = ", ".join(g.ids[i] for i in run.outages)
    table = Table(title=plain(t("Cascade after the outage of {outages} — {hours} h, {rule}, "
                                "buffers {buffer} ({run})", outages=outages,
                                hours=f"{hours:g}", rule=tl.settings["rule"],
                                buffer=t(buffer), run=run.run_id)), title_justify="left")
    table.add_column(t("process"), no_wrap=True, overflow="ellipsis", min_width=12,
                     max_width=40)
    for col in ("cat.", "impact (h)", "affected (h)", "peak", "lost h", "via"):
        table.add_column(t(col), justify="left" if col in ("cat.", "via") else "right",
                         no_wrap=True, min_width=len(t(col)))
    shown = sorted(set(tl.affected.tolist()) | set(times.reached.tolist()),
                   key=lambda j: (min(times.hours[j], tl.first[j]), _id_key(g.ids[j])))
    for j in shown:
        p = g.process(j)
        via = g.ids[times.via[j]] if times.via[j] >= 0 else ""
        table.add_row(plain(f"{g.ids[j]} {g.name(j, language)}"),
                      p.category.value if p is not None and p.category is not None else "",
                      _hours(float(times.hours[j])), _hours(float(tl.first[j])),
                      f"{tl.peak[j]:.2f}", f"{tl.inoperability_hours[j]:.1f}", plain(via))
    out.print(table)
    out.print(t("{count} of {total} processes affected within {hours} h. impact = earliest time "
                "to impact (hard dependencies); affected / peak / lost h = time-stepped run "
                "(first step affected, highest inoperability, hours of lost function).",
                count=len(shown), total=g.n, hours=f"{hours:g}"), highlight=False, markup=False)
    _illustrative(run.loaded, t)
    for path in written:
        out.print(t("written: {path}", path=path), highlight=False, markup=False)


def _weights(items: list[str] | None) -> dict[str, float] | None:
    """``--weight A=3`` (repeatable) over the defaults A=3, B=1, none=1."""
    if not items:
        return None
    weights = {"A": 3.0, "B": 1.0, "": 1.0}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError(item)
            weights["" if key.strip().lower() == "none" else key.strip().upper()] = float(value)
        except ValueError:
            raise InvalidInput(f"weight {item!r} is not CATEGORY=NUMBER", location=["--weight"],
                               expected="e.g. A=3") from None
    return weights


@cascade_app.command("critical")
def cascade_critical(
    hours: HoursOption = 72.0, step: StepOption = 1.0, rule: RuleOption = "noisy-or",
    buffer: BufferOption = "low",
    by: Annotated[str, typer.Option(
        "--by", help="Rank by weighted (category-weighted lost hours), people or processes.")
    ] = "weighted",
    weight: Annotated[list[str] | None, typer.Option(
        "--weight", help="Category weight, e.g. A=3 (default A=3, B=1).")] = None,
    top: Annotated[int | None, typer.Option("--top", help="Show the first N.")] = None,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, lang: LangOption = Lang.en, db: DbOption = None,
) -> None:
    """Which single outage affects most (each process out alone for the whole horizon)."""
    from weerbaar.services.cascade import rank_critical

    weights = _weights(weight)
    store, source = _source(cycle, db, catalogue, condition)
    loaded, ranking = rank_critical(store, operator(), source=source, hours=hours, step=step,
                                    rule=rule, buffer=_buffer(buffer),
                                    by=cast(Literal["weighted", "people", "processes"], by),
                                    category_weights=weights, top=top)
    if as_json:
        _json(ranking.to_dict(), loaded.graph.illustrative, lang)
        return
    t = words(lang)
    table = Table(title=t("Criticality of single outages — {hours} h, ranked by {by}",
                          hours=f"{hours:g}", by=t(by)), title_justify="left")
    table.add_column("#", justify="right", min_width=2)
    _name_column(table, t)
    for col in ("cat.", "procs", "weighted h", "people-h"):
        table.add_column(t(col), justify="left" if col == "cat." else "right", no_wrap=True,
                         min_width=len(t(col)))
    for r in ranking.rows:
        name = loaded.graph.name(loaded.graph.index_of(r.id), lang.language)
        table.add_row(str(r.rank), plain(f"{r.id} {name}"), plain(r.category or ""),
                      str(r.processes), f"{r.weighted_hours:.1f}",
                      f"{r.people_hours:,.0f}" if ranking.population_known else t("unknown"))
    out.print(table)
    weights_text = ", ".join(f"{k or t('none')}={v:g}"
                             for k, v in ranking.category_weights.items())
    out.print(t("category weights (a setting): {weights}; population served known for {known} of "
                "{total} processes", weights=weights_text, known=ranking.population_known,
                total=loaded.graph.n), highlight=False, markup=False)
    _illustrative(loaded, t)


@cascade_app.command("iim")
def cascade_iim(
    outage: OutageOption,
    scale: Annotated[float, typer.Option("--scale", help="Coupling: a*_ji = scale·strength/5.")
                     ] = 1.0,
    k: Annotated[float, typer.Option("--k", help="Resilience coefficient of the dynamic model, "
                                     "in (0, 1].")] = 0.5,
    steps: Annotated[int, typer.Option("--steps", help="Steps of the dynamic model.")] = 200,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, lang: LangOption = Lang.en, db: DbOption = None,
) -> None:
    """The inoperability input–output model: static q = (I − A*)⁻¹c* and its dynamic path."""
    from weerbaar.services.cascade import run_iim

    store, source = _source(cycle, db, catalogue, condition)
    loaded, result = run_iim(store, operator(), _outages(outage), source=source, scale=scale,
                             resilience=k, steps=steps)
    payload = result.to_dict()
    payload["illustrative"] = loaded.graph.illustrative
    if as_json:
        _json(payload, loaded.graph.illustrative, lang)
        return
    t = words(lang)
    table = Table(title=t("Inoperability (IIM) — spectral radius {radius}, dynamic converged at "
                          "step {step}", radius=f"{result.spectral_radius:.4g}",
                          step=result.converged_at or "—"), title_justify="left")
    _name_column(table, t)
    for col in (t("q static"), t("q dynamic (step {steps})", steps=steps)):
        table.add_column(plain(col), justify="right", no_wrap=True, min_width=len(col))
    assert result.trajectory is not None
    g = loaded.graph
    for row in payload["inoperability"]:
        j = g.index_of(row["id"])
        table.add_row(plain(f"{row['id']} {g.name(j, lang.language)}"), f"{row['q']:.4f}",
                      f"{result.trajectory[-1, j]:.4f}")
    out.print(table)
    _illustrative(loaded, t)


@cascade_app.command("ensemble")
def cascade_ensemble(
    outage: OutageOption,
    runs: Annotated[int, typer.Option("--runs", help="Monte Carlo runs.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: same seed, same result.")] = 0,
    distribution: Annotated[str, typer.Option(
        "--distribution", help="Buffer time within its range: uniform or triangular.")
    ] = "uniform",
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Run on Dask: 'local' or a scheduler address. Needs weerbaar[dask].")
    ] = None,
    chunk_size: Annotated[int, typer.Option(
        "--chunk-size", help="Runs per task (does not change results).")] = 200,
    hours: HoursOption = 72.0, step: StepOption = 1.0, rule: RuleOption = "noisy-or",
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, lang: LangOption = Lang.en, db: DbOption = None,
) -> None:
    """Monte Carlo over uncertain buffer times: how sure is each process's time to impact."""
    from weerbaar.services.cascade import run_ensemble

    t = words(lang)
    store, source = _source(cycle, db, catalogue, condition)
    with progress_bar(TextColumn(plain(t("runs"))), BarColumn(), MofNCompleteColumn()) as bar:
        task = bar.add_task(t("runs"), total=None)
        loaded, result = run_ensemble(
            store, operator(), _outages(outage), source=source, runs=runs, seed=seed,
            distribution=cast(Literal["uniform", "triangular"], distribution), hours=hours,
            step=step, rule=rule, dask=dask, chunk_size=chunk_size,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    payload = result.to_dict()
    if as_json:
        _json(payload, loaded.graph.illustrative, lang)
        return
    table = Table(title=t("Monte Carlo: {runs} runs, seed {seed}, buffers {distribution} within "
                          "their ranges — {hours} h", runs=runs, seed=seed,
                          distribution=t(distribution), hours=f"{hours:g}"),
                  title_justify="left")
    _name_column(table, t)
    for col in ("P(hit)", "p5 h", "p50 h", "p95 h", "lost h"):
        table.add_column(t(col), justify="right", no_wrap=True, min_width=len(t(col)))
    g = loaded.graph
    for row in payload["processes"]:
        q = list(row["impact_hours"].values())
        table.add_row(plain(f"{row['id']} {g.name(g.index_of(row['id']), lang.language)}"),
                      f"{row['p_impact']:.2f}",
                      *(("—" if v is None else f"{v:.1f}") for v in q),
                      f"{row['mean_inoperability_hours']:.1f}")
    out.print(table)
    reached = payload["processes_reached"]
    out.print(t("processes reached: p5 {p5}, median {p50}, p95 {p95}", p5=f"{reached['p5']:g}",
                p50=f"{reached['p50']:g}", p95=f"{reached['p95']:g}"), highlight=False,
              markup=False)
    _illustrative(loaded, t)


@cascade_app.command("suggest")
def cascade_suggest(
    outage: OutageOption, hours: HoursOption = 72.0, step: StepOption = 1.0,
    rule: RuleOption = "noisy-or", buffer: BufferOption = "low",
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Method profile (default: the cycle's, else gra-2019).")] = None,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """Suggested impact classes (2.3 lack of basic needs, 5.1 disruption of daily life) with
    their derivation; a class only where the profile's indicator table is known."""
    from weerbaar.services.cascade import suggest

    store, source = _source(cycle, db, catalogue, condition)
    loaded, result = suggest(store, operator(), _outages(outage), source=source,
                             profile=profile, hours=hours, step=step, rule=rule,
                             buffer=_buffer(buffer))
    if as_json:
        _json(result.to_dict(), loaded.graph.illustrative, lang)
        return
    t = words(lang)
    table = Table(title=plain(t("Impact suggestions from {run} ({profile}) — outage {outages}, "
                                "{hours} h", run=result.run_id, profile=result.profile,
                                outages=", ".join(result.outages), hours=f"{hours:g}")),
                  title_justify="left")
    for col in ("criterion", "indicators derived", "suggested class"):
        table.add_column(t(col))
    for s in result.suggestions:
        values = ", ".join(f"{k} {t('unknown') if v is None else f'{v:,.4g}'}"
                           f"{'' if v is None or not s.units.get(k) else ' ' + str(s.units[k])}"
                           for k, v in s.indicators.items())
        table.add_row(plain(f"{s.criterion} {s.name}"), plain(values),
                      plain(s.suggested_class or t("— (analyst)")))
    out.print(table)
    for s in result.suggestions:
        out.print(f"{s.criterion}: {s.note}", highlight=False, markup=False)
        for note in s.derivation["notes"]:
            out.print(f"{s.criterion}: {note}", highlight=False, markup=False)
    for note in result.notes:
        out.print(note, highlight=False, markup=False)
    out.print(t("Accept or override on a scenario: weerbaar cascade accept --cycle KEY "
                "--scenario ID --criterion C [--class X] --outage ..."), highlight=False,
              markup=False)


@cascade_app.command("accept")
def cascade_accept(
    outage: OutageOption,
    cycle: Annotated[str, typer.Option("--cycle", help="The cycle holding the scenario.")],
    scenario: Annotated[str, typer.Option("--scenario", help="Scenario id.")],
    criterion: Annotated[str, typer.Option("--criterion", help="Criterion id, e.g. 5.1.")],
    code: Annotated[str | None, typer.Option(
        "--class", help="The class chosen (default: accept the suggestion, if there is one).")
    ] = None,
    ll: Annotated[str | None, typer.Option("--ll", help="Lower limit class.")] = None,
    ul: Annotated[str | None, typer.Option("--ul", help="Upper limit class.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="The analyst's reasoning.")] = None,
    hours: HoursOption = 72.0, step: StepOption = 1.0, rule: RuleOption = "noisy-or",
    buffer: BufferOption = "low", catalogue: CatalogueOption = None,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Store the analyst's class for a criterion on a scenario, with the cascade derivation."""
    from weerbaar.services.cascade import accept_suggestion

    decision = accept_suggestion(
        open_db(db), operator(actor), cycle, scenario, criterion, _outages(outage), code=code,
        ll=ll, ul=ul, note=note, hours=hours, step=step, rule=rule, buffer=_buffer(buffer),
        files=catalogue or (), reason=reason)
    d = decision.score.derivation or {}
    t = words(lang)
    out.print(t("{scenario} / {criterion}: {decision} class {code} (suggested: {suggested}) — "
                "saved as revision {revision}; derivation kept ({run})", scenario=scenario,
                criterion=criterion, decision=t(str(d.get("decision"))), code=d.get("class"),
                suggested=d.get("suggested_class") or t("none"), revision=decision.revision,
                run=d.get("run_id")), highlight=False, markup=False)


@vital_app.command("list")
def vital_list(
    cycle: CycleOption = None, catalogue: CatalogueOption = None,
    dependencies: Annotated[bool, typer.Option(
        "--dependencies", help="List the dependencies instead of the processes.")] = False,
    as_json: JsonOption = False, lang: LangOption = Lang.en, db: DbOption = None,
) -> None:
    """List the catalogue: the cycle's, or the packaged Dutch list with illustrative dependencies."""
    from weerbaar.services.cascade import vital_catalogue

    store = open_db(db) if cycle is not None else None
    loaded = vital_catalogue(store, operator(), cycle=cycle, files=catalogue or ())
    c = loaded.catalogue
    if as_json:
        _json({"catalogue": loaded.description, "illustrative": c.illustrative,
               "processes": [p.model_dump(mode="json") for p in c.processes],
               "dependencies": [d.model_dump(mode="json") for d in c.dependencies]},
              c.illustrative, lang)
        return
    t = words(lang)
    if dependencies:
        table = Table(title=plain(t("Dependencies — {catalogue}", catalogue=loaded.description)),
                      title_justify="left")
        for col in ("from", "to", "str.", "buffer h", "onset", "recov. h", "conditions",
                    "illustr."):
            table.add_column(t(col), no_wrap=True, min_width=len(t(col)))
        table.add_column(t("note"), overflow="ellipsis", no_wrap=True, max_width=30)
        for d in c.dependencies:
            table.add_row(plain(d.supplier), plain(d.dependent), f"{d.strength:g}",
                          f"{d.buffer_hours_low:g}–{d.buffer_hours_high:g}", t(d.onset.value),
                          f"{d.recovery_hours:g}",
                          plain(", ".join(f"{k}={v}" for k, v in d.conditions.items())),
                          yes_if(t, d.illustrative), plain(d.note or ""))
    else:
        table = Table(title=plain(t("Vital processes — {catalogue}",
                                    catalogue=loaded.description)), title_justify="left")
        for col in ("id", "name", "cat.", "sector", "owner", "kind", "serves"):
            table.add_column(t(col))
        for p in c.processes:
            serves = (f"{p.serves.population:,}" if p.serves.population is not None else "")
            if p.serves.description:
                serves = f"{serves} {p.serves.description}".strip()
            table.add_row(plain(p.id), plain(p.name.get(lang.language)),
                          p.category.value if p.category is not None else "",
                          plain(p.sector or ""), plain(p.owner or ""), t(p.kind.value),
                          plain(serves) or t("unknown"))
    out.print(table)
    _illustrative(loaded, t)


@vital_app.command("import")
def vital_import(
    file: Annotated[Path, typer.Argument(help="CSV or YAML file of processes/dependencies.")],
    cycle: Annotated[str, typer.Option("--cycle", help="The draft cycle to import into.")],
    no_dutch_list: Annotated[bool, typer.Option(
        "--no-dutch-list", help="Do not seed an empty cycle with the packaged Dutch list and "
        "illustrative dependencies.")] = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Add or update processes and dependencies of a cycle (validated as a graph first)."""
    from weerbaar.services.cascade import import_vital

    catalogue, report = import_vital(open_db(db), operator(actor), cycle, file,
                                     dutch_list=not no_dutch_list, reason=reason)
    t = words(lang)
    out.print(t("cycle {cycle}: {added} added, {changed} changed, {unchanged} unchanged; now "
                "{processes} processes and {dependencies} dependencies", cycle=cycle,
                added=len(report.added), changed=len(report.changed),
                unchanged=report.unchanged, processes=len(catalogue.processes),
                dependencies=len(catalogue.dependencies)), highlight=False, markup=False)
    if catalogue.illustrative:
        _label(t)


def register(app: typer.Typer) -> None:
    app.add_typer(cascade_app, name="cascade")
    app.add_typer(vital_app, name="vital")


__all__ = ["register"]
