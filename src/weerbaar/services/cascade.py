"""Use cases of the cascade models: run an outage, rank criticality, IIM, Monte Carlo, impact
suggestions and the analyst's accept/override on a scenario, and the vital catalogue of a cycle.

The catalogue is the cycle's (``cycle``, from the database) or, without a cycle, the packaged
Dutch list of vital processes with the ILLUSTRATIVE dependency set; user files (``files``)
extend or patch either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weerbaar.cascade import (
    CascadeGraph,
    CombinationRule,
    CriticalityRanking,
    Ensemble,
    EnsembleResult,
    IimResult,
    ImpactSuggestions,
    ImpactTimes,
    Propagation,
    Timeline,
    criticality,
    dynamic_iim,
    run_id,
    suggest_impacts,
    time_to_impact,
)
from weerbaar.cascade.criticality import RankKey
from weerbaar.cascade.ensemble import Distribution
from weerbaar.cascade.graph import BufferChoice
from weerbaar.domain import CriterionScore, Role, ScoreRange
from weerbaar.domain.vital import VitalCatalogue
from weerbaar.errors import InvalidInput, NotFound
from weerbaar.i18n import check_language
from weerbaar.io.vital_files import VitalFile, load_catalogue, merge, read_vital_file
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.methods.uncertainty import Executor, LocalExecutor, Progress
from weerbaar.services.registry import use_case
from weerbaar.services.scope import cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, save
from weerbaar.store.vital import cycle_catalogue, import_catalogue

MAX_HOURS = 24.0 * 30
ILLUSTRATIVE_LABEL = "ILLUSTRATIVE dependencies: judgement values for demos, not an official matrix"


@dataclass(frozen=True)
class Source:
    """Where the catalogue comes from: a cycle's (in the database), or the packaged list; plus
    user files extending or patching it, and the run's conditions."""

    cycle: str | None = None
    files: tuple[Path, ...] = ()
    conditions: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LoadedGraph:
    graph: CascadeGraph
    catalogue: VitalCatalogue
    description: str


def parse_conditions(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidInput(f"condition {item!r} is not key=value", location=["conditions"],
                               expected="e.g. season=winter")
        out[key.strip()] = value.strip()
    return tuple(sorted(out.items()))


def split_ids(values: Sequence[str]) -> list[str]:
    """``["1,6", "9"]`` → ``["1", "6", "9"]``."""
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _load(store: Store | None, viewer: Viewer, source: Source) -> LoadedGraph:
    """The validated graph of the chosen catalogue (a cycle's needs the viewer role on it, the
    packaged one a login)."""
    viewer.require_login()
    if source.cycle is not None:
        if store is None:
            raise InvalidInput(f"cycle {source.cycle!r} is named, but no database is open",
                               location=["cycle"])
        cycle_scope(store, viewer, source.cycle)
        stored, _ = cycle_catalogue(store, source.cycle)
        if not stored.processes:
            raise NotFound(f"cycle {source.cycle!r} has no vital processes yet; import them "
                           "into the cycle (or use the packaged Dutch list)")
        base = VitalFile(stored, tuple(f"cycle {source.cycle} process {p.id}"
                                       for p in stored.processes),
                         tuple(f"cycle {source.cycle} dependency {d.key}"
                               for d in stored.dependencies))
        for path in source.files:
            base = merge(base, read_vital_file(path, base={p.id: p for p in
                                                           base.catalogue.processes}))
        loaded = base
    else:
        loaded = load_catalogue(source.files)
    graph = CascadeGraph.from_catalogue(loaded.catalogue, rows=loaded.dependency_rows,
                                        process_rows=loaded.process_rows,
                                        conditions=dict(source.conditions))
    return LoadedGraph(graph=graph, catalogue=loaded.catalogue,
                       description=loaded.catalogue.source or "catalogue")


@dataclass(frozen=True)
class CascadeRun:
    loaded: LoadedGraph
    outages: tuple[int, ...]
    times: ImpactTimes
    timeline: Timeline
    run_id: str
    timeline_chart: dict[str, bytes] = field(default_factory=dict)  # format: chart
    graph_chart: dict[str, bytes] = field(default_factory=dict)  # format: chart

    @property
    def graph(self) -> CascadeGraph:
        return self.loaded.graph

    def to_dict(self, *, steps: bool = True) -> dict[str, Any]:
        return {"run_id": self.run_id, "illustrative": self.graph.illustrative,
                "label": ILLUSTRATIVE_LABEL if self.graph.illustrative else None,
                "catalogue": self.loaded.description, "conditions": dict(self.graph.conditions),
                "time_to_impact": self.times.to_dict(),
                "timeline": self.timeline.to_dict(steps=steps)}


@use_case
def run_cascade(store: Store | None, viewer: Viewer, outages: Sequence[str], *,
                source: Source = Source(), hours: float = 72.0, step: float = 1.0,
                rule: str = "noisy-or", buffer: BufferChoice = "low",
                restore_after: float | None = None, min_strength: float = 0.0,
                charts: Sequence[str] = (), graphs: Sequence[str] = (),
                lang: str = "en") -> CascadeRun:
    """Time to impact and a time-stepped run of an outage; the timeline (``charts``) and the
    dependency graph (``graphs``) drawn in the formats asked ("svg", "png")."""
    language = check_language(lang)
    if not 1 <= hours <= MAX_HOURS:
        raise InvalidInput(f"hours must be between 1 and {MAX_HOURS:g}", location=["hours"])
    loaded = _load(store, viewer, source)
    g = loaded.graph
    src = g.indices(list(outages))
    propagation = _propagation(hours, step, rule, buffer, restore_after)
    times = time_to_impact(g, src, buffer=buffer, min_strength=min_strength, horizon=hours)
    timeline = propagation.run(g, src)
    rid = run_id(g, src.tolist(), {**propagation.settings(), "min_strength": min_strength})
    drawn: dict[str, bytes] = {}
    drawn_graph: dict[str, bytes] = {}
    if charts or graphs:
        from weerbaar.reports.cascade_charts import render_cascade_graph, render_timeline
        from weerbaar.services.charts import figure_format

        if charts:
            drawn = render_timeline(timeline, g, lang=language, run_id=rid, formats=tuple(
                dict.fromkeys(figure_format(c, "chart") for c in charts)))
        if graphs:
            drawn_graph = render_cascade_graph(g, outages=src.tolist(), times=times,
                                               lang=language, formats=tuple(dict.fromkeys(
                                                   figure_format(c, "graph") for c in graphs)))
    return CascadeRun(loaded=loaded, outages=tuple(int(i) for i in src), times=times,
                      timeline=timeline, run_id=rid, timeline_chart=drawn,
                      graph_chart=drawn_graph)


def _propagation(hours: float, step: float, rule: str, buffer: BufferChoice,
                 restore_after: float | None) -> Propagation:
    try:
        chosen = CombinationRule(rule)
    except ValueError:
        raise InvalidInput(f"unknown combination rule {rule!r}", location=["rule"],
                           expected=", ".join(r.value for r in CombinationRule)) from None
    if buffer not in ("low", "mid", "high"):
        raise InvalidInput(f"unknown buffer choice {buffer!r}", location=["buffer"],
                           expected="low, mid or high")
    return Propagation(hours=hours, step=step, rule=chosen, buffer=buffer,
                       restore_after=restore_after)


@use_case
def rank_critical(store: Store | None, viewer: Viewer, *, source: Source = Source(),
                  hours: float = 72.0, step: float = 1.0, rule: str = "noisy-or",
                  buffer: BufferChoice = "low", by: RankKey = "weighted",
                  category_weights: Mapping[str, float] | None = None,
                  top: int | None = None) -> tuple[LoadedGraph, CriticalityRanking]:
    """The processes ranked by how much an outage of each cascades."""
    loaded = _load(store, viewer, source)
    ranking = criticality(loaded.graph, _propagation(hours, step, rule, buffer, None), by=by,
                          category_weights=category_weights, top=top)
    return loaded, ranking


@use_case
def run_iim(store: Store | None, viewer: Viewer, outages: Sequence[str], *,
            source: Source = Source(), scale: float = 1.0,
            resilience: float = 0.5, steps: int = 200) -> tuple[LoadedGraph, IimResult]:
    """Static IIM and its dynamic path (which converges to it)."""
    loaded = _load(store, viewer, source)
    src = loaded.graph.indices(list(outages))
    return loaded, dynamic_iim(loaded.graph, src.tolist(), resilience=resilience, steps=steps,
                               scale=scale)


@contextmanager
def _executor(address: str | None) -> Iterator[Executor]:
    if address is None:
        yield LocalExecutor()
        return
    from weerbaar.compute.dask_backend import DaskExecutor

    with DaskExecutor(address) as executor:
        yield executor


@use_case
def run_ensemble(store: Store | None, viewer: Viewer, outages: Sequence[str], *,
                 source: Source = Source(), runs: int = 1000,
                 seed: int = 0, distribution: Distribution = "uniform", hours: float = 72.0,
                 step: float = 1.0, rule: str = "noisy-or", min_strength: float = 0.0,
                 dask: str | None = None, chunk_size: int = 200,
                 progress: Progress | None = None) -> tuple[LoadedGraph, EnsembleResult]:
    """Monte Carlo over the buffer ranges, locally or on Dask (``"local"`` or an address)."""
    loaded = _load(store, viewer, source)
    src = loaded.graph.indices(list(outages))
    ensemble = Ensemble(runs=runs, seed=seed, distribution=distribution,
                        propagation=_propagation(hours, step, rule, "low", None),
                        min_strength=min_strength, chunk_size=chunk_size)
    with _executor(dask) as executor:
        result = ensemble.run(loaded.graph, src.tolist(), executor=executor, progress=progress)
    return loaded, result


def _profile(store: Store | None, viewer: Viewer, profile: str | MethodProfile | None,
             source: Source) -> MethodProfile:
    if isinstance(profile, MethodProfile):
        return profile
    if profile is not None:
        return get_profile(profile)
    if source.cycle is not None and store is not None:
        return cycle_scope(store, viewer, source.cycle).profile
    return get_profile("gra-2019")


@use_case
def suggest(store: Store | None, viewer: Viewer, outages: Sequence[str], *,
            source: Source = Source(), profile: str | MethodProfile | None = None,
            hours: float = 72.0, step: float = 1.0, rule: str = "noisy-or",
            buffer: BufferChoice = "low", restore_after: float | None = None
            ) -> tuple[CascadeRun, ImpactSuggestions]:
    """Suggested classes (with their derivation) for the profile's cascade-derivable criteria.

    The profile defaults to the cycle's, else gra-2019."""
    chosen = _profile(store, viewer, profile, source)
    run = run_cascade(store, viewer, outages, source=source, hours=hours, step=step, rule=rule, buffer=buffer,
                      restore_after=restore_after)
    return run, suggest_impacts(run.timeline, run.graph, chosen, run_id=run.run_id)


@dataclass(frozen=True)
class Decision:
    scenario: str
    criterion: str
    revision: int
    score: CriterionScore
    suggestion: dict[str, Any]


def _reasoning(s: dict[str, Any], code: str, decision: str, note: str | None) -> str:
    d = s["derivation"]
    people = (f"up to {d['people_peak']:,.0f} people affected for {d['affected_hours']:g} h "
              f"({d['person_hours']:,.0f} person-hours)" if d["people_peak"] is not None
              else "people affected: unknown (no population served known)")
    aspects = (f"{len(d['aspects'])} aspect(s) of daily life" if d["aspects"]
               else "aspects of daily life: unknown")
    suggested = s["suggested_class"] or f"none ({s['note']})"
    text = (f"From cascade run {s['run_id']} (outage {', '.join(s['outages'])}, "
            f"{s['hours']:g} h, {s['rule']}): {people}; {aspects}. Suggested class: {suggested}. "
            f"Analyst {decision}: {code}.")
    if s.get("illustrative"):
        text += " The run used ILLUSTRATIVE dependencies."
    return text + (f" {note}" if note else "")


@use_case
def accept_suggestion(store: Store, viewer: Viewer, cycle: str, scenario: str, criterion: str,
                      outages: Sequence[str], *, code: str | None = None, ll: str | None = None,
                      ul: str | None = None, note: str | None = None, hours: float = 72.0,
                      step: float = 1.0, rule: str = "noisy-or", buffer: BufferChoice = "low",
                      restore_after: float | None = None, files: Sequence[Path] = (),
                      use_cycle_catalogue: bool = True, reason: str | None = None) -> Decision:
    """Store the analyst's class for a criterion of a scenario with the cascade derivation
    (analyst role on a draft cycle; the scenario as the analyst sees it).

    ``code`` omitted accepts the suggestion (refused when there is none: the analyst must
    choose); a different code overrides it. The score's ``derivation`` keeps the run id, its
    settings, the derived quantities, the suggestion and the decision; its ``reasoning`` says the
    same in words.
    """
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    stored = scope.item("scenario", scenario)
    profile = scope.profile
    has_own = use_cycle_catalogue and bool(cycle_catalogue(store, cycle)[0].processes)
    source = Source(cycle=cycle if has_own else None, files=tuple(files))
    run, suggestions = suggest(store, viewer, outages, source=source, profile=profile,
                               hours=hours, step=step, rule=rule, buffer=buffer,
                               restore_after=restore_after)
    s = suggestions.get(criterion)
    scale = profile.impact
    if code is None:
        if s.suggested_class is None:
            raise InvalidInput(f"no class is suggested for {criterion} ({s.note}); give the class "
                               "you choose", location=["class"],
                               expected=scale.describe_codes())
        code = s.suggested_class
    for option, value in (("class", code), ("ll", ll), ("ul", ul)):
        if value is not None:
            try:
                scale.parse(value)
            except ValueError:
                raise InvalidInput(f"{value!r} is not an impact class", location=[option],
                                   expected=scale.describe_codes()) from None
    try:
        rng = ScoreRange(ev=scale.parse(code), ll=scale.parse(ll or code),
                         ul=scale.parse(ul or code))
    except ValueError as exc:
        raise InvalidInput(str(exc).splitlines()[-1], location=["ll"]) from None
    if s.suggested_class is None:
        decision = "chosen"
    else:
        decision = "accepted" if code == s.suggested_class else "overridden"
    derivation = {"source": "cascade", "run_id": run.run_id, "catalogue": run.loaded.description,
                  "illustrative": run.graph.illustrative, "settings": dict(run.timeline.settings),
                  "conditions": dict(run.graph.conditions), "outages": list(suggestions.outages),
                  "profile": profile.id, "criterion": criterion, "indicators": s.indicators,
                  "units": s.units, "quantities": s.derivation,
                  "suggested_class": s.suggested_class, "table_status": s.table_status,
                  "rule": s.note, "decision": decision, "class": code,
                  "range": {"ll": ll or code, "ev": code, "ul": ul or code}, "by": viewer.name}
    text = _reasoning({**s.to_dict(), "run_id": run.run_id, "outages": list(suggestions.outages),
                       "hours": hours, "rule": rule, "illustrative": run.graph.illustrative},
                      code, decision, note)
    score = CriterionScore(criterion=criterion, range=rng, reasoning=text, derivation=derivation)
    whole = scope.stored("scenario", scenario)
    item = whole.item.model_copy(update={"impact": {**whole.item.impact, criterion: score}})
    revision = save(store, cycle, item, expected_revision=stored.revision, actor=viewer.name,
                    reason=reason or f"cascade {decision}: {criterion} = {code} ({run.run_id})")
    return Decision(scenario=scenario, criterion=criterion, revision=revision, score=score,
                    suggestion=s.to_dict())


@use_case
def import_vital(store: Store, viewer: Viewer, cycle: str, path: Path, *,
                 dutch_list: bool = True, reason: str | None = None) -> tuple[VitalCatalogue, Any]:
    """Import a user file into a cycle's catalogue (analyst role on a draft cycle; seeded with
    the packaged list when the cycle has none and ``dutch_list``); the result is validated as a
    graph before anything is stored."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    stored, _ = cycle_catalogue(store, cycle)
    if stored.processes:
        base = VitalFile(stored, tuple(f"cycle {cycle} process {p.id}" for p in stored.processes),
                         tuple(f"cycle {cycle} dependency {d.key}" for d in stored.dependencies))
    else:
        base = load_catalogue(dutch_list=dutch_list)
    merged = merge(base, read_vital_file(path, base={p.id: p for p in base.catalogue.processes}))
    CascadeGraph.from_catalogue(merged.catalogue, rows=merged.dependency_rows,
                                process_rows=merged.process_rows)
    report = import_catalogue(store, cycle, merged.catalogue, actor=viewer.name,
                              reason=reason or f"import {path.name}")
    return merged.catalogue, report


@use_case
def vital_catalogue(store: Store | None, viewer: Viewer, *, cycle: str | None = None,
                    files: Sequence[Path] = ()) -> LoadedGraph:
    """The catalogue of vital processes and dependencies: a cycle's, or the packaged list."""
    return _load(store, viewer, Source(cycle=cycle, files=tuple(files)))


__all__ = ["ILLUSTRATIVE_LABEL", "CascadeRun", "Decision", "LoadedGraph", "Source",
           "accept_suggestion", "import_vital", "parse_conditions", "rank_critical",
           "run_cascade", "run_ensemble", "run_iim", "split_ids", "suggest", "vital_catalogue"]
