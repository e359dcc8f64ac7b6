"""The time-stepped propagation as one compiled loop (the model: :mod:`weerbaar.cascade.propagation`).

Each step walks the edges once, in the graph's order (grouped by dependent): it computes the
effect of every dependency, updates what the dependency holds, and combines a dependent's
effects as soon as its run of edges ends — the vectorised formulation needs a dozen passes over
all edges per step for the same. Every number is formed with the same floating-point operations
in the same order as that formulation (clip as ``max`` then ``min``, the noisy-OR product and the
capped sum accumulated along each dependent's run), so the results are the same bit for bit; the
tests compare the two on random graphs.

A dependency whose supplier is unimpaired and that holds no effect is skipped: its effect is 0
and stays 0, and the time it would be released at only matters once it holds an effect again —
and that time is set anew at that moment.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.cascade.jit import compiled, prefetch

NOISY_OR, CAPPED_SUM, MAXIMUM = 0, 1, 2
AHEAD = 32  # edges: how far ahead the supplier's state is requested


def _run(sup: Any, ptr: Any, w: Any, tau: Any, slope: Any, offset: Any, rho: Any, src: Any,
         forced_until: float, steps: int, dt: float, rule: int, x: Any, since: Any, held: Any,
         release: Any, first: Any, peak: Any, inop: Any, affected: Any, level: Any,
         record: bool, new: Any, state: Any) -> None:
    """Run ``steps`` steps from the state ``x``/``since``/``held``/``release`` (updated in place,
    with the summaries ``first``, ``peak``, ``inop``, ``affected`` and, with ``record``, the rows
    1… of ``level``); ``new`` (n) and ``state`` (2n) are work space."""
    n = len(ptr) - 1
    m = len(sup)
    # each process's level and impairment start side by side: one memory access per supplier
    for j in range(n):
        state[2 * j] = x[j]
        state[2 * j + 1] = since[j]
    for k in range(1, steps + 1):
        t = k * dt
        for j in range(n):
            inop[j] = inop[j] + state[2 * j] * dt
            affected[j] = affected[j] + (dt if state[2 * j] > 0 else 0.0)
        for j in range(n):
            acc = 1.0 if rule == NOISY_OR else 0.0
            for e in range(ptr[j], ptr[j + 1]):
                if e + AHEAD < m:
                    prefetch(state, 2 * sup[e + AHEAD])
                i = sup[e]
                xi = state[2 * i]
                h = held[e]
                if xi != 0.0 or h != 0.0:
                    phi = (((t - state[2 * i + 1]) - tau[e]) * slope[e]) + offset[e]
                    if not phi > 0.0:  # np.clip: max(phi, 0), then min(phi, 1)
                        phi = 0.0
                    if phi > 1.0:
                        phi = 1.0
                    on = (xi * w[e]) * phi
                    if on >= h or t >= release[e]:
                        h = on
                        held[e] = on
                        release[e] = rho[e] + t
                if rule == NOISY_OR:
                    acc = acc * (1.0 - (h if h < 1.0 else 1.0))
                elif rule == CAPPED_SUM:
                    acc = acc + h
                elif e == ptr[j] or h > acc:
                    acc = h
            if ptr[j + 1] == ptr[j]:
                new[j] = 0.0
            elif rule == NOISY_OR:
                new[j] = 1.0 - acc
            elif rule == CAPPED_SUM:
                new[j] = acc if acc < 1.0 else 1.0
            else:
                new[j] = acc
        if t < forced_until:
            for s in src:
                new[s] = 1.0
        for j in range(n):
            v = new[j]
            state[2 * j] = v
            if v > 0:
                if t < state[2 * j + 1]:
                    state[2 * j + 1] = t
                if not first[j] < np.inf:
                    first[j] = t
            else:
                state[2 * j + 1] = np.inf
            if v > peak[j]:
                peak[j] = v
            if record:
                level[k, j] = v
    for j in range(n):
        x[j] = state[2 * j]
        since[j] = state[2 * j + 1]


_run = compiled(_run)

FloatArray = NDArray[np.float64]


def run_steps(sup: NDArray[np.int32], ptr: NDArray[np.int64], w: FloatArray, tau: FloatArray,
              slope: FloatArray, offset: FloatArray, rho: FloatArray, src: NDArray[np.int64],
              *, forced_until: float, steps: int, dt: float, rule: int, x: FloatArray,
              since: FloatArray, held: FloatArray, release: FloatArray, first: FloatArray,
              peak: FloatArray, inop: FloatArray, affected: FloatArray,
              level: FloatArray | None) -> None:
    """Run the compiled loop (arrays as :meth:`Propagation.run` prepares them)."""
    _run(np.ascontiguousarray(sup, dtype=np.int32), np.ascontiguousarray(ptr, dtype=np.int64),
         w, tau, slope, offset, rho, np.ascontiguousarray(src, dtype=np.int64),
         float(forced_until), int(steps), float(dt), int(rule), x, since, held, release, first,
         peak, inop, affected, np.empty((0, 0)) if level is None else level, level is not None,
         np.empty(len(x)), np.empty(2 * len(x)))


__all__ = ["CAPPED_SUM", "MAXIMUM", "NOISY_OR", "run_steps"]
