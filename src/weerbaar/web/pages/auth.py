"""Logging in and out (pages): the password, then, for a user with two-factor login, the code
of the authenticator app or a recovery code (``/login/second-factor``)."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import NotAuthenticated
from weerbaar.services.accounts import PendingLogin, login, logout
from weerbaar.services.two_factor import complete_login
from weerbaar.web.deps import (
    CHALLENGE_COOKIE,
    COOKIE,
    FORM_FIELD_MAX,
    FormText,
    IdentityDep,
    StoreDep,
    client_of,
    form_of,
    safe_next,
    set_challenge_cookie,
    set_session_cookie,
    settings_of,
)
from weerbaar.web.errors import error_page
from weerbaar.web.render import page

router = APIRouter()
PRE_CSRF = "weerbaar_login_csrf"
SECOND_FACTOR_PAGE = "/login/second-factor"


def _form(request: Request, next: str, *, status_code: int = 200, failed: bool = False,
          username: str | None = None, expired: bool = False) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", status_code=status_code, pre_csrf=token, next=next,
                    failed=failed, username=username, expired=expired)
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
    if isinstance(session, PendingLogin):  # the code of the authenticator app comes next
        response = RedirectResponse(
            f"{SECOND_FACTOR_PAGE}?next={quote(safe_next(next), safe='/')}", status_code=303)
        set_challenge_cookie(request, response, session)
        return response
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, session.token)
    response.delete_cookie(PRE_CSRF)
    return response


# --- the second step: the code of the authenticator app, or a recovery code -----------------


def _code_form(request: Request, next: str, *, status_code: int = 200,
               failed: bool = False) -> Response:
    token = secrets.token_urlsafe(24)
    response = page(request, "second_factor.html", status_code=status_code, pre_csrf=token,
                    next=safe_next(next), failed=failed)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict")
    return response


@router.get(SECOND_FACTOR_PAGE)
def second_factor_form(request: Request, next: str = "/") -> Response:
    if not request.cookies.get(CHALLENGE_COOKIE):  # no login waits for its code
        return RedirectResponse(f"/login?next={quote(safe_next(next), safe='/')}",
                                status_code=303)
    return _code_form(request, next)


@router.post(SECOND_FACTOR_PAGE)
def second_factor_submit(request: Request, store: StoreDep, code: FormText,
                         csrf_token: FormText,
                         next: Annotated[str, Form(max_length=FORM_FIELD_MAX["next"])] = "/"
                         ) -> Response:
    """The code completes the login: the session cookie, then ``next``. A wrong code (and a
    refused one during a lock-out) shows the form again (401); an expired or unknown second
    step goes back to the login form."""
    expected = request.cookies.get(PRE_CSRF)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return error_page(request, 403, "CSRF check failed; reload the login page")
    try:
        session = complete_login(store, request.cookies.get(CHALLENGE_COOKIE), code,
                                 client=client_of(request), policy=settings_of(request).policy,
                                 replaces=request.cookies.get(COOKIE))
    except NotAuthenticated:
        response = _form(request, next, status_code=401, expired=True)
        response.delete_cookie(CHALLENGE_COOKIE)
        return response
    if session is None:
        return _code_form(request, next, status_code=401, failed=True)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, session.token)
    response.delete_cookie(PRE_CSRF)
    response.delete_cookie(CHALLENGE_COOKIE)
    return response


@router.post("/logout")
async def logout_submit(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    await form_of(request, identity)
    logout(store, identity.viewer, identity.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response

