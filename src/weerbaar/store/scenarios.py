"""Scenarios in the store: write with optimistic concurrency, keep every revision, diff, restore."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from weerbaar.domain import Scenario, Theme
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.methods.profile import MethodProfile
from weerbaar.store import audit
from weerbaar.store.records import RevisionInfo, list_revisions, write_revision
from weerbaar.store.schema import scenarios, scores

ENTITY = "scenario"


@dataclass(frozen=True)
class StoredScenario:
    """A scenario as stored, with the revision an edit must name."""

    scenario: Scenario
    revision: int
    removed: bool
    updated_at: datetime
    updated_by: str
    position: int


@dataclass(frozen=True)
class Change:
    """One field that differs between two revisions (``path`` such as ``impact.2.1.range.ev``)."""

    path: str
    before: Any
    after: Any


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


def snapshot(scenario: Scenario, *, removed: bool = False) -> dict[str, Any]:
    return {"scenario": scenario.model_dump(mode="json"), "removed": removed}


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


def _columns(scenario: Scenario) -> dict[str, Any]:
    return {"theme_key": scenario.theme, "risk_category_key": scenario.risk_category,
            "type": scenario.type.value, "title": scenario.title,
            "narrative": scenario.narrative, "document": scenario.model_dump(mode="json")}


def insert_scenario(conn: Connection, *, cycle_id: int, cycle_key: str, scenario: Scenario,
                    position: int, actor: str, reason: str | None, at: datetime,
                    origin_id: int | None = None, action: str = "create") -> int:
    """Add a scenario at revision 1 (its first immutable revision) and audit it."""
    existing = conn.execute(select(scenarios.c.id).where(
        scenarios.c.cycle_id == cycle_id, scenarios.c.key == scenario.id)).scalar()
    if existing is not None:
        raise Conflict(f"cycle {cycle_key!r} already has a scenario {scenario.id!r}")
    result = conn.execute(insert(scenarios).values(
        cycle_id=cycle_id, key=scenario.id, position=position, revision=1, removed=False,
        origin_id=origin_id, updated_at=at, updated_by=actor, **_columns(scenario)))
    assert result.inserted_primary_key is not None
    pk = int(result.inserted_primary_key[0])
    _project_scores(conn, pk, scenario)
    write_revision(conn, entity_type=ENTITY, entity_id=pk, cycle_id=cycle_id, number=1,
                   snapshot=snapshot(scenario), actor=actor, reason=reason, at=at)
    audit.append(conn, at=at, actor=actor, action=action, entity_type=ENTITY,
                 entity_key=scenario.id, cycle_key=cycle_key, revision=1,
                 detail={"reason": reason} if reason else None)
    return pk


def _row(conn: Connection, cycle_id: int, cycle_key: str, key: str) -> Row[Any]:
    row = conn.execute(select(scenarios).where(scenarios.c.cycle_id == cycle_id,
                                               scenarios.c.key == key)).first()
    if row is None:
        raise NotFound(f"cycle {cycle_key!r} has no scenario {key!r}")
    return row


def get(conn: Connection, cycle_id: int, cycle_key: str, key: str) -> StoredScenario:
    return _stored(_row(conn, cycle_id, cycle_key, key))


def _stored(row: Row[Any]) -> StoredScenario:
    return StoredScenario(scenario=Scenario.model_validate(row.document), revision=row.revision,
                          removed=row.removed, updated_at=row.updated_at,
                          updated_by=row.updated_by, position=row.position)


def list_stored(conn: Connection, cycle_id: int, *, include_removed: bool = False
                ) -> list[StoredScenario]:
    query = select(scenarios).where(scenarios.c.cycle_id == cycle_id)
    if not include_removed:
        query = query.where(scenarios.c.removed.is_(False))
    return [_stored(r) for r in conn.execute(query.order_by(scenarios.c.position, scenarios.c.id))]


def write(conn: Connection, *, cycle_id: int, cycle_key: str, scenario: Scenario,
          expected_revision: int, actor: str, reason: str | None, at: datetime,
          removed: bool = False, action: str = "update") -> int:
    """Replace a scenario's content, made against ``expected_revision``; returns the new revision.

    The check and the write are one conditional UPDATE, so two writers holding the same revision
    cannot both succeed: the second gets a :class:`Conflict` naming both revisions and nothing of
    the first writer's change is overwritten.
    """
    row = _row(conn, cycle_id, cycle_key, scenario.id)
    new = expected_revision + 1
    result = conn.execute(
        update(scenarios)
        .where(scenarios.c.id == row.id, scenarios.c.revision == expected_revision)
        .values(revision=new, removed=removed, updated_at=at, updated_by=actor,
                **_columns(scenario)))
    if result.rowcount != 1:
        current = conn.execute(select(scenarios.c.revision, scenarios.c.updated_by,
                                      scenarios.c.updated_at)
                               .where(scenarios.c.id == row.id)).one()
        raise Conflict(
            f"scenario {scenario.id!r} in cycle {cycle_key!r}: the edit was made against revision "
            f"{expected_revision}, but the current revision is {current.revision} (by "
            f"{current.updated_by} at {current.updated_at:%Y-%m-%d %H:%M}); nothing was "
            "overwritten — reload, reapply the edit and save again")
    _project_scores(conn, row.id, scenario)
    write_revision(conn, entity_type=ENTITY, entity_id=row.id, cycle_id=cycle_id, number=new,
                   snapshot=snapshot(scenario, removed=removed), actor=actor, reason=reason,
                   at=at)
    audit.append(conn, at=at, actor=actor, action=action, entity_type=ENTITY,
                 entity_key=scenario.id, cycle_key=cycle_key, revision=new,
                 detail={"reason": reason, "previous": expected_revision})
    return new


def history(conn: Connection, cycle_id: int, cycle_key: str, key: str) -> list[RevisionInfo]:
    return list_revisions(conn, ENTITY, _row(conn, cycle_id, cycle_key, key).id)


def revision(conn: Connection, cycle_id: int, cycle_key: str, key: str,
             number: int) -> RevisionInfo:
    for rev in history(conn, cycle_id, cycle_key, key):
        if rev.number == number:
            return rev
    raise NotFound(f"scenario {key!r} in cycle {cycle_key!r} has no revision {number}")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out or {prefix: {}}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def diff_snapshots(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Field-level differences between two snapshots, in path order."""
    a, b = _flatten(before), _flatten(after)
    return [Change(path=p, before=a.get(p), after=b.get(p))
            for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]
