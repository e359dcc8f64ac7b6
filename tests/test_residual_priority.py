"""Residual positions, capability gaps and the priority list."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from weerbaar.domain import (
    CriterionScore,
    LikelihoodScore,
    LocalText,
    Measure,
    MeasureEffect,
    MeasureStatus,
    Scenario,
    ScenarioType,
    ScoreRange,
    Theme,
    ThemeReview,
    Verdict,
)
from weerbaar.methods.assessment import assess
from weerbaar.methods.priority import harmed_interests, priority_list
from weerbaar.methods.registry import get_profile
from weerbaar.methods.residual import capability_gaps, residual_scenario

PROFILE = get_profile("gra-2019")


def scenario(sid: str = "s", like: float = 3.0, impact: dict[str, float] | None = None,
             theme: str = "t") -> Scenario:
    impact = impact if impact is not None else {"2.1": 4, "3.1": 3, "5.1": 2}
    return Scenario(
        id=sid, title=sid.upper(), theme=theme, type=ScenarioType.HAZARD,
        impact={c: CriterionScore(criterion=c, range=ScoreRange.point(p)) for c, p in impact.items()},
        likelihood=LikelihoodScore(range=ScoreRange(ev=like, ll=max(1.0, like - 1), ul=like)))


def measure(effect: MeasureEffect, status: MeasureStatus = MeasureStatus.RUNNING,
            scenarios: tuple[str, ...] = ("s",), mid: str = "m") -> Measure:
    return Measure(id=mid, title=mid, scenarios=scenarios, status=status, effect=effect)


@given(st.sampled_from([2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]))
def test_one_class_lower_likelihood_moves_exactly_one_class_left(like: float) -> None:
    current = scenario(like=like)
    residual = residual_scenario(current, [measure(MeasureEffect(likelihood=1))], PROFILE)
    before, after = assess([current, residual], PROFILE).results
    assert before.likelihood_position is not None and after.likelihood_position is not None
    assert after.likelihood_position.ev == before.likelihood_position.ev - 1
    assert after.impact_position == before.impact_position


def test_effects_add_up_and_stop_at_the_lowest_class() -> None:
    current = scenario(like=2.0, impact={"2.1": 4, "3.1": 1, "4.1": 0})
    ms = [measure(MeasureEffect(likelihood=1, criteria={"2.1": 1, "3.1": 2, "4.1": 1}), mid="a"),
          measure(MeasureEffect(likelihood=1, criteria={"2.1": 1}), mid="b")]
    residual = residual_scenario(current, ms, PROFILE)
    assert residual.likelihood is not None and residual.likelihood.range.ev == 1.0
    assert residual.impact["2.1"].range.ev == 2  # D - 2 = B
    assert residual.impact["3.1"].range.ev == 1  # stays A
    assert residual.impact["4.1"].range.ev == 0  # X stays X


@pytest.mark.parametrize(("status", "counts"), [
    (MeasureStatus.PLANNED, True), (MeasureStatus.RUNNING, True),
    (MeasureStatus.DONE, False), (MeasureStatus.STOPPED, False)])
def test_which_measures_shape_the_residual(status: MeasureStatus, counts: bool) -> None:
    current = scenario()
    residual = residual_scenario(current, [measure(MeasureEffect(likelihood=1), status)], PROFILE)
    assert (residual != current) is counts


def test_measure_for_another_scenario_has_no_effect() -> None:
    current = scenario()
    other = measure(MeasureEffect(likelihood=2), scenarios=("other",))
    assert residual_scenario(current, [other], PROFILE) == current


def test_capability_gaps() -> None:
    current = scenario(impact={"2.1": 4, "3.1": 3, "5.1": 2})
    running = measure(MeasureEffect(criteria={"2.1": 1}), mid="hospital")
    planned = measure(MeasureEffect(criteria={"3.1": 1}), MeasureStatus.PLANNED, mid="fund")
    gaps = capability_gaps(current, [running, planned], PROFILE)
    assert [(g.criterion, g.code, g.measures_planned) for g in gaps] == [("3.1", "C", ("fund",))]
    assert [g.criterion for g in capability_gaps(current, [], PROFILE, cut="B")] == [
        "2.1", "3.1", "5.1"]


def test_priority_list() -> None:
    themes = [Theme(id="t", name=LocalText(en="T")), Theme(id="u", name=LocalText(en="U"))]
    serious = scenario("a", impact={"2.1": 3, "3.1": 1})
    very = scenario("b", impact={"5.2": 4, "5.3": 4, "6.1": 3}, theme="u")
    mild = scenario("c", impact={"2.1": 2, "3.1": 2})
    reviews = [ThemeReview(theme="u", verdict=Verdict.INTENSIFY, verdict_reasoning="r")]
    result = priority_list([mild, serious, very], themes, reviews, PROFILE)
    assert [p.scenario for p in result.scenarios] == ["b", "a"]
    assert result.scenarios[0].harmed == {"5": "D", "6": "C"}
    assert [(t.theme, t.verdict) for t in result.themes] == [("t", None),
                                                              ("u", Verdict.INTENSIFY)]
    assert harmed_interests(mild, PROFILE) == {}
    assert [p.scenario for p in priority_list([mild], themes, [], PROFILE, cut="B").scenarios] == ["c"]
    with pytest.raises(ValueError, match="not a class"):
        priority_list([mild], themes, [], PROFILE, cut="Z")
