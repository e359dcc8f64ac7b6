"""Multi-source shortest paths within a horizon: the kernel of the earliest time to impact.

The search runs over a graph's supplier-major edge arrays (``ptr``: where each supplier's run of
outgoing dependencies starts; ``dep``: the dependent of each; ``w``: its buffer time) and is
compiled with numba. Parallel edges need no merging: the smaller weight wins by itself.

**Algorithm.** A bucket queue over the bounded horizon (Dial 1969), run as a sequential
Δ-stepping (Meyer & Sanders 2003). Labels live in buckets of width Δ (a 128th of the longest
buffer time), processed in increasing order. A label d + w never lands in an earlier bucket
than the label d it came from, so when a bucket's turn comes every label in it is final — except
where an edge shorter than Δ joins two labels of the same bucket: the improved process is then
scanned again (label correcting). For buffer times spread over hours such rescans are rare; should
they exceed about n / 8 (many edges far shorter than Δ), the search moves the pending labels into
a binary heap and finishes as textbook Dijkstra, so the worst case stays O(m log n).

On a large graph the time goes into waiting for memory, not into arithmetic: each scan reads a
label, a row pointer, a run of edges and the labels at their ends, all at random places. So a
bucket is taken in chunks, and while one process is scanned the data of the processes a few
places further on is already requested (software prefetching: their labels and row pointers 16
ahead, their edges 8 ahead, the labels of their dependents 4 ahead). Bucket entries sit in blocks
of 256, recycled as they empty, so the blocks being filled stay in the processor's cache.

**Exactness.** Every label is a floating-point sum ``d + w`` along a path, formed exactly as
``scipy.sparse.csgraph.dijkstra`` forms it; both methods stop at the least fixed point of
Tⱼ = min over i of (Tᵢ + τᵢⱼ), so the times are bit for bit the same (the tests compare them,
with ties, zero buffers and a horizon that cuts exactly at a label). As in scipy, a label equal
to the horizon counts as reached. Only the choice among equally short routes may differ
(``pred``).

The compiled functions are cached on disk (see :mod:`weerbaar.cascade.jit`).
"""

from __future__ import annotations

import math
import time
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from weerbaar.cascade.jit import compiled
from weerbaar.cascade.jit import prefetch as _prefetch

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

BLOCK = 256  # entries per bucket block
CHUNK = 1024  # entries taken from a bucket at a time
AHEAD_LABEL, AHEAD_EDGES, AHEAD_TARGETS = 16, 8, 4  # prefetch distances, in scans
WINDOW = 128  # buckets per longest edge: Δ = longest buffer time / WINDOW
MAX_BUCKETS = 1 << 20


@numba.njit(inline="always")
def _heap_push(keys: Any, nodes: Any, size: int, key: float, node: int) -> None:
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= key:
            break
        keys[i] = keys[parent]
        nodes[i] = nodes[parent]
        i = parent
    keys[i] = key
    nodes[i] = node


@numba.njit(inline="always")
def _heap_sift_down(keys: Any, nodes: Any, size: int) -> None:
    """Restore the heap after its element at index ``size`` (the old last) moved to the top."""
    key = keys[size]
    node = nodes[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= key:
            break
        keys[i] = keys[child]
        nodes[i] = nodes[child]
        i = child
    keys[i] = key
    nodes[i] = node


def _search(ptr: Any, dep: Any, w: Any, usable: Any, check: bool, sources: Any, limit: float,
            delta: float, budget: int, dist: Any, pred: Any, want_pred: bool, tail: Any,
            bnode: Any, bkey: Any, bcount: Any, bprev: Any) -> int:
    """Fill ``dist`` (and ``pred`` when ``want_pred``); returns the number of scans.

    Bucket b is a list of blocks (newest first) of up to BLOCK entries (process, label):
    ``tail[b]`` its newest block, ``bprev`` the next older one, ``bcount`` a block's entries,
    ``bnode``/``bkey`` the entries (block t at t * BLOCK). Blocks are taken from the free list,
    else from the never-used ones.
    """
    n = len(ptr) - 1
    for i in range(n):
        dist[i] = np.inf
    if want_pred:
        for i in range(n):
            pred[i] = -1
    inv = 1.0 / delta
    buckets = len(tail)
    last = buckets - 1
    for i in range(buckets):
        tail[i] = -1
    free = -1  # first block of the free list
    unused = 0  # first block never used
    for s in sources:
        if dist[s] > 0.0:
            dist[s] = 0.0
            t = tail[0]
            if t < 0 or bcount[t] == BLOCK:
                if free >= 0:
                    fresh = free
                    free = bprev[fresh]
                else:
                    fresh = unused
                    unused += 1
                bcount[fresh] = 0
                bprev[fresh] = t
                tail[0] = fresh
                t = fresh
            c = bcount[t]
            bnode[t * BLOCK + c] = s
            bkey[t * BLOCK + c] = 0.0
            bcount[t] = c + 1
    lu = np.empty(CHUNK + BLOCK, dtype=np.int32)
    ld = np.empty(CHUNK + BLOCK, dtype=np.float64)
    scans = 0
    b = 0
    while b < buckets:
        t = tail[b]
        if t < 0:
            b += 1
            continue
        # take whole blocks of bucket b (they go back to the pool at once)
        count = 0
        while t >= 0 and count < CHUNK:
            base = t * BLOCK
            for i in range(bcount[t]):
                u = bnode[base + i]
                lu[count + i] = u
                ld[count + i] = bkey[base + i]
                _prefetch(dist, u)
            count += bcount[t]
            tail[b] = bprev[t]
            bprev[t] = free
            free = t
            t = tail[b]
        # keep the current entries (a process improved since it was queued has a newer one)
        kept = 0
        for i in range(count):
            if i + AHEAD_LABEL < count:
                _prefetch(dist, lu[i + AHEAD_LABEL])
            u = lu[i]
            d = ld[i]
            lu[kept] = u
            ld[kept] = d
            kept += d == dist[u]
        for i in range(min(kept, AHEAD_LABEL)):
            _prefetch(ptr, lu[i])
        for i in range(kept):
            if i + AHEAD_LABEL < kept:
                _prefetch(ptr, lu[i + AHEAD_LABEL])
            if i + AHEAD_EDGES < kept:
                first = ptr[lu[i + AHEAD_EDGES]]
                _prefetch(dep, first)
                _prefetch(w, first)
            if i + AHEAD_TARGETS < kept:
                ahead = lu[i + AHEAD_TARGETS]
                for k in range(ptr[ahead], ptr[ahead + 1]):
                    _prefetch(dist, dep[k])
            u = lu[i]
            d = ld[i]
            if d != dist[u]:
                continue  # improved within this bucket, after it was taken: queued again
            scans += 1
            if scans > budget:  # too many rescans (edges much shorter than Δ)
                return _finish_with_heap(ptr, dep, w, usable, check, limit, dist, pred,
                                         want_pred, tail, bnode, bkey, bcount, bprev, b,
                                         lu[i:kept], ld[i:kept], scans)
            for k in range(ptr[u], ptr[u + 1]):
                if check and usable[k] == 0:
                    continue
                nd = d + w[k]
                v = dep[k]
                if nd < dist[v] and nd <= limit:
                    dist[v] = nd
                    if want_pred:
                        pred[v] = u
                    x = nd * inv
                    bb = last if x >= last else int(x)
                    # append (v, nd) to bucket bb (written out: a helper taking the arrays
                    # would cost reference counting on every call)
                    t = tail[bb]
                    if t < 0 or bcount[t] == BLOCK:
                        if free >= 0:
                            fresh = free
                            free = bprev[fresh]
                        else:
                            fresh = unused
                            unused += 1
                        bcount[fresh] = 0
                        bprev[fresh] = t
                        tail[bb] = fresh
                        t = fresh
                    c = bcount[t]
                    bnode[t * BLOCK + c] = v
                    bkey[t * BLOCK + c] = nd
                    bcount[t] = c + 1
    return scans


def _finish_with_heap(ptr: Any, dep: Any, w: Any, usable: Any, check: bool, limit: float,
                      dist: Any, pred: Any, want_pred: bool, tail: Any, bnode: Any, bkey: Any,
                      bcount: Any, bprev: Any, b: int, lu: Any, ld: Any, scans: int) -> int:
    """Move the pending labels (those of buckets b, … and ``lu``/``ld``) into a binary heap and
    run Dijkstra to the end."""
    pending = len(lu)
    for bucket in range(b, len(tail)):
        t = tail[bucket]
        while t >= 0:
            pending += bcount[t]
            t = bprev[t]
    keys = np.empty(pending + len(dep) + 1, dtype=np.float64)  # every push improves a label
    nodes = np.empty(pending + len(dep) + 1, dtype=np.int32)
    size = 0
    for i in range(len(lu)):
        _heap_push(keys, nodes, size, ld[i], lu[i])
        size += 1
    scans -= 1  # lu[0] is scanned again below
    for bucket in range(b, len(tail)):
        t = tail[bucket]
        while t >= 0:
            for i in range(bcount[t]):
                node = bnode[t * BLOCK + i]
                key = bkey[t * BLOCK + i]
                if key == dist[node]:
                    _heap_push(keys, nodes, size, key, node)
                    size += 1
            t = bprev[t]
    while size > 0:
        d = keys[0]
        u = nodes[0]
        size -= 1
        if size > 0:
            _heap_sift_down(keys, nodes, size)
        if d != dist[u]:
            continue
        scans += 1
        for k in range(ptr[u], ptr[u + 1]):
            if check and usable[k] == 0:
                continue
            nd = d + w[k]
            v = dep[k]
            if nd < dist[v] and nd <= limit:
                dist[v] = nd
                if want_pred:
                    pred[v] = u
                _heap_push(keys, nodes, size, nd, v)
                size += 1
    return scans


def _origins(pred: Any, dist: Any, origin: Any, chain: Any) -> None:
    """The source each reached process traces back to along ``pred`` (-1 when unreached)."""
    n = len(pred)
    for i in range(n):
        origin[i] = -1
    for i in range(n):
        if origin[i] >= 0 or not dist[i] < np.inf:
            continue
        depth = 0
        j = i
        while origin[j] < 0 and pred[j] >= 0:
            chain[depth] = j
            depth += 1
            j = pred[j]
        root = origin[j] if origin[j] >= 0 else j
        origin[j] = root
        for k in range(depth):
            origin[chain[k]] = root


_finish_with_heap = compiled(_finish_with_heap)
_search = compiled(_search)
_origins = compiled(_origins)

_NO_MASK = np.ones(1, dtype=np.uint8)
_NO_PRED = np.empty(0, dtype=np.int64)


def bucket_width(longest: float, span: float) -> tuple[float, int]:
    """Δ and the number of buckets for edges up to ``longest`` over labels up to ``span``."""
    if not span > 0.0:
        return 1.0, 1
    delta = longest / WINDOW if longest > 0.0 else span
    buckets = math.ceil(span / delta) if span / delta < MAX_BUCKETS else MAX_BUCKETS
    if buckets >= MAX_BUCKETS:
        delta = span / MAX_BUCKETS
    return delta, max(int(buckets), 1)


def shortest_times(ptr: NDArray[np.int64], dep: NDArray[np.int32], w: FloatArray,
                   sources: IntArray, *, limit: float = math.inf,
                   usable: NDArray[np.uint8] | None = None, longest: float | None = None,
                   predecessors: bool = False, bucket_scans: int | None = None
                   ) -> tuple[FloatArray, IntArray | None, IntArray | None]:
    """Shortest path lengths from ``sources`` (all at 0) over the edges ``ptr``/``dep``/``w``.

    Labels above ``limit`` are not kept (``inf``); ``usable`` (0/1 per edge) leaves edges out.
    ``longest``, the largest weight, sets the bucket width (computed when not given; any
    positive value gives the same result, only faster or slower). ``bucket_scans``: how many
    scans the bucket queue may make before the search turns to a binary heap (default
    n + n / 8 + 1024, which only many rescans exceed; 0 runs the heap from the start).

    Returns the lengths and, with ``predecessors``, the predecessor of each process on a
    shortest route and the source it traces back to (-1 where there is none).
    """
    n = len(ptr) - 1
    ptr = np.ascontiguousarray(ptr, dtype=np.int64)
    dep = np.ascontiguousarray(dep, dtype=np.int32)
    w = np.ascontiguousarray(w, dtype=np.float64)
    src = np.ascontiguousarray(sources, dtype=np.int64)
    mask = _NO_MASK if usable is None else np.ascontiguousarray(usable, dtype=np.uint8)
    top = (float(w.max()) if len(w) else 0.0) if longest is None else float(longest)
    if math.isfinite(limit):
        span = float(limit)
    else:  # no shortest path is longer than its n − 1 edges or than all edges together
        span = min(float(w.sum()), max(n - 1, 0) * top) if len(w) else 0.0
    delta, buckets = bucket_width(top, span)
    dist = np.empty(n, dtype=np.float64)
    pred = np.empty(n, dtype=np.int64) if predecessors else _NO_PRED
    budget = n + n // 8 + 1024 if bucket_scans is None else max(int(bucket_scans), 0)
    # each bucket has at most one block that is not full: blocks <= buckets + entries / BLOCK
    # (allocated here, so that memory tracing sees them; pages never touched cost nothing)
    blocks = buckets + (len(dep) + len(src)) // BLOCK + 1
    _search(ptr, dep, w, mask, usable is not None, src, float(limit), delta, budget, dist, pred,
            predecessors, np.empty(buckets, dtype=np.int64),
            np.empty(blocks * BLOCK, dtype=np.int32), np.empty(blocks * BLOCK, dtype=np.float64),
            np.empty(blocks, dtype=np.int64), np.empty(blocks, dtype=np.int64))
    if not predecessors:
        return dist, None, None
    origin = np.empty(n, dtype=np.int64)
    _origins(pred, dist, origin, np.empty(n, dtype=np.int64))
    return dist, pred, origin


def warm_up() -> float:
    """Compile (or load from the cache) the kernels on a tiny graph; returns the seconds taken."""
    start = time.perf_counter()
    ptr = np.array([0, 2, 3, 3], dtype=np.int64)
    dep = np.array([1, 2, 2], dtype=np.int32)
    w = np.array([1.0, 3.0, 1.0])
    shortest_times(ptr, dep, w, np.array([0]), limit=10.0, predecessors=True)
    shortest_times(ptr, dep, w, np.array([0]), usable=np.ones(3, dtype=np.uint8))
    return time.perf_counter() - start


__all__ = ["bucket_width", "shortest_times", "warm_up"]
