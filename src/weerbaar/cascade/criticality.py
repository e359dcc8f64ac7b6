"""Criticality: which single outage affects most.

Every candidate process is taken out alone for the whole horizon and propagated with the
time-stepped model. Per outage, over all processes j (the outage itself included):

- ``weighted_hours`` = Σⱼ c(categoryⱼ) · hⱼ, with hⱼ the inoperability-hours of j and c the
  category weights (a setting; default A = 3, B = 1 and 1 without a category — one step of the
  impact scale's factor 3 for the category with larger consequences);
- ``people_hours`` = Σⱼ populationⱼ · hⱼ over processes whose population served is known;
- ``processes`` = the number of processes affected.

The ranking orders by the chosen key (``weighted`` by default, or ``people``, ``processes``),
then by the other two, then by id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from weerbaar.cascade.graph import CascadeGraph, FloatArray
from weerbaar.cascade.propagation import Propagation
from weerbaar.errors import InvalidInput

RankKey = Literal["weighted", "people", "processes"]
DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {"A": 3.0, "B": 1.0, "": 1.0}


@dataclass(frozen=True)
class CriticalityRow:
    rank: int
    id: str
    name: str
    category: str | None
    processes: int
    weighted_hours: float
    people_hours: float
    inoperability_hours: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CriticalityRanking:
    rows: tuple[CriticalityRow, ...]
    by: RankKey
    category_weights: dict[str, float]
    settings: dict[str, Any]
    population_known: int
    illustrative: bool

    def to_dict(self) -> dict[str, Any]:
        return {"model": "criticality", "by": self.by, "illustrative": self.illustrative,
                "category_weights": self.category_weights, **self.settings,
                "processes_with_population": self.population_known,
                "ranking": [r.to_dict() for r in self.rows]}


def weights_of(graph: CascadeGraph, category_weights: Mapping[str, float]) -> FloatArray:
    """Category weight of every process ("" = no category)."""
    out = np.full(graph.n, float(category_weights.get("", 1.0)))
    for i, p in enumerate(graph.processes):
        if p.category is not None:
            out[i] = float(category_weights.get(p.category.value, category_weights.get("", 1.0)))
    return out


def populations(graph: CascadeGraph) -> FloatArray:
    """Population served per process (0 where unknown)."""
    out = np.zeros(graph.n)
    for i, p in enumerate(graph.processes):
        if p.serves.population is not None:
            out[i] = float(p.serves.population)
    return out


def criticality(graph: CascadeGraph, propagation: Propagation | None = None, *,
                by: RankKey = "weighted", category_weights: Mapping[str, float] | None = None,
                candidates: Sequence[int] | None = None, top: int | None = None
                ) -> CriticalityRanking:
    """Rank single outages by what they affect (see the module docstring)."""
    if by not in ("weighted", "people", "processes"):
        raise InvalidInput(f"unknown ranking key {by!r}", location=["by"],
                           expected="weighted, people or processes")
    model = propagation or Propagation()
    cw = dict(DEFAULT_CATEGORY_WEIGHTS if category_weights is None else category_weights)
    weight = weights_of(graph, cw)
    pop = populations(graph)
    chosen = range(graph.n) if candidates is None else candidates
    scored = []
    for i in chosen:
        run = model.run(graph, [i], record=False)
        h = run.inoperability_hours
        scored.append((int(i), int(np.isfinite(run.first).sum()), float(weight @ h),
                       float(pop @ h), float(h.sum())))
    key = {"weighted": (2, 3, 1), "people": (3, 2, 1), "processes": (1, 2, 3)}[by]
    scored.sort(key=lambda s: (-s[key[0]], -s[key[1]], -s[key[2]], graph.ids[s[0]]))
    rows = []
    for rank, (i, count, wh, ph, hours) in enumerate(scored[:top] if top else scored, start=1):
        p = graph.process(i)
        rows.append(CriticalityRow(
            rank=rank, id=graph.ids[i], name=graph.name(i),
            category=p.category.value if p is not None and p.category is not None else None,
            processes=count, weighted_hours=wh, people_hours=ph, inoperability_hours=hours))
    return CriticalityRanking(rows=tuple(rows), by=by, category_weights=cw,
                              settings=model.settings(),
                              population_known=int(sum(p.serves.population is not None
                                                       for p in graph.processes)),
                              illustrative=graph.illustrative)


__all__ = ["DEFAULT_CATEGORY_WEIGHTS", "CriticalityRanking", "CriticalityRow", "RankKey",
           "criticality", "populations", "weights_of"]
