"""Earliest time to impact: a multi-source shortest path over buffer times.

With hard dependencies, process j fails at the earliest Tⱼ = min over suppliers i of (Tᵢ + τᵢⱼ),
where τᵢⱼ is the buffer time of the dependency i → j and the initial outages fail at T = 0. That
is a single-source shortest-path problem from all outages at once (Dijkstra 1959), solved by the
compiled bucket-queue kernel of :mod:`weerbaar.cascade.shortest_path` over the graph's edges in
supplier order; its times equal those of ``scipy.sparse.csgraph.dijkstra`` (``indices`` = the
outages, ``min_only=True``) bit for bit. Dependencies weaker than ``min_strength`` (and those of
strength 0) are left out; ``horizon`` stops the search at that many hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.cascade.graph import BufferChoice, CascadeGraph, FloatArray, Indices
from weerbaar.errors import InvalidInput


@dataclass(frozen=True, eq=False)
class ImpactTimes:
    """Earliest time to impact (hours; ``inf`` = not reached) per process.

    ``via[j]`` is the supplier through which j is reached first (-1 for outages and unreached
    processes) and ``origin[j]`` the outage its chain of ``via`` leads back to (an outage's own
    index for an outage, -1 when unreached); both are -1 throughout when not computed.
    """

    ids: tuple[str, ...]
    outages: tuple[int, ...]
    hours: FloatArray
    via: NDArray[np.int64]
    origin: NDArray[np.int64]
    buffer: str
    min_strength: float
    horizon: float | None

    @property
    def reached(self) -> NDArray[np.int64]:
        """Indices of processes reached (outages included), in order of time to impact."""
        hit = np.flatnonzero(np.isfinite(self.hours))
        return hit[np.argsort(self.hours[hit], kind="stable")]

    def path(self, j: int) -> list[int]:
        """The chain of processes from an outage to ``j`` (empty when ``j`` is not reached)."""
        if not np.isfinite(self.hours[j]):
            return []
        chain = [j]
        while self.via[chain[-1]] >= 0:
            chain.append(int(self.via[chain[-1]]))
        return chain[::-1]

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for j in self.reached:
            rows.append({"id": self.ids[j], "hours": float(self.hours[j]),
                         "via": self.ids[self.via[j]] if self.via[j] >= 0 else None,
                         "path": [self.ids[i] for i in self.path(int(j))]})
        return {"model": "time_to_impact", "outages": [self.ids[i] for i in self.outages],
                "buffer": self.buffer, "min_strength": self.min_strength,
                "horizon_hours": self.horizon, "reached": rows}


def time_to_impact(graph: CascadeGraph, outages: Indices, *,
                   buffer: BufferChoice | FloatArray = "low", min_strength: float = 0.0,
                   horizon: float | None = None, predecessors: bool = True) -> ImpactTimes:
    """Earliest time to impact of every process after the ``outages`` (indices) fail at t = 0.

    ``predecessors=False`` leaves ``via`` and ``origin`` at -1 (read-only) and saves their
    bookkeeping on large graphs.
    """
    from weerbaar.cascade.shortest_path import shortest_times  # numba: loaded on first use

    sources = np.asarray(outages, dtype=np.int64)
    if sources.ndim != 1 or len(sources) == 0:
        raise InvalidInput("name at least one outage", location=["outages"])
    n = graph.n
    if sources.min() < 0 or sources.max() >= n:
        raise InvalidInput("an outage is not a process of the graph", location=["outages"],
                           expected=f"process indices 0..{n - 1}")
    if horizon is not None and not horizon >= 0:
        raise InvalidInput("the horizon must not be negative", location=["hours"])
    _, ptr, dep = graph.supply_edges()
    weights, longest = graph.supply_weights(buffer)
    if not isinstance(buffer, str) and len(weights) and not (
            np.isfinite(longest) and weights.min() >= 0):
        raise InvalidInput("buffer times must be finite and not negative", location=["buffer"])
    limit = math.inf if horizon is None else float(horizon)
    dist, pred, src = shortest_times(ptr, dep, weights, sources, limit=limit,
                                     usable=graph.supply_usable(min_strength), longest=longest,
                                     predecessors=predecessors)
    if pred is None or src is None:
        via = origin = np.broadcast_to(np.int64(-1), (n,))
    else:
        via, origin = pred, src
    return ImpactTimes(ids=graph.ids, outages=tuple(int(s) for s in sources), hours=dist,
                       via=via, origin=origin,
                       buffer=buffer if isinstance(buffer, str) else "given",
                       min_strength=float(min_strength), horizon=horizon)


__all__ = ["ImpactTimes", "time_to_impact"]
