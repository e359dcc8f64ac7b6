"""A layered layout of the dependency graph for pictures (pure numpy/scipy; small graphs).

With outages, a process's layer is its number of dependency hops from the nearest outage
(unreached processes form a last layer); without, its longest chain of suppliers (strongly
connected groups share a layer). Within a layer, processes are ordered by id.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components, dijkstra

from weerbaar.cascade.graph import CascadeGraph


def layers(graph: CascadeGraph, outages: Sequence[int] | None = None) -> NDArray[np.int64]:
    """The layer of every process (0 = outages or processes without suppliers)."""
    matrix = graph.supply_matrix(np.ones(graph.m))
    if outages:
        hops = dijkstra(matrix, directed=True, indices=list(outages), min_only=True,
                        unweighted=True)
        top = int(hops[np.isfinite(hops)].max(initial=0))
        return np.where(np.isfinite(hops), hops, top + 1).astype(np.int64)
    count, labels = connected_components(matrix, directed=True, connection="strong")
    level = np.zeros(count, dtype=np.int64)
    sup, dep = labels[graph.supplier], labels[graph.dependent]
    between = sup != dep
    sup, dep = sup[between], dep[between]
    for _ in range(count):  # longest path on the condensation (a DAG): at most count rounds
        new = level.copy()
        np.maximum.at(new, dep, level[sup] + 1)
        if np.array_equal(new, level):
            break
        level = new
    return np.asarray(level[labels], dtype=np.int64)


def positions(graph: CascadeGraph, outages: Sequence[int] | None = None
              ) -> NDArray[np.float64]:
    """(x, y) per process: x the layer, y spread evenly and centred within the layer."""
    lay = layers(graph, outages)
    xy = np.zeros((graph.n, 2))
    for layer in np.unique(lay):
        members = np.flatnonzero(lay == layer)
        members = np.array(sorted(members.tolist(), key=lambda i: _sort_key(graph.ids[i])))
        k = len(members)
        xy[members, 0] = layer
        xy[members, 1] = (k - 1) / 2.0 - np.arange(k)
    return xy


def _sort_key(pid: str) -> tuple[int, int | str]:
    return (0, int(pid)) if pid.isdigit() else (1, pid)


__all__ = ["layers", "positions"]
