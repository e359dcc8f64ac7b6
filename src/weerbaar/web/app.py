"""Application factory: one FastAPI app serving pages, the JSON API and local static files."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weerbaar import __version__
from weerbaar.errors import MethodError
from weerbaar.services.database import Store
from weerbaar.web import errors
from weerbaar.web.limits import BodyLimit
from weerbaar.web.openapi import ERROR_RESPONSES
from weerbaar.web.settings import WebSettings


def _plotly_js() -> Path:
    """plotly.js as shipped inside the installed plotly package (never a CDN)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise MethodError("the plotly package is not installed")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    """The web application on ``store`` (settings built once, at start-up)."""
    from weerbaar.web.api import router as api_router
    from weerbaar.web.deps import password_gate
    from weerbaar.web.pages import router as pages_router

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

    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=app.state.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)  # the outermost: also on the body limit's answers
    # while a user must change their password, the gate lets only that through (see deps)
    gate = [Depends(password_gate)]
    app.include_router(api_router, dependencies=gate)
    app.include_router(pages_router, dependencies=gate)
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
