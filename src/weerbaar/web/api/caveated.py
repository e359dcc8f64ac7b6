"""The caveats that travel with every API answer carrying results (see
:mod:`weerbaar.services.caveats`).

An answer that is an object carries ``illustrative`` and ``caveats`` as top-level fields
(:class:`Caveated`, with the answer's own fields beside them). An answer that is a list (the
scenarios, the measures) keeps its shape and carries them as headers: ``Weerbaar-Illustrative``
(``true`` or ``false``) and ``Weerbaar-Caveats`` (the caveats' codes, comma-separated); the
cycle's own answer (``GET /cycles/{cycle}``) gives them in full.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from weerbaar.services.caveats import RunCaveats

ILLUSTRATIVE_HEADER = "Weerbaar-Illustrative"
CAVEATS_HEADER = "Weerbaar-Caveats"


class CaveatOut(BaseModel):
    """One caveat of the results."""

    code: str = Field(description="Stable code: illustrative-scores, provisional-method-value, "
                      "provisional-preference, provisional-scenario-value, "
                      "provisional-preferences, unscored-criteria or parent-withheld")
    message: str = Field(description="The caveat in the asked language")
    concerns: str = Field(description="What it concerns (workspace, method value, preference "
                          "profile, scenario results, ...), in the asked language")
    items: list[str] = Field(description="Which: method values, preference profiles, criteria")
    status: str | None = Field(default=None, description="The provenance status of the value")
    source: str | None = Field(default=None, description="The value's source")
    count: int | None = Field(default=None, description="How many scenarios it concerns")


class Caveated(BaseModel):
    """An answer with results and the caveats that travel with them (its other fields as
    documented for the operation)."""

    model_config = ConfigDict(extra="allow")

    illustrative: bool = Field(description="True when the scores are illustrative: not an "
                               "official assessment")
    caveats: list[CaveatOut] = Field(description="What the results rest on that is provisional, "
                                     "unknown or left out")


def caveated(body: dict[str, Any], caveats: RunCaveats) -> dict[str, Any]:
    """``body`` with the two fields of its caveats."""
    return {**body, **caveats.fields()}


def caveat_headers(response: Response, caveats: RunCaveats) -> None:
    """The caveats of a list answer, as its headers."""
    response.headers[ILLUSTRATIVE_HEADER] = "true" if caveats.illustrative else "false"
    response.headers[CAVEATS_HEADER] = ",".join(dict.fromkeys(caveats.codes()))


HEADERS_DOC: dict[int | str, dict[str, Any]] = {200: {"headers": {
    ILLUSTRATIVE_HEADER: {"description": "true when the scores are illustrative: not an "
                          "official assessment", "schema": {"type": "string",
                                                            "enum": ["true", "false"]}},
    CAVEATS_HEADER: {"description": "The codes of the results' caveats, comma-separated (in "
                     "full: GET /cycles/{cycle})", "schema": {"type": "string"}},
}}}
"""The two headers of a list answer, as the OpenAPI document declares them."""

DIAGRAM_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": True, "required": ["illustrative", "caveats"],
    "properties": {
        "illustrative": {"type": "boolean", "description": "True when the scores are "
                         "illustrative: not an official assessment"},
        "caveats": {"type": "array", "items": CaveatOut.model_json_schema()},
    },
}
"""The risk diagram's data (sent as prepared bytes) as the OpenAPI document declares it."""

__all__ = ["CAVEATS_HEADER", "DIAGRAM_SCHEMA", "HEADERS_DOC", "ILLUSTRATIVE_HEADER", "CaveatOut",
           "Caveated", "caveat_headers", "caveated"]
