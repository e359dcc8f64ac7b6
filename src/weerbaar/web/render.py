"""Jinja2 rendering of the pages (templates are package files; autoescaping on) and the language
of a request.

The language comes from ``?lang=`` (remembered in a cookie), else the cookie, else Dutch. An
unknown ``?lang=`` is refused (422), never replaced silently; fixed text comes from the gettext
catalogues of :mod:`weerbaar.i18n` (``_("...")`` in the templates).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from weerbaar.domain import LANGUAGES, Language
from weerbaar.i18n import check_language, texts

_ENV = Environment(
    loader=FileSystemLoader(Path(str(resources.files("weerbaar.web") / "templates"))),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
LANG_COOKIE = "lang"


def language(request: Request) -> Language:
    """The request's language; an unknown ``?lang=`` is refused (InvalidInput, 422)."""
    asked = request.query_params.get("lang")
    if asked is not None:
        return check_language(asked, "lang")
    return fallback_language(request)


def asked_language(request: Request) -> str:
    """The language asked for, unchecked (``?lang=``, else the cookie or Dutch): for a use case
    to check after it has checked who asks, so nobody learns more than "log in first"."""
    return request.query_params.get("lang") or fallback_language(request)


def fallback_language(request: Request) -> Language:
    """The language to answer in whatever was asked (error pages): a known ``?lang=``, the
    cookie, else Dutch."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        for known in LANGUAGES:
            if value == known:
                return known
    return "nl"


def page(request: Request, template: str, status_code: int = 200, *,
         lang: Language | None = None, **context: Any) -> HTMLResponse:
    """Render ``template``; ``identity`` in the context gives the user and the CSRF token."""
    chosen = lang or language(request)
    identity = context.pop("identity", None)
    viewer = getattr(identity, "viewer", None)
    html = _ENV.get_template(template).render(
        request=request, lang=chosen, _=texts(chosen), user=getattr(viewer, "user", None),
        csrf=getattr(identity, "csrf", None), **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") == chosen:
        response.set_cookie(LANG_COOKIE, chosen, samesite="lax", httponly=True)
    return response


__all__ = ["asked_language", "fallback_language", "language", "page"]
