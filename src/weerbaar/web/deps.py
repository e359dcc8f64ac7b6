"""Request-scoped helpers: the store, the logged-in user, CSRF checks, error mapping."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Header, Request

from weerbaar.domain import Role, User
from weerbaar.errors import NotAuthenticated, PasswordChangeRequired, PermissionDenied
from weerbaar.services import auth
from weerbaar.store import Store
from weerbaar.store.logins import LiveSession

COOKIE = "weerbaar_session"
CSRF_HEADER = "X-CSRF-Token"
PASSWORD_PAGE = "/account/password"
# what a user who must change their password may still reach (static files are not routed
# through the gate at all)
UNGATED = frozenset({PASSWORD_PAGE, "/login", "/logout", "/api/v1/password", "/api/v1/login",
                     "/api/v1/logout", "/api/v1/me"})


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the user (or None) and the CSRF token of their login session."""

    user: User | None
    csrf: str | None
    token: str | None
    session: LiveSession | None = None  # the login session (its last password confirmation)


async def get_store(request: Request) -> Store:
    """The app's store (async: no I/O, so FastAPI need not hand it to a worker thread)."""
    store: Store = request.app.state.store
    return store


def get_viewer(request: Request, store: Annotated[Store, Depends(get_store)]) -> Viewer:
    token = request.cookies.get(COOKIE)
    found = auth.session_user(store, token, request.app.state.settings.policy)
    if found is None:
        return Viewer(None, None, None)
    return Viewer(found.user, found.csrf, token, found)


def client_of(request: Request) -> str:
    """The client's address, for login throttling (behind a reverse proxy: the address the
    proxy passes on, see docs/security.md)."""
    return request.client.host if request.client is not None else "unknown"


def check_csrf(viewer: Viewer, supplied: str | None) -> None:
    if viewer.csrf is None or supplied is None or not hmac.compare_digest(viewer.csrf, supplied):
        raise PermissionDenied("the form is out of date or not from this site (CSRF check "
                               "failed); reload the page and try again")


def need(viewer: Viewer, role: Role, cycle: str | None) -> User:
    return auth.require(viewer.user, role, cycle)


StoreDep = Annotated[Store, Depends(get_store)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]
CsrfHeader = Annotated[str | None, Header(alias=CSRF_HEADER)]  # API writes
FormText = Annotated[str, Form()]  # a text field of a page's form


def logged_in(viewer: Viewer) -> User:
    if viewer.user is None:
        raise NotAuthenticated("log in first")
    return viewer.user


async def password_gate(request: Request, viewer: ViewerDep) -> None:
    """While the logged-in user must change their password (a one-time password, or one an
    administrator set), refuse everything but the password change, logging in and out and
    ``/api/v1/me``: the API answers 403 ``PasswordChangeRequired``, pages go to the password
    form and then back to where the user was heading (a page, not a form submission). A
    dependency of every router; the viewer is resolved once per request (FastAPI caches it
    for the endpoint)."""
    user = viewer.user
    if user is None or not user.must_change_password or request.url.path in UNGATED:
        return
    target = "/"
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        target = request.url.path + (f"?{query}" if query else "")
    raise PasswordChangeRequired("change your password first", next=target)
