"""A cycle's strategy text: the document's introduction, conclusion and generic instruments
(read it, save it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from weerbaar.domain import StrategyText
from weerbaar.domain.limits import INT_MAX, Reason
from weerbaar.services.strategy_text import get_strategy_text, save_strategy_text
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


class StrategyTextUpdate(BaseModel):
    """The whole strategy text, made against ``expected_revision`` (0 when the cycle has none
    yet). Generic instruments carry a text and evidence, never questions or a verdict."""

    model_config = {"extra": "forbid"}

    strategy_text: StrategyText
    expected_revision: int = Field(ge=0, le=INT_MAX,
                                   description="0 when the cycle has no strategy text yet")
    reason: Reason | None = None
    delete: list[str] = Field(default_factory=list, max_length=50, description=(
        "Fields or instruments to delete (e.g. 'conclusion', 'instruments.crisis-management'); "
        "one the text has that the body leaves out without naming it here is an error, never "
        "a deletion."))


@router.get("/cycles/{cycle}/strategy-text")
def api_strategy_text(cycle: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    """The cycle's strategy text as the viewer may see it (``strategy_text`` null and revision
    0 when there is none, or none the viewer may see)."""
    return get_strategy_text(store, viewer, cycle).to_dict()


@router.put("/cycles/{cycle}/strategy-text")
def api_strategy_text_update(cycle: str, body: StrategyTextUpdate, identity: IdentityDep,
                             store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save the strategy text (analyst role, draft cycle; 409 with the current text when
    ``expected_revision`` is stale)."""
    check_csrf(identity, csrf)
    return {"revision": save_strategy_text(
        store, identity.viewer, cycle, body.strategy_text,
        expected_revision=body.expected_revision, reason=body.reason,
        marking_given="marking" in body.strategy_text.model_fields_set, delete=body.delete)}
