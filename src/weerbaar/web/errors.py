"""One place maps errors to HTTP answers: JSON ``{"error", "detail"}`` under ``/api/``, a page
(or a redirect to the login form, the password prompt or the password form) elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
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
    WeerbaarError,
)
from weerbaar.web.render import fallback_language, page

PASSWORD_PAGE = "/account/password"

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
        return error_page(request, code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        """A request whose parameters or body do not fit the route: FastAPI's 422 (``detail``:
        the problems with their ``loc``) under /api/, the error page naming the field
        elsewhere."""
        if is_api(request):
            return await request_validation_exception_handler(request, exc)
        problems = exc.errors()
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


__all__ = ["PASSWORD_PAGE", "STATUS", "error_page", "install", "status_for"]
