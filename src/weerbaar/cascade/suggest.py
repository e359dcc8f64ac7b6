"""From a cascade timeline to suggested impact classes (criteria 2.3 and 5.1 and their kin).

The criteria "lack of basic needs" (concept ``nl.lack-of-basic-needs``) and "disruption of daily
life" (``nl.daily-life``) are indicator-table criteria: a class follows from the number of people
affected, the duration and (for 5.1) the number of aspects of daily life affected. This module
derives those quantities from a time-stepped run:

- people affected at time t: P(t) = maxⱼ populationⱼ · xⱼ(t) over the relevant processes whose
  population served is known — the largest group, a lower bound, because the overlap between the
  groups different processes serve is unknown. Relevant for 2.3: processes marked ``basic_need``;
  for 5.1: every process.
- people: the peak of P(t); duration: the hours with P(t) > 0 (in the indicator's unit);
  person-hours: ∫P(t) dt.
- aspects: the distinct ``aspects`` of the processes affected at some time.

A class is suggested **only** when the profile's indicator table is known. Every shipped profile
leaves these tables unknown; the suggestion then carries ``suggested_class = None`` and the note
"indicator table unknown in profile X: the analyst chooses the class". No threshold is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from weerbaar.cascade.graph import CascadeGraph
from weerbaar.cascade.propagation import Timeline
from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import Criterion, CriterionKind, MethodProfile

BASIC_NEEDS = "nl.lack-of-basic-needs"
DAILY_LIFE = "nl.daily-life"
CONCEPTS = (BASIC_NEEDS, DAILY_LIFE)
HOURS_PER = {"hours": 1.0, "hour": 1.0, "h": 1.0, "days": 24.0, "day": 24.0, "weeks": 168.0}


@dataclass(frozen=True)
class CriterionSuggestion:
    """The derivation of one criterion's indicators from a cascade run, and a class if possible."""

    criterion: str
    concept: str
    name: str
    profile: str
    indicators: dict[str, float | None]
    units: dict[str, str | None]
    derivation: dict[str, Any]
    suggested_class: str | None
    table_status: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"criterion": self.criterion, "concept": self.concept, "name": self.name,
                "profile": self.profile, "indicators": self.indicators, "units": self.units,
                "derivation": self.derivation, "suggested_class": self.suggested_class,
                "table_status": self.table_status, "note": self.note}


@dataclass(frozen=True)
class ImpactSuggestions:
    run_id: str
    profile: str
    illustrative: bool
    settings: dict[str, Any]
    outages: tuple[str, ...]
    suggestions: tuple[CriterionSuggestion, ...]
    notes: tuple[str, ...] = field(default=())

    def get(self, criterion: str) -> CriterionSuggestion:
        for s in self.suggestions:
            if s.criterion == criterion:
                return s
        known = ", ".join(s.criterion for s in self.suggestions) or "(none)"
        raise InvalidInput(f"no cascade suggestion for criterion {criterion!r}",
                           location=["criterion"], expected=f"one of {known}")

    def to_dict(self) -> dict[str, Any]:
        return {"model": "impact_suggestions", "run_id": self.run_id, "profile": self.profile,
                "illustrative": self.illustrative, **self.settings,
                "outages": list(self.outages), "notes": list(self.notes),
                "suggestions": [s.to_dict() for s in self.suggestions]}


def _people(timeline: Timeline, graph: CascadeGraph, relevant: np.ndarray
            ) -> tuple[np.ndarray, list[str], list[str]]:
    """P(t) over the relevant processes, and which relevant affected processes lack a population."""
    assert timeline.level is not None
    pop = np.array([float(p.serves.population) if p.serves.population is not None else np.nan
                    for p in graph.processes]) if graph.processes else np.full(graph.n, np.nan)
    affected = np.isfinite(timeline.first) & relevant
    known = affected & np.isfinite(pop)
    if known.any():
        people = (timeline.level[:, known] * pop[known]).max(axis=1)
    else:
        people = np.zeros(len(timeline.times))
    return (people, [graph.ids[i] for i in np.flatnonzero(known)],
            [graph.ids[i] for i in np.flatnonzero(affected & ~np.isfinite(pop))])


def _class_from_table(criterion: Criterion, values: dict[str, float | None],
                      profile: MethodProfile) -> tuple[str | None, str]:
    table = criterion.table
    if table is None or table.value is None:
        return None, (f"indicator table unknown in profile {profile.id}: the analyst chooses "
                      "the class")
    missing = [k for k, v in values.items() if v is None]
    if missing:
        return None, (f"indicator(s) {', '.join(missing)} could not be derived from the cascade "
                      "run: the analyst chooses the class")
    scale = profile.impact
    best: tuple[float, str] | None = None
    for row in table.value:
        if all((values.get(k) or 0.0) >= minimum for k, minimum in row.minimum.items()):
            position = scale.parse(row.code)
            if best is None or position > best[0]:
                best = (position, row.code)
    if best is None:
        return None, "below the lowest row of the indicator table: the analyst chooses the class"
    return best[1], (f"from the indicator table of profile {profile.id} "
                     f"({table.status.value}{', ' + table.source if table.source else ''})")


def _derive(criterion: Criterion, timeline: Timeline, graph: CascadeGraph,
            profile: MethodProfile) -> CriterionSuggestion:
    dt = float(timeline.settings.get("step_hours", 1.0))
    if graph.processes:
        basic = np.array([p.basic_need for p in graph.processes])
    else:
        basic = np.zeros(graph.n, dtype=bool)
    relevant = basic if criterion.concept == BASIC_NEEDS else np.ones(graph.n, dtype=bool)
    people, counted, unknown_pop = _people(timeline, graph, relevant)
    steps = people[:-1]  # the state at t_k holds during [t_k, t_k + dt)
    peak = float(people.max(initial=0.0))
    hours = float((steps > 0).sum() * dt)
    person_hours = float(steps.sum() * dt)
    affected = np.flatnonzero(np.isfinite(timeline.first))
    aspects = sorted({a for i in affected for a in (graph.processes[i].aspects
                                                     if graph.processes else ())})
    values: dict[str, float | None] = {}
    units: dict[str, str | None] = {}
    notes: list[str] = []
    for ind in criterion.indicators:
        units[ind.id] = ind.unit
        if ind.id == "people":
            values[ind.id] = peak if counted else None
        elif ind.id == "duration":
            per = HOURS_PER.get((ind.unit or "hours").lower())
            values[ind.id] = hours / per if (per and counted) else None
        elif ind.id == "aspects":
            values[ind.id] = float(len(aspects)) if aspects else None
        else:
            values[ind.id] = None
            notes.append(f"indicator {ind.id!r} is not derived from cascade runs")
    if criterion.concept == BASIC_NEEDS and not basic.any():
        notes.append("no process in the catalogue is marked as providing a basic need")
    if not counted:
        notes.append("no relevant affected process has a known population served")
    if unknown_pop:
        notes.append(f"population unknown for affected process(es) {', '.join(unknown_pop)}")
    if "aspects" in values and values["aspects"] is None:
        notes.append("no affected process names the aspects of daily life it serves")
    code, rule = _class_from_table(criterion, values, profile)
    derivation = {
        "people_peak": peak if counted else None, "affected_hours": hours if counted else None,
        "person_hours": person_hours if counted else None,
        "people_rule": "max over processes of population served × inoperability (lower bound)",
        "processes_counted": counted, "aspects": aspects,
        "processes_affected": [graph.ids[i] for i in affected], "rule": rule, "notes": notes,
    }
    table_status = (criterion.table.status.value if criterion.table is not None else "unknown")
    return CriterionSuggestion(
        criterion=criterion.id, concept=criterion.concept, name=criterion.name.get("en"),
        profile=profile.id, indicators=values, units=units, derivation=derivation,
        suggested_class=code, table_status=table_status, note=rule)


def suggest_impacts(timeline: Timeline, graph: CascadeGraph, profile: MethodProfile, *,
                    run_id: str) -> ImpactSuggestions:
    """Suggestions for every criterion of ``profile`` with a cascade-derivable concept."""
    if timeline.level is None:
        raise InvalidInput("impact suggestions need a recorded timeline (record=True)")
    out, notes = [], []
    for c in profile.criteria:
        if c.concept in CONCEPTS and c.kind is CriterionKind.INDICATOR_TABLE:
            out.append(_derive(c, timeline, graph, profile))
    if not out:
        notes.append(f"profile {profile.id} has no criterion for lack of basic needs or "
                     "disruption of daily life scored by an indicator table")
    if graph.illustrative:
        notes.append("ILLUSTRATIVE: the run uses illustrative dependencies or processes")
    return ImpactSuggestions(run_id=run_id, profile=profile.id, illustrative=graph.illustrative,
                             settings=dict(timeline.settings),
                             outages=tuple(graph.ids[i] for i in timeline.outages),
                             suggestions=tuple(out), notes=tuple(notes))


__all__ = ["BASIC_NEEDS", "CONCEPTS", "DAILY_LIFE", "CriterionSuggestion", "ImpactSuggestions",
           "suggest_impacts"]
