"""Aggregation: known answers and invariants (monotonicity, permutation invariance)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import NATIONAL_PROFILES

from weerbaar.domain import CriterionScore, Scenario, ScenarioType, ScoreRange
from weerbaar.errors import MethodError, NotFound
from weerbaar.methods.aggregation import (
    WeightedSum,
    max_class,
    outranking_flows,
    preference_weights,
)
from weerbaar.methods.assessment import assess, compare_methods
from weerbaar.methods.profile import Denominator
from weerbaar.methods.ranking import kendall_tau_b, rank_desc
from weerbaar.methods.registry import get_profile

N = len(get_profile("gra-2019").criteria)


def scenario(sid: str, classes: dict[str, float], profile_id: str = "gra-2019") -> Scenario:
    return Scenario(
        id=sid, title=sid, theme="t", type=ScenarioType.THREAT,
        impact={cid: CriterionScore(criterion=cid, range=ScoreRange.point(pos))
                for cid, pos in classes.items()},
    )


@pytest.mark.parametrize("profile_id", [*NATIONAL_PROFILES, "regional-2019"])
@pytest.mark.parametrize("rule", list(Denominator))
@pytest.mark.parametrize(("code", "position"), [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)])
def test_uniform_class_lands_on_its_gridline(profile_id: str, rule: Denominator, code: str,
                                             position: int) -> None:
    profile = get_profile(profile_id)
    pos = profile.impact.parse(code)
    s = scenario("s", {c.id: pos for c in profile.criteria})
    result = assess([s], profile, denominator=rule).results[0]
    assert result.impact_position is not None
    assert result.impact_position.ev == position  # exactly, e.g. all C gives y = 3
    assert result.impact_class == code


def test_all_c_is_exactly_three_for_every_preference() -> None:
    profile = get_profile("gra-2019")
    s = scenario("s", {c.id: 3 for c in profile.criteria})
    for pref in profile.aggregation.preference_profiles:
        r = assess([s], profile, preference=pref.id).results[0]
        assert r.impact_position is not None
        assert r.impact_position.ev == 3.0
        assert r.impact_score is not None and r.impact_score.ev == 9.0


def test_weighted_sum_known_answer() -> None:
    profile = get_profile("gra-2019")
    # one E (81), one C (9), rest X, equal weights 1/16 over all criteria
    s = scenario("s", {"2.1": 5, "3.1": 3, **{c.id: 0 for c in profile.criteria[:3]}})
    r = assess([s], profile, denominator=Denominator.ALL).results[0]
    assert r.impact_score is not None
    assert r.impact_score.ev == pytest.approx(90 / 16)
    assert r.impact_position is not None
    assert r.impact_position.ev == pytest.approx(1 + math.log(90 / 16, 3))
    r2 = assess([s], profile, denominator=Denominator.APPLICABLE).results[0]
    assert r2.impact_score is not None and r2.impact_score.ev == pytest.approx(45.0)


def test_all_x_has_no_position() -> None:
    profile = get_profile("gra-2019")
    r = assess([scenario("s", {c.id: 0 for c in profile.criteria})], profile).results[0]
    assert r.impact_position is None and r.impact_class is None


classes = st.lists(st.integers(min_value=0, max_value=5), min_size=N, max_size=N)


@settings(max_examples=200, deadline=None)
@given(classes, st.integers(min_value=0, max_value=N - 1),
       st.sampled_from(list(Denominator)), st.sampled_from(["equal", "physical-emphasis"]))
def test_raising_one_class_never_lowers_the_aggregate(row: list[int], index: int,
                                                      rule: Denominator, pref: str) -> None:
    profile = get_profile("gra-2019")
    ws = WeightedSum.from_profile(profile, pref, rule)
    raised = list(row)
    raised[index] = min(5, raised[index] + 1)
    before, after = ws.scores(np.array([row, raised]))
    if rule is Denominator.APPLICABLE and row[index] == 0:
        # X -> A adds a criterion to the denominator; the average may fall, never the sum
        assert (ws.class_values[np.array(raised)] @ ws.weights
                >= ws.class_values[np.array(row)] @ ws.weights)
    else:
        assert after >= before - 1e-12
    assert max_class(np.array([raised]))[0] >= np.nan_to_num(max_class(np.array([row]))[0])


@settings(max_examples=100, deadline=None)
@given(classes, st.randoms(use_true_random=False))
def test_criterion_order_does_not_change_results(row: list[int], rnd: object) -> None:
    profile = get_profile("gra-2019")
    ids = [c.id for c in profile.criteria]
    shuffled = list(zip(ids, row, strict=True))
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = assess([scenario("s", dict(zip(ids, row, strict=True)))], profile).results[0]
    b = assess([scenario("s", dict(shuffled))], profile).results[0]
    assert a.impact_score == b.impact_score
    assert a.impact_position == b.impact_position


@settings(max_examples=50, deadline=None)
@given(st.lists(classes, min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_scenario_order_does_not_change_outranking(rows: list[list[int]], rnd: object) -> None:
    profile = get_profile("gra-2019")
    w = preference_weights(profile, profile.preference("equal"))
    matrix = np.array(rows)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    flows = outranking_flows(matrix, w)
    assert np.allclose(outranking_flows(matrix[perm], w), flows[perm])
    assert flows.sum() == pytest.approx(0.0, abs=1e-9)


def test_outranking_is_ordinal() -> None:
    """Recoding classes by any increasing map leaves outranking flows unchanged."""
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, 6, size=(12, N))
    w = np.full(N, 1 / N)
    recode = np.array([0, 2, 3, 7, 8, 20])
    assert np.allclose(outranking_flows(matrix, w), outranking_flows(recode[matrix], w))


def test_methods_disagree_report() -> None:
    profile = get_profile("gra-2019")
    broad = scenario("broad", {c.id: 3 for c in profile.criteria})  # all C
    peak = scenario("peak", {"2.1": 5})  # one E, rest unscored
    cmp = compare_methods([broad, peak], profile)
    assert cmp.ranks["weighted_sum"] == (1.0, 2.0)
    assert cmp.ranks["max_class"] == (2.0, 1.0)
    assert cmp.tau[("weighted_sum", "max_class")] == -1.0
    assert cmp.reversed_pairs[("weighted_sum", "max_class")] == (("broad", "peak"),)
    assert {s.scenario for s in cmp.shifts} == {"broad", "peak"}


def test_rank_helpers() -> None:
    assert list(rank_desc(np.array([3.0, 1.0, 3.0, np.nan]))) == [1.5, 3.0, 1.5, 4.0]
    assert kendall_tau_b(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])) == 1.0
    assert kendall_tau_b(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])) == -1.0


def test_uk_profile_refuses_weighted_sum_but_shows_max_class() -> None:
    profile = get_profile("uk-nrr-2023")
    s = scenario("s", {"hw": 2, "eco": 4})
    with pytest.raises(MethodError, match="class values"):
        assess([s], profile, method="weighted_sum")
    result = assess([s], profile)
    assert result.method == "max_class"
    assert result.results[0].impact_position is not None
    assert result.results[0].impact_position.ev == 4.0
    assert result.results[0].impact_class == "4"
    assert any(c.what.startswith("aggregation method") for c in result.caveats)


def test_unknown_options_are_named() -> None:
    profile = get_profile("gra-2019")
    with pytest.raises(NotFound, match=r"preference profile 'nope'.*equal"):
        assess([], profile, preference="nope")
    with pytest.raises(NotFound, match="aggregation method 'median'"):
        assess([], profile, method="median")


def test_provisional_flags() -> None:
    # nrb-2008: its weighted sum is corroborated, so only the X rule and the preference remain
    profile = get_profile("nrb-2008")
    s = scenario("s", {c.id: 3 for c in profile.criteria})
    plain = assess([s], profile)
    assert not plain.results[0].provisional
    assert [c.status.value for c in plain.caveats] == ["unknown"]  # the X rule
    fixed = assess([s], profile, denominator=Denominator.ALL)
    assert fixed.caveats == ()
    weighted = assess([s], profile, preference="physical-emphasis", denominator=Denominator.ALL)
    assert [c.status.value for c in weighted.caveats] == ["provisional"]
    # gra-2019: whether the 2019 analysis still uses the weighted sum is unknown (provisional)
    later = get_profile("gra-2019")
    result = assess([scenario("s", {c.id: 3 for c in later.criteria})], later,
                    denominator=Denominator.ALL)
    assert [(c.what, c.status.value) for c in result.caveats] == [
        ("aggregation method weighted_sum", "provisional")]
