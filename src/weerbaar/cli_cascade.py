"""CLI commands ``weerbaar cascade …`` (cascade models) and ``weerbaar vital …`` (catalogue)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from weerbaar.cli_db import ActorOption, DbOption, ReasonOption, _actor
from weerbaar.domain import Language
from weerbaar.errors import InvalidInput
from weerbaar.services.cascade import (
    ILLUSTRATIVE_LABEL,
    LoadedGraph,
    Source,
    accept_suggestion,
    import_vital,
    parse_conditions,
    rank_critical,
    run_cascade,
    run_ensemble,
    run_iim,
    split_ids,
    suggest,
    vital_catalogue,
)

out = Console(soft_wrap=False)
err = Console(stderr=True)

cascade_app = typer.Typer(
    help="Cascades through vital processes: time to impact, time-stepped runs, IIM, criticality, "
    "Monte Carlo and impact suggestions.", no_args_is_help=True)
vital_app = typer.Typer(help="The catalogue of vital processes, assets and dependencies.",
                        no_args_is_help=True)

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
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON.")]
LangOption = Annotated[str, typer.Option("--lang", help="Language of names and charts: nl or en.")]


def _lang(value: str) -> Language:
    return "nl" if value == "nl" else "en"


def _source(cycle: str | None, db: str | None, catalogue: list[Path] | None,
            condition: list[str] | None) -> Source:
    return Source(cycle=cycle, db=db, files=tuple(catalogue or ()),
                  conditions=parse_conditions(condition or []))


def _json(payload: Any) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    raise TypeError(f"not JSON: {type(value).__name__}")


def _illustrative(loaded: LoadedGraph) -> None:
    if loaded.graph.illustrative:
        out.print(f"[bold red]{ILLUSTRATIVE_LABEL}[/bold red]", highlight=False)


def _name_column(table: Table) -> None:
    table.add_column("process", no_wrap=True, overflow="ellipsis", min_width=10, max_width=26)


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
    condition: ConditionOption = None, lang: LangOption = "en", db: DbOption = None,
) -> None:
    """Time to impact and a time-stepped run of an outage: the timeline of affected processes."""
    run = run_cascade(split_ids(outage), source=_source(cycle, db, catalogue, condition),
                      hours=hours, step=step, rule=rule, buffer=buffer,  # type: ignore[arg-type]
                      restore_after=restore, min_strength=min_strength, charts=chart or (),
                      graphs=graph or (), lang=_lang(lang))
    if as_json:
        _json(run.to_dict())
        return
    g, tl, times = run.graph, run.timeline, run.times
    outages = ", ".join(g.ids[i] for i in run.outages)
    table = Table(title=f"Cascade after the outage of {outages} — {hours:g} h, {tl.settings['rule']}"
                  f", buffers {buffer} ({run.run_id})", title_justify="left")
    table.add_column("process", no_wrap=True, overflow="ellipsis", min_width=12, max_width=40)
    for col in ("cat.", "impact (h)", "affected (h)", "peak", "lost h", "via"):
        table.add_column(col, justify="left" if col in ("cat.", "via") else "right",
                         no_wrap=True, min_width=len(col))
    shown = sorted(set(tl.affected.tolist()) | set(times.reached.tolist()),
                   key=lambda j: (min(times.hours[j], tl.first[j]), _id_key(g.ids[j])))
    for j in shown:
        p = g.process(j)
        via = g.ids[times.via[j]] if times.via[j] >= 0 else ""
        table.add_row(f"{g.ids[j]} {g.name(j, _lang(lang))}",
                      p.category.value if p is not None and p.category is not None else "",
                      _hours(float(times.hours[j])), _hours(float(tl.first[j])),
                      f"{tl.peak[j]:.2f}", f"{tl.inoperability_hours[j]:.1f}", via)
    out.print(table)
    out.print(f"{len(shown)} of {g.n} processes affected within {hours:g} h. impact = earliest "
              "time to impact (hard dependencies); affected / peak / lost h = time-stepped run "
              "(first step affected, highest inoperability, hours of lost function).",
              highlight=False)
    _illustrative(run.loaded)
    for path in run.files:
        out.print(f"written: {path}")


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
    condition: ConditionOption = None, lang: LangOption = "en", db: DbOption = None,
) -> None:
    """Which single outage affects most (each process out alone for the whole horizon)."""
    weights = None
    if weight:
        weights = {"A": 3.0, "B": 1.0, "": 1.0}
        for key, value in parse_conditions(weight):
            try:
                weights["" if key.lower() == "none" else key.upper()] = float(value)
            except ValueError:
                raise InvalidInput(f"weight {value!r} is not a number",
                                   location=["--weight"]) from None
    loaded, ranking = rank_critical(source=_source(cycle, db, catalogue, condition),
                                    hours=hours, step=step, rule=rule,
                                    buffer=buffer, by=by,  # type: ignore[arg-type]
                                    category_weights=weights, top=top)
    if as_json:
        _json(ranking.to_dict())
        return
    table = Table(title=f"Criticality of single outages — {hours:g} h, ranked by {by}",
                  title_justify="left")
    table.add_column("#", justify="right", min_width=2)
    _name_column(table)
    for col in ("cat.", "procs", "weighted h", "people-h"):
        table.add_column(col, justify="left" if col == "cat." else "right", no_wrap=True,
                         min_width=len(col))
    for r in ranking.rows:
        name = loaded.graph.name(loaded.graph.index_of(r.id), _lang(lang))
        table.add_row(str(r.rank), f"{r.id} {name}", r.category or "", str(r.processes),
                      f"{r.weighted_hours:.1f}",
                      f"{r.people_hours:,.0f}" if ranking.population_known else "unknown")
    out.print(table)
    weights_text = ", ".join(f"{k or 'none'}={v:g}" for k, v in ranking.category_weights.items())
    out.print(f"category weights (a setting): {weights_text}; population served known for "
              f"{ranking.population_known} of {loaded.graph.n} processes", highlight=False)
    _illustrative(loaded)


@cascade_app.command("iim")
def cascade_iim(
    outage: OutageOption,
    scale: Annotated[float, typer.Option("--scale", help="Coupling: a*_ji = scale·strength/5.")
                     ] = 1.0,
    k: Annotated[float, typer.Option("--k", help="Resilience coefficient of the dynamic model, "
                                     "in (0, 1].")] = 0.5,
    steps: Annotated[int, typer.Option("--steps", help="Steps of the dynamic model.")] = 200,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, lang: LangOption = "en", db: DbOption = None,
) -> None:
    """The inoperability input–output model: static q = (I − A*)⁻¹c* and its dynamic path."""
    loaded, result = run_iim(split_ids(outage), source=_source(cycle, db, catalogue, condition),
                             scale=scale, resilience=k, steps=steps)
    payload = result.to_dict()
    payload["illustrative"] = loaded.graph.illustrative
    if as_json:
        _json(payload)
        return
    table = Table(title=f"Inoperability (IIM) — spectral radius {result.spectral_radius:.4g}, "
                  f"dynamic converged at step {result.converged_at or '—'}", title_justify="left")
    _name_column(table)
    for col in ("q static", f"q dynamic (step {steps})"):
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    assert result.trajectory is not None
    g = loaded.graph
    for row in payload["inoperability"]:
        j = g.index_of(row["id"])
        table.add_row(f"{row['id']} {g.name(j, _lang(lang))}", f"{row['q']:.4f}",
                      f"{result.trajectory[-1, j]:.4f}")
    out.print(table)
    _illustrative(loaded)


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
    condition: ConditionOption = None, lang: LangOption = "en", db: DbOption = None,
) -> None:
    """Monte Carlo over uncertain buffer times: how sure is each process's time to impact."""
    with Progress(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), console=err,
                  transient=True) as bar:
        task = bar.add_task("runs", total=None)
        loaded, result = run_ensemble(
            split_ids(outage), source=_source(cycle, db, catalogue, condition), runs=runs,
            seed=seed, distribution=distribution,  # type: ignore[arg-type]
            hours=hours, step=step, rule=rule, dask=dask, chunk_size=chunk_size,
            progress=lambda done, total: bar.update(task, completed=done, total=total))
    payload = result.to_dict()
    if as_json:
        _json(payload)
        return
    table = Table(title=f"Monte Carlo: {runs} runs, seed {seed}, buffers {distribution} "
                  f"within their ranges — {hours:g} h", title_justify="left")
    _name_column(table)
    for col in ("P(hit)", "p5 h", "p50 h", "p95 h", "lost h"):
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    g = loaded.graph
    for row in payload["processes"]:
        q = list(row["impact_hours"].values())
        table.add_row(f"{row['id']} {g.name(g.index_of(row['id']), _lang(lang))}",
                      f"{row['p_impact']:.2f}",
                      *(("—" if v is None else f"{v:.1f}") for v in q),
                      f"{row['mean_inoperability_hours']:.1f}")
    out.print(table)
    reached = payload["processes_reached"]
    out.print(f"processes reached: p5 {reached['p5']:g}, median {reached['p50']:g}, "
              f"p95 {reached['p95']:g}", highlight=False)
    _illustrative(loaded)


@cascade_app.command("suggest")
def cascade_suggest(
    outage: OutageOption, hours: HoursOption = 72.0, step: StepOption = 1.0,
    rule: RuleOption = "noisy-or", buffer: BufferOption = "low",
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Method profile (default: the cycle's, else gra-2019).")] = None,
    as_json: JsonOption = False, cycle: CycleOption = None, catalogue: CatalogueOption = None,
    condition: ConditionOption = None, db: DbOption = None,
) -> None:
    """Suggested impact classes (2.3 lack of basic needs, 5.1 disruption of daily life) with
    their derivation; a class only where the profile's indicator table is known."""
    _, result = suggest(split_ids(outage), source=_source(cycle, db, catalogue, condition),
                          profile=profile, hours=hours, step=step, rule=rule,
                          buffer=buffer)  # type: ignore[arg-type]
    if as_json:
        _json(result.to_dict())
        return
    table = Table(title=f"Impact suggestions from {result.run_id} ({result.profile}) — outage "
                  f"{', '.join(result.outages)}, {hours:g} h", title_justify="left")
    for col in ("criterion", "indicators derived", "suggested class"):
        table.add_column(col)
    for s in result.suggestions:
        values = ", ".join(f"{k} {'unknown' if v is None else f'{v:,.4g}'}"
                           f"{'' if v is None or not s.units.get(k) else ' ' + str(s.units[k])}"
                           for k, v in s.indicators.items())
        table.add_row(f"{s.criterion} {s.name}", values, s.suggested_class or "— (analyst)")
    out.print(table)
    for s in result.suggestions:
        out.print(f"{s.criterion}: {s.note}", highlight=False)
        for note in s.derivation["notes"]:
            out.print(f"{s.criterion}: {note}", highlight=False)
    for note in result.notes:
        out.print(note, highlight=False)
    out.print("Accept or override on a scenario: weerbaar cascade accept --cycle KEY "
              "--scenario ID --criterion C [--class X] --outage ...", highlight=False)


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
) -> None:
    """Store the analyst's class for a criterion on a scenario, with the cascade derivation."""
    decision = accept_suggestion(
        db, cycle, scenario, criterion, split_ids(outage), code=code, ll=ll, ul=ul, note=note,
        hours=hours, step=step, rule=rule, buffer=buffer,  # type: ignore[arg-type]
        files=catalogue or (), actor=_actor(actor), reason=reason)
    d = decision.score.derivation or {}
    out.print(f"{scenario} / {criterion}: {d.get('decision')} class {d.get('class')} "
              f"(suggested: {d.get('suggested_class') or 'none'}) — saved as revision "
              f"{decision.revision}; derivation kept ({d.get('run_id')})", highlight=False)


@vital_app.command("list")
def vital_list(
    cycle: CycleOption = None, catalogue: CatalogueOption = None,
    dependencies: Annotated[bool, typer.Option(
        "--dependencies", help="List the dependencies instead of the processes.")] = False,
    as_json: JsonOption = False, lang: LangOption = "en", db: DbOption = None,
) -> None:
    """List the catalogue: the cycle's, or the packaged Dutch list with illustrative dependencies."""
    loaded = vital_catalogue(cycle=cycle, db=db, files=catalogue or ())
    c = loaded.catalogue
    if as_json:
        _json({"catalogue": loaded.description, "illustrative": c.illustrative,
               "processes": [p.model_dump(mode="json") for p in c.processes],
               "dependencies": [d.model_dump(mode="json") for d in c.dependencies]})
        return
    if dependencies:
        table = Table(title=f"Dependencies — {loaded.description}", title_justify="left")
        for col in ("from", "to", "str.", "buffer h", "onset", "recov. h", "conditions",
                    "illustr."):
            table.add_column(col, no_wrap=True, min_width=len(col))
        table.add_column("note", overflow="ellipsis", no_wrap=True, max_width=30)
        for d in c.dependencies:
            table.add_row(d.supplier, d.dependent, f"{d.strength:g}",
                          f"{d.buffer_hours_low:g}–{d.buffer_hours_high:g}", d.onset.value,
                          f"{d.recovery_hours:g}",
                          ", ".join(f"{k}={v}" for k, v in d.conditions.items()),
                          "yes" if d.illustrative else "", d.note or "")
    else:
        table = Table(title=f"Vital processes — {loaded.description}", title_justify="left")
        for col in ("id", "name", "cat.", "sector", "owner", "kind", "serves"):
            table.add_column(col)
        for p in c.processes:
            serves = (f"{p.serves.population:,}" if p.serves.population is not None else "")
            if p.serves.description:
                serves = f"{serves} {p.serves.description}".strip()
            table.add_row(p.id, p.name.get(_lang(lang)),
                          p.category.value if p.category is not None else "",
                          p.sector or "", p.owner or "", p.kind.value, serves or "unknown")
    out.print(table)
    _illustrative(loaded)


@vital_app.command("import")
def vital_import(
    file: Annotated[Path, typer.Argument(help="CSV or YAML file of processes/dependencies.")],
    cycle: Annotated[str, typer.Option("--cycle", help="The draft cycle to import into.")],
    no_dutch_list: Annotated[bool, typer.Option(
        "--no-dutch-list", help="Do not seed an empty cycle with the packaged Dutch list and "
        "illustrative dependencies.")] = False,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Add or update processes and dependencies of a cycle (validated as a graph first)."""
    catalogue, report = import_vital(db, cycle, file, dutch_list=not no_dutch_list,
                                     actor=_actor(actor), reason=reason)
    out.print(f"cycle {cycle}: {len(report.added)} added, {len(report.changed)} changed, "
              f"{report.unchanged} unchanged; now {len(catalogue.processes)} processes and "
              f"{len(catalogue.dependencies)} dependencies", highlight=False)
    if catalogue.illustrative:
        out.print(f"[bold red]{ILLUSTRATIVE_LABEL}[/bold red]", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(cascade_app, name="cascade")
    app.add_typer(vital_app, name="vital")


__all__ = ["register"]
