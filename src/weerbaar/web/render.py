"""Jinja2 rendering for the pages (templates are package files; autoescaping on)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from weerbaar.domain import Language
from weerbaar.web.i18n import translator

_ENV = Environment(
    loader=FileSystemLoader(Path(str(resources.files("weerbaar.web") / "templates"))),
    autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def language(request: Request) -> Language:
    wanted = request.query_params.get("lang") or request.cookies.get("lang") or "nl"
    return "en" if wanted == "en" else "nl"


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = language(request)
    viewer = context.pop("viewer", None)
    html = _ENV.get_template(template).render(
        request=request, lang=lang, t=translator(lang), viewer=viewer,
        user=getattr(viewer, "user", None), csrf=getattr(viewer, "csrf", None), **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in ("nl", "en"):
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response
