"""Logging in and out (pages)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.services.accounts import login, logout
from weerbaar.web.deps import (
    COOKIE,
    FORM_FIELD_MAX,
    FormText,
    IdentityDep,
    StoreDep,
    client_of,
    form_of,
    safe_next,
    set_session_cookie,
    settings_of,
)
from weerbaar.web.errors import error_page
from weerbaar.web.render import page

router = APIRouter()
PRE_CSRF = "weerbaar_login_csrf"


def _form(request: Request, next: str, *, status_code: int = 200, failed: bool = False,
          username: str | None = None) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", status_code=status_code, pre_csrf=token, next=next,
                    failed=failed, username=username)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict")
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _form(request, next)


@router.post("/login")
def login_submit(request: Request, store: StoreDep, username: FormText, password: FormText,
                 csrf_token: FormText,
                 next: Annotated[str, Form(max_length=FORM_FIELD_MAX["next"])] = "/") -> Response:
    expected = request.cookies.get(PRE_CSRF)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return error_page(request, 403, "CSRF check failed; reload the login page")
    session = login(store, username, password, client=client_of(request),
                    policy=settings_of(request).policy, replaces=request.cookies.get(COOKIE))
    if session is None:
        return _form(request, next, status_code=401, failed=True, username=username)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, session.token)
    response.delete_cookie(PRE_CSRF)
    return response


@router.post("/logout")
async def logout_submit(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    await form_of(request, identity)
    logout(store, identity.viewer, identity.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response

