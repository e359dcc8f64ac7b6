"""Users, role grants and login sessions in the store.

Passwords arrive here already hashed (argon2, by ``weerbaar.services.auth``); login session
tokens are stored only as their SHA-256, so a copy of the database does not hold usable tokens.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import Conflict, NotFound
from weerbaar.store import audit
from weerbaar.store.core import Store, utcnow
from weerbaar.store.schema import cycles, grants, users, web_sessions


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(conn: Connection, row: Row[Any]) -> User:
    roles = {g.cycle_key: Role(g.role) for g in conn.execute(
        select(grants.c.cycle_key, grants.c.role).where(grants.c.user_id == row.id))}
    return User(id=row.id, username=row.username, display_name=row.display_name,
                is_admin=row.is_admin, disabled=row.disabled,
                must_change_password=row.must_change_password, roles=roles)


def add_user(store: Store, username: str, password_hash: str, *, actor: str,
             display_name: str | None = None, is_admin: bool = False,
             must_change_password: bool = False) -> User:
    with store.transaction() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise Conflict(f"a user {username!r} exists already")
        at = utcnow()
        conn.execute(insert(users).values(
            username=username, display_name=display_name, password_hash=password_hash,
            is_admin=is_admin, disabled=False, must_change_password=must_change_password,
            created_at=at))
        audit.append(conn, at=at, actor=actor, action="create", entity_type="user",
                     entity_key=username, detail={"admin": is_admin})
        return _user(conn, conn.execute(select(users).where(users.c.username == username)).one())


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


def set_password(store: Store, username: str, password_hash: str, *, actor: str) -> None:
    with store.transaction() as conn:
        result = conn.execute(update(users).where(users.c.username == username).values(
            password_hash=password_hash, must_change_password=False))
        if result.rowcount != 1:
            raise NotFound(f"no user {username!r}")
        conn.execute(delete(web_sessions).where(web_sessions.c.user_id.in_(
            select(users.c.id).where(users.c.username == username))))
        audit.append(conn, at=utcnow(), actor=actor, action="password", entity_type="user",
                     entity_key=username)


def list_users(store: Store) -> list[User]:
    with store.read() as conn:
        return [_user(conn, r) for r in conn.execute(select(users).order_by(users.c.username))]


def grant(store: Store, username: str, role: Role, *, cycle: str = ALL_CYCLES,
          actor: str) -> User:
    """Give ``username`` ``role`` on ``cycle`` (``"*"``: every cycle), replacing a former grant."""
    with store.transaction() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
        if row is None:
            raise NotFound(f"no user {username!r}")
        if cycle != ALL_CYCLES and conn.execute(
                select(cycles.c.id).where(cycles.c.key == cycle)).first() is None:
            raise NotFound(f"no cycle {cycle!r}")
        conn.execute(delete(grants).where(grants.c.user_id == row.id,
                                          grants.c.cycle_key == cycle))
        conn.execute(insert(grants).values(user_id=row.id, cycle_key=cycle, role=role.value))
        audit.append(conn, at=utcnow(), actor=actor, action="grant", entity_type="user",
                     entity_key=username, cycle_key=None if cycle == ALL_CYCLES else cycle,
                     detail={"role": role.value, "cycle": cycle})
        return _user(conn, row)


def create_login(store: Store, username: str, token: str, csrf: str,
                 expires_at: datetime) -> None:
    with store.transaction() as conn:
        user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise NotFound(f"no user {username!r}")
        conn.execute(insert(web_sessions).values(
            token_hash=token_digest(token), user_id=user_id, csrf_token=csrf,
            created_at=utcnow(), expires_at=expires_at))
        audit.append(conn, at=utcnow(), actor=username, action="login", entity_type="user",
                     entity_key=username)


def login_of(store: Store, token: str) -> tuple[User, str] | None:
    """The user and CSRF token of a live login session, or None."""
    with store.read() as conn:
        row = conn.execute(select(web_sessions).where(
            web_sessions.c.token_hash == token_digest(token))).first()
        if row is None or row.expires_at <= utcnow():
            return None
        user = conn.execute(select(users).where(users.c.id == row.user_id,
                                                users.c.disabled.is_(False))).first()
        return (_user(conn, user), row.csrf_token) if user is not None else None


def end_login(store: Store, token: str) -> None:
    with store.transaction() as conn:
        conn.execute(delete(web_sessions).where(
            web_sessions.c.token_hash == token_digest(token)))
