"""Re-authentication and user management (administrators): the API under /api/v1 and the pages.

Every user-management action needs the admin role, the CSRF token and a password confirmation
made within the last few minutes (``WebSettings.reauth_minutes``; logging in counts as one):
``POST /api/v1/reauth`` or the password prompt at ``/reauth``. Without it the API answers 403
``reauthentication required`` and the pages show the prompt, then return.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from weerbaar.domain import ALL_CYCLES, Role, User
from weerbaar.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from weerbaar.services import auth
from weerbaar.store import list_cycles
from weerbaar.store.accounts import list_users
from weerbaar.web.deps import (
    CsrfHeader,
    FormText,
    StoreDep,
    Viewer,
    ViewerDep,
    check_csrf,
    client_of,
    logged_in,
    need,
)
from weerbaar.web.render import page

api_router = APIRouter(prefix="/api/v1", tags=["api"])
pages_router = APIRouter(include_in_schema=False)
USERS_PAGE = "/admin/users"
WRONG_PASSWORD = "wrong password"


def _user_json(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name,
            "admin": user.is_admin, "disabled": user.disabled,
            "roles": {k: v.value for k, v in sorted(user.roles.items())}}


def _admin(request: Request, viewer: Viewer, csrf: str | None, *,
           next: str | None = None) -> User:
    """The administrator behind a user-management action: admin role, CSRF token and a recent
    password confirmation, checked in that order."""
    user = need(viewer, Role.ADMIN, None)
    check_csrf(viewer, csrf)
    auth.require_recent_auth(viewer.session, request.app.state.settings.policy, next=next)
    return user


def _confirm(request: Request, store: Any, viewer: Viewer, password: str) -> bool:
    logged_in(viewer)
    if viewer.session is None:
        raise NotAuthenticated("log in first")
    return auth.confirm_password(store, viewer.session, password, client=client_of(request),
                                 policy=request.app.state.settings.policy)


def _minutes(request: Request) -> int:
    return int(request.app.state.settings.reauth_minutes)


# --- API -----------------------------------------------------------------------------------------


class PasswordIn(BaseModel):
    password: str = Field(min_length=1, max_length=1000)


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    display_name: str | None = Field(default=None, max_length=200)
    admin: bool = False


class GrantIn(BaseModel):
    role: str = Field(min_length=1, max_length=20)
    cycle: str = Field(default=ALL_CYCLES, min_length=1, max_length=100)
    clearance: str | None = Field(default=None, max_length=40)


class StatusIn(BaseModel):
    disabled: bool


@api_router.post("/reauth")
def api_reauth(body: PasswordIn, request: Request, viewer: ViewerDep, store: StoreDep,
               csrf: CsrfHeader = None) -> dict[str, Any]:
    """Confirm your password: administrators' actions are allowed for the next few minutes.
    403 for a wrong password (throttled like a login)."""
    logged_in(viewer)
    check_csrf(viewer, csrf)
    if not _confirm(request, store, viewer, body.password):
        raise PermissionDenied(WRONG_PASSWORD)
    return {"status": "confirmed", "valid_minutes": _minutes(request)}


@api_router.get("/admin/users")
def api_users(viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    """Every account with its roles (administrators)."""
    need(viewer, Role.ADMIN, None)
    return [_user_json(u) for u in list_users(store)]


@api_router.post("/admin/users", status_code=201)
def api_user_add(body: NewUser, request: Request, viewer: ViewerDep, store: StoreDep,
                 csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add an account (needs a recent password confirmation)."""
    admin = _admin(request, viewer, csrf)
    return _user_json(auth.add_user(store, body.username, body.password, actor=admin.username,
                                    display_name=body.display_name, is_admin=body.admin))


@api_router.post("/admin/users/{username}/grants")
def api_user_grant(username: str, body: GrantIn, request: Request, viewer: ViewerDep,
                   store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Give the user a role on a cycle (``*``: every cycle), replacing a former grant there."""
    admin = _admin(request, viewer, csrf)
    return _user_json(auth.grant(store, username, body.role, cycle=body.cycle,
                                 actor=admin.username, clearance=body.clearance))


@api_router.put("/admin/users/{username}/status")
def api_user_status(username: str, body: StatusIn, request: Request, viewer: ViewerDep,
                    store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Disable the account (its login sessions end) or enable it again."""
    admin = _admin(request, viewer, csrf)
    return _user_json(auth.set_disabled(store, username, body.disabled, actor=admin.username))


@api_router.put("/admin/users/{username}/password")
def api_user_password(username: str, body: PasswordIn, request: Request, viewer: ViewerDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, str]:
    """Set a new password; every login session of the user ends."""
    admin = _admin(request, viewer, csrf)
    auth.reset_password(store, username, body.password, actor=admin.username)
    return {"status": "password set; the user's login sessions have ended"}


# --- pages ---------------------------------------------------------------------------------------


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: "//host" and "/\\host" (browsers read "\\" as "/") lead
    elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


@pages_router.get("/reauth")
def reauth_form(request: Request, viewer: ViewerDep, next: str = "/") -> Response:
    logged_in(viewer)
    return page(request, "reauth.html", viewer=viewer, next=safe_next(next),
                minutes=_minutes(request), failed=False)


@pages_router.post("/reauth")
def reauth_submit(request: Request, store: StoreDep, viewer: ViewerDep, password: FormText,
                  csrf_token: FormText, next: Annotated[str, Form()] = "/") -> Response:
    logged_in(viewer)
    check_csrf(viewer, csrf_token)
    target = safe_next(next)
    if not _confirm(request, store, viewer, password):
        return page(request, "reauth.html", status_code=403, viewer=viewer, next=target,
                    minutes=_minutes(request), failed=True)
    return RedirectResponse(target, status_code=303)


def _users_page(request: Request, store: Any, viewer: Viewer, *, status_code: int = 200,
                error: str | None = None) -> Response:
    return page(request, "admin_users.html", status_code=status_code, viewer=viewer,
                users=list_users(store), roles=[r.value for r in Role],
                cycles=[ALL_CYCLES, *(c.key for c in list_cycles(store))], error=error)


@pages_router.get(USERS_PAGE)
def users_page(request: Request, store: StoreDep, viewer: ViewerDep) -> Response:
    need(viewer, Role.ADMIN, None)
    auth.require_recent_auth(viewer.session, request.app.state.settings.policy, next=USERS_PAGE)
    return _users_page(request, store, viewer)


def _act(request: Request, store: Any, viewer: Viewer, csrf: str, action: Any) -> Response:
    """Run one user-management action of the page: back to the list, or the list with the
    message (422 invalid input, 404 no such user or cycle, 409 exists already)."""
    admin = _admin(request, viewer, csrf, next=USERS_PAGE)
    try:
        action(admin)
    except (InvalidInput, NotFound, Conflict) as exc:
        code = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 422
        return _users_page(request, store, viewer, status_code=code, error=str(exc))
    return RedirectResponse(f"{USERS_PAGE}?saved=1", status_code=303)


@pages_router.post(USERS_PAGE)
def user_add(request: Request, store: StoreDep, viewer: ViewerDep, username: FormText,
             password: FormText, csrf_token: FormText, display_name: Annotated[str, Form()] = "",
             admin: Annotated[str, Form()] = "") -> Response:
    return _act(request, store, viewer, csrf_token, lambda by: auth.add_user(
        store, username.strip(), password, actor=by.username,
        display_name=display_name.strip() or None, is_admin=admin == "1"))


@pages_router.post(USERS_PAGE + "/{username}/grant")
def user_grant(request: Request, username: str, store: StoreDep, viewer: ViewerDep,
               role: FormText, csrf_token: FormText, cycle: Annotated[str, Form()] = ALL_CYCLES,
               clearance: Annotated[str, Form()] = "") -> Response:
    return _act(request, store, viewer, csrf_token, lambda by: auth.grant(
        store, username, role, cycle=cycle or ALL_CYCLES, actor=by.username,
        clearance=clearance.strip() or None))


@pages_router.post(USERS_PAGE + "/{username}/status")
def user_status(request: Request, username: str, store: StoreDep, viewer: ViewerDep,
                disabled: FormText, csrf_token: FormText) -> Response:
    return _act(request, store, viewer, csrf_token, lambda by: auth.set_disabled(
        store, username, disabled == "1", actor=by.username))


@pages_router.post(USERS_PAGE + "/{username}/password")
def user_password(request: Request, username: str, store: StoreDep, viewer: ViewerDep,
                  password: FormText, csrf_token: FormText) -> Response:
    return _act(request, store, viewer, csrf_token, lambda by: auth.reset_password(
        store, username, password, actor=by.username))
