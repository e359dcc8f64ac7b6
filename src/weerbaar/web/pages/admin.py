"""Re-authentication and user management (administrators): the password prompt and the users
page. Every user-management action needs the admin role, the CSRF token and a recent password
confirmation (the use cases check the role and the confirmation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.domain import ALL_CYCLES
from weerbaar.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ReauthenticationRequired,
)
from weerbaar.services import accounts
from weerbaar.services.accounts import Identity
from weerbaar.services.database import Store
from weerbaar.web.deps import (
    FormText,
    IdentityDep,
    StoreDep,
    check_csrf,
    client_of,
    safe_next,
    settings_of,
)
from weerbaar.web.render import page

router = APIRouter()
USERS_PAGE = "/admin/users"


def minutes(request: Request) -> int:
    return settings_of(request).reauth_minutes


def confirm(request: Request, store: Store, identity: Identity, password: str) -> bool:
    """The logged-in user's password, checked again (throttled like a login)."""
    if identity.session is None:
        raise NotAuthenticated("log in first")
    return accounts.confirm_password(store, identity.viewer, identity.session, password,
                                     client=client_of(request),
                                     policy=settings_of(request).policy)


@router.get("/reauth")
def reauth_form(request: Request, identity: IdentityDep, next: str = "/") -> Response:
    identity.viewer.require_login()
    return page(request, "reauth.html", identity=identity, next=safe_next(next),
                minutes=minutes(request), failed=False)


@router.post("/reauth")
def reauth_submit(request: Request, store: StoreDep, identity: IdentityDep, password: FormText,
                  csrf_token: FormText, next: Annotated[str, Form()] = "/") -> Response:
    check_csrf(identity, csrf_token)
    target = safe_next(next)
    if not confirm(request, store, identity, password):
        return page(request, "reauth.html", status_code=403, identity=identity, next=target,
                    minutes=minutes(request), failed=True)
    return RedirectResponse(target, status_code=303)


def _users_page(request: Request, store: Store, identity: Identity, *, status_code: int = 200,
                error: str | None = None) -> Response:
    try:
        found = accounts.user_management(store, identity.viewer)
    except ReauthenticationRequired as exc:
        raise ReauthenticationRequired(str(exc), next=USERS_PAGE) from None
    return page(request, "admin_users.html", status_code=status_code, identity=identity,
                users=found.users, roles=found.roles, cycles=found.cycles, error=error)


@router.get(USERS_PAGE)
def users_page(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    return _users_page(request, store, identity)


def _act(request: Request, store: Store, identity: Identity, csrf: str,
         action: Callable[[], Any]) -> Response:
    """Run one user-management action of the page: back to the list, or the list with the
    message (422 invalid input, 404 no such user or cycle, 409 exists already)."""
    check_csrf(identity, csrf)
    try:
        action()
    except ReauthenticationRequired as exc:
        raise ReauthenticationRequired(str(exc), next=USERS_PAGE) from None
    except (InvalidInput, NotFound, Conflict) as exc:
        code = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 422
        return _users_page(request, store, identity, status_code=code, error=str(exc))
    return RedirectResponse(f"{USERS_PAGE}?saved=1", status_code=303)


@router.post(USERS_PAGE)
def user_add(request: Request, store: StoreDep, identity: IdentityDep, username: FormText,
             password: FormText, csrf_token: FormText, display_name: Annotated[str, Form()] = "",
             admin: Annotated[str, Form()] = "") -> Response:
    return _act(request, store, identity, csrf_token, lambda: accounts.add_user(
        store, identity.viewer, username.strip(), password,
        display_name=display_name.strip() or None, is_admin=admin == "1"))


@router.post(USERS_PAGE + "/{username}/grant")
def user_grant(request: Request, username: str, store: StoreDep, identity: IdentityDep,
               role: FormText, csrf_token: FormText, cycle: Annotated[str, Form()] = ALL_CYCLES,
               clearance: Annotated[str, Form()] = "") -> Response:
    return _act(request, store, identity, csrf_token, lambda: accounts.grant(
        store, identity.viewer, username, role, cycle=cycle or ALL_CYCLES,
        clearance=clearance.strip() or None))


@router.post(USERS_PAGE + "/{username}/status")
def user_status(request: Request, username: str, store: StoreDep, identity: IdentityDep,
                disabled: FormText, csrf_token: FormText) -> Response:
    return _act(request, store, identity, csrf_token, lambda: accounts.set_disabled(
        store, identity.viewer, username, disabled == "1"))


@router.post(USERS_PAGE + "/{username}/password")
def user_password(request: Request, username: str, store: StoreDep, identity: IdentityDep,
                  password: FormText, csrf_token: FormText) -> Response:
    return _act(request, store, identity, csrf_token, lambda: accounts.reset_password(
        store, identity.viewer, username, password))
