"""Time-stepped propagation of inoperability with buffers, onsets and recovery.

State: the inoperability xⱼ(t) ∈ [0, 1] of every process (the fraction of its function lost) on
the grid t = 0, Δ, 2Δ, …, H; the initial outages are 1 from t = 0 until ``restore_after``.
Each step covers all edges e = (i → j) with weight wₑ = strengthₑ / 5:

- sᵢ is the time at which supplier i's current impairment began (its buffers drain from then);
  d = t − sᵢ. The buffer factor is φₑ = [d ≥ τₑ] for a step onset and
  φₑ = clip((d − τₑ) / rₑ, 0, 1) for a linear onset with ramp rₑ.
- The effect of the edge is onₑ(t) = wₑ · xᵢ(t − Δ) · φₑ: effects travel one edge per step at
  the earliest (a dependency with no buffer shows one step after its supplier).
- Recovery: an edge keeps the highest effect it reached until ``recovery_hours`` after it last
  reached it; then it follows its supplier again. So a dependent returns max(ρₑ, Δ) after its
  supplier does.
- The effects on process j are combined by the chosen rule: noisy-OR 1 − ∏(1 − onₑ), capped sum
  min(1, Σ onₑ), or the maximum. Buffers refill as soon as the supplier is back (sᵢ resets).

With whole-hour buffers and Δ = 1 h, the first step at which a process is affected equals the
earliest time to impact over edges whose buffers are rounded up to whole steps, at least one.

The steps run as one compiled loop over the edges (:mod:`weerbaar.cascade.stepping`);
:func:`combine` is the same combination written with numpy.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from weerbaar.cascade.graph import BufferChoice, CascadeGraph, FloatArray, Indices
from weerbaar.errors import InvalidInput

STEP_SLOPE = 1e200  # see Propagation.run: turns the ramp formula into a step at d = τ


class CombinationRule(StrEnum):
    """How the effects of several lost supplies on one process combine."""

    NOISY_OR = "noisy-or"
    CAPPED_SUM = "capped-sum"
    MAX = "max"


_RULES = {CombinationRule.NOISY_OR: 0, CombinationRule.CAPPED_SUM: 1, CombinationRule.MAX: 2}


def combine(effects: FloatArray, graph: CascadeGraph, rule: CombinationRule) -> FloatArray:
    """Per process, the combination of the effects of its incoming edges (edge order)."""
    n = graph.n
    if rule is CombinationRule.CAPPED_SUM:
        return np.minimum(np.bincount(graph.dependent, weights=effects, minlength=n), 1.0)
    out = np.zeros(n)
    ptr = graph.dep_ptr
    rows = np.flatnonzero(ptr[1:] > ptr[:-1])
    if not len(rows):
        return out
    if rule is CombinationRule.NOISY_OR:  # 1 − ∏(1 − e) over each dependent's run of edges
        out[rows] = 1.0 - np.multiply.reduceat(1.0 - np.minimum(effects, 1.0), ptr[rows])
    else:
        out[rows] = np.maximum.reduceat(effects, ptr[rows])
    return out


@dataclass(frozen=True, eq=False)
class Timeline:
    """A time-stepped run: inoperability per step and process, or only its summaries.

    ``level`` is (steps + 1) × processes (``None`` for a run with ``record=False``). Summaries:
    ``first`` (hours until the process is first affected, ``inf`` = never), ``peak``,
    ``inoperability_hours`` (∫x dt: hours of lost function) and ``affected_hours`` (hours with
    x > 0), all over the horizon.
    """

    ids: tuple[str, ...]
    outages: tuple[int, ...]
    times: FloatArray
    level: FloatArray | None
    first: FloatArray
    peak: FloatArray
    inoperability_hours: FloatArray
    affected_hours: FloatArray
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def affected(self) -> NDArray[np.int64]:
        """Processes affected at some step, in order of first impact (outages first)."""
        hit = np.flatnonzero(np.isfinite(self.first))
        return hit[np.lexsort((hit, self.first[hit]))]

    def to_dict(self, *, steps: bool = True) -> dict[str, Any]:
        rows = []
        for j in self.affected:
            row: dict[str, Any] = {
                "id": self.ids[j], "first_affected_hours": float(self.first[j]),
                "peak": float(self.peak[j]),
                "inoperability_hours": float(self.inoperability_hours[j]),
                "affected_hours": float(self.affected_hours[j])}
            if steps and self.level is not None:
                row["level"] = [round(float(v), 6) for v in self.level[:, j]]
            rows.append(row)
        out: dict[str, Any] = {"model": "time_stepped", **self.settings,
                               "outages": [self.ids[i] for i in self.outages],
                               "processes": rows}
        if steps:
            out["times"] = [float(t) for t in self.times]
        return out


@dataclass(frozen=True)
class Propagation:
    """The time-stepped model, configured once (see the module docstring).

    ``hours`` must be a whole number of ``step`` hours. ``restore_after``: hours after which the
    initial outages end (``None``: they last the whole horizon).
    """

    hours: float = 72.0
    step: float = 1.0
    rule: CombinationRule = CombinationRule.NOISY_OR
    buffer: BufferChoice = "low"
    restore_after: float | None = None

    def __post_init__(self) -> None:
        if not self.step > 0:
            raise InvalidInput("the time step must be positive", location=["step"])
        if self.hours < 0:
            raise InvalidInput("the horizon must not be negative", location=["hours"])
        steps = self.hours / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise InvalidInput(f"{self.hours:g} hours is not a whole number of {self.step:g}-hour "
                               "steps", location=["hours"])
        if self.restore_after is not None and self.restore_after < 0:
            raise InvalidInput("restore time must not be negative", location=["restore_after"])
        object.__setattr__(self, "rule", CombinationRule(self.rule))

    @property
    def steps(self) -> int:
        return round(self.hours / self.step)

    def settings(self) -> dict[str, Any]:
        return {"hours": self.hours, "step_hours": self.step, "rule": self.rule.value,
                "buffer": self.buffer, "restore_after_hours": self.restore_after}

    def run(self, graph: CascadeGraph, outages: Indices, *,
            buffers: FloatArray | None = None, record: bool = True) -> Timeline:
        """Propagate the ``outages`` (process indices) through ``graph``.

        ``buffers`` overrides the buffer time per edge (Monte Carlo draws); ``record=False``
        keeps only the summaries (large graphs).
        """
        src = np.asarray(outages, dtype=np.int64)
        if src.ndim != 1 or len(src) == 0:
            raise InvalidInput("name at least one outage", location=["outages"])
        if src.min() < 0 or src.max() >= graph.n:
            raise InvalidInput("an outage is not a process of the graph", location=["outages"],
                               expected=f"process indices 0..{graph.n - 1}")
        tau = graph.buffers(self.buffer if buffers is None else buffers)
        n, dt, steps = graph.n, self.step, self.steps
        m, sup = graph.m, graph.supplier
        w = np.asarray(graph.strength / 5.0, dtype=np.float64)
        linear = graph.linear & (graph.ramp > 0)
        # φ = clip((d − τ)·slope + offset, 0, 1): slope 1/r for a linear onset; for a step a huge
        # slope and offset 1, so that φ = 1 from d = τ on and 0 before (d = −inf: not impaired)
        slope = np.asarray(np.where(linear, 1.0 / np.where(linear, graph.ramp, 1.0), STEP_SLOPE),
                           dtype=np.float64)
        offset = np.where(linear, 0.0, 1.0)
        rho = graph.recovery
        forced_until = math.inf if self.restore_after is None else self.restore_after

        x = np.zeros(n)
        x[src] = 1.0 if forced_until > 0 else 0.0
        since = np.where(x > 0, 0.0, np.inf)
        held = np.zeros(m)
        release = np.full(m, -np.inf)
        level = np.empty((steps + 1, n)) if record else None
        first = np.where(x > 0, 0.0, np.inf)
        peak = x.copy()
        inop = np.zeros(n)
        affected = np.zeros(n)
        if level is not None:
            level[0] = x
        from weerbaar.cascade.stepping import run_steps  # numba: loaded on first use

        run_steps(sup, graph.dep_ptr, w, np.ascontiguousarray(tau, dtype=np.float64), slope,
                  offset, np.ascontiguousarray(rho, dtype=np.float64), src,
                  forced_until=forced_until, steps=steps, dt=dt, rule=_RULES[self.rule], x=x,
                  since=since, held=held, release=release, first=first, peak=peak, inop=inop,
                  affected=affected, level=level)
        return Timeline(ids=graph.ids, outages=tuple(int(s) for s in src),
                        times=np.arange(steps + 1, dtype=np.float64) * dt, level=level,
                        first=first, peak=peak,
                        inoperability_hours=inop, affected_hours=affected,
                        settings=self.settings())


def fingerprint(graph: CascadeGraph) -> str:
    """SHA-256 of the graph's ids and edge arrays: identifies the catalogue a run used."""
    h = hashlib.sha256()
    h.update(json.dumps(graph.ids).encode("utf-8"))
    for array in (graph.supplier, graph.dependent, graph.strength, graph.buffer_low,
                  graph.buffer_high, graph.linear, graph.ramp, graph.recovery):
        h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def run_id(graph: CascadeGraph, outages: Sequence[int], settings: dict[str, Any]) -> str:
    """A short, reproducible id of a run: the graph's fingerprint, the outages and settings."""
    payload = json.dumps({"graph": fingerprint(graph), "outages": [graph.ids[i] for i in outages],
                          "settings": settings, "conditions": dict(graph.conditions)},
                         sort_keys=True, default=str)
    return "cascade-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


__all__ = ["CombinationRule", "Propagation", "Timeline", "combine", "fingerprint", "run_id"]
