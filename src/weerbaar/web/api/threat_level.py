"""The national terrorism threat level of a cycle: its history, and recording a change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from weerbaar.domain import ThreatLevelEntry
from weerbaar.domain.limits import INT_MAX, Id, Reason
from weerbaar.services.threat_level import get_threat_level, record_threat_level
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


class ThreatLevelChange(BaseModel):
    """A new threat level (DTN 1–5) as the latest entry of the cycle's history, the revision
    the change was made against (0 when the cycle has no history yet), and the theme it is shown
    beside (needed for the first entry). An indicator, never part of any likelihood."""

    model_config = {"extra": "forbid"}

    entry: ThreatLevelEntry
    expected_revision: int = Field(ge=0, le=INT_MAX,
                                   description="0 when the cycle has no threat-level history")
    theme: Id | None = None
    reason: Reason | None = None


@router.get("/cycles/{cycle}/threat-level")
def api_threat_level(cycle: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    """The threat-level history (oldest first; the last entry is the current level) as the
    viewer may see it, with the scale's names and provenance."""
    return get_threat_level(store, viewer, cycle).to_dict()


@router.post("/cycles/{cycle}/threat-level")
def api_threat_level_record(cycle: str, body: ThreatLevelChange, identity: IdentityDep,
                            store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Record a change of the threat level (coordinator role; 409 with the current history
    when ``expected_revision`` is stale)."""
    check_csrf(identity, csrf)
    return {"revision": record_threat_level(
        store, identity.viewer, cycle, body.entry, expected_revision=body.expected_revision,
        theme=body.theme, reason=body.reason)}
