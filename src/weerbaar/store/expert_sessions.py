"""Expert scoring sessions: independent submissions, then the agreed score.

Each invited expert submits their own scores; before submitting, an expert sees nobody else's.
The facilitator sees the spread and closes the session with the agreed scores and reasoning,
which are written to the scenario (with every expert's scores kept beside them) as one revision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from weerbaar.domain import ExpertScore, ExpertSession, Scenario, SessionStatus, Submission
from weerbaar.errors import Conflict, NotFound, PermissionDenied
from weerbaar.store import audit
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import cycle_row, load_themes, profile_of, require_draft
from weerbaar.store.scenarios import SCENARIO, check_scenario
from weerbaar.store.schema import cycles, expert_sessions, expert_submissions


def _session(conn: Connection, row: Row[Any]) -> ExpertSession:
    cycle = conn.execute(select(cycles.c.key).where(cycles.c.id == row.cycle_id)).scalar_one()
    submitted = tuple(r[0] for r in conn.execute(
        select(expert_submissions.c.expert).where(expert_submissions.c.session_id == row.id)
        .order_by(expert_submissions.c.submitted_at)))
    return ExpertSession(id=row.id, cycle=cycle, scenario=row.scenario_key,
                         facilitator=row.facilitator, experts=tuple(row.experts),
                         status=SessionStatus(row.status), created_at=row.created_at,
                         closed_at=row.closed_at, agreed_revision=row.agreed_revision,
                         submitted=submitted)


def _row(conn: Connection, session_id: int) -> Row[Any]:
    if not 0 < session_id < 2**31:  # no session has that id (and SQLite cannot bind such numbers)
        raise NotFound(f"no expert session {session_id}")
    row = conn.execute(select(expert_sessions).where(expert_sessions.c.id == session_id)).first()
    if row is None:
        raise NotFound(f"no expert session {session_id}")
    return row


def open_session(store: Store, cycle: str, scenario: str, *, facilitator: str,
                 experts: list[str]) -> ExpertSession:
    with store.transaction() as conn:
        crow = cycle_row(conn, cycle)
        require_draft(crow)
        docs.get(conn, SCENARIO, crow.id, cycle, scenario)  # exists
        at = utcnow()
        result = conn.execute(insert(expert_sessions).values(
            cycle_id=crow.id, scenario_key=scenario, facilitator=facilitator,
            status=SessionStatus.OPEN.value, experts=sorted(set(experts)), created_at=at))
        assert result.inserted_primary_key is not None
        sid = int(result.inserted_primary_key[0])
        audit.append(conn, at=at, actor=facilitator, action="open", entity_type="session",
                     entity_key=str(sid), cycle_key=cycle,
                     detail={"scenario": scenario, "experts": sorted(set(experts))})
        return _session(conn, _row(conn, sid))


def get_session(store: Store, session_id: int) -> ExpertSession:
    with store.read() as conn:
        return _session(conn, _row(conn, session_id))


def list_sessions(store: Store, cycle: str) -> list[ExpertSession]:
    with store.read() as conn:
        crow = cycle_row(conn, cycle)
        return [_session(conn, r) for r in conn.execute(
            select(expert_sessions).where(expert_sessions.c.cycle_id == crow.id)
            .order_by(expert_sessions.c.id.desc()))]


def submit(store: Store, session_id: int, expert: str, score: ExpertScore) -> None:
    """Record an expert's own scores (once; a second submission is refused)."""
    with store.transaction() as conn:
        row = _row(conn, session_id)
        if row.status != SessionStatus.OPEN.value:
            raise Conflict(f"expert session {session_id} is closed")
        if expert not in row.experts:
            raise PermissionDenied(f"{expert} is not an expert in session {session_id}")
        crow = conn.execute(select(cycles).where(cycles.c.id == row.cycle_id)).one()
        profile = profile_of(conn, crow)
        unknown = sorted(set(score.impact) - {c.id for c in profile.criteria})
        if unknown:
            raise NotFound(f"criteria {unknown} are not in profile {profile.id}")
        if conn.execute(select(expert_submissions.c.id).where(
                expert_submissions.c.session_id == session_id,
                expert_submissions.c.expert == expert)).first():
            raise Conflict(f"{expert} has already submitted in session {session_id}")
        at = utcnow()
        stored = score.model_copy(update={"expert": expert})
        conn.execute(insert(expert_submissions).values(
            session_id=session_id, expert=expert, document=stored.model_dump(mode="json"),
            submitted_at=at))
        audit.append(conn, at=at, actor=expert, action="submit", entity_type="session",
                     entity_key=str(session_id), cycle_key=crow.key)


def submissions(store: Store, session_id: int, *, viewer: str,
                facilitator_view: bool) -> list[Submission]:
    """The submissions ``viewer`` may see: all for the facilitator (or once closed), an
    expert's own before they submitted, everyone's after."""
    with store.read() as conn:
        row = _row(conn, session_id)
        rows = list(conn.execute(select(expert_submissions).where(
            expert_submissions.c.session_id == session_id)
            .order_by(expert_submissions.c.submitted_at)))
    everyone = (facilitator_view or row.status == SessionStatus.CLOSED.value
                or any(r.expert == viewer for r in rows))
    return [Submission(expert=r.expert, score=ExpertScore.model_validate(r.document),
                       submitted_at=r.submitted_at)
            for r in rows if everyone or r.expert == viewer]


def close_session(store: Store, session_id: int, agreed: Scenario, *, facilitator: str,
                  expected_revision: int, reason: str | None = None) -> int:
    """Write the agreed scores (with every expert's scores beside them) and close the session."""
    with store.transaction() as conn:
        row = _row(conn, session_id)
        if row.status != SessionStatus.OPEN.value:
            raise Conflict(f"expert session {session_id} is closed already")
        crow = conn.execute(select(cycles).where(cycles.c.id == row.cycle_id)).one()
        require_draft(crow)
        if agreed.id != row.scenario_key:
            raise Conflict(f"session {session_id} is about scenario {row.scenario_key!r}")
        experts = tuple(ExpertScore.model_validate(r.document) for r in conn.execute(
            select(expert_submissions).where(expert_submissions.c.session_id == session_id)
            .order_by(expert_submissions.c.expert)))
        scenario = agreed.model_copy(update={"experts": experts})
        check_scenario(scenario, load_themes(conn, crow.id), profile_of(conn, crow))
        at = utcnow()
        new = docs.write(conn, SCENARIO, cycle_id=crow.id, cycle_key=crow.key, item=scenario,
                         expected_revision=expected_revision, actor=facilitator,
                         reason=reason or f"agreed in expert session {session_id}", at=at,
                         action="agree")
        conn.execute(update(expert_sessions).where(expert_sessions.c.id == session_id).values(
            status=SessionStatus.CLOSED.value, closed_at=at, agreed_revision=new))
        audit.append(conn, at=at, actor=facilitator, action="close", entity_type="session",
                     entity_key=str(session_id), cycle_key=crow.key, revision=new)
        return new
