"""Benchmark: the uncertainty analysis at 200 scenarios x 18 criteria x 100,000 samples.

Reports the engine's median wall time over repeats, its peak memory and samples per second, and
two baselines measured in the same run:

(a) a straightforward per-scenario, per-sample Python implementation (draw every criterion with
    ``random.triangular``, aggregate, rank every sample, count every pair), timed on a subsample
    of the samples and scaled linearly to the full count;
(b) the memory floor: one numpy pass (a sum) over as many float32 values as there are criterion
    draws (scenarios x criteria x samples).

Targets: at least 50x faster than (a); within 10x of (b); peak memory under 1.5 GB.

    .venv/bin/python benchmarks/uncertainty.py [--samples N] [--repeats R] [--subsample M]

The ratios are printed last.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence

import numpy as np

from weerbaar.domain import CriterionScore, LikelihoodScore, Scenario, ScenarioType, ScoreRange
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.methods.uncertainty import UncertaintyAnalysis

PROFILE = "rnv-2022"  # 18 criteria


def make_scenarios(profile: MethodProfile, count: int, seed: int = 0) -> list[Scenario]:
    """Random but realistic scores: 40 % of criteria X, ranges of up to three classes."""
    rng = np.random.default_rng(seed)
    ids = [c.id for c in profile.criteria]
    out = []
    for i in range(count):
        impact = {}
        for cid in ids:
            ev = 0 if rng.random() < 0.4 else int(rng.integers(1, 6))
            ll = max(0, ev - int(rng.integers(0, 2)))
            ul = min(5, ev + int(rng.integers(0, 3)))
            impact[cid] = CriterionScore(criterion=cid, range=ScoreRange(ll=ll, ev=ev, ul=ul))
        like = float(rng.integers(2, 10)) / 2.0
        likelihood = LikelihoodScore(range=ScoreRange(ll=max(1.0, like - 1.0), ev=like,
                                                      ul=min(5.0, like + 0.5)))
        out.append(Scenario(id=f"s{i:03d}", title=f"scenario {i}", theme="t",
                            type=ScenarioType.THREAT, impact=impact, likelihood=likelihood))
    return out


def median_seconds(fn: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def python_baseline(scenarios: Sequence[Scenario], profile: MethodProfile, samples: int,
                    seed: int = 1) -> object:
    """The straightforward implementation: loops over scenarios and samples, nothing shared."""
    rnd = random.Random(seed)
    ids = [c.id for c in profile.criteria]
    weight = 1.0 / len(ids)
    n = len(scenarios)

    def value(x: float) -> float:
        return x if x < 1.0 else 3.0 ** (x - 1.0)

    def draw(lo: float, mode: float, hi: float) -> float:
        return lo if hi <= lo else rnd.triangular(lo, hi, mode)

    impact = [[0.0] * samples for _ in range(n)]
    likelihood = [[0.0] * samples for _ in range(n)]
    for a, s in enumerate(scenarios):
        triples = [(s.impact[c].range.ll, s.impact[c].range.ev, s.impact[c].range.ul) for c in ids]
        lk = s.likelihood.range if s.likelihood else None
        for k in range(samples):
            total = 0.0
            for lo, mode, hi in triples:
                total += weight * value(draw(lo, mode, hi))
            impact[a][k] = 1.0 + math.log(total) / math.log(3.0) if total > 0 else 0.0
            likelihood[a][k] = draw(lk.ll, lk.ev, lk.ul) if lk else 0.0
    rank_counts = [[0] * n for _ in range(n)]
    pair_counts = [[0] * n for _ in range(n)]
    for k in range(samples):
        column = [impact[a][k] for a in range(n)]
        order = sorted(range(n), key=lambda a: -column[a])
        for r, a in enumerate(order):
            rank_counts[a][r] += 1
        for a in range(n):
            for b in range(n):
                if column[a] > column[b]:
                    pair_counts[a][b] += 1
    percentiles = []
    for a in range(n):
        xs, ys = sorted(impact[a]), sorted(likelihood[a])
        pick = [xs[int(p * (samples - 1))] for p in (0.05, 0.5, 0.95)]
        pick += [ys[int(p * (samples - 1))] for p in (0.05, 0.5, 0.95)]
        serious = sum(1 for y in impact[a] if y >= 3.0) / samples
        percentiles.append((pick, serious))
    return percentiles, rank_counts, pair_counts


def memory_floor(count: int, repeats: int) -> tuple[float, int, int]:
    """Median time of one numpy pass (a sum) over ``count`` float32 values."""
    values = np.ones(count, dtype=np.float32)
    seconds, _ = median_seconds(lambda: float(values.sum()), repeats)
    return seconds, values.size, values.nbytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--subsample", type=int, default=200,
                        help="samples timed for the Python baseline (then scaled)")
    args = parser.parse_args()
    profile = get_profile(PROFILE)
    k = len(profile.criteria)
    scenarios = make_scenarios(profile, args.scenarios)
    analysis = UncertaintyAnalysis(samples=args.samples, seed=1)
    print(f"scenarios: {args.scenarios}  criteria: {k}  samples: {args.samples:,}  "
          f"repeats: {args.repeats}  profile: {PROFILE}")

    analysis.run(scenarios, profile)  # warm-up: imports, PERT tables, caches
    engine, engine_times = median_seconds(lambda: analysis.run(scenarios, profile), args.repeats)
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9
    tracemalloc.start()
    analysis.run(scenarios, profile)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    traced_gb = traced_peak / 1e9
    print(f"engine                 median {engine:8.3f} s   "
          f"(runs: {', '.join(f'{t:.3f}' for t in engine_times)})")
    print(f"engine samples/s       {args.samples / engine:12,.0f}   "
          f"({args.samples * args.scenarios * k / engine:,.0f} criterion-samples/s)")
    print(f"engine peak memory     {traced_gb:8.3f} GB allocated by the run (tracemalloc); "
          f"process peak RSS {rss_gb:.3f} GB")

    sub = min(args.subsample, args.samples)
    start = time.perf_counter()
    python_baseline(scenarios, profile, sub)
    python_sub = time.perf_counter() - start
    python_full = python_sub * args.samples / sub
    print(f"baseline (a) python    {python_sub:8.3f} s for {sub:,} samples -> "
          f"{python_full:10.1f} s scaled to {args.samples:,}")

    floor, size, nbytes = memory_floor(args.scenarios * k * args.samples, args.repeats)
    print(f"baseline (b) floor     median {floor:8.3f} s   one numpy pass over "
          f"{size:,} float32 ({nbytes / 1e9:.2f} GB)")

    speedup = python_full / engine
    to_floor = engine / floor
    print("ratios")
    print(f"  speed-up vs (a) python loop   {speedup:10.1f}x   (target >= 50x: "
          f"{'met' if speedup >= 50 else 'NOT met'})")
    print(f"  engine / (b) memory floor     {to_floor:10.2f}x   (target <= 10x: "
          f"{'met' if to_floor <= 10 else 'NOT met'})")
    print(f"  peak memory                   {traced_gb:10.3f} GB  (target < 1.5 GB: "
          f"{'met' if max(traced_gb, rss_gb) < 1.5 else 'NOT met'}; process RSS {rss_gb:.3f} GB)")


if __name__ == "__main__":
    main()
