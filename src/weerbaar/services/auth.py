"""Accounts and logins: argon2 password hashes, login sessions with CSRF tokens, role checks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from weerbaar.store import Store
from weerbaar.store import accounts as acc
from weerbaar.store.core import utcnow

_HASHER = PasswordHasher()
MIN_PASSWORD = 12
SESSION_HOURS = 12
# Verified against when the user does not exist, so a wrong user name costs as long as a wrong
# password and login reveals nothing about which accounts exist.
_DUMMY_HASH = _HASHER.hash("weerbaar-no-such-user")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters",
                           location=["password"])
    return _HASHER.hash(password)


def one_time_password() -> str:
    return secrets.token_urlsafe(15)


def add_user(store: Store, username: str, password: str, *, actor: str,
             display_name: str | None = None, is_admin: bool = False,
             must_change_password: bool = False) -> User:
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(f"{username!r} is not a valid user name", location=["username"],
                           expected="letters, digits, '.', '-' or '_'")
    return acc.add_user(store, username, hash_password(password), actor=actor,
                        display_name=display_name, is_admin=is_admin,
                        must_change_password=must_change_password)


def ensure_admin(store: Store, username: str = "admin") -> str | None:
    """Create the first administrator with a one-time password (returned), if there is none."""
    if any(u.is_admin for u in acc.list_users(store)):
        return None
    password = one_time_password()
    acc.add_user(store, username, _HASHER.hash(password), actor="system", is_admin=True,
                 must_change_password=True)
    return password


@dataclass(frozen=True)
class Login:
    user: User
    token: str
    csrf: str


def login(store: Store, username: str, password: str) -> Login | None:
    """A new login session, or None for a wrong user name or password (indistinguishable)."""
    stored = acc.password_hash_of(store, username)
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if stored is None:
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    acc.create_login(store, username, token, csrf, utcnow() + timedelta(hours=SESSION_HOURS))
    return Login(acc.get_user(store, username), token, csrf)


def session_user(store: Store, token: str | None) -> tuple[User, str] | None:
    return acc.login_of(store, token) if token else None


def logout(store: Store, token: str | None) -> None:
    if token:
        acc.end_login(store, token)


def require(user: User | None, role: Role, cycle: str | None) -> User:
    """The user, if they hold ``role`` (or more) on ``cycle``; else PermissionDenied."""
    if user is None:
        raise NotAuthenticated("log in first")
    if not user.may(role, cycle):
        where = f"cycle {cycle!r}" if cycle else "this"
        raise PermissionDenied(f"{user.username} needs the {role.value} role on {where}")
    return user


def grant(store: Store, username: str, role: str, *, cycle: str = ALL_CYCLES,
          actor: str) -> User:
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidInput(f"no role {role!r}", location=["role"],
                           expected=", ".join(r.value for r in Role)) from None
    return acc.grant(store, username, chosen, cycle=cycle, actor=actor)


def change_password(store: Store, username: str, old: str, new: str) -> None:
    stored = acc.password_hash_of(store, username)
    try:
        _HASHER.verify(stored or _DUMMY_HASH, old)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise PermissionDenied("the current password is wrong") from None
    if stored is None:
        raise NotFound(f"no user {username!r}")
    acc.set_password(store, username, hash_password(new), actor=username)
