"""One's own account: changing the password (``/account/password``) and two-factor login
(``/account/two-factor``).

The current password is checked under the login throttle (a stolen session does not give
unlimited guesses); a wrong one and a refused attempt during a lock-out get the same answer.
Afterwards every other login session of the user has ended and this one continues under a new
token (cookie) and CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import Conflict, InvalidInput, PermissionDenied, ReauthenticationRequired
from weerbaar.i18n import texts
from weerbaar.services import two_factor
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
from weerbaar.web.errors import PASSWORD_PAGE, TWO_FACTOR_PAGE
from weerbaar.web.render import language, page

router = APIRouter()
T = TypeVar("T")


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


# --- two-factor login: /account/two-factor ----------------------------------------------------


def _two_factor_page(request: Request, store: Store, identity: Identity, next: str, *,
                     status_code: int = 200, error: str | None = None) -> Response:
    return page(request, "two_factor.html", status_code=status_code, identity=identity,
                next=safe_next(next), status=two_factor.status(store, identity.viewer),
                enrolment=two_factor.pending_enrolment(store, identity.viewer),
                forced=identity.enrolment_due, error=error)


def _confirmed(action: Callable[[], T]) -> T:
    """Run an action that needs a recent password confirmation: without one, the password
    prompt and then back to the two-factor page."""
    try:
        return action()
    except ReauthenticationRequired as exc:
        raise ReauthenticationRequired(str(exc), next=TWO_FACTOR_PAGE) from None


@router.get(TWO_FACTOR_PAGE)
def two_factor_page(request: Request, store: StoreDep, identity: IdentityDep,
                    next: str = "/") -> Response:
    """Whether two-factor login is on, and setting it up: the QR code and the secret as text
    while one is being set up, and the form for the code that confirms it."""
    return _two_factor_page(request, store, identity, next)


@router.post(TWO_FACTOR_PAGE + "/setup")
async def two_factor_setup(request: Request, store: StoreDep,
                           identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    _confirmed(lambda: two_factor.start_enrolment(store, identity.viewer))
    return RedirectResponse(f"{TWO_FACTOR_PAGE}?next={quote(safe_next(form.get('next')), safe='/')}",
                            status_code=303)


@router.post(TWO_FACTOR_PAGE + "/confirm")
async def two_factor_confirm(request: Request, store: StoreDep,
                             identity: IdentityDep) -> Response:
    """The code from the app puts the secret in force; the recovery codes are shown now, and
    only now."""
    form = await form_of(request, identity)
    next = form.get("next", "/")
    t = texts(language(request))
    try:
        codes = _confirmed(lambda: two_factor.confirm_enrolment(store, identity.viewer,
                                                                required(form, "code")))
    except InvalidInput:
        return _two_factor_page(request, store, identity, next, status_code=422,
                                error=t("Wrong code. Type the six digits the app shows now."))
    except Conflict:
        return _two_factor_page(request, store, identity, next, status_code=409,
                                error=t("Nothing is being set up (or it was started again): "
                                        "use the QR code shown now."))
    return page(request, "two_factor_codes.html", identity=identity, next=safe_next(next),
                codes=codes)


@router.post(TWO_FACTOR_PAGE + "/disable")
async def two_factor_disable(request: Request, store: StoreDep,
                             identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    next = form.get("next", "/")
    try:
        _confirmed(lambda: two_factor.turn_off(store, identity.viewer))
    except PermissionDenied as exc:
        if isinstance(exc, ReauthenticationRequired):
            raise
        return _two_factor_page(
            request, store, identity, next, status_code=403,
            error=texts(language(request))("Your clearance requires two-factor login: it "
                                           "cannot be turned off."))
    return RedirectResponse(f"{TWO_FACTOR_PAGE}?saved=1", status_code=303)
