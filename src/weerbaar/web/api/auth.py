"""Logging in and out, who am I, and the password confirmation before administrators' actions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from weerbaar.errors import NotAuthenticated, PermissionDenied
from weerbaar.services.accounts import login, logout, whoami
from weerbaar.web.deps import (
    COOKIE,
    CsrfHeader,
    IdentityDep,
    StoreDep,
    check_csrf,
    client_of,
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


@router.post("/login")
def api_login(body: Credentials, store: StoreDep, request: Request,
              response: Response) -> dict[str, Any]:
    """Log in (cookie session; a new token every time); 401 with one message for a wrong user
    name or password, and while the user name or the client is locked out after too many
    failures."""
    session = login(store, body.username, body.password, client=client_of(request),
                    policy=settings_of(request).policy, replaces=request.cookies.get(COOKIE))
    if session is None:
        raise NotAuthenticated("wrong user name or password")
    set_session_cookie(request, response, session.token)
    return {"user": session.user.username, "csrf": session.csrf}


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
