"""The uncertainty engine: exact where scores are certain, right in distribution, reproducible.

Statistical checks compare the engine with plain Monte Carlo (tests/uncertainty_reference.py) for
every seed from 0 to 99. Tolerances come from the sample size alone: the DKW inequality for
distribution functions and Bernstein's inequality for probabilities, each at a per-check error
rate that keeps the chance of any false alarm in this file below 1e-3 (Bonferroni).
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from tests.uncertainty_reference import (
    dkw,
    draw,
    impact_samples,
    random_triples,
    ranks,
    scenario,
)

from weerbaar.errors import InvalidInput
from weerbaar.methods.assessment import assess
from weerbaar.methods.profile import Denominator
from weerbaar.methods.ranking import rank_desc
from weerbaar.methods.registry import get_profile
from weerbaar.methods.uncertainty import Cdf, Shape, UncertaintyAnalysis

SEEDS = range(100)
N = 3000
SCENARIOS = 5
CHECKS_PER_SEED = SCENARIOS + SCENARIOS * (SCENARIOS - 1) // 2 + SCENARIOS * SCENARIOS + SCENARIOS
ALPHA = 1e-3 / (len(SEEDS) * CHECKS_PER_SEED * 2)


def bernstein(n: int, p: float, alpha: float = ALPHA) -> float:
    """t with P(|p̂ − p| ≥ t) ≤ alpha for a mean of n Bernoulli(p) (Bernstein's inequality)."""
    log = math.log(2.0 / alpha)
    var = p * (1.0 - p)
    return (log / 3.0 + math.sqrt(log * log / 9.0 + 2.0 * n * var * log)) / n


def ks(cdf: Cdf, samples: np.ndarray) -> float:
    """Sup distance between a CDF and the ECDF of the samples (both sides of every jump)."""
    x = np.sort(samples)
    n = len(x)
    right = np.searchsorted(x, x, side="right") / n
    left = np.searchsorted(x, x, side="left") / n
    return float(max(np.max(np.abs(cdf.right(x) - right)), np.max(np.abs(cdf.left(x) - left))))


@pytest.fixture(scope="module")
def gra():  # type: ignore[no-untyped-def]
    return get_profile("gra-2019")


def _mixed_case(seed: int, ids: list[str]):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(10_000 + seed)
    out = [scenario(f"s{i}", random_triples(rng, ids), (2.0, 2.5 + i % 2, 4.0))
           for i in range(SCENARIOS - 1)]
    out.append(scenario("experts", random_triples(rng, ids), (1.0, 2.0, 3.0), experts=[
        ("a", random_triples(rng, ids[:6]), None),
        ("b", random_triples(rng, ids[4:12]), (3.0, 4.0, 5.0))]))
    return out


# -- certain scores: exactly the deterministic result ------------------------------------------


@pytest.mark.parametrize("profile_id", ["nrb-2008", "gra-2019", "rnv-2022", "regional-2019"])
@pytest.mark.parametrize("method", ["weighted_sum", "max_class"])
@pytest.mark.parametrize("rule", list(Denominator))
@pytest.mark.parametrize("shape", list(Shape))
def test_certain_scores_give_the_deterministic_result_exactly(profile_id: str, method: str,
                                                              rule: Denominator,
                                                              shape: Shape) -> None:
    profile = get_profile(profile_id)
    ids = [c.id for c in profile.criteria]
    rng = np.random.default_rng(len(profile_id))
    scenarios = []
    for i in range(12):
        classes = {cid: float(rng.choice(6, p=[0.5, 0.1, 0.1, 0.1, 0.1, 0.1])) for cid in ids}
        like = float(rng.integers(2, 11)) / 2.0
        scenarios.append(scenario(f"s{i}", {c: (v, v, v) for c, v in classes.items()},
                                  (like, like, like) if i % 5 else None))
    scenarios.append(scenario("nothing", {c: (0.0, 0.0, 0.0) for c in ids}, (3.0, 3.0, 3.0)))
    analysis = UncertaintyAnalysis(samples=500, seed=3, method=method, denominator=rule,
                                   distribution=shape, percentiles=(1.0, 5.0, 50.0, 95.0, 99.0))
    result = analysis.run(scenarios, profile)
    expected = assess(scenarios, profile, method=method, denominator=rule)
    for r, d in zip(result.scenarios, expected.results, strict=True):
        if d.impact_position is None:
            assert r.impact is None and r.p_serious is None
        else:
            assert r.impact is not None
            assert all(v == d.impact_position.ev for _, v in r.impact), (r.id, r.impact)
            assert r.p_serious == (1.0 if d.impact_position.ev >= 3.0 - 1e-9 else 0.0)
        if d.likelihood_position is None:
            assert r.likelihood is None
        else:
            assert r.likelihood is not None
            assert all(v == d.likelihood_position.ev for _, v in r.likelihood)
    scores = np.array([d.impact_position.ev if d.impact_position else np.nan
                       for d in expected.results])
    order = rank_desc(scores)
    for r, rank in zip(result.scenarios, order, strict=True):
        assert r.rank is not None
        if float(rank).is_integer() and np.sum(scores == scores[list(order).index(rank)]) == 1:
            assert r.rank.probabilities[int(rank) - 1] == 1.0
        assert r.rank.expected == pytest.approx(rank, abs=1e-12)


def test_all_c_is_serious_and_all_b_is_not(gra) -> None:  # type: ignore[no-untyped-def]
    ids = [c.id for c in gra.criteria]
    sc = [scenario("c", {c: (3.0, 3.0, 3.0) for c in ids}),
          scenario("b", {c: (2.0, 2.0, 2.0) for c in ids})]
    result = UncertaintyAnalysis(samples=100).run(sc, gra)
    assert result.scenario("c").p_serious == 1.0
    assert result.scenario("b").p_serious == 0.0
    assert result.outranks("c", "b") == 1.0 and result.outranks("b", "c") == 0.0


# -- statistics against plain Monte Carlo ------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_engine_matches_plain_monte_carlo(seed: int, gra) -> None:  # type: ignore[no-untyped-def]
    ids = [c.id for c in gra.criteria]
    shape = ("triangular", "pert")[seed % 2]
    method = "max_class" if seed % 5 == 4 else "weighted_sum"
    scenarios = _mixed_case(seed, ids)
    analysis = UncertaintyAnalysis(samples=N, seed=seed, distribution=Shape(shape), method=method,
                                   denominator=Denominator.ALL)
    result = analysis.run(scenarios, gra)
    marg = analysis.marginals(scenarios, gra)
    rng = np.random.default_rng(seed)
    weights = np.full(len(ids), 1.0 / len(ids))
    mc = np.column_stack([impact_samples(rng, s, ids, weights, shape, N, method=method)
                          for s in scenarios])
    eps = dkw(N, ALPHA)
    for i in range(SCENARIOS):
        cdf = marg.impact[i]
        assert cdf is not None
        segments = np.diff(cdf.f)[np.diff(cdf.x) > 0]
        resolution = float(segments.max(initial=0.0))  # the engine's own cell mass
        assert ks(cdf, mc[:, i]) <= eps + resolution
    for a in range(SCENARIOS):
        for b in range(a + 1, SCENARIOS):
            p = result.outranking[a, b]
            assert p + result.outranking[b, a] == pytest.approx(1.0, abs=1e-12)
            freq = np.mean(mc[:, a] > mc[:, b]) + 0.5 * np.mean(mc[:, a] == mc[:, b])
            assert abs(freq - p) <= bernstein(N, p) + 1.0 / N
    mc_ranks = ranks(mc, rng)
    for a, s in enumerate(result.scenarios):
        assert s.rank is not None
        for r in range(SCENARIOS):
            engine_p = s.rank.probabilities[r]
            freq = float(np.mean(mc_ranks[:, a] == r + 1))
            pooled = (engine_p + freq) / 2.0
            assert abs(engine_p - freq) <= 2 * bernstein(N, pooled) + 2.0 / N, (s.id, r + 1)
        # the expected rank (exact) against the mean sampled rank
        mean_rank = float(np.dot(np.arange(1, SCENARIOS + 1), s.rank.probabilities))
        assert abs(mean_rank - s.rank.expected) <= (SCENARIOS - 1) * dkw(N, ALPHA) + 2.0 / N


@pytest.mark.parametrize("seed", SEEDS)
def test_likelihood_percentiles(seed: int, gra) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    lo = float(rng.integers(2, 7)) / 2.0
    hi = lo + float(rng.integers(1, 11 - int(2 * lo))) / 2.0
    mode = lo + float(rng.integers(0, int(2 * (hi - lo)) + 1)) / 2.0
    sc = [scenario("s", {"2.1": (1.0, 2.0, 3.0)}, (lo, mode, hi))]
    percentiles = (5.0, 25.0, 50.0, 75.0, 95.0)
    tri = UncertaintyAnalysis(samples=100, distribution=Shape.TRIANGULAR, percentiles=percentiles)
    got = dict(tri.run(sc, gra).scenarios[0].likelihood or ())
    for pct in percentiles:  # the closed-form triangular quantile
        p, c = pct / 100.0, (mode - lo) / (hi - lo)
        t = math.sqrt(p * c) if p < c else 1.0 - math.sqrt((1.0 - p) * (1.0 - c))
        assert got[pct] == pytest.approx(lo + t * (hi - lo), abs=1e-6)
    pert = replace(tri, distribution=Shape.PERT).marginals(sc, gra).likelihood[0]
    assert pert is not None
    x = draw(np.random.default_rng(seed), "pert", np.array([lo]), np.array([mode]),
             np.array([hi]), N)[:, 0]
    assert ks(pert, x) <= dkw(N, ALPHA)


@pytest.mark.parametrize("seed", SEEDS)
def test_sampled_engine_for_the_applicable_rule(seed: int, gra) -> None:  # type: ignore[no-untyped-def]
    ids = [c.id for c in gra.criteria]
    rng = np.random.default_rng(20_000 + seed)
    sc = [scenario("s", random_triples(rng, ids, p_x=0.5))]
    analysis = UncertaintyAnalysis(samples=N, seed=seed, denominator=Denominator.APPLICABLE,
                                   distribution=Shape(("triangular", "pert")[seed % 2]))
    result = analysis.run(sc, gra)
    assert result.engine == "sampled"
    cdf = analysis.marginals(sc, gra).impact[0]
    assert cdf is not None
    assert analysis.distribution is not None
    x = impact_samples(np.random.default_rng(seed), sc[0], ids, np.full(len(ids), 1.0 / len(ids)),
                       analysis.distribution.value, N, denominator="applicable")
    bins = float(np.diff(cdf.f).max())  # mass of the largest histogram bin
    assert ks(cdf, x) <= 2 * dkw(N, ALPHA / 2) + bins


# -- reproducibility, chunking, experts -----------------------------------------------------------


def test_same_seed_same_result_bit_for_bit(gra) -> None:  # type: ignore[no-untyped-def]
    sc = _mixed_case(7, [c.id for c in gra.criteria])
    a = UncertaintyAnalysis(samples=5000, seed=11).run(sc, gra)
    b = UncertaintyAnalysis(samples=5000, seed=11).run(sc, gra)
    c = UncertaintyAnalysis(samples=5000, seed=12).run(sc, gra)
    assert json.dumps(a.to_dict(matrix=True)) == json.dumps(b.to_dict(matrix=True))
    assert [s.rank.probabilities for s in a.scenarios] != [s.rank.probabilities  # type: ignore[union-attr]
                                                           for s in c.scenarios]


@pytest.mark.parametrize("denominator", list(Denominator))
def test_chunk_size_does_not_change_results(gra, denominator: Denominator) -> None:  # type: ignore[no-untyped-def]
    sc = _mixed_case(3, [c.id for c in gra.criteria])
    base = UncertaintyAnalysis(samples=9000, seed=5, denominator=denominator)
    reference = json.dumps(base.run(sc, gra).to_dict(matrix=True))
    for chunk in (1, 2048, 5000, 10**6):
        assert json.dumps(replace(base, chunk_size=chunk).run(sc, gra).to_dict(matrix=True)) \
            == reference


def test_experts_widen_the_spread_and_are_flagged(gra) -> None:  # type: ignore[no-untyped-def]
    agreed = {"2.1": (2.0, 3.0, 3.0), "3.1": (2.0, 2.0, 3.0), "5.1": (1.0, 2.0, 2.0)}
    close = scenario("close", agreed, (3.0, 3.0, 3.5),
                     experts=[("a", {"2.1": (2.0, 3.0, 3.0)}, None)])
    apart = scenario("apart", agreed, (3.0, 3.0, 3.5),
                     experts=[("a", {"2.1": (4.0, 5.0, 5.0), "3.1": (4.0, 4.0, 5.0)}, (4.0, 5.0, 5.0)),
                              ("b", {"2.1": (0.0, 1.0, 1.0)}, (1.0, 1.0, 2.0))])
    alone = scenario("alone", agreed, (3.0, 3.0, 3.5))
    result = UncertaintyAnalysis(samples=2000).run([close, apart, alone], gra)

    def width(sid: str) -> float:
        s = result.scenario(sid)
        assert s.impact is not None
        return s.impact[-1][1] - s.impact[0][1]

    assert width("apart") > 2 * width("alone")
    assert width("close") == pytest.approx(width("alone"), abs=1e-9)
    assert result.scenario("apart").disagreement.flagged
    assert result.scenario("apart").disagreement.judgements == 3
    assert not result.scenario("close").disagreement.flagged
    assert result.scenario("alone").disagreement.impact_spread is None
    pooled = UncertaintyAnalysis(samples=2000, experts=False).run([apart, alone], gra)
    assert not pooled.scenario("apart").disagreement.flagged
    assert pooled.scenario("apart").impact == pooled.scenario("alone").impact


def test_invalid_settings_are_named(gra) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match="samples"):
        UncertaintyAnalysis(samples=0)
    with pytest.raises(InvalidInput, match="percentiles"):
        UncertaintyAnalysis(percentiles=(0.0, 50.0))
    with pytest.raises(InvalidInput, match="serious"):
        UncertaintyAnalysis(serious=7.0).run([], gra)


def test_results_serialise(gra) -> None:  # type: ignore[no-untyped-def]
    sc = _mixed_case(1, [c.id for c in gra.criteria])
    out = UncertaintyAnalysis(samples=1000).run(sc, gra).to_dict(matrix=True)
    text = json.dumps(out)
    assert "NaN" not in text
    assert out["serious"] == {"position": 3.0, "class": "C"}
    assert len(out["outranking"]["p"]) == len(sc) and out["outranking"]["p"][0][0] is None
    row = out["scenarios"][0]
    assert set(row["impact"]) == {"p5", "p50", "p95"}
    assert set(row["rank"]) == {"median", "interval_90", "expected", "distribution"}
