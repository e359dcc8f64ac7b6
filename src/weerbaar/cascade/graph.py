"""The dependency graph as arrays: build, validate, and the sparse matrices the models use.

Processes are numbered 0..n-1 in catalogue order. Edges (supplier → dependent) are held as
parallel numpy arrays sorted by (dependent, supplier), with ``dep_ptr`` giving each dependent's
run of incoming edges (a CSR of the transposed graph): the time-stepped model combines a
process's incoming effects per run. :meth:`CascadeGraph.supply_edges` gives the same edges in
supplier order (a CSR of the graph, computed once), which the shortest-path kernel walks.

Validation refuses unknown process ids, self-loops, negative times, strengths outside 0–5,
inconsistent buffer ranges and repeated dependencies, naming the offending edge and, when the
graph comes from a file, its row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from weerbaar.domain.vital import Dependency, Onset, VitalCatalogue, VitalProcess
from weerbaar.errors import InvalidInput

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.int32]
BoolArray = NDArray[np.bool_]
BufferChoice = Literal["low", "mid", "high"]
Indices = Sequence[int] | NDArray[np.integer]


def applies(dependency: Dependency, conditions: Mapping[str, str] | None) -> bool:
    """A conditional dependency applies unless the run states a different value for one of its
    conditions (a condition the run leaves open is assumed to hold: reasonable worst case)."""
    if not conditions:
        return True
    return all(conditions.get(k, v) == v for k, v in dependency.conditions.items())


@dataclass(frozen=True, eq=False)
class CascadeGraph:
    """Processes and dependencies as arrays (see the module docstring)."""

    ids: tuple[str, ...]
    supplier: IndexArray
    dependent: IndexArray
    strength: FloatArray
    buffer_low: FloatArray
    buffer_high: FloatArray
    linear: BoolArray
    ramp: FloatArray
    recovery: FloatArray
    processes: tuple[VitalProcess, ...] = ()
    dependencies: tuple[Dependency, ...] = ()  # in edge order (empty for array-built graphs)
    illustrative: bool = False
    conditions: tuple[tuple[str, str], ...] = ()
    dep_ptr: NDArray[np.int64] = field(init=False)
    _index: dict[str, int] = field(init=False, repr=False)
    _supply: tuple[NDArray[np.int64], NDArray[np.int64] | None, IndexArray,
                   NDArray[np.int64]] | None = field(init=False, repr=False, default=None)
    _edges: tuple[NDArray[np.int64], NDArray[np.int64], IndexArray] | None = field(
        init=False, repr=False, default=None)
    _sorted: dict[str, tuple[FloatArray, float]] = field(init=False, repr=False,
                                                         default_factory=dict)

    def __post_init__(self) -> None:
        ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.dependent, minlength=self.n), out=ptr[1:])
        object.__setattr__(self, "dep_ptr", ptr)
        object.__setattr__(self, "_index", {pid: i for i, pid in enumerate(self.ids)})

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_catalogue(cls, catalogue: VitalCatalogue, *, rows: Sequence[str] | None = None,
                       process_rows: Sequence[str] | None = None,
                       conditions: Mapping[str, str] | None = None) -> CascadeGraph:
        """Build and validate the graph of a catalogue.

        ``rows`` (and ``process_rows``) say where each dependency (process) was defined, e.g.
        ``"deps.csv line 7"``; errors name them. Dependencies whose conditions conflict with the
        run's ``conditions`` are left out.
        """
        ids = [p.id for p in catalogue.processes]
        index: dict[str, int] = {}
        for i, pid in enumerate(ids):
            if pid in index:
                where = f" ({process_rows[i]})" if process_rows else ""
                raise InvalidInput(f"process {pid!r} is defined twice{where}",
                                   location=["processes", i])
            index[pid] = i
        deps = catalogue.dependencies
        labels = list(rows) if rows is not None else [None] * len(deps)
        for k, d in enumerate(deps):
            for role in ("supplier", "dependent"):
                pid = getattr(d, role)
                if pid not in index:
                    raise _edge_error(k, d, labels[k], f"unknown {role} process {pid!r}",
                                      "an id of the catalogue's processes")
        keys: dict[str, int] = {}
        for k, d in enumerate(deps):
            if d.key in keys:
                first = labels[keys[d.key]] or f"edge {keys[d.key]}"
                raise _edge_error(k, d, labels[k], f"repeats the dependency defined at {first}")
            keys[d.key] = k
        chosen = [k for k, d in enumerate(deps) if applies(d, conditions)]
        kept = [deps[k] for k in chosen]
        graph = cls.from_arrays(
            ids,
            supplier=np.array([index[d.supplier] for d in kept], dtype=np.int32),
            dependent=np.array([index[d.dependent] for d in kept], dtype=np.int32),
            strength=np.array([d.strength for d in kept], dtype=np.float64),
            buffer_low=np.array([d.buffer_hours_low for d in kept], dtype=np.float64),
            buffer_high=np.array([d.buffer_hours_high for d in kept], dtype=np.float64),
            linear=np.array([d.onset is Onset.LINEAR for d in kept], dtype=bool),
            ramp=np.array([d.ramp for d in kept], dtype=np.float64),
            recovery=np.array([d.recovery_hours for d in kept], dtype=np.float64),
            processes=catalogue.processes, dependencies=tuple(kept),
            illustrative=catalogue.illustrative,
            conditions=tuple(sorted((conditions or {}).items())),
            labels=[labels[k] for k in chosen])
        return graph

    @classmethod
    def from_arrays(cls, ids: Sequence[str] | int, *, supplier: NDArray[np.integer],
                    dependent: NDArray[np.integer], strength: NDArray[np.floating],
                    buffer_low: NDArray[np.floating], buffer_high: NDArray[np.floating] | None = None,
                    linear: NDArray[np.bool_] | None = None,
                    ramp: NDArray[np.floating] | None = None,
                    recovery: NDArray[np.floating] | None = None,
                    processes: tuple[VitalProcess, ...] = (),
                    dependencies: tuple[Dependency, ...] = (), illustrative: bool = False,
                    conditions: tuple[tuple[str, str], ...] = (),
                    labels: Sequence[str | None] | None = None) -> CascadeGraph:
        """Build from arrays (large synthetic graphs); validated with vectorised checks.

        ``ids`` may be a count (ids become ``"0"``, ``"1"``, …). Missing arrays default to a
        zero-width buffer range, step onsets and no recovery lag. ``ramp`` of a linear edge
        defaults to its buffer range width.
        """
        names = tuple(str(i) for i in range(ids)) if isinstance(ids, int) else tuple(ids)
        n, m = len(names), len(supplier)
        low = np.asarray(buffer_low, dtype=np.float64)
        high = low.copy() if buffer_high is None else np.asarray(buffer_high, dtype=np.float64)
        lin = np.zeros(m, dtype=bool) if linear is None else np.asarray(linear, dtype=bool)
        rmp = (np.where(lin, high - low, 0.0) if ramp is None
               else np.where(lin, np.asarray(ramp, dtype=np.float64), 0.0))
        rec = np.zeros(m) if recovery is None else np.asarray(recovery, dtype=np.float64)
        sup = np.asarray(supplier)
        dep = np.asarray(dependent)
        arrays = {"strength": np.asarray(strength, dtype=np.float64), "buffer_low": low,
                  "buffer_high": high, "ramp": rmp, "recovery": rec}
        if any(len(a) != m for a in (dep, lin, *arrays.values())):
            raise InvalidInput("edge arrays differ in length")
        _check_edges(n, sup, dep, arrays, dependencies, labels)
        order = np.lexsort((sup, dep))
        deps_sorted = tuple(dependencies[i] for i in order) if dependencies else ()
        return cls(ids=names, supplier=sup[order].astype(np.int32),
                   dependent=dep[order].astype(np.int32),
                   strength=arrays["strength"][order], buffer_low=low[order],
                   buffer_high=high[order], linear=lin[order], ramp=rmp[order],
                   recovery=rec[order], processes=processes, dependencies=deps_sorted,
                   illustrative=illustrative, conditions=conditions)

    # -- access ------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.supplier)

    def index_of(self, pid: str, *, option: str = "outages") -> int:
        try:
            return self._index[pid]
        except KeyError:
            shown = ", ".join(self.ids[:40]) + (" …" if self.n > 40 else "")
            raise InvalidInput(f"no process {pid!r} in the catalogue", location=[option],
                               expected=f"one of {shown}") from None

    def indices(self, pids: Sequence[str], *, option: str = "outages") -> NDArray[np.int64]:
        if not pids:
            raise InvalidInput("name at least one process", location=[option],
                               expected="process ids such as 1,6")
        out = np.array([self.index_of(p, option=option) for p in pids], dtype=np.int64)
        if len(set(out.tolist())) != len(out):
            raise InvalidInput("a process is named twice", location=[option])
        return out

    def process(self, i: int) -> VitalProcess | None:
        return self.processes[i] if self.processes else None

    def name(self, i: int, lang: str = "en") -> str:
        p = self.process(i)
        return p.name.get("nl" if lang == "nl" else "en") if p is not None else self.ids[i]

    def buffers(self, choice: BufferChoice | FloatArray = "low") -> FloatArray:
        """Buffer time per edge: the low or high end, the midpoint, or given values."""
        if isinstance(choice, np.ndarray):
            if choice.shape != (self.m,):
                raise InvalidInput(f"{len(choice)} buffer times for {self.m} dependencies")
            return choice
        if choice == "low":
            return self.buffer_low
        if choice == "high":
            return self.buffer_high
        if choice == "mid":
            return np.asarray((self.buffer_low + self.buffer_high) / 2.0, dtype=np.float64)
        raise InvalidInput(f"unknown buffer choice {choice!r}", location=["buffer"],
                           expected="low, mid or high")

    def _supply_order(self) -> tuple[NDArray[np.int64], NDArray[np.int64] | None, IndexArray,
                                     NDArray[np.int64]]:
        """Edge order by (supplier, dependent); where each distinct pair starts in it (``None``
        when no pair repeats); and the CSR columns and row pointers of the distinct pairs —
        computed once per graph."""
        if self._supply is None:
            order = np.lexsort((self.dependent, self.supplier))
            sup, dep = self.supplier[order], self.dependent[order]
            first = np.ones(len(sup), dtype=bool)
            first[1:] = (sup[1:] != sup[:-1]) | (dep[1:] != dep[:-1])
            starts = None if first.all() else np.flatnonzero(first)
            if starts is not None:
                sup, dep = sup[starts], dep[starts]
            ptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(sup, minlength=self.n), out=ptr[1:])
            object.__setattr__(self, "_supply", (order, starts, dep, ptr))
        assert self._supply is not None
        return self._supply

    def supply_edges(self) -> tuple[NDArray[np.int64], NDArray[np.int64], IndexArray]:
        """Every edge in supplier order (parallel edges kept): the edge order, where each
        supplier's run starts (n + 1 pointers) and the dependent of each edge — computed once
        per graph, for the shortest-path kernel."""
        if self._edges is None:
            order = self._supply_order()[0]
            ptr = np.zeros(self.n + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.supplier, minlength=self.n), out=ptr[1:])
            dep = np.ascontiguousarray(self.dependent[order], dtype=np.int32)
            object.__setattr__(self, "_edges", (order, ptr, dep))
        assert self._edges is not None
        return self._edges

    def supply_weights(self, choice: BufferChoice | FloatArray = "low") -> tuple[FloatArray, float]:
        """Buffer times in the order of :meth:`supply_edges`, with the longest (0 without
        edges); kept per named choice (low, mid, high), gathered anew for given values."""
        key = choice if isinstance(choice, str) else None
        if key is not None and key in self._sorted:
            return self._sorted[key]
        order = self.supply_edges()[0]
        weights = np.ascontiguousarray(self.buffers(choice)[order], dtype=np.float64)
        result = (weights, float(weights.max()) if len(weights) else 0.0)
        if key is not None:
            self._sorted[key] = result
        return result

    def supply_usable(self, min_strength: float = 0.0) -> NDArray[np.uint8] | None:
        """Which edges (in the order of :meth:`supply_edges`) have a strength above 0 and of at
        least ``min_strength``: ``None`` when all of them do."""
        if "strength" not in self._sorted:
            order = self.supply_edges()[0]
            strength = np.ascontiguousarray(self.strength[order], dtype=np.float64)
            self._sorted["strength"] = (strength,
                                        float(strength.min()) if len(strength) else math.inf)
        strength, weakest = self._sorted["strength"]
        if weakest > 0 and weakest >= min_strength:
            return None
        return ((strength > 0) & (strength >= min_strength)).astype(np.uint8)

    def supply_matrix(self, weights: FloatArray, mask: BoolArray | None = None) -> sp.csr_array:
        """CSR (supplier × dependent) of ``weights`` over the edges in ``mask``; a pair with
        several (conditional) dependencies keeps the smallest weight. Zeros stay edges."""
        order, starts, pair_dep, pair_ptr = self._supply_order()  # sorted once
        if mask is not None and mask.all():
            mask = None
        if mask is None:  # the common case: a gather of the weights (and a min per pair)
            w = np.asarray(weights[order], dtype=np.float64)
            if starts is not None:
                w = np.minimum.reduceat(w, starts)
            return sp.csr_array((w, pair_dep, pair_ptr), shape=(self.n, self.n))
        repeats = starts is not None
        order = order[mask[order]]
        sup, dep = self.supplier[order], self.dependent[order]
        w = np.asarray(weights[order], dtype=np.float64)
        if repeats and len(sup) > 1:  # a repeated pair keeps its smallest weight
            first = np.ones(len(sup), dtype=bool)
            first[1:] = (sup[1:] != sup[:-1]) | (dep[1:] != dep[:-1])
            starts = np.flatnonzero(first)
            w = np.minimum.reduceat(w, starts)
            sup, dep = sup[starts], dep[starts]
        ptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(sup, minlength=self.n), out=ptr[1:])
        return sp.csr_array((np.ascontiguousarray(w, dtype=np.float64),
                             dep.astype(np.int32, copy=False), ptr), shape=(self.n, self.n))

    def interdependency_matrix(self, scale: float = 1.0) -> sp.csr_array:
        """A* of the inoperability model: a*_ji = scale · strength/5 of edge i → j (rows are
        dependents; parallel conditional edges add, capped at 1)."""
        a = sp.coo_array((np.minimum(self.strength / 5.0 * scale, 1.0),
                          (self.dependent, self.supplier)), shape=(self.n, self.n)).tocsr()
        a.sum_duplicates()
        a.data = np.minimum(a.data, 1.0)
        return a

    def edge_label(self, k: int) -> str:
        return f"{self.ids[self.supplier[k]]} → {self.ids[self.dependent[k]]}"


def _edge_error(k: int, d: Dependency | None, label: str | None, message: str,
                expected: str | None = None, ids: tuple[str, str] | None = None) -> InvalidInput:
    pair = f"{d.supplier} → {d.dependent}" if d is not None else (
        f"{ids[0]} → {ids[1]}" if ids else "")
    inner = ", ".join(filter(None, (pair, label)))
    where = f"edge {k} ({inner})" if inner else f"edge {k}"
    return InvalidInput(f"{where}: {message}", location=["dependencies", k], expected=expected)


def _check_edges(n: int, sup: NDArray[np.integer], dep: NDArray[np.integer],
                 arrays: dict[str, FloatArray], dependencies: tuple[Dependency, ...],
                 labels: Sequence[str | None] | None) -> None:
    """Vectorised validation; the first offending edge is named."""

    def fail(bad: NDArray[np.bool_], message: str, expected: str | None = None) -> None:
        hits = np.flatnonzero(bad)
        if len(hits):
            k = int(hits[0])
            d = dependencies[k] if dependencies else None
            label = labels[k] if labels is not None else None
            pair = None
            if d is None and 0 <= sup[k] < n and 0 <= dep[k] < n:
                pair = (str(sup[k]), str(dep[k]))
            more = f" ({len(hits) - 1} more such edges)" if len(hits) > 1 else ""
            raise _edge_error(k, d, label, message + more, expected, pair)

    fail((sup < 0) | (sup >= n), "unknown supplier process", f"an index 0..{n - 1}")
    fail((dep < 0) | (dep >= n), "unknown dependent process", f"an index 0..{n - 1}")
    fail(sup == dep, "a process cannot depend on itself (self-loop)")
    for name, values in arrays.items():
        fail(~np.isfinite(values), f"{name} is not a finite number")
    fail((arrays["strength"] < 0) | (arrays["strength"] > 5), "strength outside 0–5", "0 to 5")
    for name in ("buffer_low", "buffer_high", "ramp", "recovery"):
        fail(arrays[name] < 0, f"negative time: {name} < 0", "hours >= 0")
    fail(arrays["buffer_low"] > arrays["buffer_high"],
         "inconsistent buffer range: low exceeds high", "buffer_hours_low <= buffer_hours_high")


def graph_of(catalogue: VitalCatalogue, *, rows: Sequence[str] | None = None,
             process_rows: Sequence[str] | None = None,
             conditions: Mapping[str, str] | None = None) -> CascadeGraph:
    """Shorthand for :meth:`CascadeGraph.from_catalogue`."""
    return CascadeGraph.from_catalogue(catalogue, rows=rows, process_rows=process_rows,
                                       conditions=conditions)


__all__ = ["BufferChoice", "CascadeGraph", "Indices", "applies", "graph_of"]
