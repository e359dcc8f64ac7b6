"""Weight sensitivity: preference profiles side by side, Dirichlet weights, Sobol indices."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from statistics import NormalDist

import numpy as np
import pytest
from tests.uncertainty_reference import random_triples, scenario

from weerbaar.domain import LocalText, Provenance, Status
from weerbaar.methods.assessment import assess
from weerbaar.methods.profile import MethodProfile, PreferenceProfile, WeightBasis
from weerbaar.methods.ranking import rank_desc
from weerbaar.methods.registry import get_profile
from weerbaar.methods.uncertainty import UncertaintyAnalysis
from weerbaar.methods.uncertainty.sensitivity import (
    compare_preferences,
    sobol_indices,
    weight_sensitivity,
)
from weerbaar.methods.uncertainty.sobol import sobol_sums

SEEDS = range(100)
Z = NormalDist().inv_cdf(1 - 1e-3 / (2 * len(SEEDS) * 8))  # Bonferroni over every check here


def with_preference(weights: dict[str, float]) -> MethodProfile:
    gra = get_profile("gra-2019")
    pref = PreferenceProfile(id="one", name=LocalText(en="one criterion"),
                             basis=WeightBasis.CRITERIA, weights=weights,
                             provenance=Provenance(status=Status.PROVISIONAL,
                                                   source="weerbaar-illustrative"))
    aggregation = gra.aggregation.model_copy(update={
        "preference_profiles": (*gra.aggregation.preference_profiles, pref)})
    return gra.model_copy(update={"aggregation": aggregation})


@pytest.mark.parametrize("seed", SEEDS)
def test_sobol_estimator_on_a_linear_model(seed: int) -> None:
    """y = Σ wᵢ xᵢ with independent uniform xᵢ: Sᵢ = S_Tᵢ = wᵢ² / Σ wⱼ² (Saltelli et al. 2008)."""
    w = np.array([1.0, 2.0, 3.0, 0.0])
    n = 4096
    rng = np.random.default_rng(seed)
    a, b = rng.random((n, 4)), rng.random((n, 4))
    f_a, f_b = a @ w, b @ w
    f_ab = np.empty((4, n))
    for i in range(4):
        mixed = a.copy()
        mixed[:, i] = b[:, i]
        f_ab[i] = mixed @ w
    first, total, variance = sobol_sums(f_a, f_b, f_ab).indices()
    truth = w**2 / np.sum(w**2)
    both = np.concatenate([f_a, f_b])
    v = both.var()
    sd_v = np.std((both - both.mean()) ** 2) / math.sqrt(2 * n)
    for i in range(4):
        g = f_b * (f_ab[i] - f_a)
        h = (f_a - f_ab[i]) ** 2 / 2
        tol_first = Z * (g.std() / math.sqrt(n) + abs(truth[i]) * sd_v) / v
        tol_total = Z * (h.std() / math.sqrt(n) + abs(truth[i]) * sd_v) / v
        assert abs(first[i] - truth[i]) <= tol_first
        assert abs(total[i] - truth[i]) <= tol_total
    assert first[3] == 0.0 and total[3] == 0.0
    assert variance == pytest.approx(v)


def test_one_criterion_with_all_the_weight_gets_index_one() -> None:
    profile = with_preference({"2.1": 1.0})
    ids = [c.id for c in profile.criteria]
    rng = np.random.default_rng(1)
    triples = random_triples(rng, ids, p_x=0.0)
    triples["2.1"] = (1.0, 3.0, 5.0)
    sc = [scenario("s", triples), scenario("certain", {c: (2.0, 2.0, 2.0) for c in ids})]
    result = sobol_indices(UncertaintyAnalysis(preference="one", seed=4), sc, profile,
                           samples=4096)
    s = result.scenario("s")
    assert s.first is not None and s.total is not None
    first, total = dict(s.first), dict(s.total)
    assert first["2.1"] == pytest.approx(1.0, abs=0.05)
    assert total["2.1"] == pytest.approx(1.0, abs=0.05)
    assert all(first[c] == 0.0 and total[c] == 0.0 for c in ids if c != "2.1")
    assert s.driver() == "2.1"
    assert result.scenario("certain").first is None


def test_sobol_is_reproducible_and_chunk_invariant() -> None:
    gra = get_profile("gra-2019")
    sc = [scenario(f"s{i}", random_triples(np.random.default_rng(i), [c.id for c in gra.criteria]))
          for i in range(3)]
    base = UncertaintyAnalysis(seed=9, chunk_size=512)
    a = sobol_indices(base, sc, gra, samples=1500)
    b = sobol_indices(replace(base, chunk_size=10**6), sc, gra, samples=1500)
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    for method in ("max_class",):
        m = sobol_indices(replace(base, method=method), sc, gra, samples=1500)
        assert all(s.total is None or max(v for _, v in s.total) <= 1.5 for s in m.scenarios)


def test_random_weights() -> None:
    gra = get_profile("gra-2019")
    ids = [c.id for c in gra.criteria]
    rng = np.random.default_rng(3)
    sc = [scenario(f"s{i}", {c: (v, v, v) for c, v in
                             ((c, float(rng.integers(0, 6))) for c in ids)}) for i in range(6)]
    sc.append(scenario("all-c", {c: (3.0, 3.0, 3.0) for c in ids}))
    analysis = UncertaintyAnalysis(samples=4000, seed=2, chunk_size=3000)
    narrow = weight_sensitivity(analysis, sc, gra, concentration=1e9)
    wide = weight_sensitivity(analysis, sc, gra, concentration=20.0)
    det = assess(sc, gra)
    ranks = rank_desc(np.array([r.impact_position.ev for r in det.results  # type: ignore[union-attr]
                                ]))
    for s, r, rank in zip(narrow.scenarios, det.results, ranks, strict=True):
        assert r.impact_position is not None
        assert all(abs(v - r.impact_position.ev) < 2e-3 for _, v in s.impact)
        if float(rank).is_integer():
            assert s.rank.median == rank and s.rank.probabilities[int(rank) - 1] == 1.0

    def width(res: object, sid: str) -> float:
        row = next(x for x in res.scenarios if x.id == sid)  # type: ignore[attr-defined]
        return float(row.impact[-1][1] - row.impact[0][1])

    assert width(wide, "s0") > width(narrow, "s0")
    assert all(v == 3.0 for _, v in wide.scenarios[-1].impact)
    assert wide.scenarios[-1].p_serious == 1.0
    again = weight_sensitivity(replace(analysis, chunk_size=10**6), sc, gra, concentration=20.0)
    assert json.dumps(again.to_dict()) == json.dumps(wide.to_dict())


def test_preference_profiles_side_by_side() -> None:
    gra = get_profile("gra-2019")
    ids = [c.id for c in gra.criteria]
    sc = [scenario(f"s{i}", random_triples(np.random.default_rng(40 + i), ids)) for i in range(5)]
    result = compare_preferences(UncertaintyAnalysis(), sc, gra)
    assert result.preferences == ("equal", "interests-equal", "physical-emphasis")
    assert set(result.provisional) == {"interests-equal", "physical-emphasis"}
    for pref in result.preferences:
        det = assess(sc, gra, preference=pref)
        rows = result.rows[result.preferences.index(pref)]
        assert sum(r.expected_rank for r in rows) == pytest.approx(len(sc) * (len(sc) + 1) / 2)
        for row, d in zip(rows, det.results, strict=True):
            assert row.impact_ev == (d.impact_position.ev if d.impact_position else None)
    assert "results" in result.to_dict()
