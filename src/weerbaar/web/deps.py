"""Request-scoped helpers: the store, who is asking (the viewer of the login session), the CSRF
check, the password gate, and small form parsers shared by the pages.

Routes get the viewer from here and pass it to the use cases of ``weerbaar.services``; they
decide nothing about roles, clearances or read logging themselves.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Form, Header, Query, Request, Response

from weerbaar.domain.limits import FIELD_MAX, INT_MAX, PASSWORD_MAX, REASON_MAX, too_long
from weerbaar.errors import (
    InvalidInput,
    PasswordChangeRequired,
    PermissionDenied,
    TwoFactorEnrolmentRequired,
)
from weerbaar.services.accounts import Identity, PendingLogin, identify
from weerbaar.services.database import Store
from weerbaar.services.viewer import Viewer
from weerbaar.web.errors import PASSWORD_PAGE, TWO_FACTOR_PAGE
from weerbaar.web.settings import WebSettings

COOKIE = "weerbaar_session"
CHALLENGE_COOKIE = "weerbaar_second_factor"  # a login waiting for its second factor
CSRF_HEADER = "X-CSRF-Token"
# what a user who must change their password may still reach (static files are not routed
# through the gate at all)
UNGATED = frozenset({PASSWORD_PAGE, "/login", "/logout", "/api/v1/password", "/api/v1/login",
                     "/api/v1/logout", "/api/v1/me", "/login/second-factor",
                     "/api/v1/login/second-factor"})
# what a user who must set up two-factor login may still reach: the above, the password
# prompt, and their two-factor pages and API (the prefixes)
TWO_FACTOR_API = "/api/v1/account/two-factor"
ENROLMENT_UNGATED = UNGATED | {"/reauth", "/api/v1/reauth"}


async def get_store(request: Request) -> Store:
    """The app's store (async: no I/O, so FastAPI need not hand it to a worker thread)."""
    store: Store = request.app.state.store
    return store


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_identity(request: Request, store: Annotated[Store, Depends(get_store)]) -> Identity:
    """Who the request comes from (resolved once per request)."""
    found = identify(store, request.cookies.get(COOKIE),
                     channel="api" if request.url.path.startswith("/api/") else "page",
                     policy=settings_of(request).policy)
    request.state.identity = found
    return found


StoreDep = Annotated[Store, Depends(get_store)]
IdentityDep = Annotated[Identity, Depends(get_identity)]


def get_viewer(identity: IdentityDep) -> Viewer:
    return identity.viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]
CsrfHeader = Annotated[str | None, Header(alias=CSRF_HEADER)]  # API writes
FormText = Annotated[str, Form(max_length=FIELD_MAX)]  # a text field of a page's form
# a revision number in a query (what every store can hold: 422 beyond it, never a 500)
RevisionQuery = Annotated[int, Query(ge=1, le=INT_MAX)]
# the longest a page's form field may be; every other field is at most FIELD_MAX characters
FORM_FIELD_MAX = {"reason": REASON_MAX, "password": PASSWORD_MAX, "current": PASSWORD_MAX,
                  "new": PASSWORD_MAX, "repeat": PASSWORD_MAX, "next": 2_000}


def client_of(request: Request) -> str:
    """The client's address, for login throttling: the TCP peer, unless the peer is one of the
    trusted proxies (``WEERBAAR_TRUSTED_PROXIES``; none by default). Then it is the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy (every proxy appends the address
    it got the request from, so what lies left of that came from the client and is not
    believed); the left-most when all are trusted. Without trusted proxies the header is
    ignored, whoever sends it (see docs/security.md)."""
    peer = request.client.host if request.client is not None else "unknown"
    settings = settings_of(request)
    if not settings.trusts(peer):
        return peer
    hops = [hop.strip() for value in request.headers.getlist("x-forwarded-for")
            for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not settings.trusts(hop):
            return hop[:100]
    return hops[0][:100] if hops else peer


def check_csrf(identity: Identity, supplied: str | None) -> None:
    """Refuse a write by nobody (log in first), or one whose CSRF token is not the login
    session's."""
    identity.viewer.require_login()
    expected = identity.csrf
    if expected is None or supplied is None or not hmac.compare_digest(expected, supplied):
        raise PermissionDenied("the form is out of date or not from this site (CSRF check "
                               "failed); reload the page and try again")


async def form_of(request: Request, identity: Identity) -> dict[str, str]:
    """A page's submitted form as text fields, after the CSRF check. A field longer than its
    limit (:data:`FORM_FIELD_MAX`, else ``FIELD_MAX``) is refused (InvalidInput naming it,
    422) before anything reads it; the use cases check the limits of what they store."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(identity, form.get("csrf_token"))
    for name, value in form.items():
        problem = too_long(value, FORM_FIELD_MAX.get(name, FIELD_MAX))
        if problem is not None:
            raise InvalidInput(f"the field has {problem}", location=[name[:100]])
    return form


def required(form: dict[str, str], name: str) -> str:
    """A field the form must have (after the login and the CSRF token were checked)."""
    value = form.get(name)
    if value is None:
        raise InvalidInput("the form has no such field; reload the page", location=[name])
    return value


def revision_of(form: dict[str, str]) -> int:
    """The form's ``expected_revision`` (the revision the edit was made against): 0 (nothing
    yet) to ``INT_MAX``; anything else is InvalidInput naming the field (422, never a 500)."""
    text = (form.get("expected_revision", "0") or "0").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(INT_MAX)) \
            or int(text) > INT_MAX:
        raise InvalidInput("the form's revision is not a revision number; reload the page",
                           location=["expected_revision"], expected=f"0 to {INT_MAX}")
    return int(text)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: "//host" and "/\\host" (browsers read "\\" as "/") lead
    elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


async def password_gate(request: Request, identity: IdentityDep) -> None:
    """While the logged-in user must change their password (a one-time password, or one an
    administrator set), refuse everything but the password change, logging in and out and
    ``/api/v1/me``: the API answers 403 ``PasswordChangeRequired``, pages go to the password
    form and then back to where the user was heading (a page, not a form submission). Then,
    while the user must set up two-factor login (``Identity.enrolment_due``), the same with
    the two-factor pages and API and the password prompt let through: 403
    ``TwoFactorEnrolmentRequired``, pages go to the enrolment page. A dependency of every
    router; the identity is resolved once per request."""
    user = identity.viewer.user
    path = request.url.path
    if user is None:
        return
    target = "/"
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        target = path + (f"?{query}" if query else "")
    if user.must_change_password:
        if path not in UNGATED:
            raise PasswordChangeRequired("change your password first", next=target)
        return
    # the user's clearance requires two-factor login and it is not set up (see
    # services/two_factor.py): only the enrolment, the password prompt and the above
    if identity.enrolment_due and path not in ENROLMENT_UNGATED and not any(
            path == p or path.startswith(p + "/") for p in (TWO_FACTOR_PAGE, TWO_FACTOR_API)):
        raise TwoFactorEnrolmentRequired(
            "set up two-factor login first: your clearance requires it", next=target)


def set_challenge_cookie(request: Request, response: Response, pending: PendingLogin) -> None:
    """The pending second step of a login (two-factor login): HttpOnly, SameSite=Strict, for
    as long as it lasts."""
    settings = settings_of(request)
    response.set_cookie(CHALLENGE_COOKIE, pending.token, httponly=True, samesite="strict",
                        secure=settings.secure_cookies,
                        max_age=int(settings.policy.second_factor.total_seconds()))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The login session's cookie (HttpOnly, SameSite=Strict, Secure behind TLS)."""
    settings = settings_of(request)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict",
                        secure=settings.secure_cookies, max_age=settings.session_hours * 3600)


__all__ = ["CHALLENGE_COOKIE", "COOKIE", "CSRF_HEADER", "FORM_FIELD_MAX", "TWO_FACTOR_API",
           "TWO_FACTOR_PAGE", "CsrfHeader", "FormText", "IdentityDep", "RevisionQuery",
           "StoreDep", "ViewerDep", "check_csrf", "client_of", "form_of", "get_identity",
           "password_gate", "required", "revision_of", "safe_next", "set_challenge_cookie",
           "set_session_cookie", "settings_of"]
