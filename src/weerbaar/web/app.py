"""Application factory: one FastAPI app serving pages, the JSON API and local static files."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weerbaar import __version__
from weerbaar.errors import MethodError, NotAuthenticated
from weerbaar.services.accounts import Policy, identify
from weerbaar.services.database import Store
from weerbaar.web import errors
from weerbaar.web.deps import COOKIE, get_identity
from weerbaar.web.limits import BodyLimit
from weerbaar.web.openapi import ERROR_RESPONSES
from weerbaar.web.settings import WebSettings

API_DOCS = "/api/docs"
OPENAPI = "/api/v1/openapi.json"
SWAGGER = "/static-vendor/swagger-ui"


def _plotly_js() -> Path:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise MethodError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def _swagger_ui() -> Path:
    """Swagger UI's files as shipped inside the installed swagger-ui-py package (never a CDN).
    Swagger UI 5: FastAPI's document is OpenAPI 3.1, which Swagger UI 4 (the swagger-ui-bundle
    package) refuses to render."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or spec.origin is None:
        raise MethodError("the swagger-ui-py package is not installed")
    return Path(spec.origin).parent / "static"


# Swagger UI from the packaged files; its start-up is a file of its own (no inline script)
DOCS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>weerbaar API</title>
<link rel="stylesheet" href="{SWAGGER}/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi="{OPENAPI}"></div>
<script src="{SWAGGER}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The web application on ``store`` (settings built once, at start-up)."""
    from weerbaar.web.api import router as api_router
    from weerbaar.web.deps import password_gate
    from weerbaar.web.pages import router as pages_router

    app = FastAPI(title="weerbaar", version=__version__,
                  description="The analysts' workbench of the national security strategy cycle.",
                  docs_url=None, redoc_url=None, openapi_url=OPENAPI,
                  responses=ERROR_RESPONSES)
    app.state.store = store
    app.state.settings = settings or WebSettings()
    static = Path(str(resources.files("weerbaar.web") / "static"))
    app.mount("/static", StaticFiles(directory=static), name="static")
    docs = app.state.settings.api_docs
    if docs != "off":  # the browsable API documentation (WEERBAAR_API_DOCS)
        app.mount(SWAGGER, StaticFiles(directory=_swagger_ui()), name="swagger-ui")

        @app.get(API_DOCS, include_in_schema=False)
        def api_docs(request: Request) -> Response:
            if docs == "login" and not get_identity(request, store).viewer.authenticated:
                return RedirectResponse(f"/login?next={API_DOCS}", status_code=303)
            return HTMLResponse(DOCS_PAGE)

    @app.get("/static-vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=app.state.settings.max_body_bytes)
    # API writes are authenticated before their body is read, let alone validated
    app.add_middleware(AuthFirst, store=store, policy=app.state.settings.policy)
    app.add_middleware(SecurityHeaders)  # the outermost: also on the body limit's answers
    # while a user must change their password, the gate lets only that through (see deps)
    gate = [Depends(password_gate)]
    app.include_router(api_router, dependencies=gate)
    app.include_router(pages_router, dependencies=gate)
    return app


WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# the API writes that need no login: logging in (and its second step, for two-factor login)
OPEN_WRITES = frozenset({"/api/v1/login", "/api/v1/login/second-factor"})


class AuthFirst:
    """Every write to the JSON API (POST, PUT, PATCH, DELETE under ``/api/``) except logging in
    (:data:`OPEN_WRITES`) needs a live login session before anything else happens: without one
    the answer is 401 ``{"error": "NotAuthenticated", "detail": "log in first"}``, whatever the
    body — before it is read, so neither a malformed one (FastAPI's JSON errors come before any
    dependency) nor one of the wrong shape (422), nor one over the size limit (413) tells an
    anonymous client anything. The routes then resolve the identity as usual and check role
    and CSRF token. A plain ASGI middleware, like the others."""

    def __init__(self, app: ASGIApp, store: Store, policy: Policy) -> None:
        self.app = app
        self.store = store
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in WRITES
                or not scope["path"].startswith("/api/") or scope["path"] in OPEN_WRITES):
            await self.app(scope, receive, send)
            return
        token = HTTPConnection(scope).cookies.get(COOKIE)
        found = await run_in_threadpool(identify, self.store, token, channel="api",
                                        policy=self.policy) if token else None
        if found is not None and found.viewer.authenticated:
            await self.app(scope, receive, send)
            return
        refusal = NotAuthenticated("log in first")
        response = JSONResponse({"error": type(refusal).__name__, "detail": str(refusal)},
                                status_code=errors.status_for(refusal))
        await response(scope, receive, send)


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
