"""Re-authentication and user management (administrators): the password prompt and the users
page. Every user-management action needs the admin role, the CSRF token and a recent password
confirmation (the use cases check the role and the confirmation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.domain import ALL_CYCLES
from weerbaar.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ReauthenticationRequired,
)
from weerbaar.i18n import texts
from weerbaar.services import accounts, two_factor
from weerbaar.services.accounts import Identity
from weerbaar.services.database import Store
from weerbaar.services.passwords import password_problem
from weerbaar.web.deps import (
    IdentityDep,
    StoreDep,
    client_of,
    form_of,
    required,
    safe_next,
    settings_of,
)
from weerbaar.web.render import language, page

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
async def reauth_submit(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    target = safe_next(form.get("next", "/"))
    if not confirm(request, store, identity, required(form, "password")):
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


async def _act(request: Request, store: Store, identity: Identity,
               action: Callable[[dict[str, str]], Any], *,
               password_for: Callable[[dict[str, str]], str] | None = None) -> Response:
    """Run one user-management action of the page on its form: back to the list, or the list
    with the message (422 invalid input, 404 no such user or cycle, 409 exists already).
    ``password_for``: the user name the form's password is for; a password the policy refuses
    is explained in the page's language."""
    form = await form_of(request, identity)
    try:
        action(form)
    except ReauthenticationRequired as exc:
        raise ReauthenticationRequired(str(exc), next=USERS_PAGE) from None
    except (InvalidInput, NotFound, Conflict) as exc:
        code = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 422
        message = str(exc)
        if (isinstance(exc, InvalidInput) and exc.location == ["password"]
                and password_for is not None):
            problem = password_problem(form.get("password", ""), username=password_for(form))
            if problem is not None:
                message = texts(language(request))(problem.message, **problem.values)
        return _users_page(request, store, identity, status_code=code, error=message)
    return RedirectResponse(f"{USERS_PAGE}?saved=1", status_code=303)


@router.post(USERS_PAGE)
async def user_add(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    return await _act(request, store, identity, lambda form: accounts.add_user(
        store, identity.viewer, required(form, "username").strip(), required(form, "password"),
        display_name=form.get("display_name", "").strip() or None,
        is_admin=form.get("admin") == "1"), password_for=lambda form: form.get("username", ""))


@router.post(USERS_PAGE + "/{username}/grant")
async def user_grant(request: Request, username: str, store: StoreDep,
                     identity: IdentityDep) -> Response:
    return await _act(request, store, identity, lambda form: accounts.grant(
        store, identity.viewer, username, required(form, "role"),
        cycle=form.get("cycle") or ALL_CYCLES,
        clearance=form.get("clearance", "").strip() or None))


@router.post(USERS_PAGE + "/{username}/status")
async def user_status(request: Request, username: str, store: StoreDep,
                      identity: IdentityDep) -> Response:
    return await _act(request, store, identity, lambda form: accounts.set_disabled(
        store, identity.viewer, username, required(form, "disabled") == "1"))


@router.post(USERS_PAGE + "/{username}/password")
async def user_password(request: Request, username: str, store: StoreDep,
                        identity: IdentityDep) -> Response:
    return await _act(request, store, identity, lambda form: accounts.reset_password(
        store, identity.viewer, username, required(form, "password")),
        password_for=lambda _: username)


@router.post(USERS_PAGE + "/{username}/revoke")
async def user_revoke(request: Request, username: str, store: StoreDep,
                      identity: IdentityDep) -> Response:
    """Take away the user's role on the form's ``cycle`` (``*``: every cycle)."""
    return await _act(request, store, identity, lambda form: accounts.revoke(
        store, identity.viewer, username, cycle=required(form, "cycle")))


@router.post(USERS_PAGE + "/{username}/two-factor")
async def user_two_factor_reset(request: Request, username: str, store: StoreDep,
                                identity: IdentityDep) -> Response:
    """Reset the user's two-factor login (a lost phone): its secret and recovery codes are
    gone and the user's login sessions end; who must have it sets it up at the next login."""
    return await _act(request, store, identity, lambda form: two_factor.reset_two_factor(
        store, identity.viewer, username))
