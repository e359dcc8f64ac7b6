"""The request body size limit: a plain ASGI middleware (no task group per request).

A request that declares a ``Content-Length`` over the limit is answered 413 at once, without
reading the body; a body sent in chunks (no length, or a wrong one) is counted while it is read,
and the reading stops with 413 the moment it passes the limit. Either way the answer is the usual
error body: ``{"error": "HTTPError", "detail": ...}`` under ``/api/``, the error page elsewhere.
The limit is ``WebSettings.max_body_bytes`` (``WEERBAAR_MAX_BODY_BYTES``; see docs/security.md).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from weerbaar.web.errors import error_page

STATUS = 413


def too_large_message(limit: int) -> str:
    return (f"the request is too large: at most {limit:,} bytes "
            f"({limit / 1024 / 1024:.3g} MiB) may be sent")


class BodyTooLarge(HTTPException):
    """The body passed the limit while it was read (413). An HTTPException, so FastAPI's body
    parsing lets it through and the app's handler gives the usual error body."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=STATUS, detail=too_large_message(limit))


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413 (see the module's docstring)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _answer(scope, receive, send, self.max_bytes)
            return
        limit, seen = self.max_bytes, 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:  # raised where no handler answered it
            if started:
                raise
            await _answer(scope, receive, send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            if not text.isascii() or not text.isdigit():
                return None  # not a length: the body is counted as it is read
            return int(text) if len(text) < 20 else 10**20
    return None


async def _answer(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    request = Request(scope, receive)
    response: Response
    if scope["path"].startswith("/api/"):
        response = JSONResponse({"error": "HTTPError", "detail": too_large_message(limit)},
                                status_code=STATUS)
    else:
        response = error_page(request, STATUS, too_large_message(limit))
    response.headers["Connection"] = "close"  # the rest of the body is not read
    await response(scope, receive, send)


__all__ = ["BodyLimit", "BodyTooLarge", "too_large_message"]
