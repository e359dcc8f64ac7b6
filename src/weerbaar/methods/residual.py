"""Residual risk: scenario scores after the expected effect of planned and running measures.

A measure's effect is stated in classes: ``likelihood`` classes down, and per criterion a number
of impact classes down, for each scenario the measure names. Effects of several measures on the
same scenario add up. Classes never fall below the lowest class (A) — a measure does not make an
impact "not applicable" — and X stays X. The residual scenario is then assessed like any other,
so its residual point sits exactly the stated number of classes from the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from weerbaar.domain import Measure, Scenario, ScoreRange
from weerbaar.methods.profile import MethodProfile


@dataclass(frozen=True)
class CapabilityGap:
    """A criterion scored at or above the cut for which no running measure has an effect."""

    scenario: str
    criterion: str
    code: str
    measures_planned: tuple[str, ...]


def _lower(rng: ScoreRange, steps: float, floor: float) -> ScoreRange:
    def down(x: float) -> float:
        return x if x < floor else max(floor, x - steps)

    return ScoreRange(ev=down(rng.ev), ll=down(rng.ll), ul=down(rng.ul))


def residual_scenario(scenario: Scenario, measures: Sequence[Measure],
                      profile: MethodProfile) -> Scenario:
    """The scenario with the effects of its planned and running measures applied."""
    relevant = [m for m in measures if scenario.id in m.scenarios and m.counts_for_residual]
    if not relevant:
        return scenario
    like_floor = float(profile.likelihood_scale.lowest)
    impact_floor = float(profile.impact.lowest)
    likelihood = scenario.likelihood
    steps = sum(m.effect.likelihood for m in relevant)
    if likelihood is not None and steps:
        likelihood = likelihood.model_copy(
            update={"range": _lower(likelihood.range, steps, like_floor), "conversions": ()})
    impact = dict(scenario.impact)
    for cid, score in scenario.impact.items():
        down = sum(m.effect.criteria.get(cid, 0) for m in relevant)
        if down:
            impact[cid] = score.model_copy(
                update={"range": _lower(score.range, down, impact_floor), "conversions": ()})
    return scenario.model_copy(update={"likelihood": likelihood, "impact": impact})


def residual_scenarios(scenarios: Sequence[Scenario], measures: Sequence[Measure],
                       profile: MethodProfile) -> list[Scenario]:
    return [residual_scenario(s, measures, profile) for s in scenarios]


def capability_gaps(scenario: Scenario, measures: Sequence[Measure], profile: MethodProfile,
                    *, cut: str = "C") -> list[CapabilityGap]:
    """Criteria scored at or above ``cut`` (EV) with no running measure acting on them."""
    threshold = profile.impact.parse(cut)
    linked = [m for m in measures if scenario.id in m.scenarios]
    gaps = []
    for criterion in profile.criteria:
        score = scenario.impact.get(criterion.id)
        if score is None or score.range.ev < threshold:
            continue
        acting = [m for m in linked if m.effect.criteria.get(criterion.id)]
        if any(m.status.value == "running" for m in acting):
            continue
        gaps.append(CapabilityGap(
            scenario=scenario.id, criterion=criterion.id,
            code=profile.impact.code(score.range.ev),
            measures_planned=tuple(m.id for m in acting if m.status.value == "planned")))
    return gaps
