"""One place maps errors to HTTP answers: JSON ``{"error", "detail"}`` under ``/api/``, a page
(or a redirect to the login form, the password prompt or the password form) elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from weerbaar.errors import (
    AuditChainBroken,
    Conflict,
    InvalidInput,
    MethodError,
    NotAuthenticated,
    NotFound,
    PasswordChangeRequired,
    PendingMigrations,
    PermissionDenied,
    ReauthenticationRequired,
    TwoFactorEnrolmentRequired,
    WeerbaarError,
)
from weerbaar.web.render import fallback_language, page

PASSWORD_PAGE = "/account/password"
TWO_FACTOR_PAGE = "/account/two-factor"

# most specific class first
STATUS: tuple[tuple[type[WeerbaarError], int], ...] = (
    (InvalidInput, 422), (NotFound, 404), (Conflict, 409), (NotAuthenticated, 401),
    (PermissionDenied, 403), (MethodError, 422), (PendingMigrations, 503),
    (AuditChainBroken, 500))


def status_for(exc: WeerbaarError) -> int:
    for kind, code in STATUS:
        if isinstance(exc, kind):
            return code
    return 400


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(request: Request, code: int, message: str) -> Response:
    return page(request, "error.html", status_code=code, lang=fallback_language(request),
                identity=getattr(request.state, "identity", None), code=code, message=message)


LOC_MAX = 100  # characters of one part of a problem's ``loc`` (a key the client sent)
ECHO_MIN = 3  # submitted texts this long or longer must not appear in a message
QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")


def _submitted(value: Any, depth: int = 0) -> Iterator[str]:
    """The texts and numbers a client submitted in ``value`` (a problem's ``input``)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)
    elif depth < 20 and isinstance(value, dict):
        for item in value.values():
            yield from _submitted(item, depth + 1)
    elif depth < 20 and isinstance(value, list | tuple):
        for item in value:
            yield from _submitted(item, depth + 1)


def _unechoed(message: str, given: Any) -> str:
    """``message`` with every submitted text in it replaced by ``…``: a text sent whole, or a
    quoted part of one (validators quote a value cut short, ``'abc…'``)."""
    texts = [text for text in _submitted(given) if len(text) >= ECHO_MIN]
    echoed = {text for text in texts if text in message}
    for found in QUOTED.finditer(message):
        part = (found.group(1) or found.group(2) or "").removesuffix("…")
        if len(part) >= ECHO_MIN and any(part in text for text in texts):
            echoed.add(part)
    for text in sorted(echoed, key=len, reverse=True):
        message = message.replace(text, "…")
    return message


def request_problems(exc: RequestValidationError) -> list[dict[str, Any]]:
    """FastAPI's validation problems without anything the client sent: each is ``{loc, msg,
    type}`` (see ``weerbaar.web.openapi.RequestProblem``). FastAPI's own answer adds ``input``
    (the value, for a missing field the whole body: passwords too) and ``ctx``; both are left
    out, a key in ``loc`` is cut to ``LOC_MAX`` characters, and where a message repeats a
    submitted value (a validator's wording: ``end 2020-01-01 is before start ...``) the value
    is replaced by ``…``."""
    out = []
    for problem in exc.errors():
        loc = [part if isinstance(part, int) else str(part)[:LOC_MAX]
               for part in problem.get("loc", ())]
        kind = str(problem.get("type", "value_error"))
        message = _unechoed(str(problem.get("msg", "invalid value")), problem.get("input"))
        out.append({"loc": loc, "msg": message, "type": kind})
    return out


def install(app: FastAPI) -> None:
    """Register the handlers of weerbaar's errors and of HTTP errors on ``app``."""

    @app.exception_handler(WeerbaarError)
    async def weerbaar_error(request: Request, exc: WeerbaarError) -> Response:
        code = status_for(exc)
        if is_api(request):
            body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
            if isinstance(exc, Conflict) and exc.current is not None:
                body["current"] = exc.current
            return JSONResponse(body, status_code=code)
        if isinstance(exc, NotAuthenticated):
            return RedirectResponse(f"/login?next={quote(request.url.path, safe='/')}",
                                    status_code=303)
        if isinstance(exc, ReauthenticationRequired):  # the password prompt, then back
            return RedirectResponse(f"/reauth?next={exc.next or request.url.path}",
                                    status_code=303)
        if isinstance(exc, PasswordChangeRequired):  # the password form, then back
            return RedirectResponse(f"{PASSWORD_PAGE}?next={quote(exc.next or '/', safe='/')}",
                                    status_code=303)
        if isinstance(exc, TwoFactorEnrolmentRequired):  # the enrolment, then back
            return RedirectResponse(f"{TWO_FACTOR_PAGE}?next={quote(exc.next or '/', safe='/')}",
                                    status_code=303)
        return error_page(request, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A request whose parameters or body do not fit the route: 422 with the problems
        (``detail``: ``loc``, ``msg``, ``type`` each; never the submitted values, see
        :func:`request_problems`) under /api/, the error page naming the field elsewhere."""
        problems = request_problems(exc)
        if is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        first = problems[0] if problems else {}
        where = ".".join(str(p) for p in first.get("loc", ())
                         if p not in ("body", "query", "path", "header", "cookie"))
        message = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
        return error_page(request, 422, f"{where}: {message}" if where else message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_api(request):
            return JSONResponse({"error": "HTTPError", "detail": str(exc.detail)},
                                status_code=exc.status_code)
        return error_page(request, exc.status_code, str(exc.detail))


__all__ = ["PASSWORD_PAGE", "STATUS", "TWO_FACTOR_PAGE", "error_page", "install",
           "request_problems", "status_for"]
