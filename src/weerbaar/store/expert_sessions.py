"""Expert scoring sessions: independent submissions, then the agreed score.

Each invited expert submits their own scores (and may revise them while the session is open);
before submitting, an expert sees nobody else's. An expert may keep a draft: the form's fields
as typed, unresolved. The facilitator sees the spread and closes the session with the agreed
scenario the service layer prepared (``weerbaar.services.sessions`` holds the rules), written as
one revision; or cancels it, writing nothing to the scenario.

Writes lock the session's row (``FOR UPDATE`` on PostgreSQL; SQLite's writers are serialised),
and opening a session locks the scenario's row, so two opens cannot both pass the "one open
session per scenario" check and a submission cannot slip in while a session closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from weerbaar.domain import ExpertScore, ExpertSession, Scenario, SessionStatus, Submission
from weerbaar.errors import Conflict, NotFound, PermissionDenied
from weerbaar.store import audit
from weerbaar.store import documents as docs
from weerbaar.store.core import Store, utcnow
from weerbaar.store.records import cycle_row, load_themes, profile_of, require_draft
from weerbaar.store.scenarios import SCENARIO, check_scenario
from weerbaar.store.schema import (
    cycles,
    expert_drafts,
    expert_sessions,
    expert_submissions,
    scenarios,
)


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


def _row(conn: Connection, session_id: int, *, lock: bool = False) -> Row[Any]:
    if not 0 < session_id < 2**31:  # no session has that id (and SQLite cannot bind such numbers)
        raise NotFound(f"no expert session {session_id}")
    query = select(expert_sessions).where(expert_sessions.c.id == session_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(f"no expert session {session_id}")
    return row


def open_session(store: Store, cycle: str, scenario: str, *, facilitator: str,
                 experts: list[str]) -> ExpertSession:
    with store.transaction() as conn:
        crow = cycle_row(conn, cycle)
        require_draft(crow)
        docs.get(conn, SCENARIO, crow.id, cycle, scenario)  # exists
        conn.execute(select(scenarios.c.id).where(  # opens on one scenario one at a time
            scenarios.c.cycle_id == crow.id, scenarios.c.key == scenario).with_for_update())
        already = conn.execute(select(expert_sessions.c.id).where(
            expert_sessions.c.cycle_id == crow.id, expert_sessions.c.scenario_key == scenario,
            expert_sessions.c.status == SessionStatus.OPEN.value)).scalar()
        if already is not None:
            raise Conflict(f"scenario {scenario!r} has an open expert session already "
                           f"(#{already}); close or cancel it first",
                           current={"session": already})
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


def _open_row(conn: Connection, session_id: int) -> Row[Any]:
    """The session's row, locked, if the session is open (a Conflict naming its state if not)."""
    row = _row(conn, session_id, lock=True)
    if row.status != SessionStatus.OPEN.value:
        raise Conflict(f"expert session {session_id} is {row.status}: it takes no more "
                       "submissions, drafts or changes")
    return row


def _invited(row: Row[Any], expert: str) -> None:
    if expert not in row.experts:
        raise PermissionDenied(f"{expert} is not an expert in session {row.id}")


def _put_draft(conn: Connection, session_id: int, expert: str, fields: dict[str, str],
               at: datetime) -> None:
    where = (expert_drafts.c.session_id == session_id, expert_drafts.c.expert == expert)
    if conn.execute(select(expert_drafts.c.id).where(*where)).first():
        conn.execute(update(expert_drafts).where(*where).values(fields=fields, saved_at=at))
    else:
        conn.execute(insert(expert_drafts).values(session_id=session_id, expert=expert,
                                                  fields=fields, saved_at=at))


def submit(store: Store, session_id: int, expert: str, score: ExpertScore, *,
           typed: dict[str, str] | None = None) -> bool:
    """Record an expert's own scores; a second submission replaces the first (the audit log
    keeps each one). ``typed``: the form's fields as typed, kept as the expert's draft with the
    submission's time. True when it replaced an earlier submission."""
    with store.transaction() as conn:
        row = _open_row(conn, session_id)
        _invited(row, expert)
        crow = conn.execute(select(cycles).where(cycles.c.id == row.cycle_id)).one()
        profile = profile_of(conn, crow)
        unknown = sorted(set(score.impact) - {c.id for c in profile.criteria})
        if unknown:
            raise NotFound(f"criteria {unknown} are not in profile {profile.id}")
        where = (expert_submissions.c.session_id == session_id,
                 expert_submissions.c.expert == expert)
        earlier = conn.execute(select(expert_submissions.c.id).where(*where)).first()
        at = utcnow()
        document = score.model_copy(update={"expert": expert}).model_dump(mode="json")
        if earlier is None:
            conn.execute(insert(expert_submissions).values(
                session_id=session_id, expert=expert, document=document, submitted_at=at))
        else:
            conn.execute(update(expert_submissions).where(*where).values(
                document=document, submitted_at=at))
        if typed is not None:
            _put_draft(conn, session_id, expert, typed, at)
        audit.append(conn, at=at, actor=expert, action="revise" if earlier else "submit",
                     entity_type="session", entity_key=str(session_id), cycle_key=crow.key,
                     detail={"score": document})
        return earlier is not None


@dataclass(frozen=True)
class Draft:
    """An expert's form as typed (field name: text), and when it was saved."""

    fields: dict[str, str]
    saved_at: datetime


def save_draft(store: Store, session_id: int, expert: str, fields: dict[str, str]) -> datetime:
    """Keep an invited expert's form as typed (replacing their earlier draft)."""
    with store.transaction() as conn:
        row = _open_row(conn, session_id)
        _invited(row, expert)
        at = utcnow()
        _put_draft(conn, session_id, expert, fields, at)
        return at


def draft(store: Store, session_id: int, expert: str) -> Draft | None:
    with store.read() as conn:
        found = conn.execute(select(expert_drafts).where(
            expert_drafts.c.session_id == session_id, expert_drafts.c.expert == expert)).first()
    if found is None:
        return None
    return Draft({str(k): str(v) for k, v in dict(found.fields).items()}, found.saved_at)


def submissions(store: Store, session_id: int, *, viewer: str,
                facilitator_view: bool) -> list[Submission]:
    """The submissions ``viewer`` may see: all for the facilitator (or once closed), an
    expert's own before they submitted, everyone's after."""
    with store.read() as conn:
        row = _row(conn, session_id)
        rows = list(conn.execute(select(expert_submissions).where(
            expert_submissions.c.session_id == session_id)
            .order_by(expert_submissions.c.submitted_at, expert_submissions.c.id)))
    everyone = (facilitator_view or row.status == SessionStatus.CLOSED.value
                or any(r.expert == viewer for r in rows))
    return [Submission(expert=r.expert, score=ExpertScore.model_validate(r.document),
                       submitted_at=r.submitted_at)
            for r in rows if everyone or r.expert == viewer]


def _seen(conn: Connection, session_id: int) -> dict[str, datetime]:
    return {r.expert: r.submitted_at for r in conn.execute(
        select(expert_submissions.c.expert, expert_submissions.c.submitted_at)
        .where(expert_submissions.c.session_id == session_id))}


def close_session(store: Store, session_id: int, agreed: Scenario | None, *, facilitator: str,
                  expected_revision: int, seen: dict[str, datetime],
                  reason: str | None = None) -> int | None:
    """Close the session; with ``agreed`` (the scenario the service prepared: the agreed
    scores with the experts' scores beside them) write it as one revision and return it.

    ``seen`` is the submissions (expert: time) the scenario was prepared from: when an expert
    submitted or revised since, it is a Conflict and nothing is written. Without ``agreed``
    (no submission) nothing is written to the scenario."""
    with store.transaction() as conn:
        row = _open_row(conn, session_id)
        crow = conn.execute(select(cycles).where(cycles.c.id == row.cycle_id)).one()
        require_draft(crow)
        if _seen(conn, session_id) != seen:
            raise Conflict(f"an expert submitted or revised in session {session_id} while you "
                           "were closing it; nothing was written — reload and close again")
        at = utcnow()
        new: int | None = None
        if agreed is not None:
            if agreed.id != row.scenario_key:
                raise Conflict(f"session {session_id} is about scenario {row.scenario_key!r}")
            check_scenario(agreed, load_themes(conn, crow.id), profile_of(conn, crow))
            new = docs.write(conn, SCENARIO, cycle_id=crow.id, cycle_key=crow.key, item=agreed,
                             expected_revision=expected_revision, actor=facilitator,
                             reason=reason or f"agreed in expert session {session_id}", at=at,
                             action="agree")
        conn.execute(update(expert_sessions).where(expert_sessions.c.id == session_id).values(
            status=SessionStatus.CLOSED.value, closed_at=at, agreed_revision=new))
        audit.append(conn, at=at, actor=facilitator, action="close", entity_type="session",
                     entity_key=str(session_id), cycle_key=crow.key, revision=new,
                     detail={"submissions": sorted(seen), "reason": reason})
        return new


def cancel_session(store: Store, session_id: int, *, actor: str,
                   reason: str | None = None) -> ExpertSession:
    """Cancel an open session: nothing is written to the scenario; submissions and drafts stay
    (for the audit) and the session takes no more."""
    with store.transaction() as conn:
        row = _open_row(conn, session_id)
        crow = conn.execute(select(cycles).where(cycles.c.id == row.cycle_id)).one()
        at = utcnow()
        conn.execute(update(expert_sessions).where(expert_sessions.c.id == session_id).values(
            status=SessionStatus.CANCELLED.value, closed_at=at))
        audit.append(conn, at=at, actor=actor, action="cancel", entity_type="session",
                     entity_key=str(session_id), cycle_key=crow.key, detail={"reason": reason})
        return _session(conn, _row(conn, session_id))


__all__ = ["Draft", "cancel_session", "close_session", "draft", "get_session",
           "list_sessions", "open_session", "save_draft", "submissions", "submit"]
