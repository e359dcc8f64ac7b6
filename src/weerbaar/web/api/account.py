"""Changing one's own password: ``POST /api/v1/password``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from weerbaar.errors import PermissionDenied
from weerbaar.services.accounts import change_password
from weerbaar.web.api.auth import WRONG_PASSWORD
from weerbaar.web.deps import (
    CsrfHeader,
    IdentityDep,
    StoreDep,
    check_csrf,
    client_of,
    set_session_cookie,
    settings_of,
)

router = APIRouter()


class PasswordChange(BaseModel):
    current: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=1, max_length=1000)


@router.post("/password")
def api_password(body: PasswordChange, request: Request, response: Response,
                 identity: IdentityDep, store: StoreDep,
                 csrf: CsrfHeader = None) -> dict[str, Any]:
    """Change your password. 403 ``wrong password`` for a wrong current password and during a
    lock-out alike (throttled like a login); 422 naming the rule the new one breaks. Every
    other login session of yours ends; this one continues with a new token (the cookie) and
    the CSRF token returned."""
    check_csrf(identity, csrf)
    changed = change_password(store, identity.viewer, body.current, body.new,
                              client=client_of(request), policy=settings_of(request).policy)
    if changed is None:
        raise PermissionDenied(WRONG_PASSWORD)
    set_session_cookie(request, response, changed.token)
    return {"status": "password changed", "user": changed.user.username,
            "csrf": changed.csrf}
