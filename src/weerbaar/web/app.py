"""Application factory: one FastAPI app serving pages, the JSON API and local static files."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weerbaar import __version__
from weerbaar.errors import (
    Conflict,
    InvalidInput,
    MethodError,
    NotAuthenticated,
    NotFound,
    PasswordChangeRequired,
    PermissionDenied,
    ReauthenticationRequired,
    WeerbaarError,
)
from weerbaar.services import auth
from weerbaar.store import Store
from weerbaar.store.logins import Limits as LoginLimits
from weerbaar.web.openapi import ERROR_RESPONSES

STATUS = {InvalidInput: 422, NotFound: 404, Conflict: 409, NotAuthenticated: 401,
          PasswordChangeRequired: 403, PermissionDenied: 403, MethodError: 422}


def status_for(exc: WeerbaarError) -> int:
    for kind, code in STATUS.items():
        if isinstance(exc, kind):
            return code
    return 400


@dataclass(frozen=True)
class WebSettings:
    """Built once at start-up and passed in; nothing reads the environment later."""

    secure_cookies: bool = False  # set when served behind TLS
    session_hours: int = 12
    # login sessions end after this long without a request (0: never)
    session_idle_minutes: int = 30
    # login throttling: failures per user name / per client address within the window
    login_max_failures: int = 5
    login_max_failures_client: int = 20
    login_window_minutes: int = 15
    login_lockout_minutes: int = 15
    # administrators' actions need a password confirmation at most this old
    reauth_minutes: int = 5

    @cached_property
    def policy(self) -> auth.Policy:
        return auth.Policy(
            limits=LoginLimits(user=self.login_max_failures,
                               client=self.login_max_failures_client,
                               window=timedelta(minutes=self.login_window_minutes),
                               lockout=timedelta(minutes=self.login_lockout_minutes)),
            session=timedelta(hours=self.session_hours),
            idle=timedelta(minutes=self.session_idle_minutes)
            if self.session_idle_minutes > 0 else None,
            reauth=timedelta(minutes=self.reauth_minutes))

    @classmethod
    def from_env(cls, env: Mapping[str, str], **given: Any) -> WebSettings:
        """Settings from ``WEERBAAR_<FIELD>`` variables (e.g. ``WEERBAAR_LOGIN_MAX_FAILURES``),
        read once at start-up; ``given`` values win."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            name = f"WEERBAAR_{spec.name.upper()}"
            if spec.name in given or name not in env:
                continue
            raw = env[name].strip()
            if spec.type in (bool, "bool"):
                values[spec.name] = raw.lower() in ("1", "true", "yes", "on")
                continue
            try:
                values[spec.name] = int(raw)
            except ValueError:
                raise InvalidInput(f"{name}={raw!r} is not a whole number",
                                   location=[name]) from None
        return cls(**{**values, **given})

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            smallest = 0 if spec.name == "session_idle_minutes" else 1
            if not isinstance(value, bool) and isinstance(value, int) and value < smallest:
                raise InvalidInput(f"{spec.name} must be at least {smallest}",
                                   location=[f"WEERBAAR_{spec.name.upper()}"])


def _plotly_js() -> Path:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise MethodError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    from weerbaar.web import account, api, pages
    from weerbaar.web.admin import api_router as admin_api
    from weerbaar.web.admin import pages_router as admin_pages
    from weerbaar.web.deps import PASSWORD_PAGE, password_gate

    app = FastAPI(title="weerbaar", version=__version__,
                  description="The analysts' workbench of the national security strategy cycle.",
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/v1/openapi.json",
                  responses=ERROR_RESPONSES)
    app.state.store = store
    app.state.settings = settings or WebSettings()
    static = Path(str(resources.files("weerbaar.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(WeerbaarError)
    async def weerbaar_error(request: Request, exc: WeerbaarError) -> Response:
        code = status_for(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": type(exc).__name__, "detail": str(exc)},
                                status_code=code)
        if isinstance(exc, NotAuthenticated):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if isinstance(exc, ReauthenticationRequired):  # the password prompt, then back
            return RedirectResponse(f"/reauth?next={exc.next or request.url.path}",
                                    status_code=303)
        if isinstance(exc, PasswordChangeRequired):  # the password form, then back
            return RedirectResponse(f"{PASSWORD_PAGE}?next={quote(exc.next or '/', safe='/')}",
                                    status_code=303)
        return pages.error_page(request, code, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "HTTPError", "detail": str(exc.detail)},
                                status_code=exc.status_code)
        return pages.error_page(request, exc.status_code, str(exc.detail))

    app.add_middleware(SecurityHeaders)

    # while a user must change their password, the gate lets only that through (see deps)
    gate = [Depends(password_gate)]
    for router in (api.router, admin_api, account.api_router, pages.router, admin_pages,
                   account.pages_router):
        app.include_router(router, dependencies=gate)
    return app


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response, and ``Cache-Control: no-store`` to pages and API
    answers. A plain ASGI middleware: ``@app.middleware("http")`` costs a task group and memory
    streams per request, which showed in the dashboard's load benchmark."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        no_store = (path.startswith(("/api/", "/cycles/", "/sessions/", "/account/"))
                    or path in ("/", "/login"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if no_store:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


# No inline script anywhere; plotly.js injects its own <style> elements, hence style 'unsafe-inline'.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
