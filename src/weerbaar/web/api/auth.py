"""Logging in (with the second step of two-factor login) and out, who am I, the password
confirmation before administrators' actions, and one's own two-factor login."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from weerbaar.errors import NotAuthenticated, PermissionDenied
from weerbaar.services import two_factor
from weerbaar.services.accounts import PendingLogin, login, logout, whoami
from weerbaar.services.two_factor import CODE_MAX, complete_login, enrolment_due
from weerbaar.web.deps import (
    CHALLENGE_COOKIE,
    COOKIE,
    CsrfHeader,
    IdentityDep,
    StoreDep,
    check_csrf,
    client_of,
    set_challenge_cookie,
    set_session_cookie,
    settings_of,
)
from weerbaar.web.pages.admin import confirm, minutes

router = APIRouter()
WRONG_PASSWORD = "wrong password"


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, max_length=1000)


class CodeIn(BaseModel):
    code: str = Field(min_length=1, max_length=CODE_MAX)


@router.post("/login")
def api_login(body: Credentials, store: StoreDep, request: Request,
              response: Response) -> dict[str, Any]:
    """Log in (cookie session; a new token every time); 401 with one message for a wrong user
    name or password, and while the user name or the client is locked out after too many
    failures. For a user with two-factor login the right password answers 401
    ``{"error": "SecondFactorRequired"}`` with no session but the cookie of the pending second
    step: ``POST /api/v1/login/second-factor {code}`` completes it within 5 minutes. A user who
    must set up two-factor login gets the session with ``two_factor_enrolment_required``:
    only the enrolment (``/api/v1/account/two-factor``) answers until it is done."""
    policy = settings_of(request).policy
    session = login(store, body.username, body.password, client=client_of(request),
                    policy=policy, replaces=request.cookies.get(COOKIE))
    if session is None:
        raise NotAuthenticated("wrong user name or password")
    if isinstance(session, PendingLogin):
        set_challenge_cookie(request, response, session)
        response.status_code = 401
        return {"error": "SecondFactorRequired",
                "detail": "the password is right; now the code of your authenticator app (or "
                "a recovery code): POST /api/v1/login/second-factor {\"code\": ...}"}
    set_session_cookie(request, response, session.token)
    due = enrolment_due(store, session.user)
    return {"user": session.user.username, "csrf": session.csrf,
            "two_factor_enrolment_required": due}


@router.post("/login/second-factor")
def api_login_second_factor(body: CodeIn, store: StoreDep, request: Request,
                            response: Response) -> dict[str, Any]:
    """The second step of a login with two-factor login: the six-digit code of the
    authenticator app, or a recovery code (each works once). 401 ``wrong code`` for a wrong
    one and while the user's codes or the client are locked out (throttled like passwords);
    401 when no login is waiting for its code (none, expired, or completed): log in again."""
    session = complete_login(store, request.cookies.get(CHALLENGE_COOKIE), body.code,
                             client=client_of(request), policy=settings_of(request).policy,
                             replaces=request.cookies.get(COOKIE))
    if session is None:
        raise NotAuthenticated("wrong code")
    set_session_cookie(request, response, session.token)
    response.delete_cookie(CHALLENGE_COOKIE)
    answer: dict[str, Any] = {"user": session.user.username, "csrf": session.csrf}
    if session.recovery_codes_left is not None:
        answer["recovery_codes_left"] = session.recovery_codes_left
    return answer


@router.post("/logout")
def api_logout(identity: IdentityDep, store: StoreDep, response: Response,
               csrf: CsrfHeader = None) -> dict[str, str]:
    check_csrf(identity, csrf)
    logout(store, identity.viewer, identity.token)
    response.delete_cookie(COOKIE)
    return {"status": "logged out"}


@router.get("/me")
def api_me(identity: IdentityDep, store: StoreDep) -> dict[str, Any]:
    user = whoami(store, identity.viewer)
    return {"username": user.username, "admin": user.is_admin,
            "must_change_password": user.must_change_password,
            "two_factor": user.two_factor,
            "two_factor_enrolment_required": identity.enrolment_due,
            "roles": {k: v.value for k, v in user.roles.items()},
            "clearances": {k: user.clearances.get(k) for k in user.roles}, "csrf": identity.csrf}


@router.post("/reauth")
def api_reauth(body: PasswordIn, request: Request, identity: IdentityDep, store: StoreDep,
               csrf: CsrfHeader = None) -> dict[str, Any]:
    """Confirm your password: administrators' actions are allowed for the next few minutes.
    403 for a wrong password (throttled like a login)."""
    check_csrf(identity, csrf)
    if not confirm(request, store, identity, body.password):
        raise PermissionDenied(WRONG_PASSWORD)
    return {"status": "confirmed", "valid_minutes": minutes(request)}


# --- one's own two-factor login ---------------------------------------------------------------


def _status_json(found: two_factor.Status) -> dict[str, Any]:
    return {"enrolled": found.enrolled, "required": found.required,
            "enrolled_at": found.enrolled_at.isoformat(timespec="seconds") + "Z"
            if found.enrolled_at is not None else None,
            "recovery_codes_left": found.recovery_codes_left, "setting_up": found.setting_up}


@router.get("/account/two-factor")
def api_two_factor(identity: IdentityDep, store: StoreDep) -> dict[str, Any]:
    """Whether your two-factor login is on, whether your clearance requires it, how many
    recovery codes are left, and whether a set-up waits for its code (never the secret)."""
    return _status_json(two_factor.status(store, identity.viewer))


@router.post("/account/two-factor/setup")
def api_two_factor_setup(identity: IdentityDep, store: StoreDep,
                         csrf: CsrfHeader = None) -> dict[str, Any]:
    """Set up two-factor login (again): a new secret and its ``otpauth://`` URI (issuer
    ``weerbaar``), for an authenticator app. Needs a password confirmation from the last few
    minutes (logging in counts; else 403 ``ReauthenticationRequired``: ``POST
    /api/v1/reauth``). It is in force once confirmed with a code (``.../confirm``); until then
    the current one (if any) stays."""
    check_csrf(identity, csrf)
    found = two_factor.start_enrolment(store, identity.viewer)
    return {"secret": found.secret, "uri": found.uri}


@router.post("/account/two-factor/confirm")
def api_two_factor_confirm(body: CodeIn, identity: IdentityDep, store: StoreDep,
                           csrf: CsrfHeader = None) -> dict[str, Any]:
    """Confirm the set-up with a code of the app: two-factor login is on from now on. Answers
    the recovery codes, once (only their hashes are kept). 422 for a wrong code, 409 when
    nothing is being set up; needs a recent password confirmation."""
    check_csrf(identity, csrf)
    codes = two_factor.confirm_enrolment(store, identity.viewer, body.code)
    return {"status": "two-factor login is on", "recovery_codes": codes}


@router.delete("/account/two-factor")
def api_two_factor_off(identity: IdentityDep, store: StoreDep,
                       csrf: CsrfHeader = None) -> dict[str, Any]:
    """Turn your two-factor login off (needs a recent password confirmation); 403 while your
    clearance requires it."""
    check_csrf(identity, csrf)
    was_on = two_factor.turn_off(store, identity.viewer)
    return {"status": "two-factor login is off", "was_on": was_on}
