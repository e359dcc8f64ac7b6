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
from weerbaar.domain.limits import (
    ID_EXPECTED,
    NAME_MAX,
    USERNAME_EXPECTED,
    id_problem,
    shown,
    too_long,
    username_problem,
)
from weerbaar.errors import InvalidInput, NotFound, ReauthenticationRequired
from weerbaar.services.passwords import MAX_PASSWORD, MIN_PASSWORD, check_password_policy
from weerbaar.services.registry import identifies, use_case
from weerbaar.services.viewer import Channel, Viewer
from weerbaar.store import Store, logins
from weerbaar.store import accounts as acc
from weerbaar.store import two_factor as tf
from weerbaar.store.core import utcnow
from weerbaar.store.logins import Limits as LoginLimits
from weerbaar.store.logins import LiveSession

_HASHER = PasswordHasher()
SESSION_HOURS = 12
STORED_NAME_MAX = 100  # the longest user name the store holds (older names may be longer than
# USERNAME_MAX or outside its pattern: they are looked up, never created)
# Verified against when the user does not exist, so a wrong user name costs as long as a wrong
# password and login reveals nothing about which accounts exist.
_DUMMY_HASH = _HASHER.hash("weerbaar-no-such-user")


def hash_password(password: str, *, field: str = "password",
                  username: str | None = None) -> str:
    """The argon2 hash of a new password that meets the password policy
    (``weerbaar.services.passwords``; InvalidInput naming ``field`` otherwise)."""
    check_password_policy(password, field=field, username=username)
    return _HASHER.hash(password)


def _existing_name(username: str) -> str:
    """A user name to look up: one longer than any the store holds names nobody."""
    if len(username) > STORED_NAME_MAX:
        raise NotFound(f"no user {shown(username)}")
    return username


def one_time_password() -> str:
    return secrets.token_urlsafe(15)


@use_case
def add_user(store: Store, viewer: Viewer, username: str, password: str, *,
             display_name: str | None = None, is_admin: bool = False,
             must_change_password: bool | None = None) -> User:
    """A new local account (an administrator's action).

    The user name is letters, digits, ``._-@`` (at most 64) and unique regardless of case
    (``ANN`` is a Conflict while ``ann`` exists). The password must meet the password policy.
    The new user must choose their own password at their first login
    (``must_change_password``), except the first account of an empty database (the operator
    who sets it up), unless ``must_change_password`` says otherwise."""
    _require_admin_action(viewer)
    actor = viewer.name
    if username_problem(username) is not None:
        raise InvalidInput(f"{shown(username)} is not a valid user name", location=["username"],
                           expected=USERNAME_EXPECTED)
    if display_name is not None and (problem := too_long(display_name, NAME_MAX)):
        raise InvalidInput(f"the name has {problem}", location=["display_name"])
    hashed = hash_password(password, username=username)
    if must_change_password is None:
        must_change_password = acc.count_users(store) > 0
    return acc.add_user(store, username, hashed, actor=actor, display_name=display_name,
                        is_admin=is_admin, must_change_password=must_change_password)


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
    second_factor: timedelta = timedelta(minutes=5)  # how long a login waits for its code
    keep_attempts: timedelta = timedelta(days=1)  # then recorded attempts are pruned
    prune_every: float = 600.0  # seconds between prunes, per process and database


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Login:
    user: User
    token: str
    csrf: str
    recovery_codes_left: int | None = None  # logged in with a recovery code: how many are left


@dataclass(frozen=True)
class PendingLogin:
    """The password was right and the user has two-factor login: no session yet, but a
    pending second step, named by ``token`` (the client keeps it, e.g. in a cookie) until
    ``until``; ``two_factor.complete_login`` completes it with a code."""

    username: str
    token: str
    until: datetime


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
          policy: Policy = DEFAULT_POLICY,
          replaces: str | None = None) -> Login | PendingLogin | None:
    """A new login session with a fresh token, or None for a wrong user name or password, or
    while the user name or the client address is locked out (all indistinguishable).
    ``replaces``: the session token the client held before, ended now. A user name longer
    than any account's, or a password longer than any the policy allows, is refused the
    same way (at the same cost) without being recorded. For a user with two-factor login the
    right password gives no session but a :class:`PendingLogin`: the code comes next
    (``two_factor.complete_login``, within ``policy.second_factor``)."""
    if len(username) > STORED_NAME_MAX or len(password) > MAX_PASSWORD:
        _password_ok(None, password[:MAX_PASSWORD])
        return None
    accepted, _ = _attempt(store, username, password, client, policy)
    if not accepted:
        return None
    user = acc.get_user(store, username)
    if user.two_factor:
        token, until = secrets.token_urlsafe(32), utcnow() + policy.second_factor
        tf.set_challenge(store, username, token, until)
        return PendingLogin(username, token, until)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    acc.create_login(store, username, token, csrf, utcnow() + policy.session,
                     replaces=replaces)
    return Login(user, token, csrf)


@dataclass(frozen=True)
class Identity:
    """Who a request comes from: the viewer, and the login session behind it (if any)."""

    viewer: Viewer
    session: LiveSession | None = None
    token: str | None = None  # the login session's token (to end it)
    # the user must set up two-factor login before anything else (their clearance requires
    # it; see services/two_factor.py)
    enrolment_due: bool = False

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
    from weerbaar.services.two_factor import enrolment_due  # it builds on this module

    return Identity(replace(Viewer.of(live.user, channel=channel), confirmed_until=until), live,
                    token, enrolment_due=enrolment_due(store, live.user))


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
        raise InvalidInput(f"no role {shown(role)}", location=["role"],
                           expected=", ".join(r.value for r in Role)) from None
    if cycle != ALL_CYCLES and id_problem(cycle) is not None:
        raise InvalidInput(f"{shown(cycle)} is not a cycle key", location=["cycle"],
                           expected=f"{ALL_CYCLES} (every cycle) or {ID_EXPECTED}")
    if clearance is not None and len(clearance) > NAME_MAX:
        raise InvalidInput(f"unknown clearance {shown(clearance)}", location=["clearance"])
    return acc.grant(store, _existing_name(username), chosen, cycle=cycle, actor=actor,
                     clearance=clearance)


@use_case
def revoke(store: Store, viewer: Viewer, username: str, *, cycle: str) -> User:
    """Take away a user's role and clearance on a cycle (``*``: the all-cycles grant; a grant
    on one cycle is not touched by revoking ``*``, nor the other way round). The user's login
    sessions see the change at their next request. Administrators keep every right (that is
    the account's admin flag, not a grant)."""
    _require_admin_action(viewer)
    if cycle != ALL_CYCLES and id_problem(cycle) is not None:
        raise InvalidInput(f"{shown(cycle)} is not a cycle key", location=["cycle"],
                           expected=f"{ALL_CYCLES} (every cycle) or {ID_EXPECTED}")
    return acc.revoke(store, _existing_name(username), cycle=cycle, actor=viewer.name)


@use_case
def set_disabled(store: Store, viewer: Viewer, username: str, disabled: bool) -> User:
    """Disable an account (its login sessions end) or enable it again."""
    _require_admin_action(viewer)
    actor = viewer.name
    if disabled and username == actor:
        raise InvalidInput("you cannot disable your own account", location=["username"])
    return acc.set_disabled(store, _existing_name(username), disabled, actor=actor)


@use_case
def reset_password(store: Store, viewer: Viewer, username: str, password: str) -> None:
    """An administrator sets a new password; every login session of the user ends. Set for
    another user, it works once: that user must choose their own at the next login
    (``must_change_password``)."""
    _require_admin_action(viewer)
    actor = viewer.name
    acc.set_password(store, _existing_name(username), hash_password(password, username=username),
                     actor=actor, must_change=username != actor)


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
    check_password_policy(new, field="new", username=username)
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


__all__ = ["DEFAULT_POLICY", "MIN_PASSWORD", "Identity", "Login", "LoginLimits", "PendingLogin",
           "Policy",
           "UserManagement", "add_user", "change_password", "check_password_policy",
           "confirm_password", "ensure_admin", "grant", "housekeeping", "identify",
           "list_users", "login", "logout", "reset_password", "revoke",
           "set_disabled", "user_management", "whoami"]
