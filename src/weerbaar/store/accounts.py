"""Users, role grants and login sessions in the store.

Passwords arrive here already hashed (argon2, by ``weerbaar.services.auth``); login session
tokens are stored only as their SHA-256, so a copy of the database does not hold usable tokens.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.store import audit
from weerbaar.store.core import Store, utcnow
from weerbaar.store.schema import cycles, grants, users, web_sessions
from weerbaar.store.settings import scheme_of


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(conn: Connection, row: Row[Any]) -> User:
    found = list(conn.execute(select(grants.c.cycle_key, grants.c.role, grants.c.clearance)
                              .where(grants.c.user_id == row.id)))
    return User(id=row.id, username=row.username, display_name=row.display_name,
                is_admin=row.is_admin, disabled=row.disabled,
                must_change_password=row.must_change_password,
                two_factor=row.totp_secret is not None,
                roles={g.cycle_key: Role(g.role) for g in found},
                clearances={g.cycle_key: g.clearance for g in found if g.clearance is not None})


def add_user(store: Store, username: str, password_hash: str, *, actor: str,
             display_name: str | None = None, is_admin: bool = False,
             must_change_password: bool = False) -> User:
    """A new account. User names are unique regardless of case (``ANN`` is refused while
    ``ann`` exists: a Conflict naming the existing one; the database's unique index on
    ``lower(username)`` holds it against a concurrent add too)."""
    try:
        with store.transaction() as conn:
            existing = conn.execute(select(users.c.username).where(
                func.lower(users.c.username) == username.lower())).scalar()
            if existing is not None:
                raise Conflict(_exists(username, existing))
            at = utcnow()
            conn.execute(insert(users).values(
                username=username, display_name=display_name, password_hash=password_hash,
                is_admin=is_admin, disabled=False, must_change_password=must_change_password,
                created_at=at))
            audit.append(conn, at=at, actor=actor, action="create", entity_type="user",
                         entity_key=username, detail={"admin": is_admin})
            return _user(conn, conn.execute(select(users)
                                            .where(users.c.username == username)).one())
    except IntegrityError:  # added by someone else in the meantime
        raise Conflict(_exists(username, username)) from None


def _exists(username: str, existing: str) -> str:
    if existing == username:
        return f"a user {username!r} exists already"
    return (f"a user {existing!r} exists already (user names are unique regardless of case, "
            f"so {username!r} cannot be added)")


def count_users(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar() or 0)


def get_user(store: Store, username: str) -> User:
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"no user {username!r}")
        return _user(conn, row)


def password_hash_of(store: Store, username: str) -> str | None:
    with store.read() as conn:
        return conn.execute(select(users.c.password_hash).where(
            users.c.username == username, users.c.disabled.is_(False))).scalar()


def set_password(store: Store, username: str, password_hash: str, *, actor: str,
                 must_change: bool = False) -> None:
    """Set a password and end every login session of the user. ``must_change``: the user has
    to choose a new one at their next login (an administrator set this one)."""
    with store.transaction() as conn:
        result = conn.execute(update(users).where(users.c.username == username).values(
            password_hash=password_hash, must_change_password=must_change))
        if result.rowcount != 1:
            raise NotFound(f"no user {username!r}")
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id.in_(
            select(users.c.id).where(users.c.username == username))))
        audit.append(conn, at=utcnow(), actor=actor, action="password", entity_type="user",
                     entity_key=username, detail={"must_change_password": must_change})


def change_own_password(store: Store, username: str, password_hash: str, *, token: str,
                        csrf: str, expires_at: datetime) -> int:
    """The user changed their own password (just confirmed with the current one): set it,
    clear ``must_change_password``, end every login session of the user and open a new one
    with ``token`` in the same transaction. Returns how many sessions ended."""
    with store.transaction() as conn:
        user_id = conn.execute(select(users.c.id).where(
            users.c.username == username, users.c.disabled.is_(False))).scalar()
        if user_id is None:
            raise NotFound(f"no user {username!r}")
        conn.execute(update(users).where(users.c.id == user_id).values(
            password_hash=password_hash, must_change_password=False))
        ended = conn.execute(delete(web_sessions).where(web_sessions.c.user_id == user_id))
        at = utcnow()
        conn.execute(insert(web_sessions).values(
            token_hash=token_digest(token), user_id=user_id, csrf_token=csrf,
            created_at=at, expires_at=expires_at, last_seen_at=at, reauth_at=at))
        count = int(ended.rowcount or 0)
        audit.append(conn, at=at, actor=username, action="password", entity_type="user",
                     entity_key=username, detail={"own": True, "sessions_ended": count})
        return count


def list_users(store: Store) -> list[User]:
    with store.read() as conn:
        return [_user(conn, r) for r in conn.execute(select(users).order_by(users.c.username))]


def grant(store: Store, username: str, role: Role, *, cycle: str = ALL_CYCLES,
          actor: str, clearance: str | None = None) -> User:
    """Give ``username`` ``role`` on ``cycle`` (``"*"``: every cycle), replacing a former grant,
    with a clearance (a marking of the classification scheme; None: the scheme's default)."""
    with store.transaction() as conn:
        scheme = scheme_of(conn)
        if clearance is not None and not scheme.knows(clearance):
            raise InvalidInput(f"unknown clearance {clearance!r}", location=["clearance"],
                               expected=f"one of {', '.join(scheme.levels)}")
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"no user {username!r}")
        if cycle != ALL_CYCLES and conn.execute(
                select(cycles.c.id).where(cycles.c.key == cycle)).first() is None:
            raise NotFound(f"no cycle {cycle!r}")
        conn.execute(delete(grants).where(grants.c.user_id == row.id,
                                          grants.c.cycle_key == cycle))
        conn.execute(insert(grants).values(user_id=row.id, cycle_key=cycle, role=role.value,
                                           clearance=clearance))
        audit.append(conn, at=utcnow(), actor=actor, action="grant", entity_type="user",
                     entity_key=username, cycle_key=None if cycle == ALL_CYCLES else cycle,
                     detail={"role": role.value, "cycle": cycle, "clearance": clearance})
        return _user(conn, row)


def revoke(store: Store, username: str, *, cycle: str, actor: str) -> User:
    """Take away ``username``'s grant on ``cycle`` (``"*"``: the all-cycles grant), with its
    clearance; NotFound when the user or the grant does not exist. Login sessions read the
    user's grants at every request, so they see the change at once."""
    with store.transaction() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"no user {username!r}")
        found = conn.execute(select(grants.c.role, grants.c.clearance).where(
            grants.c.user_id == row.id, grants.c.cycle_key == cycle)).first()
        if found is None:
            where = "every cycle (*)" if cycle == ALL_CYCLES else f"cycle {cycle!r}"
            raise NotFound(f"user {username!r} has no role on {where}")
        conn.execute(delete(grants).where(grants.c.user_id == row.id,
                                          grants.c.cycle_key == cycle))
        audit.append(conn, at=utcnow(), actor=actor, action="revoke", entity_type="user",
                     entity_key=username, cycle_key=None if cycle == ALL_CYCLES else cycle,
                     detail={"role": found.role, "cycle": cycle, "clearance": found.clearance})
        return _user(conn, row)


def create_login(store: Store, username: str, token: str, csrf: str,
                 expires_at: datetime, *, replaces: str | None = None) -> None:
    """A new login session (a fresh token on every login; the password was just confirmed).
    ``replaces``: the token the browser held before, ended now (no session fixation)."""
    with store.transaction() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"no user {username!r}")
        if replaces:
            conn.execute(delete(web_sessions).where(
                web_sessions.c.token_hash == token_digest(replaces)))
        at = utcnow()
        conn.execute(insert(web_sessions).values(
            token_hash=token_digest(token), user_id=user_id, csrf_token=csrf,
            created_at=at, expires_at=expires_at, last_seen_at=at, reauth_at=at))
        # a login completed: a pending second step of the user's has no more use (0009)
        conn.execute(update(users).where(users.c.id == user_id,
                                         users.c.login_challenge.is_not(None))
                     .values(login_challenge=None, login_challenge_until=None))
        audit.append(conn, at=utcnow(), actor=username, action="login", entity_type="user",
                     entity_key=username)


def login_of(store: Store, token: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live login session, or None (idle expiry: see
    ``logins.session_of``)."""
    from weerbaar.store.logins import session_of

    live = session_of(store, token, idle=None)
    return (live.user, live.csrf) if live is not None else None


def end_login(store: Store, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(delete(web_sessions).where(
            web_sessions.c.token_hash == token_digest(token)))


def set_disabled(store: Store, username: str, disabled: bool, *, actor: str) -> User:
    """Disable (or enable again) an account; disabling ends its login sessions."""
    with store.transaction() as conn:
        result = conn.execute(update(users).where(users.c.username == username)
                              .values(disabled=disabled))
        if result.rowcount != 1:
            raise NotFound(f"no user {username!r}")
        if disabled:
            conn.execute(delete(web_sessions).where(web_sessions.c.user_id.in_(
                select(users.c.id).where(users.c.username == username))))
        audit.append(conn, at=utcnow(), actor=actor, action="disable" if disabled else "enable",
                     entity_type="user", entity_key=username)
        return _user(conn, conn.execute(select(users).where(users.c.username == username)).one())
