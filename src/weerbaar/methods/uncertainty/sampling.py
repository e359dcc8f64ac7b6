"""Reproducible, chunked sampling: random streams per block, and the sampled (fallback) marginals.

**Streams.** Samples are drawn in blocks of :data:`BLOCK` samples. Every block has its own random
stream, seeded by ``SeedSequence(seed, spawn_key=(stream, *key, block))`` (O'Neill 2014; numpy's
``SeedSequence``), so a block's numbers depend only on the seed, on what is drawn (``stream`` and
``key``) and on the block's index — never on how blocks are grouped into chunks or on which
machine or worker draws them. Chunks are runs of whole blocks, and chunk results are combined in
block order, which makes results bit-identical for any chunk size and for local and Dask runs.

**Sampled marginals.** Under the ``applicable`` denominator rule the aggregate is a ratio of two
sums, S = Σ cᵢ v(Xᵢ) / Σ cᵢ a(Xᵢ), which is not a convolution; its distribution is then estimated
by plain Monte Carlo over the criteria and kept as a histogram on a fine grid of diagram positions
(:data:`HISTOGRAM_BINS` bins), counted in integers so that it too is chunk-invariant.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from weerbaar.methods.uncertainty.cdf import Cdf
from weerbaar.methods.uncertainty.distributions import ClassValueMap, Shape, ppf

FloatArray = NDArray[np.float64]

BLOCK = 2048
"""Samples per random stream: the unit of reproducibility."""

STREAM_RANKS, STREAM_MARGINALS, STREAM_WEIGHTS, STREAM_SOBOL = 1, 2, 3, 4

HISTOGRAM_BINS = 8192
HISTOGRAM_RANGE = (-4.0, 6.0)  # diagram positions; below the range counts in the first bin


def block_generator(seed: int, stream: int, *key: int) -> np.random.Generator:
    """The random generator of one block (``key`` ends with the block index)."""
    sequence = np.random.SeedSequence(seed, spawn_key=(stream, *key))
    return np.random.Generator(np.random.PCG64(sequence))


def block_sizes(samples: int) -> list[int]:
    """Samples in each block: full blocks and a shorter last one."""
    full, rest = divmod(samples, BLOCK)
    return [BLOCK] * full + ([rest] if rest else [])


def chunk_plan(samples: int, chunk_size: int) -> list[tuple[int, int]]:
    """Runs ``(first_block, stop_block)`` of whole blocks with about ``chunk_size`` samples each."""
    blocks = len(block_sizes(samples))
    per = max(1, math.ceil(chunk_size / BLOCK))
    return [(b, min(blocks, b + per)) for b in range(0, blocks, per)]


@dataclass(frozen=True, eq=False)
class SampledSumTask:
    """Data for sampling the ``applicable`` weighted sum of some judgements (one task)."""

    lo: FloatArray
    mode: FloatArray
    hi: FloatArray
    weights: FloatArray
    rows: tuple[int, ...]  # global judgement indices: the random stream keys
    shape: Shape
    class_values: FloatArray
    factor: float
    samples: int
    seed: int


def _position(scores: FloatArray, unit: float, factor: float) -> FloatArray:
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 + np.log(scores / unit) / math.log(factor), dtype=np.float64)


def sampled_sum_counts(task: SampledSumTask) -> NDArray[np.int64]:
    """Histogram counts (judgements × bins) of the diagram position of the ``applicable`` sum."""
    values = ClassValueMap(task.class_values)
    lo_bin, hi_bin = HISTOGRAM_RANGE
    width = (hi_bin - lo_bin) / HISTOGRAM_BINS
    counts = np.zeros((len(task.rows), HISTOGRAM_BINS), dtype=np.int64)
    for r, row in enumerate(task.rows):
        lo, mode, hi, c = task.lo[r], task.mode[r], task.hi[r], task.weights[r]
        for block, size in enumerate(block_sizes(task.samples)):
            rng = block_generator(task.seed, STREAM_MARGINALS, row, block)
            x = ppf(task.shape, rng.random((size, len(lo))), lo, mode, hi)
            num = (values.value(x) * c).sum(axis=1)
            den = (values.applicable(x) * c).sum(axis=1)
            score = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
            y = _position(score, float(task.class_values[1]), task.factor)
            index = np.clip(np.floor((y - lo_bin) / width), 0, HISTOGRAM_BINS - 1)
            counts[r] += np.bincount(index.astype(np.intp), minlength=HISTOGRAM_BINS)
    return counts


def histogram_cdf(counts: NDArray[np.int64], class_values: FloatArray, factor: float) -> Cdf:
    """The CDF (on the score scale) of a position histogram; bins are uniform inside."""
    lo_bin, hi_bin = HISTOGRAM_RANGE
    edges = np.linspace(lo_bin, hi_bin, HISTOGRAM_BINS + 1)
    scores = float(class_values[1]) * factor ** (edges - 1.0)
    scores[0] = 0.0
    used = np.flatnonzero(counts)
    first, last = used[0], used[-1] + 1
    f = np.concatenate([[0.0], np.cumsum(counts[first:last])]) / counts.sum()
    f[-1] = 1.0
    return Cdf(scores[first:last + 1], f)


def sampled_sum_cdfs(tasks: Sequence[SampledSumTask],
                     counts: Sequence[NDArray[np.int64]]) -> list[Cdf]:
    """Turn the tasks' histogram counts into CDFs, in task order."""
    out: list[Cdf] = []
    for task, table in zip(tasks, counts, strict=True):
        out.extend(histogram_cdf(row, task.class_values, task.factor) for row in table)
    return out


__all__ = ["BLOCK", "STREAM_MARGINALS", "STREAM_RANKS", "STREAM_SOBOL", "STREAM_WEIGHTS",
           "SampledSumTask", "block_generator", "block_sizes", "chunk_plan", "histogram_cdf",
           "sampled_sum_cdfs", "sampled_sum_counts"]
