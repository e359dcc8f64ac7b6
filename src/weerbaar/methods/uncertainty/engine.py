"""The impact model of an analysis run, and how its work is split into tasks for an executor.

An :class:`Executor` maps a module-level function over tasks and yields the results **in task
order**; :class:`LocalExecutor` runs them here, one after the other. The Dask adapter
(``weerbaar.compute.dask_backend``) has the same shape, so the engine never imports Dask. Task
functions are pure: their output depends only on their inputs (the seed is part of the task), so
it does not matter where they run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from weerbaar.methods.aggregation import max_class
from weerbaar.methods.profile import AggregationMethodId, Denominator
from weerbaar.methods.uncertainty.cdf import Cdf
from weerbaar.methods.uncertainty.distributions import ClassValueMap, Shape
from weerbaar.methods.uncertainty.exact import max_class_cdf, weighted_sum_cdfs
from weerbaar.methods.uncertainty.sampling import (
    SampledSumTask,
    histogram_cdf,
    sampled_sum_counts,
)

FloatArray = NDArray[np.float64]
S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

EXACT_BATCH = 64
"""Judgements per exact task (fixed, so results never depend on the executor)."""
SAMPLED_BATCH = 4


class Executor(Protocol):
    """Runs ``fn(shared, task)`` for every task and yields the results in task order."""

    def map(self, fn: Callable[[S, T], R], shared: S, tasks: Sequence[T]) -> Iterator[R]: ...


class LocalExecutor:
    """Runs every task in this process, in order."""

    def map(self, fn: Callable[[S, T], R], shared: S, tasks: Sequence[T]) -> Iterator[R]:
        for task in tasks:
            yield fn(shared, task)


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after every finished task."""


@dataclass(frozen=True, eq=False)
class ImpactModel:
    """How criterion positions become an aggregated impact, configured for one run.

    ``weights`` are the preference weights normalised to sum to one (the ``all`` rule divides by
    all of them); scores ``z`` are S for the weighted sum and the position itself for the highest
    class.
    """

    method: AggregationMethodId
    weights: FloatArray
    class_values: FloatArray
    factor: float
    denominator: Denominator
    shape: Shape
    fft_size: int

    @property
    def sampled(self) -> bool:
        """True when marginals are sampled (weighted sum under the ``applicable`` rule)."""
        return (self.method is AggregationMethodId.WEIGHTED_SUM
                and self.denominator is Denominator.APPLICABLE)

    def to_position(self, z: FloatArray) -> FloatArray:
        """Diagram position of a score (unrounded; −inf at S = 0)."""
        if self.method is AggregationMethodId.MAX_CLASS:
            return np.asarray(z, dtype=np.float64)
        with np.errstate(divide="ignore"):
            return np.asarray(1.0 + np.log(np.asarray(z) / self.class_values[1])
                              / math.log(self.factor), dtype=np.float64)

    def to_score(self, y: FloatArray) -> FloatArray:
        """Score of a diagram position (inverse of :meth:`to_position`)."""
        if self.method is AggregationMethodId.MAX_CLASS:
            return np.asarray(y, dtype=np.float64)
        return np.asarray(self.class_values[1] * self.factor ** (np.asarray(y) - 1.0),
                          dtype=np.float64)

    def points(self, ev: NDArray[np.int_],
               scorer: Callable[[NDArray[np.int_]], FloatArray] | None = None) -> FloatArray:
        """Deterministic scores of EV rows (``scorer``: the weighted sum's own function)."""
        if self.method is AggregationMethodId.MAX_CLASS or scorer is None:
            return np.nan_to_num(max_class(ev, self.weights), nan=0.0)
        return scorer(ev)


@dataclass(frozen=True, eq=False)
class ImpactTask:
    """A batch of judgements: (rows, criteria) positions and their deterministic scores."""

    lo: FloatArray
    mode: FloatArray
    hi: FloatArray
    points: FloatArray
    rows: tuple[int, ...]
    samples: int = 0
    seed: int = 0


def impact_cdfs(model: ImpactModel, task: ImpactTask) -> list[Cdf]:
    """The impact CDF of every judgement in ``task`` (task function; runs anywhere)."""
    if model.method is AggregationMethodId.MAX_CLASS:
        used = model.weights > 0
        return [max_class_cdf(task.lo[r, used], task.mode[r, used], task.hi[r, used],
                              model.shape, float(task.points[r])) for r in range(len(task.rows))]
    values = ClassValueMap(model.class_values)
    if not model.sampled:
        return weighted_sum_cdfs(task.lo, task.mode, task.hi, model.weights, model.shape, values,
                                 task.points, fft_size=model.fft_size)
    certain = np.all((task.hi <= task.lo) | (model.weights <= 0), axis=1)
    out: list[Cdf] = [Cdf.point(float(p)) for p in task.points]
    uncertain = np.flatnonzero(~certain)
    if len(uncertain):
        sub = SampledSumTask(
            lo=task.lo[uncertain], mode=task.mode[uncertain], hi=task.hi[uncertain],
            weights=np.broadcast_to(model.weights, (len(uncertain), len(model.weights))).copy(),
            rows=tuple(task.rows[i] for i in uncertain), shape=model.shape,
            class_values=model.class_values, factor=model.factor, samples=task.samples,
            seed=task.seed)
        for i, counts in zip(uncertain, sampled_sum_counts(sub), strict=True):
            out[i] = histogram_cdf(counts, model.class_values, model.factor)
    return out


def batch_size(model: ImpactModel) -> int:
    """Judgements per impact task."""
    return SAMPLED_BATCH if model.sampled else EXACT_BATCH


def impact_tasks(model: ImpactModel, lo: FloatArray, mode: FloatArray, hi: FloatArray,
                 points: FloatArray, *, samples: int, seed: int) -> list[ImpactTask]:
    """Split all judgements into tasks of a fixed size."""
    batch = batch_size(model)
    return [ImpactTask(lo=lo[s:s + batch], mode=mode[s:s + batch], hi=hi[s:s + batch],
                       points=points[s:s + batch], rows=tuple(range(s, min(s + batch, len(lo)))),
                       samples=samples, seed=seed)
            for s in range(0, len(lo), batch)]


__all__ = ["EXACT_BATCH", "Executor", "ImpactModel", "ImpactTask", "LocalExecutor", "Progress",
           "batch_size", "impact_cdfs", "impact_tasks"]
