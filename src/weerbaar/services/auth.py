"""Accounts and logins: argon2 password hashes, login sessions with CSRF tokens, role checks,
login throttling, idle expiry and re-authentication for administrators' actions."""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import (
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    ReauthenticationRequired,
)
from weerbaar.store import Store, logins
from weerbaar.store import accounts as acc
from weerbaar.store.core import utcnow
from weerbaar.store.logins import Limits as LoginLimits
from weerbaar.store.logins import LiveSession

_HASHER = PasswordHasher()
MIN_PASSWORD = 12
SESSION_HOURS = 12
# Verified against when the user does not exist, so a wrong user name costs as long as a wrong
# password and login reveals nothing about which accounts exist.
_DUMMY_HASH = _HASHER.hash("weerbaar-no-such-user")


def check_password_policy(password: str, *, field: str = "password") -> None:
    """The password policy: at least ``MIN_PASSWORD`` characters (InvalidInput naming
    ``field`` and the rule)."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters",
                           location=[field])


def hash_password(password: str, *, field: str = "password") -> str:
    check_password_policy(password, field=field)
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
class Policy:
    """Login throttling and the life of login sessions (the web app builds it from its
    settings; see docs/security.md)."""

    limits: LoginLimits = field(default_factory=LoginLimits)
    session: timedelta = timedelta(hours=SESSION_HOURS)  # absolute lifetime
    idle: timedelta | None = timedelta(minutes=30)  # None: no idle expiry
    reauth: timedelta = timedelta(minutes=5)  # how long a password confirmation lasts
    keep_attempts: timedelta = timedelta(days=1)  # then recorded attempts are pruned
    prune_every: float = 600.0  # seconds between prunes, per process and database


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Login:
    user: User
    token: str
    csrf: str


def _password_ok(stored: str | None, password: str) -> bool:
    """Verify against the stored hash, or against a dummy one when there is none, so every
    answer costs the same argon2 work."""
    try:
        _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return stored is not None


_PRUNED: weakref.WeakKeyDictionary[Store, float] = weakref.WeakKeyDictionary()
_PRUNE_LOCK = threading.Lock()


def housekeeping(store: Store, policy: Policy = DEFAULT_POLICY, *, force: bool = False) -> None:
    """Delete old login attempts and expired login sessions, at most once per
    ``policy.prune_every`` seconds per process and database."""
    with _PRUNE_LOCK:
        last = _PRUNED.get(store)
        if not force and last is not None and time.monotonic() - last < policy.prune_every:
            return
        _PRUNED[store] = time.monotonic()
    now = utcnow()
    limits = policy.limits
    keep = max(policy.keep_attempts, limits.window + limits.lockout)
    logins.prune(store, attempts_before=now - keep,
                 idle_before=now - policy.idle if policy.idle is not None else None, now=now)


def _attempt(store: Store, username: str, password: str, client: str,
             policy: Policy) -> tuple[bool, int]:
    """Check a password under the throttle: (accepted, attempt id). Refused without telling
    why while the user name or the client is locked out; the answer and its cost are the
    same as for a wrong password or an unknown user."""
    housekeeping(store, policy)
    attempt, locked = logins.start_attempt(store, username, client, policy.limits)
    ok = _password_ok(acc.password_hash_of(store, username), password)
    if locked:
        return False, attempt
    if not ok:
        logins.failed(store, username, client, policy.limits)
        return False, attempt
    logins.succeeded(store, attempt)
    return True, attempt


def login(store: Store, username: str, password: str, *, client: str = "unknown",
          policy: Policy = DEFAULT_POLICY, replaces: str | None = None) -> Login | None:
    """A new login session with a fresh token, or None for a wrong user name or password, or
    while the user name or the client address is locked out (all indistinguishable).
    ``replaces``: the session token the client held before, ended now."""
    accepted, _ = _attempt(store, username, password, client, policy)
    if not accepted:
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    acc.create_login(store, username, token, csrf, utcnow() + policy.session,
                     replaces=replaces)
    return Login(acc.get_user(store, username), token, csrf)


def session_user(store: Store, token: str | None,
                 policy: Policy = DEFAULT_POLICY) -> LiveSession | None:
    """The live login session of ``token`` (None when it has ended, expired or gone idle)."""
    return logins.session_of(store, token, idle=policy.idle) if token else None


def confirm_password(store: Store, session: LiveSession, password: str, *,
                     client: str = "unknown", policy: Policy = DEFAULT_POLICY) -> bool:
    """Re-authentication: the session's user types their password again (throttled like a
    login). True, and the session may run administrators' actions for ``policy.reauth``."""
    username = session.user.username
    accepted, _ = _attempt(store, username, password, client, policy)
    if accepted:
        logins.confirm(store, session.id, username)
    return accepted


def require_recent_auth(session: LiveSession | None, policy: Policy = DEFAULT_POLICY, *,
                        next: str | None = None, now: datetime | None = None) -> None:
    """Refuse (ReauthenticationRequired, HTTP 403) unless the session's password was confirmed
    within ``policy.reauth``."""
    now = now or utcnow()
    if session is None or session.reauth_at is None or session.reauth_at + policy.reauth < now:
        minutes = max(1, round(policy.reauth.total_seconds() / 60))
        raise ReauthenticationRequired(
            f"reauthentication required: confirm your password (POST /api/v1/reauth, or the "
            f"password prompt) and repeat the action within {minutes} minute(s)", next=next)



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
          actor: str, clearance: str | None = None) -> User:
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidInput(f"no role {role!r}", location=["role"],
                           expected=", ".join(r.value for r in Role)) from None
    return acc.grant(store, username, chosen, cycle=cycle, actor=actor, clearance=clearance)


def set_disabled(store: Store, username: str, disabled: bool, *, actor: str) -> User:
    """Disable an account (its login sessions end) or enable it again."""
    if disabled and username == actor:
        raise InvalidInput("you cannot disable your own account", location=["username"])
    return acc.set_disabled(store, username, disabled, actor=actor)


def reset_password(store: Store, username: str, password: str, *, actor: str) -> None:
    """An administrator sets a new password; every login session of the user ends. Set for
    another user, it works once: that user must choose their own at the next login
    (``must_change_password``)."""
    acc.set_password(store, username, hash_password(password), actor=actor,
                     must_change=username != actor)


def change_password(store: Store, username: str, current: str, new: str, *,
                    client: str = "unknown", policy: Policy = DEFAULT_POLICY) -> Login | None:
    """The user changes their own password. The new one must meet the password policy
    (InvalidInput naming ``new``, checked first: it says nothing about the current one). The
    current one is checked under the login throttle: None for a wrong one and during a
    lock-out alike (as for a login). Then the new password must differ from the current one
    (InvalidInput), is set, ``must_change_password`` is cleared, every login session of the
    user ends and a new one is opened: the caller continues with the returned token and CSRF
    token."""
    check_password_policy(new, field="new")
    accepted, _ = _attempt(store, username, current, client, policy)
    if not accepted:
        return None
    if new == current:
        raise InvalidInput("the new password must differ from the current one",
                           location=["new"])
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    acc.change_own_password(store, username, _HASHER.hash(new), token=token, csrf=csrf,
                            expires_at=utcnow() + policy.session)
    return Login(acc.get_user(store, username), token, csrf)
