"""Two-factor login: TOTP codes (RFC 6238) from an authenticator app, single-use recovery codes,
and who must have it (see docs/security.md, "Two-factor login").

- **Enrolment** (:func:`start_enrolment`, :func:`confirm_enrolment`): a new random secret
  (160 bits) is shown once as a QR code (an ``otpauth://`` URI with issuer ``weerbaar``,
  rendered here as SVG: no outside service) and as text; a code from the app confirms it, and
  only then is it in force, with :data:`RECOVERY_CODES` new recovery codes, shown once and
  stored as argon2 hashes. Setting up again replaces secret and codes. Starting, confirming and
  turning it off need a recent password confirmation (as administrators' actions do).
- **Login** (``accounts.login`` then :func:`complete_login`): after the right password a user
  with two-factor login gets no session but a pending second step (5 minutes); the code of
  the app, or one recovery code, completes it. Each TOTP code is accepted once (RFC 6238 5.2:
  the last accepted time step is kept), within one 30-second step either side of the server's
  clock. Wrong codes are throttled like wrong passwords, under their own count per user name
  (so a right password does not reset it) and the client address's count.
- **The requirement** (:func:`requirement`, :func:`set_requirement`): by default everyone
  cleared for the scheme's ``audit_reads_from`` marking (``confidential``) or higher on any
  cycle must have two-factor login; a user who must and has not is held to the enrolment
  (``Identity.enrolment_due``; the web application's gate). It can name another marking, be
  turned off, and include administrators.
- **Reset** (:func:`reset_two_factor`): an administrator removes a user's two-factor login
  (a lost phone); the user's login sessions end.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from weerbaar.domain import ALL_CYCLES, ClassificationScheme, Role, User
from weerbaar.domain.limits import shown
from weerbaar.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    PermissionDenied,
    ReauthenticationRequired,
)
from weerbaar.services.accounts import (
    _HASHER,
    DEFAULT_POLICY,
    STORED_NAME_MAX,
    Login,
    PendingLogin,
    Policy,
    _existing_name,
    _require_admin_action,
    whoami,
)
from weerbaar.services.registry import identifies, use_case
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, logins
from weerbaar.store import accounts as acc
from weerbaar.store import two_factor as tf
from weerbaar.store.core import utcnow

ISSUER = "weerbaar"
STEP_SECONDS = 30  # RFC 6238's time step
DIGITS = 6
WINDOW = 1  # time steps accepted either side of the server's clock (clock drift, typing time)
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
RECOVERY_LENGTH = 10  # 10 of 31 characters: about 50 bits each
CODE_MAX = 64  # the longest code (with spaces and dashes) looked at
OFF = "off"


def throttle_key(username: str) -> str:
    """The name under which wrong codes are counted: apart from the user name's wrong
    passwords (``#`` is no character of a user name)."""
    return f"{username[:STORED_NAME_MAX]}#2fa"


# --- who must have two-factor login -----------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """Who must have two-factor login: everyone cleared for ``required_from`` or higher on any
    cycle (None: nobody for their clearance), and administrators too when ``admins``.
    ``stored``: set explicitly (else the default: from the scheme's ``audit_reads_from``)."""

    required_from: str | None
    admins: bool = False
    stored: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"required_from": self.required_from, "admins": self.admins,
                "default": not self.stored}


def _requirement(scheme: ClassificationScheme, value: dict[str, object] | None) -> Requirement:
    if value is None:
        return Requirement(scheme.audit_reads_from)
    marking = value.get("required_from")
    return Requirement(marking if isinstance(marking, str) else None,
                       bool(value.get("admins", False)), stored=True)


def is_required(user: User, scheme: ClassificationScheme, requirement: Requirement) -> bool:
    """Must ``user`` have two-factor login? For a clearance of ``required_from`` or higher on
    any cycle (a grant without a clearance has the scheme's default); a clearance or a
    ``required_from`` the scheme does not know counts as high enough (fail closed)."""
    if requirement.admins and (user.is_admin or user.roles.get(ALL_CYCLES) == Role.ADMIN):
        return True
    if requirement.required_from is None or not user.roles:
        return False
    if not scheme.knows(requirement.required_from):
        return True
    threshold = scheme.rank(requirement.required_from)
    return any(scheme.rank(user.clearances.get(cycle, scheme.default)) >= threshold
               for cycle in user.roles)


def enrolment_due(store: Store, user: User) -> bool:
    """Must ``user`` set up two-factor login before anything else (required, not enrolled)?
    Reads the setting only for a user without it who holds a role."""
    if user.two_factor or not (user.roles or user.is_admin):
        return False
    scheme, value = tf.requirement_setting(store)
    return is_required(user, scheme, _requirement(scheme, value))


@use_case
def requirement(store: Store, viewer: Viewer) -> Requirement:
    """Who must have two-factor login (administrators)."""
    viewer.require(Role.ADMIN, None)
    scheme, value = tf.requirement_setting(store)
    return _requirement(scheme, value)


@use_case
def set_requirement(store: Store, viewer: Viewer, required_from: str | None, *,
                    admins: bool = False) -> Requirement:
    """Set who must have two-factor login: from a marking of the classification scheme on
    (``None`` or ``"off"``: nobody for their clearance), and administrators too when
    ``admins``. Users who must and have not are held to the enrolment at their next request."""
    _require_admin_action(viewer)
    scheme, _ = tf.requirement_setting(store)
    if required_from == OFF:
        required_from = None
    if required_from is not None and not scheme.knows(required_from):
        raise InvalidInput(f"unknown marking {shown(required_from)}", location=["required_from"],
                           expected=f"one of {', '.join(scheme.levels)}, or {OFF}")
    value: dict[str, object] = {"required_from": required_from, "admins": admins}
    tf.set_requirement_setting(store, value, actor=viewer.name)
    return _requirement(scheme, value)


# --- codes ------------------------------------------------------------------------------------


def _now_step(now: float | None = None) -> int:
    return int(time.time() if now is None else now) // STEP_SECONDS


def matching_step(secret: str, code: str, *, after: int | None = None,
                  now: float | None = None) -> int | None:
    """The time step within :data:`WINDOW` of now whose code ``code`` is (and later than
    ``after``, the last step accepted), or None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = _now_step(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):  # every step: the same work
        if hmac.compare_digest(totp.generate_otp(step), code) and (after is None or step > after):
            found = step
    return found


def _recovery_form(code: str) -> str:
    return "".join(c for c in code.lower() if c not in " -\t\n")


def new_recovery_codes() -> list[str]:
    """:data:`RECOVERY_CODES` random codes, written ``abcde-fghjk``."""
    out = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        out.append(f"{raw[:5]}-{raw[5:]}")
    return out


def _recovery_match(hashes: tuple[str, ...], code: str) -> str | None:
    form = _recovery_form(code)
    if len(form) != RECOVERY_LENGTH or any(c not in RECOVERY_ALPHABET for c in form):
        return None
    for hashed in hashes:
        try:
            if _HASHER.verify(hashed, form):
                return hashed
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            continue
    return None


@dataclass(frozen=True)
class Checked:
    ok: bool
    recovery_left: int | None = None  # a recovery code was used: how many are left


def _check_code(store: Store, username: str, code: str) -> Checked:
    """Check a TOTP code (six digits) or a recovery code, and use it up when right."""
    if len(code) > CODE_MAX:
        return Checked(False)
    found = tf.second_factor_of(store, username)
    if found.secret is None:
        return Checked(False)
    step = matching_step(found.secret, code, after=found.last_step)
    if step is not None:
        return Checked(tf.use_step(store, username, step))
    hashed = _recovery_match(found.recovery, code)
    if hashed is None:
        return Checked(False)
    left = tf.use_recovery_code(store, username, hashed)
    return Checked(left is not None, left)


# --- login ------------------------------------------------------------------------------------


@identifies
def complete_login(store: Store, token: str | None, code: str, *, client: str = "unknown",
                   policy: Policy = DEFAULT_POLICY, replaces: str | None = None) -> Login | None:
    """The second step of a login: the code of the authenticator app, or a recovery code, for
    the pending step ``token``. A new login session (as ``accounts.login``), or None for a
    wrong code and while the user's codes or the client are locked out (alike; each counts as
    a failure). NotAuthenticated when no step is pending under ``token`` (never was, expired,
    completed, or the account was disabled or reset): log in again."""
    username = tf.challenged(store, token) if token else None
    if username is None:
        raise NotAuthenticated("no login is waiting for a second factor (or it has expired): "
                               "log in again")
    key = throttle_key(username)
    attempt, locked = logins.start_attempt(store, key, client, policy.limits)
    if locked:
        return None
    checked = _check_code(store, username, code)
    if not checked.ok:
        logins.failed(store, key, client, policy.limits)
        return None
    logins.succeeded(store, attempt)
    session, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    acc.create_login(store, username, session, csrf, utcnow() + policy.session,
                     replaces=replaces)
    return Login(acc.get_user(store, username), session, csrf,
                 recovery_codes_left=checked.recovery_left)


# --- one's own two-factor login ---------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """A user's two-factor login as their account page shows it (never the secret in force)."""

    enrolled: bool
    required: bool
    enrolled_at: datetime | None
    recovery_codes_left: int
    setting_up: bool  # a secret is being set up (not yet confirmed)


def _require_confirmation(viewer: Viewer, *, now: datetime | None = None) -> None:
    """A recent password confirmation (logging in counts as one), as for administrators'
    actions; the system operator needs none."""
    viewer.require_login()
    if viewer.system:
        return
    if viewer.confirmed_until is None or viewer.confirmed_until < (now or utcnow()):
        raise ReauthenticationRequired(
            "reauthentication required: confirm your password and repeat the action")


@use_case
def status(store: Store, viewer: Viewer) -> Status:
    """The viewer's own two-factor login."""
    user = whoami(store, viewer)
    found = tf.second_factor_of(store, user.username)
    scheme, value = tf.requirement_setting(store)
    return Status(found.secret is not None, is_required(user, scheme, _requirement(scheme, value)),
                  found.enrolled_at, len(found.recovery), found.pending is not None)


@dataclass(frozen=True)
class Enrolment:
    """A secret being set up: the text to type into the app, the ``otpauth://`` URI and its
    QR code as an SVG element (to put inline into a page)."""

    secret: str
    uri: str
    qr_svg: str

    @property
    def grouped(self) -> str:
        """The secret in groups of four, as authenticator apps accept it typed."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


def _enrolment(username: str, secret: str) -> Enrolment:
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=ISSUER)
    qr = segno.make(uri, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=False,
                        title=f"QR code: {ISSUER} ({username})")
    return Enrolment(secret, uri, svg)


@use_case
def start_enrolment(store: Store, viewer: Viewer) -> Enrolment:
    """Set up two-factor login (again): a new secret, shown now and until it is confirmed; the
    secret in force (if any) stays until then. Needs a recent password confirmation."""
    user = whoami(store, viewer)
    _require_confirmation(viewer)
    secret = pyotp.random_base32()  # 32 characters: 160 bits
    tf.set_pending(store, user.username, secret)
    return _enrolment(user.username, secret)


@use_case
def pending_enrolment(store: Store, viewer: Viewer) -> Enrolment | None:
    """The secret being set up (not yet in force), to show again; None when none is."""
    user = whoami(store, viewer)
    pending = tf.second_factor_of(store, user.username).pending
    return _enrolment(user.username, pending) if pending is not None else None


@use_case
def confirm_enrolment(store: Store, viewer: Viewer, code: str) -> list[str]:
    """Confirm the secret being set up with a code of the app: it is in force from now on,
    with new recovery codes, returned (shown once; only their hashes are kept). A wrong code
    is InvalidInput naming ``code``. Needs a recent password confirmation; Conflict when
    nothing is being set up."""
    user = whoami(store, viewer)
    _require_confirmation(viewer)
    if len(code) > CODE_MAX:
        raise InvalidInput(f"a code has at most {CODE_MAX} characters", location=["code"])
    pending = tf.second_factor_of(store, user.username).pending
    if pending is None:
        raise Conflict("two-factor login is not being set up: start the set-up again")
    step = matching_step(pending, code)
    if step is None:
        raise InvalidInput("wrong code: type the six digits the app shows now",
                           location=["code"])
    codes = new_recovery_codes()
    hashes = [_HASHER.hash(_recovery_form(c)) for c in codes]
    if not tf.enrol(store, user.username, pending, step, hashes):
        raise Conflict("the set-up was started again in the meantime: use the new QR code")
    return codes


@use_case
def turn_off(store: Store, viewer: Viewer) -> bool:
    """Turn one's own two-factor login off (needs a recent password confirmation); refused
    while one's clearance requires it. Returns whether it was on."""
    user = whoami(store, viewer)
    _require_confirmation(viewer)
    scheme, value = tf.requirement_setting(store)
    if is_required(user, scheme, _requirement(scheme, value)):
        raise PermissionDenied("your clearance requires two-factor login: it cannot be turned "
                               "off (an administrator can reset it)")
    return tf.turn_off(store, user.username, actor=user.username)


@use_case
def reset_two_factor(store: Store, viewer: Viewer, username: str) -> bool:
    """An administrator removes a user's two-factor login (secret and recovery codes; e.g. a
    lost phone); every login session of the user ends. A user who must have it sets it up
    again after the next login. Returns whether it was on."""
    _require_admin_action(viewer)
    return tf.turn_off(store, _existing_name(username), actor=viewer.name)


__all__ = ["ISSUER", "RECOVERY_CODES", "Enrolment", "PendingLogin", "Requirement", "Status",
           "complete_login", "confirm_enrolment", "enrolment_due", "is_required",
           "matching_step", "new_recovery_codes", "pending_enrolment", "requirement",
           "reset_two_factor", "set_requirement", "start_enrolment", "status", "throttle_key",
           "turn_off"]
