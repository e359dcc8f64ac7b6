"""Benchmark: vectorised weighted-sum aggregation against a per-scenario Python loop.

Both compute the same scores for the same random (scenarios × criteria) class matrix; the loop is
the baseline measured in the same run, so the ratio is meaningful on a shared, noisy machine.

    .venv/bin/python benchmarks/bench_aggregation.py [--scenarios N] [--repeats R]

Target: the vectorised path is at least 10x faster than the loop at 100,000 scenarios.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from weerbaar.methods.aggregation import WeightedSum
from weerbaar.methods.registry import get_profile


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    profile = get_profile("gra-2019")
    ws = WeightedSum.from_profile(profile)
    rng = np.random.default_rng(0)
    matrix = rng.integers(0, 6, size=(args.scenarios, len(profile.criteria)))
    values = ws.class_values.tolist()
    weights = ws.weights.tolist()
    rows = matrix.tolist()

    def loop() -> list[float]:
        return [sum(w * values[c] for w, c in zip(weights, row, strict=True)) for row in rows]

    def vectorised() -> object:
        return ws.positions(ws.scores(matrix))

    assert np.allclose(np.array(loop()), ws.scores(matrix))
    base = median_seconds(loop, args.repeats)
    fast = median_seconds(vectorised, args.repeats)
    print(f"scenarios: {args.scenarios:,}  criteria: {len(profile.criteria)}  repeats: {args.repeats}")
    print(f"baseline python loop   median {base * 1e3:9.2f} ms")
    print(f"vectorised numpy       median {fast * 1e3:9.2f} ms")
    ratio = base / fast
    print(f"speed-up               {ratio:9.1f}x   (target >= 10x: {'met' if ratio >= 10 else 'NOT met'})")


if __name__ == "__main__":
    main()
