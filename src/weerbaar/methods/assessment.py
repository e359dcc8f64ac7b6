"""Assess scenarios under a method profile: aggregate impact, place likelihood, flag weak values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from weerbaar.domain import BOUNDS, Bound, Scenario, ScoreRange, Status
from weerbaar.errors import MethodError, NotFound
from weerbaar.methods.aggregation import (
    WeightedSum,
    max_class,
    outranking_flows,
    preference_weights,
)
from weerbaar.methods.crosswalk import unscored_criteria
from weerbaar.methods.profile import AggregationMethodId, Denominator, MethodProfile
from weerbaar.methods.ranking import RankComparison, compare_rankings
from weerbaar.methods.results import Assessment, ScenarioResult, WeakValue


def position_matrix(
    scenarios: Sequence[Scenario], profile: MethodProfile
) -> dict[str, NDArray[np.int_]]:
    """(scenarios × criteria) class positions for EV, LL and UL; unscored criteria count as X."""
    ids = [c.id for c in profile.criteria]
    shape = (len(scenarios), len(ids))
    out: dict[str, NDArray[np.int_]] = {b: np.zeros(shape, dtype=np.int_) for b in BOUNDS}
    for row, scenario in enumerate(scenarios):
        for col, cid in enumerate(ids):
            score = scenario.impact.get(cid)
            if score is not None:
                for b in BOUNDS:
                    out[b][row, col] = int(score.range.get(b))
    return out


def _check_options(
    profile: MethodProfile, method: str | None, preference: str | None
) -> tuple[AggregationMethodId, str]:
    try:
        chosen = AggregationMethodId(method or profile.aggregation.default_method)
    except ValueError:
        choices = ", ".join(m.value for m in AggregationMethodId)
        raise NotFound(f"no aggregation method {method!r}; choose one of {choices}") from None
    if chosen is AggregationMethodId.OUTRANKING:
        raise MethodError(
            "outranking ranks scenarios but gives no diagram position; use it in "
            "compare_methods() (weerbaar assess --compare-methods)"
        )
    pref = preference or profile.aggregation.default_preference
    try:
        profile.preference(pref)
    except KeyError:
        choices = ", ".join(p.id for p in profile.aggregation.preference_profiles)
        raise NotFound(
            f"profile {profile.id} has no preference profile {pref!r}; choose one of {choices}"
        ) from None
    return chosen, pref


def _caveats(
    profile: MethodProfile, method: AggregationMethodId, preference: str,
    denominator: Denominator | None,
) -> list[WeakValue]:
    agg = profile.aggregation
    out: list[WeakValue] = []
    if method.value == agg.default_method and agg.default_method_provenance.status.is_weak:
        p = agg.default_method_provenance
        out.append(WeakValue(what=f"aggregation method {method.value}", status=p.status,
                             source=p.source, note=p.note))
    pref = profile.preference(preference)
    if pref.provenance.status.is_weak:
        out.append(WeakValue(what=f"weights of preference profile {pref.id}",
                             status=pref.provenance.status, source=pref.provenance.source))
    if method is AggregationMethodId.WEIGHTED_SUM:
        if agg.class_values.status.is_weak:
            out.append(WeakValue(what="class values", status=agg.class_values.status,
                                 source=agg.class_values.source))
        if denominator is None and agg.denominator.status.is_weak:
            out.append(WeakValue(
                what=f"denominator rule for X criteria (using '{agg.denominator_fallback.value}')",
                status=agg.denominator.status, source=agg.denominator.source,
                note=agg.denominator.note,
            ))
    return out


HALF_CLASS_CAVEAT = "position of a half class on the likelihood axis (+0.5), where a likelihood uses one"


def _half_class_caveat(profile: MethodProfile, scenarios: Sequence[Scenario]) -> list[WeakValue]:
    """The half-class position (+0.5), once per run, when a scenario's likelihood uses a half class.

    It moves a point within its class on the diagram but never changes a class, so it is a caveat
    of the run rather than a flag on each scenario (docs/method.md §5).
    """
    offset = profile.likelihood.scale.half_class_offset
    if offset is None or not offset.status.is_weak:
        return []
    used = any(
        abs(p - round(p)) > 1e-9 for s in scenarios if s.likelihood is not None
        for p in (s.likelihood.range.ll, s.likelihood.range.ev, s.likelihood.range.ul))
    if not used:
        return []
    return [WeakValue(what=HALF_CLASS_CAVEAT, status=offset.status, source=offset.source,
                      note=offset.note)]


def _scenario_weak_values(scenario: Scenario) -> tuple[list[WeakValue], list[str]]:
    weak: dict[str, WeakValue] = {}
    for cid, score in scenario.impact.items():
        for conv in score.conversions:
            if conv.threshold_status.is_weak:
                weak[f"thresholds of criterion {cid}"] = WeakValue(
                    what=f"thresholds of criterion {cid}", status=conv.threshold_status,
                    source=conv.threshold_source,
                )
    if scenario.likelihood is not None:
        for conv in scenario.likelihood.conversions:
            if conv.threshold_status.is_weak:
                weak["likelihood bands"] = WeakValue(
                    what="likelihood probability bands", status=conv.threshold_status,
                    source=conv.threshold_source,
                )
    return list(weak.values()), []


def _enclosing(values: Mapping[Bound, float]) -> ScoreRange:
    """The aggregated range; its limits enclose the EV even where aggregation is not monotone.

    Under the ``applicable`` rule raising a criterion from X to A can lower the average, so the
    aggregated UL can fall below the aggregated EV (and LL above it); the range then spans the
    three values.
    """
    three = (values["ll"], values["ev"], values["ul"])
    return ScoreRange(ev=values["ev"], ll=min(three), ul=max(three))


def assess(
    scenarios: Sequence[Scenario],
    profile: MethodProfile,
    *,
    method: str | None = None,
    preference: str | None = None,
    denominator: Denominator | None = None,
    title: str | None = None,
) -> Assessment:
    """Aggregate every scenario's impact and place it on the risk diagram.

    ``method`` is ``weighted_sum`` or ``max_class`` (default: the profile's); ``preference`` names
    a preference profile (default: the profile's); ``denominator`` overrides the X rule.
    """
    chosen, pref = _check_options(profile, method, preference)
    matrices = position_matrix(scenarios, profile)
    impact_scale = profile.impact
    like_scale = profile.likelihood_scale
    score_rows: dict[str, NDArray[np.float64]] | None = None
    if chosen is AggregationMethodId.WEIGHTED_SUM:
        ws = WeightedSum.from_profile(profile, pref, denominator)
        score_rows = {b: ws.scores(matrices[b]) for b in BOUNDS}
        pos_rows = {b: ws.positions(score_rows[b]) for b in BOUNDS}
        rule = ws.denominator.value
    else:
        weights = preference_weights(profile, profile.preference(pref))
        pos_rows = {b: max_class(matrices[b], weights) for b in BOUNDS}
        rule = "n/a"
    criterion_ids = {c.id for c in profile.criteria}
    results = []
    for row, scenario in enumerate(scenarios):
        weak, notes = _scenario_weak_values(scenario)
        missing = sorted(criterion_ids - set(scenario.impact))
        if missing:
            notes.append(f"not scored (counted as not applicable): {', '.join(missing)}")
        impact_score = impact_position = None
        impact_class = None
        if score_rows is not None:
            impact_score = _enclosing({b: float(score_rows[b][row]) for b in BOUNDS})
        if not np.isnan(pos_rows["ev"][row]):
            # a limit with no impact (S = 0) sits at the X gridline, or lower when the expected
            # value itself lies below it (one A among many X criteria), so LL <= EV holds
            floor = min(impact_scale.lowest - 1.0, float(pos_rows["ev"][row]))
            vals = {b: float(np.nan_to_num(pos_rows[b][row], nan=floor)) for b in BOUNDS}
            impact_position = _enclosing(vals)
            level = impact_scale.class_at(vals["ev"])
            impact_class = level.code if level is not None else None
        like_pos = like_class = like_code = None
        if scenario.likelihood is not None:
            like_pos = scenario.likelihood.range
            lv = like_scale.class_at(like_pos.ev)
            like_class = lv.code if lv is not None else None
            like_code = like_scale.code(like_pos.ev)
        results.append(ScenarioResult(
            id=scenario.id, title=scenario.title, theme=scenario.theme,
            risk_category=scenario.risk_category, type=scenario.type,
            impact_score=impact_score, impact_position=impact_position,
            impact_class=impact_class, likelihood_position=like_pos,
            likelihood_class=like_class, likelihood_code=like_code,
            weak_values=tuple(weak), notes=tuple(notes),
            unscored=unscored_criteria(scenario, profile),
        ))
    return Assessment(
        title=title, profile_id=profile.id, profile_version=profile.version,
        profile_hash=profile.content_hash, method=chosen.value, preference=pref,
        denominator=rule, results=tuple(results),
        caveats=tuple(_caveats(profile, chosen, pref, denominator)
                      + _half_class_caveat(profile, scenarios)),
    )


def compare_methods(
    scenarios: Sequence[Scenario],
    profile: MethodProfile,
    *,
    preference: str | None = None,
    denominator: Denominator | None = None,
    min_shift: float = 1.0,
) -> RankComparison:
    """Rank the scenarios' expected impact by every applicable method and report disagreements."""
    pref = preference or profile.aggregation.default_preference
    matrix = position_matrix(scenarios, profile)["ev"]
    weights = preference_weights(profile, profile.preference(pref))
    scores: dict[str, NDArray[np.float64]] = {}
    try:
        ws = WeightedSum.from_profile(profile, pref, denominator)
        scores[AggregationMethodId.WEIGHTED_SUM.value] = ws.scores(matrix)
    except MethodError:
        pass
    scores[AggregationMethodId.MAX_CLASS.value] = max_class(matrix, weights)
    scores[AggregationMethodId.OUTRANKING.value] = outranking_flows(matrix, weights)
    return compare_rankings([s.id for s in scenarios], scores, min_shift=min_shift)


__all__ = ["HALF_CLASS_CAVEAT", "Status", "assess", "compare_methods", "position_matrix"]
