"""Two-factor login in the store: TOTP secrets, recovery codes, the pending second step of a
login and the requirement setting (columns of ``users``, migration 0009; the setting under the
key ``two_factor`` of ``settings``).

Recovery codes arrive here already hashed (argon2, by ``weerbaar.services.two_factor``); the
token of a pending second step is stored only as its SHA-256, like a login session's. The TOTP
secret is stored as it is (the server must compute the codes from it): it is shown to its user
once, at enrolment, and never again by any face.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select, update

from weerbaar.domain import ClassificationScheme
from weerbaar.errors import NotFound
from weerbaar.store import audit
from weerbaar.store.accounts import token_digest
from weerbaar.store.core import Store, utcnow
from weerbaar.store.logins import end_sessions_of
from weerbaar.store.schema import settings, users
from weerbaar.store.settings import scheme_of, write_setting

SETTING = "two_factor"  # the key of the requirement in ``settings``
_OFF: dict[str, Any] = {"totp_secret": None, "totp_pending": None, "totp_enrolled_at": None,
                        "totp_last_step": None, "recovery_codes": None, "login_challenge": None,
                        "login_challenge_until": None}


@dataclass(frozen=True)
class SecondFactor:
    """What checks a user's second factor: the secret in force, the last time step accepted,
    the hashes of the unused recovery codes, and the secret being set up."""

    secret: str | None
    last_step: int | None
    recovery: tuple[str, ...]
    pending: str | None
    enrolled_at: datetime | None


def _row(conn: Connection, username: str, *, lock: bool = False) -> Any:
    query = select(users).where(users.c.username == username)
    if lock:  # PostgreSQL: concurrent uses of one code wait here (SQLite serialises writes)
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no user {username!r}")
    return row


def second_factor_of(store: Store, username: str) -> SecondFactor:
    with store.read() as conn:
        row = _row(conn, username)
    return SecondFactor(row.totp_secret, row.totp_last_step, tuple(row.recovery_codes or ()),
                        row.totp_pending, row.totp_enrolled_at)


def set_pending(store: Store, username: str, secret: str) -> None:
    """A secret being set up (replacing one that was being set up); the one in force stays
    until the new one is confirmed."""
    with store.transaction() as conn:
        _row(conn, username)
        conn.execute(update(users).where(users.c.username == username)
                     .values(totp_pending=secret))


def enrol(store: Store, username: str, secret: str, step: int,
          recovery: list[str]) -> bool:
    """Put the secret being set up in force (it was confirmed with the code of ``step``) with
    new recovery codes; False when another set-up replaced it in the meantime."""
    with store.transaction() as conn:
        row = _row(conn, username, lock=True)
        if row.totp_pending != secret:
            return False
        at = utcnow()
        conn.execute(update(users).where(users.c.id == row.id).values(
            totp_secret=secret, totp_pending=None, totp_enrolled_at=at, totp_last_step=step,
            recovery_codes=list(recovery), login_challenge=None, login_challenge_until=None))
        audit.append(conn, at=at, actor=username, action="two-factor", entity_type="user",
                     entity_key=username,
                     detail={"enrolled": True, "again": row.totp_secret is not None,
                             "recovery_codes": len(recovery)})
        return True


def turn_off(store: Store, username: str, *, actor: str) -> bool:
    """Remove the user's two-factor login (secret, recovery codes, a set-up in progress, a
    pending second step). Done by an administrator (``actor`` is not the user), it also ends
    every login session of the user. Returns whether two-factor login was on."""
    with store.transaction() as conn:
        row = _row(conn, username, lock=True)
        conn.execute(update(users).where(users.c.id == row.id).values(**_OFF))
        ended = end_sessions_of(conn, username) if actor != username else 0
        audit.append(conn, at=utcnow(), actor=actor, action="two-factor", entity_type="user",
                     entity_key=username,
                     detail={"enrolled": False, "was_on": row.totp_secret is not None,
                             "reset": actor != username, "sessions_ended": ended})
        return row.totp_secret is not None


def use_step(store: Store, username: str, step: int) -> bool:
    """Accept the code of time step ``step``: only when no code of this or a later step was
    accepted before (a code works once, also against a concurrent use)."""
    with store.transaction() as conn:
        result = conn.execute(update(users).where(
            users.c.username == username, users.c.totp_secret.is_not(None),
            or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step))
            .values(totp_last_step=step))
        return result.rowcount == 1


def use_recovery_code(store: Store, username: str, hashed: str) -> int | None:
    """Use up the recovery code with this hash: the number left, or None when it was used in
    the meantime (or two-factor login was turned off)."""
    with store.transaction() as conn:
        row = _row(conn, username, lock=True)
        left = list(row.recovery_codes or ())
        if row.totp_secret is None or hashed not in left:
            return None
        left.remove(hashed)
        conn.execute(update(users).where(users.c.id == row.id).values(recovery_codes=left))
        audit.append(conn, at=utcnow(), actor=username, action="recovery-code",
                     entity_type="user", entity_key=username, detail={"left": len(left)})
        return len(left)


def set_challenge(store: Store, username: str, token: str, until: datetime) -> None:
    """The password was right and the second factor is asked for: the pending second step
    (replacing an earlier one of the user)."""
    with store.transaction() as conn:
        conn.execute(update(users).where(users.c.username == username).values(
            login_challenge=token_digest(token), login_challenge_until=until))


def challenged(store: Store, token: str, now: datetime | None = None) -> str | None:
    """The user name whose pending second step ``token`` is, while it lasts, the account is
    enabled and has two-factor login."""
    with store.read() as conn:
        return conn.execute(select(users.c.username).where(
            users.c.login_challenge == token_digest(token),
            users.c.login_challenge_until > (now or utcnow()),
            users.c.disabled.is_(False), users.c.totp_secret.is_not(None))).scalar()


# --- who must have two-factor login -----------------------------------------------------------


def requirement_setting(store: Store) -> tuple[ClassificationScheme, dict[str, Any] | None]:
    """The classification scheme in force and the stored requirement (None: none stored)."""
    with store.read() as conn:
        value = conn.execute(select(settings.c.value).where(settings.c.key == SETTING)).scalar()
        return scheme_of(conn), value


def set_requirement_setting(store: Store, value: dict[str, Any], *, actor: str) -> None:
    with store.transaction() as conn:
        write_setting(conn, SETTING, value, actor=actor)
