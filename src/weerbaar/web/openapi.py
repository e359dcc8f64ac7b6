"""The error answers of the JSON API as the OpenAPI document declares them.

Errors the application raises (:class:`~weerbaar.errors.WeerbaarError`) answer
``{"error": ..., "detail": ...}`` (:class:`ApiError`) with 400, 401, 403, 404, 409 or 422 (and
413 for a body over the size limit). A
request whose shape does not match the operation (a missing field, a text where a number belongs)
is refused by FastAPI itself with 422 and its list of problems (:class:`RequestProblems`); a 422
is therefore one of the two. Declared for every API operation, so clients and the schema-based
tests know each error's body.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ApiError(BaseModel):
    """An error the application reports: its kind and a message naming what is wrong."""

    error: str = Field(description="The kind of error: InvalidInput, NotFound, Conflict, "
                       "NotAuthenticated, PermissionDenied, ..., or HTTPError")
    detail: str = Field(description="What is wrong; for invalid input it names the key path")


class RequestProblem(BaseModel):
    """One way the request does not match the operation (FastAPI's validation error)."""

    loc: list[str | int] = Field(description="Where: body, query, path or header, then the key path")
    msg: str
    type: str


class RequestProblems(BaseModel):
    detail: list[RequestProblem]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ApiError, "description": "The request cannot be carried out"},
    401: {"model": ApiError, "description": "Not logged in (or the session has ended)"},
    403: {"model": ApiError, "description": "Not allowed: the role, the CSRF token, a frozen "
          "cycle or a recent password confirmation is missing"},
    404: {"model": ApiError, "description": "No such cycle, scenario, theme, session or profile"},
    409: {"model": ApiError, "description": "Conflict: the edit was made against a stale revision"},
    413: {"model": ApiError, "description": "The request body is larger than the server's limit "
          "(WEERBAAR_MAX_BODY_BYTES, 2 MiB by default)"},
    422: {"model": ApiError | RequestProblems,
          "description": "Invalid input: the detail names the key path"},
}
