"""Changing one's own password: ``POST /api/v1/password`` and the page ``/account/password``.

The current password is checked under the login throttle (a stolen session does not give
unlimited guesses); a wrong one and a refused attempt during a lock-out get the same answer. The
new password must meet the password policy. Afterwards every other login session of the user
has ended and this one continues under a new token (cookie) and CSRF token; a password that had
to be changed (``must_change_password``: the first administrator's one-time password, or one an
administrator set) no longer has to be. Until then ``deps.password_gate`` lets the user reach
little else.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from weerbaar.errors import InvalidInput, PermissionDenied
from weerbaar.services import auth
from weerbaar.store import Store
from weerbaar.web.admin import WRONG_PASSWORD, safe_next
from weerbaar.web.deps import (
    COOKIE,
    PASSWORD_PAGE,
    CsrfHeader,
    FormText,
    StoreDep,
    Viewer,
    ViewerDep,
    check_csrf,
    client_of,
    logged_in,
)
from weerbaar.web.i18n import translator
from weerbaar.web.render import language, page

api_router = APIRouter(prefix="/api/v1", tags=["api"])
pages_router = APIRouter(include_in_schema=False)


class PasswordChange(BaseModel):
    current: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=1, max_length=1000)


def _change(request: Request, store: Store, viewer: Viewer, current: str,
            new: str) -> auth.Login | None:
    user = logged_in(viewer)
    return auth.change_password(store, user.username, current, new, client=client_of(request),
                                policy=request.app.state.settings.policy)


def _set_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.settings
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=settings.secure_cookies, max_age=settings.session_hours * 3600)


@api_router.post("/password")
def api_password(body: PasswordChange, request: Request, response: Response, viewer: ViewerDep,
                 store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Change your password. 403 ``wrong password`` for a wrong current password and during a
    lock-out alike (throttled like a login); 422 naming the rule the new one breaks. Every
    other login session of yours ends; this one continues with a new token (the cookie) and
    the CSRF token returned."""
    logged_in(viewer)
    check_csrf(viewer, csrf)
    changed = _change(request, store, viewer, body.current, body.new)
    if changed is None:
        raise PermissionDenied(WRONG_PASSWORD)
    _set_cookie(request, response, changed.token)
    return {"status": "password changed", "user": changed.user.username,
            "csrf": changed.csrf}


def _form(request: Request, viewer: Viewer, next: str, *, status_code: int = 200,
          error: str | None = None) -> Response:
    user = logged_in(viewer)
    return page(request, "password.html", status_code=status_code, viewer=viewer,
                next=safe_next(next), forced=user.must_change_password, error=error,
                min_length=auth.MIN_PASSWORD)


@pages_router.get(PASSWORD_PAGE)
def password_form(request: Request, viewer: ViewerDep, next: str = "/") -> Response:
    return _form(request, viewer, next)


@pages_router.post(PASSWORD_PAGE)
def password_submit(request: Request, store: StoreDep, viewer: ViewerDep, current: FormText,
                    new: FormText, repeat: FormText, csrf_token: FormText,
                    next: Annotated[str, Form()] = "/") -> Response:
    logged_in(viewer)
    check_csrf(viewer, csrf_token)
    t = translator(language(request))
    if new != repeat:  # before the current password is checked: costs no attempt
        return _form(request, viewer, next, status_code=422, error=t["password_mismatch"])
    try:
        changed = _change(request, store, viewer, current, new)
    except InvalidInput as exc:
        rule = ("password_short" if len(new) < auth.MIN_PASSWORD
                else "password_same" if new == current else None)
        message = t[rule].format(n=auth.MIN_PASSWORD) if rule else str(exc)
        return _form(request, viewer, next, status_code=422, error=message)
    if changed is None:
        return _form(request, viewer, next, status_code=403, error=t["password_wrong"])
    response = RedirectResponse(safe_next(next), status_code=303)
    _set_cookie(request, response, changed.token)
    return response
