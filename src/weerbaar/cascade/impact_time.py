"""Earliest time to impact: a multi-source shortest path over buffer times.

With hard dependencies, process j fails at the earliest Tⱼ = min over suppliers i of (Tᵢ + τᵢⱼ),
where τᵢⱼ is the buffer time of the dependency i → j and the initial outages fail at T = 0. That
is a single-source shortest-path problem from all outages at once (Dijkstra 1959), solved here by
``scipy.sparse.csgraph.dijkstra`` with ``indices`` = the outages and ``min_only=True`` on the
supplier × dependent CSR of buffer times. Dependencies weaker than ``min_strength`` (and those of
strength 0) are left out; ``horizon`` stops the search at that many hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from weerbaar.cascade.graph import BufferChoice, CascadeGraph, FloatArray, Indices
from weerbaar.errors import InvalidInput

NO_PREDECESSOR = -9999  # scipy's marker


@dataclass(frozen=True, eq=False)
class ImpactTimes:
    """Earliest time to impact (hours; ``inf`` = not reached) per process.

    ``via[j]`` is the supplier through which j is reached first and ``origin[j]`` the outage it
    traces back to (both -1 for outages and unreached processes, or when not computed).
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
    """Earliest time to impact of every process after the ``outages`` (indices) fail at t = 0."""
    sources = np.asarray(outages, dtype=np.int64)
    if len(sources) == 0:
        raise InvalidInput("name at least one outage", location=["--outage"])
    if horizon is not None and horizon < 0:
        raise InvalidInput("the horizon must not be negative", location=["--hours"])
    weights = graph.buffers(buffer)
    mask = (graph.strength > 0) & (graph.strength >= min_strength)
    matrix = graph.supply_matrix(weights, mask)
    limit = np.inf if horizon is None else float(horizon)
    n = graph.n
    if predecessors:
        dist, pred, src = dijkstra(matrix, directed=True, indices=sources, min_only=True,
                                   limit=limit, return_predecessors=True)
        via = np.where(pred == NO_PREDECESSOR, -1, pred).astype(np.int64)
        origin = np.where(np.isfinite(dist), src, -1).astype(np.int64)
    else:
        dist = dijkstra(matrix, directed=True, indices=sources, min_only=True, limit=limit)
        via = np.full(n, -1, dtype=np.int64)
        origin = np.full(n, -1, dtype=np.int64)
    return ImpactTimes(ids=graph.ids, outages=tuple(int(s) for s in sources),
                       hours=np.asarray(dist, dtype=np.float64), via=via, origin=origin,
                       buffer=buffer if isinstance(buffer, str) else "given",
                       min_strength=float(min_strength), horizon=horizon)


__all__ = ["ImpactTimes", "time_to_impact"]
