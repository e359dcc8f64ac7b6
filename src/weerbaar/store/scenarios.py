"""Scenarios as versioned documents, with their scores projected into ``scores`` for queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert

from weerbaar.domain import Measure, Scenario, Theme, ThemeReview
from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import MethodProfile
from weerbaar.store.documents import DocumentKind
from weerbaar.store.schema import measures, reviews, scenarios, scores


def check_scenario(scenario: Scenario, themes: tuple[Theme, ...], profile: MethodProfile) -> None:
    """Refuse a scenario that names a theme, category or criterion the cycle does not have."""
    by_id = {t.id: t for t in themes}
    if scenario.theme not in by_id:
        raise InvalidInput(f"theme {scenario.theme!r} is not a theme of this cycle",
                           location=["scenario", scenario.id, "theme"],
                           expected=f"one of {', '.join(by_id)}")
    cats = {c.id for c in by_id[scenario.theme].risk_categories}
    if scenario.risk_category is not None and scenario.risk_category not in cats:
        raise InvalidInput(f"risk category {scenario.risk_category!r} is not under theme "
                           f"{scenario.theme!r}", location=["scenario", scenario.id,
                                                             "risk_category"])
    ids = {c.id for c in profile.criteria}
    for source in (scenario.impact, *(e.impact for e in scenario.experts)):
        unknown = sorted(set(source) - ids)
        if unknown:
            raise InvalidInput(f"criteria {unknown} are not in profile {profile.id}",
                               location=["scenario", scenario.id, "impact"])


def _score_rows(scenario_pk: int, scenario: Scenario) -> list[dict[str, Any]]:
    rows = []
    sources = [("", scenario.impact, scenario.likelihood)]
    sources += [(e.expert, e.impact, e.likelihood) for e in scenario.experts]
    for expert, impact, likelihood in sources:
        for cid, s in impact.items():
            rows.append({"scenario_id": scenario_pk, "expert": expert, "item": cid,
                         "ev": s.range.ev, "ll": s.range.ll, "ul": s.range.ul,
                         "reasoning": s.reasoning})
        if likelihood is not None:
            rows.append({"scenario_id": scenario_pk, "expert": expert, "item": "likelihood",
                         "ev": likelihood.range.ev, "ll": likelihood.range.ll,
                         "ul": likelihood.range.ul, "reasoning": likelihood.reasoning})
    return rows


def _project_scores(conn: Connection, scenario_pk: int, scenario: Scenario) -> None:
    conn.execute(delete(scores).where(scores.c.scenario_id == scenario_pk))
    rows = _score_rows(scenario_pk, scenario)
    if rows:
        conn.execute(insert(scores), rows)


def project_new_scores(conn: Connection, items: list[tuple[int, Scenario]]) -> None:
    """Score rows for newly inserted scenarios, in one batched statement."""
    rows = [row for pk, scenario in items for row in _score_rows(pk, scenario)]
    if rows:
        conn.execute(insert(scores), rows)


def _columns(scenario: Scenario) -> dict[str, Any]:
    return {"theme_key": scenario.theme, "risk_category_key": scenario.risk_category,
            "type": scenario.type.value, "title": scenario.title,
            "narrative": scenario.narrative}


SCENARIO: DocumentKind[Scenario] = DocumentKind(
    table=scenarios, entity="scenario", model=Scenario, key_of=lambda s: s.id,
    columns=_columns, after_write=_project_scores, after_insert=project_new_scores)
REVIEW: DocumentKind[ThemeReview] = DocumentKind(
    table=reviews, entity="review", model=ThemeReview, key_of=lambda r: r.theme)
MEASURE: DocumentKind[Measure] = DocumentKind(
    table=measures, entity="measure", model=Measure, key_of=lambda m: m.id)
