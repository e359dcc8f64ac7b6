"""Monte Carlo over uncertain buffer times: an ensemble of cascade runs, reproducible by seed.

Each run draws every dependency's buffer time from its range [low, high] (uniform, or triangular
with the mode at the midpoint), then computes the earliest time to impact and a time-stepped run.
Runs are drawn in blocks of :attr:`Ensemble.block` runs; every block has its own random stream,
``SeedSequence(seed, spawn_key=(STREAM_CASCADE, block))`` — the same scheme as the uncertainty
engine (``weerbaar.methods.uncertainty.sampling``) — so results depend only on the seed, never on
how blocks are grouped into tasks or where the tasks run: a run on a Dask cluster
(``weerbaar.compute.dask_backend``) is bit-identical to a local one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from weerbaar.cascade.criticality import DEFAULT_CATEGORY_WEIGHTS, populations, weights_of
from weerbaar.cascade.graph import CascadeGraph, FloatArray
from weerbaar.cascade.impact_time import time_to_impact
from weerbaar.cascade.propagation import Propagation
from weerbaar.errors import InvalidInput
from weerbaar.methods.uncertainty.engine import Executor, LocalExecutor, Progress
from weerbaar.methods.uncertainty.sampling import block_generator

STREAM_CASCADE = 11  # random stream of cascade ensembles (the uncertainty engine uses 1–4)
Distribution = Literal["uniform", "triangular"]


@dataclass(frozen=True, eq=False)
class EnsembleModel:
    """What every task needs (scattered once to Dask workers)."""

    graph: CascadeGraph
    outages: tuple[int, ...]
    propagation: Propagation
    distribution: Distribution
    seed: int
    block: int
    runs: int
    min_strength: float
    weights: FloatArray
    population: FloatArray


@dataclass(frozen=True)
class EnsembleTask:
    first: int  # first block
    stop: int  # one past the last block


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """Per run (rows) and process (columns)."""

    impact_hours: NDArray[np.float64]
    inoperability_hours: NDArray[np.float64]


def draw_buffers(model: EnsembleModel, block: int, size: int) -> FloatArray:
    """Buffer times of the ``size`` runs of one block (size × edges)."""
    g = model.graph
    rng = block_generator(model.seed, STREAM_CASCADE, block)
    u = rng.random((size, g.m))
    low, high = g.buffer_low, g.buffer_high
    if model.distribution == "uniform":
        return np.asarray(low + u * (high - low), dtype=np.float64)
    # triangular with mode at the midpoint: inverse CDF on [0, 1], then scaled
    z = np.where(u < 0.5, np.sqrt(u / 2.0), 1.0 - np.sqrt((1.0 - u) / 2.0))
    return np.asarray(low + z * (high - low), dtype=np.float64)


def ensemble_chunk(model: EnsembleModel, task: EnsembleTask) -> ChunkResult:
    """Run the blocks ``task.first`` … ``task.stop - 1`` (a task function: runs anywhere)."""
    sizes = [min(model.block, model.runs - b * model.block) for b in range(task.first, task.stop)]
    total = sum(sizes)
    n = model.graph.n
    impact = np.empty((total, n))
    inop = np.empty((total, n))
    row = 0
    for block, size in zip(range(task.first, task.stop), sizes, strict=True):
        taus = draw_buffers(model, block, size)
        for tau in taus:
            times = time_to_impact(model.graph, model.outages, buffer=tau,
                                   min_strength=model.min_strength,
                                   horizon=model.propagation.hours, predecessors=False)
            impact[row] = times.hours
            run = model.propagation.run(model.graph, model.outages, buffers=tau, record=False)
            inop[row] = run.inoperability_hours
            row += 1
    return ChunkResult(impact_hours=impact, inoperability_hours=inop)


def _pct(values: FloatArray, q: Sequence[float]) -> list[float | None]:
    """Percentiles that may be infinite (not reached): ``None`` stands for 'beyond the horizon'."""
    out: list[float | None] = []
    for v in np.percentile(values, q, method="inverted_cdf"):
        out.append(float(v) if np.isfinite(v) else None)
    return out


@dataclass(frozen=True, eq=False)
class EnsembleResult:
    """The ensemble: per run and process, time to impact and inoperability-hours."""

    ids: tuple[str, ...]
    outages: tuple[int, ...]
    runs: int
    seed: int
    distribution: str
    percentiles: tuple[float, ...]
    impact_hours: NDArray[np.float64]  # runs × processes (inf = not reached in the horizon)
    inoperability_hours: NDArray[np.float64]
    weighted_hours: FloatArray  # per run
    people_hours: FloatArray  # per run
    settings: dict[str, Any] = field(default_factory=dict)
    illustrative: bool = False

    def p_impact(self) -> FloatArray:
        """P(process reached within the horizon) per process."""
        return np.asarray(np.isfinite(self.impact_hours).mean(axis=0), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        p = self.p_impact()
        order = np.lexsort((np.arange(len(self.ids)), np.median(self.impact_hours, axis=0), -p))
        rows = []
        for j in order:
            if p[j] == 0:
                continue
            rows.append({"id": self.ids[j], "p_impact": float(p[j]),
                         "impact_hours": dict(zip(
                             [f"p{q:g}" for q in self.percentiles],
                             _pct(self.impact_hours[:, j], self.percentiles), strict=True)),
                         "mean_inoperability_hours": float(self.inoperability_hours[:, j].mean())})
        count = np.isfinite(self.impact_hours).sum(axis=1)
        return {"model": "monte_carlo", "illustrative": self.illustrative, "runs": self.runs,
                "seed": self.seed, "distribution": self.distribution, **self.settings,
                "outages": [self.ids[i] for i in self.outages],
                "processes_reached": dict(zip([f"p{q:g}" for q in self.percentiles],
                                              _pct(count.astype(float), self.percentiles),
                                              strict=True)),
                "weighted_hours": dict(zip([f"p{q:g}" for q in self.percentiles],
                                           _pct(self.weighted_hours, self.percentiles),
                                           strict=True)),
                "people_hours": dict(zip([f"p{q:g}" for q in self.percentiles],
                                         _pct(self.people_hours, self.percentiles), strict=True)),
                "processes": rows}


@dataclass(frozen=True)
class Ensemble:
    """Monte Carlo over the buffer ranges, configured once (see the module docstring).

    ``chunk_size`` (runs per task) bounds memory and sets the work per task; it never changes
    results.
    """

    runs: int = 1000
    seed: int = 0
    distribution: Distribution = "uniform"
    propagation: Propagation = field(default_factory=Propagation)
    min_strength: float = 0.0
    block: int = 50
    chunk_size: int = 200
    percentiles: tuple[float, ...] = (5.0, 50.0, 95.0)

    def __post_init__(self) -> None:
        if self.runs < 1:
            raise InvalidInput("the ensemble needs at least one run", location=["runs"])
        if not 0 <= self.seed < 2**63:
            raise InvalidInput("the seed must be a non-negative integer", location=["seed"])
        if self.distribution not in ("uniform", "triangular"):
            raise InvalidInput(f"unknown distribution {self.distribution!r}",
                               location=["distribution"], expected="uniform or triangular")
        if self.block < 1 or self.chunk_size < 1:
            raise InvalidInput("block and chunk sizes must be at least 1")

    def tasks(self) -> list[EnsembleTask]:
        blocks = math.ceil(self.runs / self.block)
        per = max(1, math.ceil(self.chunk_size / self.block))
        return [EnsembleTask(b, min(blocks, b + per)) for b in range(0, blocks, per)]

    def run(self, graph: CascadeGraph, outages: Sequence[int], *,
            executor: Executor | None = None, progress: Progress | None = None,
            category_weights: dict[str, float] | None = None) -> EnsembleResult:
        src = tuple(int(i) for i in outages)
        if not src:
            raise InvalidInput("name at least one outage", location=["outages"])
        weights = weights_of(graph, category_weights or DEFAULT_CATEGORY_WEIGHTS)
        pop = populations(graph)
        model = EnsembleModel(graph=graph, outages=src, propagation=self.propagation,
                              distribution=self.distribution, seed=self.seed, block=self.block,
                              runs=self.runs, min_strength=self.min_strength, weights=weights,
                              population=pop)
        tasks = self.tasks()
        impact, inop = [], []
        for done, part in enumerate((executor or LocalExecutor()).map(ensemble_chunk, model,
                                                                     tasks)):
            impact.append(part.impact_hours)
            inop.append(part.inoperability_hours)
            if progress is not None:
                progress(done + 1, len(tasks))
        hours = np.concatenate(inop)
        return EnsembleResult(
            ids=graph.ids, outages=src, runs=self.runs, seed=self.seed,
            distribution=self.distribution, percentiles=self.percentiles,
            impact_hours=np.concatenate(impact), inoperability_hours=hours,
            weighted_hours=hours @ weights, people_hours=hours @ pop,
            settings={**self.propagation.settings(), "buffer": "sampled",
                      "min_strength": self.min_strength},
            illustrative=graph.illustrative)


__all__ = ["STREAM_CASCADE", "ChunkResult", "Ensemble", "EnsembleModel", "EnsembleResult",
           "EnsembleTask", "draw_buffers", "ensemble_chunk"]
