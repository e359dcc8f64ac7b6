"""User management (administrators): every action needs the admin role, the CSRF token and a
password confirmation made within the last few minutes (``POST /api/v1/reauth``; logging in
counts as one), else 403 ``reauthentication required``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from weerbaar.domain import ALL_CYCLES, User
from weerbaar.services import accounts, two_factor
from weerbaar.web.api.auth import PasswordIn
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


def user_json(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name,
            "admin": user.is_admin, "disabled": user.disabled, "two_factor": user.two_factor,
            "roles": {k: v.value for k, v in sorted(user.roles.items())}}


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


@router.get("/admin/users")
def api_users(viewer: ViewerDep, store: StoreDep) -> list[dict[str, Any]]:
    """Every account with its roles (administrators)."""
    return [user_json(u) for u in accounts.list_users(store, viewer)]


@router.post("/admin/users", status_code=201)
def api_user_add(body: NewUser, identity: IdentityDep, store: StoreDep,
                 csrf: CsrfHeader = None) -> dict[str, Any]:
    """Add an account (needs a recent password confirmation)."""
    check_csrf(identity, csrf)
    return user_json(accounts.add_user(store, identity.viewer, body.username, body.password,
                                       display_name=body.display_name, is_admin=body.admin))


@router.post("/admin/users/{username}/grants")
def api_user_grant(username: str, body: GrantIn, identity: IdentityDep, store: StoreDep,
                   csrf: CsrfHeader = None) -> dict[str, Any]:
    """Give the user a role on a cycle (``*``: every cycle), replacing a former grant there."""
    check_csrf(identity, csrf)
    return user_json(accounts.grant(store, identity.viewer, username, body.role,
                                    cycle=body.cycle, clearance=body.clearance))


@router.put("/admin/users/{username}/status")
def api_user_status(username: str, body: StatusIn, identity: IdentityDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Disable the account (its login sessions end) or enable it again."""
    check_csrf(identity, csrf)
    return user_json(accounts.set_disabled(store, identity.viewer, username, body.disabled))


@router.put("/admin/users/{username}/password")
def api_user_password(username: str, body: PasswordIn, identity: IdentityDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, str]:
    """Set a new password; every login session of the user ends."""
    check_csrf(identity, csrf)
    accounts.reset_password(store, identity.viewer, username, body.password)
    return {"status": "password set; the user's login sessions have ended"}


@router.delete("/admin/users/{username}/grants/{cycle}")
def api_user_revoke(username: str, cycle: str, identity: IdentityDep, store: StoreDep,
                    csrf: CsrfHeader = None) -> dict[str, Any]:
    """Take away the user's role and clearance on a cycle (``*``: the all-cycles grant); their
    login sessions see the change at once. 404 when the user has no grant there."""
    check_csrf(identity, csrf)
    return user_json(accounts.revoke(store, identity.viewer, username, cycle=cycle))


@router.delete("/admin/users/{username}/two-factor")
def api_user_two_factor_reset(username: str, identity: IdentityDep, store: StoreDep,
                              csrf: CsrfHeader = None) -> dict[str, Any]:
    """Reset the user's two-factor login (a lost phone): its secret and recovery codes are
    gone and the user's login sessions end; a user whose clearance requires it sets it up
    again at the next login. ``was_on``: whether it was on."""
    check_csrf(identity, csrf)
    was_on = two_factor.reset_two_factor(store, identity.viewer, username)
    return {"status": "two-factor login reset; the user's login sessions have ended",
            "was_on": was_on}
