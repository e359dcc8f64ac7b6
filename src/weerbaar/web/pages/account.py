"""Changing one's own password: the page ``/account/password``.

The current password is checked under the login throttle (a stolen session does not give
unlimited guesses); a wrong one and a refused attempt during a lock-out get the same answer.
Afterwards every other login session of the user has ended and this one continues under a new
token (cookie) and CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import InvalidInput
from weerbaar.i18n import texts
from weerbaar.services.accounts import MIN_PASSWORD, Identity, change_password, whoami
from weerbaar.services.database import Store
from weerbaar.services.passwords import MAX_PASSWORD, password_problem
from weerbaar.web.deps import (
    IdentityDep,
    StoreDep,
    client_of,
    form_of,
    required,
    safe_next,
    set_session_cookie,
    settings_of,
)
from weerbaar.web.errors import PASSWORD_PAGE
from weerbaar.web.render import language, page

router = APIRouter()


def _form(request: Request, store: Store, identity: Identity, next: str, *,
          status_code: int = 200, error: str | None = None) -> Response:
    user = whoami(store, identity.viewer)
    return page(request, "password.html", status_code=status_code, identity=identity,
                next=safe_next(next), forced=user.must_change_password, error=error,
                min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)


@router.get(PASSWORD_PAGE)
def password_form(request: Request, store: StoreDep, identity: IdentityDep,
                  next: str = "/") -> Response:
    return _form(request, store, identity, next)


@router.post(PASSWORD_PAGE)
async def password_submit(request: Request, store: StoreDep, identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    current, new = required(form, "current"), required(form, "new")
    repeat, next = required(form, "repeat"), form.get("next", "/")
    t = texts(language(request))
    if new != repeat:  # before the current password is checked: costs no attempt
        return _form(request, store, identity, next, status_code=422,
                     error=t("The two new passwords differ."))
    try:
        changed = change_password(store, identity.viewer, current, new,
                                  client=client_of(request), policy=settings_of(request).policy)
    except InvalidInput as exc:
        problem = password_problem(new, username=whoami(store, identity.viewer).username)
        message = (t(problem.message, **problem.values) if problem is not None
                   else t("The new password must differ from the current one.")
                   if new == current else str(exc))
        return _form(request, store, identity, next, status_code=422, error=message)
    if changed is None:
        return _form(request, store, identity, next, status_code=403,
                     error=t("Wrong current password."))
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, response, changed.token)
    return response
