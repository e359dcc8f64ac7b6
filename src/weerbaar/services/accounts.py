"""Accounts and logins: argon2 password hashes, login sessions with CSRF tokens, login
throttling, idle expiry, re-authentication for administrators' actions, and user management.

:func:`login` and :func:`identify` make a :class:`~weerbaar.services.viewer.Viewer` (of a
login session) for the web application; every other use case here takes one. Managing users
needs the admin role and, for a user of the web application, a password confirmation made
within the policy's few minutes (the system operator needs none).
"""

from __future__ import annotations

import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import InvalidInput, ReauthenticationRequired
from weerbaar.services.registry import identifies, use_case
from weerbaar.services.viewer import Channel, Viewer
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


@use_case
def add_user(store: Store, viewer: Viewer, username: str, password: str, *,
             display_name: str | None = None, is_admin: bool = False,
             must_change_password: bool = False) -> User:
    """A new local account (an administrator's action)."""
    _require_admin_action(viewer)
    actor = viewer.name
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise InvalidInput(f"{username!r} is not a valid user name", location=["username"],
                           expected="letters, digits, '.', '-' or '_'")
    return acc.add_user(store, username, hash_password(password), actor=actor,
                        display_name=display_name, is_admin=is_admin,
                        must_change_password=must_change_password)


@use_case
def ensure_admin(store: Store, viewer: Viewer, username: str = "admin") -> str | None:
    """Create the first administrator with a one-time password (returned), if there is none
    (the system operator, at the first start of the web application)."""
    viewer.require(Role.ADMIN, None)
    if any(u.is_admin for u in acc.list_users(store)):
        return None
    password = one_time_password()
    acc.add_user(store, username, _HASHER.hash(password), actor=viewer.name, is_admin=True,
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


@identifies
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


@dataclass(frozen=True)
class Identity:
    """Who a request comes from: the viewer, and the login session behind it (if any)."""

    viewer: Viewer
    session: LiveSession | None = None
    token: str | None = None  # the login session's token (to end it)

    @property
    def csrf(self) -> str | None:
        return self.session.csrf if self.session is not None else None


@identifies
def identify(store: Store, token: str | None, *, channel: Channel,
             policy: Policy = DEFAULT_POLICY) -> Identity:
    """The viewer of a login session token (nobody when the session has ended, expired or
    gone idle), with the time until which its last password confirmation counts."""
    live = logins.session_of(store, token, idle=policy.idle) if token else None
    if live is None:
        return Identity(Viewer.nobody(channel=channel))
    until = live.reauth_at + policy.reauth if live.reauth_at is not None else None
    return Identity(replace(Viewer.of(live.user, channel=channel), confirmed_until=until), live,
                    token)


@use_case
def confirm_password(store: Store, viewer: Viewer, session: LiveSession, password: str, *,
                     client: str = "unknown", policy: Policy = DEFAULT_POLICY) -> bool:
    """Re-authentication: the session's user types their password again (throttled like a
    login). True, and the session may run administrators' actions for ``policy.reauth``."""
    viewer.require_login()
    username = session.user.username
    accepted, _ = _attempt(store, username, password, client, policy)
    if accepted:
        logins.confirm(store, session.id, username)
    return accepted


def _require_admin_action(viewer: Viewer, *, now: datetime | None = None) -> None:
    """An administrator's action: the admin role, and (for a user of the web application) a
    password confirmation that still counts (ReauthenticationRequired, HTTP 403, otherwise)."""
    viewer.require(Role.ADMIN, None)
    if viewer.system:
        return
    if viewer.confirmed_until is None or viewer.confirmed_until < (now or utcnow()):
        raise ReauthenticationRequired(
            "reauthentication required: confirm your password and repeat the action")


@use_case
def logout(store: Store, viewer: Viewer, token: str | None) -> None:
    """End the login session of ``token``."""
    if token:
        acc.end_login(store, token)


@use_case
def whoami(store: Store, viewer: Viewer) -> User:
    """The logged-in user, with their roles and clearances per cycle."""
    viewer.require_login()
    if viewer.user is None:
        raise InvalidInput("the system operator has no account", location=["user"])
    return viewer.user


@use_case
def list_users(store: Store, viewer: Viewer) -> list[User]:
    """Every account with its roles (administrators)."""
    viewer.require(Role.ADMIN, None)
    return acc.list_users(store)


@dataclass(frozen=True)
class UserManagement:
    """What the user-management page offers: the accounts, the roles and the cycles."""

    users: list[User]
    roles: list[str]
    cycles: list[str]


@use_case
def user_management(store: Store, viewer: Viewer) -> UserManagement:
    """The accounts with the roles and cycles that can be granted (an administrator's action:
    needs a recent password confirmation)."""
    _require_admin_action(viewer)
    from weerbaar.store import list_cycles

    return UserManagement(acc.list_users(store), [r.value for r in Role],
                          [ALL_CYCLES, *(c.key for c in list_cycles(store))])


@use_case
def grant(store: Store, viewer: Viewer, username: str, role: str, *, cycle: str = ALL_CYCLES,
          clearance: str | None = None) -> User:
    """Give a user a role and a clearance on a cycle (``*``: every cycle), replacing a former
    grant there."""
    _require_admin_action(viewer)
    actor = viewer.name
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidInput(f"no role {role!r}", location=["role"],
                           expected=", ".join(r.value for r in Role)) from None
    return acc.grant(store, username, chosen, cycle=cycle, actor=actor, clearance=clearance)


@use_case
def set_disabled(store: Store, viewer: Viewer, username: str, disabled: bool) -> User:
    """Disable an account (its login sessions end) or enable it again."""
    _require_admin_action(viewer)
    actor = viewer.name
    if disabled and username == actor:
        raise InvalidInput("you cannot disable your own account", location=["username"])
    return acc.set_disabled(store, username, disabled, actor=actor)


@use_case
def reset_password(store: Store, viewer: Viewer, username: str, password: str) -> None:
    """An administrator sets a new password; every login session of the user ends. Set for
    another user, it works once: that user must choose their own at the next login
    (``must_change_password``)."""
    _require_admin_action(viewer)
    actor = viewer.name
    acc.set_password(store, username, hash_password(password), actor=actor,
                     must_change=username != actor)


@use_case
def change_password(store: Store, viewer: Viewer, current: str, new: str, *,
                    client: str = "unknown", policy: Policy = DEFAULT_POLICY) -> Login | None:
    """The user changes their own password. The new one must meet the password policy
    (InvalidInput naming ``new``, checked first: it says nothing about the current one). The
    current one is checked under the login throttle: None for a wrong one and during a
    lock-out alike (as for a login). Then the new password must differ from the current one
    (InvalidInput), is set, ``must_change_password`` is cleared, every login session of the
    user ends and a new one is opened: the caller continues with the returned token and CSRF
    token."""
    username = whoami(store, viewer).username
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


__all__ = ["DEFAULT_POLICY", "MIN_PASSWORD", "Identity", "Login", "LoginLimits", "Policy",
           "UserManagement", "add_user", "change_password", "check_password_policy",
           "confirm_password", "ensure_admin", "grant", "housekeeping", "identify",
           "list_users", "login", "logout", "reset_password",
           "set_disabled", "user_management", "whoami"]
