"""Login attempts (for throttling) and the life of login sessions: idle expiry, activity,
re-authentication, housekeeping.

Every login attempt is recorded in ``login_attempts``, first as failed (before the password is
checked, so parallel guesses count at once) and marked successful afterwards when the password
was right. A user name or a client address is *locked out* while, within ``window``, it has
``limit`` failures and the last of them is less than ``lockout`` old; attempts during a lock-out
are recorded as failures too, so a client that keeps guessing stays locked out. A successful
login clears the user name's failures (not the client's).

Login session tokens are stored only as their SHA-256 (see ``accounts``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, delete, func, insert, or_, select, update

from weerbaar.domain import User
from weerbaar.store import audit
from weerbaar.store.accounts import _user, token_digest
from weerbaar.store.core import Store, utcnow
from weerbaar.store.schema import login_attempts, users, web_sessions

KEY_LENGTH = 100  # login_attempts.username and .client are String(100)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often per session


@dataclass(frozen=True)
class Limits:
    """When a user name or a client address is locked out (see the module's description)."""

    user: int = 5
    client: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def cap(self, limit: int) -> int:
        """How many of the newest failures decide whether a key is locked out: without a
        lock-out, each ``window`` within the last ``lockout`` holds fewer than ``limit``."""
        return limit * (math.ceil(self.lockout / self.window) + 1)


@dataclass(frozen=True)
class Lock:
    scope: str  # "user" or "client"
    key: str  # the user name or the client address
    until: datetime
    failures: int  # failures within the window that started the lock-out


def clip(value: str) -> str:
    return value[:KEY_LENGTH]


def locked_until(failures: list[datetime], limit: int, limits: Limits,
                 now: datetime) -> tuple[datetime, int] | None:
    """The end of the lock-out that ``failures`` (newest first) cause, and the failures in its
    window; None when there is none."""
    for i, latest in enumerate(failures):
        if latest + limits.lockout <= now or i + limit - 1 >= len(failures):
            return None
        if failures[i + limit - 1] > latest - limits.window:
            in_window = sum(1 for t in failures[i:] if t > latest - limits.window)
            return latest + limits.lockout, in_window
    return None


def _failures(conn: Connection, where: ColumnElement[bool], since: datetime,
              cap: int) -> list[datetime]:
    return list(conn.execute(
        select(login_attempts.c.at)
        .where(where, login_attempts.c.success.is_(False), login_attempts.c.at > since)
        .order_by(login_attempts.c.at.desc(), login_attempts.c.id.desc()).limit(cap)).scalars())


def locks(conn: Connection, username: str, client: str, limits: Limits,
          now: datetime) -> list[Lock]:
    """The lock-outs in force for this user name and this client address."""
    since = now - limits.window - limits.lockout
    last_success = conn.execute(select(func.max(login_attempts.c.at)).where(
        login_attempts.c.username == clip(username), login_attempts.c.success.is_(True),
        login_attempts.c.at > since)).scalar()
    out = []
    for scope, column, key, limit, after in (
            ("user", login_attempts.c.username, clip(username), limits.user,
             max(since, last_success) if last_success is not None else since),
            ("client", login_attempts.c.client, clip(client), limits.client, since)):
        found = locked_until(_failures(conn, column == key, after, limits.cap(limit)), limit,
                             limits, now)
        if found is not None:
            out.append(Lock(scope, key, found[0], found[1]))
    return out


def start_attempt(store: Store, username: str, client: str, limits: Limits,
                  now: datetime | None = None) -> tuple[int, list[Lock]]:
    """Record an attempt (as failed for now) and return its id and the lock-outs in force
    before it; check and record are one transaction."""
    now = now or utcnow()
    with store.transaction() as conn:
        found = locks(conn, username, client, limits, now)
        attempt = conn.execute(insert(login_attempts).values(
            at=now, username=clip(username), client=clip(client), success=False)
            .returning(login_attempts.c.id)).scalar_one()
        return int(attempt), found


def succeeded(store: Store, attempt: int) -> None:
    with store.transaction() as conn:
        conn.execute(update(login_attempts).where(login_attempts.c.id == attempt)
                     .values(success=True))


def failed(store: Store, username: str, client: str, limits: Limits,
           now: datetime | None = None) -> list[Lock]:
    """After a failed attempt made while nothing was locked: the lock-outs it started, each
    written to the audit log."""
    now = now or utcnow()
    with store.transaction() as conn:
        started = locks(conn, username, client, limits, now)
        for lock in started:
            audit.append(conn, at=now, actor="system", action="lockout",
                         entity_type="user" if lock.scope == "user" else "client",
                         entity_key=lock.key,
                         detail={"scope": lock.scope, "user": clip(username),
                                 "client": clip(client), "failures": lock.failures,
                                 "until": lock.until.isoformat(timespec="seconds")})
        return started


def attempts(store: Store, *, username: str | None = None,
             client: str | None = None) -> list[tuple[datetime, str, str, bool]]:
    """Recorded attempts (at, user name, client, success), oldest first."""
    query = select(login_attempts.c.at, login_attempts.c.username, login_attempts.c.client,
                   login_attempts.c.success).order_by(login_attempts.c.id)
    if username is not None:
        query = query.where(login_attempts.c.username == clip(username))
    if client is not None:
        query = query.where(login_attempts.c.client == clip(client))
    with store.read() as conn:
        return [(r.at, r.username, r.client, r.success) for r in conn.execute(query)]


def prune(store: Store, *, attempts_before: datetime, idle_before: datetime | None,
          now: datetime | None = None) -> tuple[int, int]:
    """Delete attempts older than ``attempts_before`` and login sessions that have expired
    (absolutely, or idle since ``idle_before``); returns both counts."""
    now = now or utcnow()
    expired: ColumnElement[bool] = web_sessions.c.expires_at <= now
    if idle_before is not None:
        expired = or_(expired, func.coalesce(web_sessions.c.last_seen_at,
                                             web_sessions.c.created_at) <= idle_before)
    with store.transaction() as conn:
        old = conn.execute(delete(login_attempts).where(login_attempts.c.at < attempts_before))
        ended = conn.execute(delete(web_sessions).where(expired))
        return int(old.rowcount or 0), int(ended.rowcount or 0)


# --- login sessions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveSession:
    """A login session in force: its user, CSRF token and last password confirmation."""

    id: int
    user: User
    csrf: str
    created_at: datetime
    reauth_at: datetime | None


def session_of(store: Store, token: str, *, idle: timedelta | None,
               now: datetime | None = None) -> LiveSession | None:
    """The live session of ``token``, or None when there is none, it has expired (absolutely
    or, with ``idle``, after that long without a request) or its user is disabled. Records the
    activity, at most once per ``TOUCH_EVERY``."""
    now = now or utcnow()
    with store.read() as conn:
        row = conn.execute(select(web_sessions).where(
            web_sessions.c.token_hash == token_digest(token))).first()
        if row is None or row.expires_at <= now:
            return None
        seen = row.last_seen_at or row.created_at
        if idle is not None and seen + idle <= now:
            return None
        account = conn.execute(select(users).where(users.c.id == row.user_id,
                                                   users.c.disabled.is_(False))).first()
        if account is None:
            return None
        live = LiveSession(row.id, _user(conn, account), row.csrf_token, row.created_at,
                           row.reauth_at)
    if row.last_seen_at is None or row.last_seen_at + TOUCH_EVERY <= now:
        with store.transaction() as conn:
            conn.execute(update(web_sessions).where(
                web_sessions.c.id == row.id,
                or_(web_sessions.c.last_seen_at.is_(None),
                    web_sessions.c.last_seen_at < now)).values(last_seen_at=now))
    return live


def confirm(store: Store, session: int, username: str, now: datetime | None = None) -> None:
    """The session's user confirmed their password: admin actions are allowed for a while."""
    now = now or utcnow()
    with store.transaction() as conn:
        conn.execute(update(web_sessions).where(web_sessions.c.id == session)
                     .values(reauth_at=now))
        audit.append(conn, at=now, actor=username, action="reauth", entity_type="user",
                     entity_key=username)


def end_sessions_of(conn: Connection, username: str) -> int:
    """Delete every login session of ``username`` (inside the caller's transaction)."""
    result = conn.execute(delete(web_sessions).where(web_sessions.c.user_id.in_(
        select(users.c.id).where(users.c.username == username))))
    return int(result.rowcount or 0)


def sessions_of(store: Store, username: str) -> int:
    """How many login sessions ``username`` has (expired ones not yet pruned included)."""
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(web_sessions).join(
            users, users.c.id == web_sessions.c.user_id).where(
            users.c.username == username)).scalar_one())
