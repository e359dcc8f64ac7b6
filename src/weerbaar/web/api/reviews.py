"""Theme reviews: read one, save one (changing the verdict needs the coordinator role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from weerbaar.domain import ThemeReview
from weerbaar.domain.limits import INT_MAX
from weerbaar.services.reviews import get_review, save_review
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()


class ReviewUpdate(BaseModel):
    review: ThemeReview
    expected_revision: int = Field(ge=0, le=INT_MAX, description="0 when the theme has no review yet")
    reason: str | None = Field(default=None, max_length=2000)
    delete: list[str] = Field(default_factory=list, max_length=50, description=(
        "Fields or parts to delete (e.g. 'verdict', 'sections.threat'); one the review has "
        "that the body leaves out without naming it here is an error, never a deletion."))


@router.get("/cycles/{cycle}/reviews/{theme}")
def api_review(cycle: str, theme: str, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    record = get_review(store, viewer, cycle, theme)
    return {"revision": record.revision, "marking": record.marking,
            "review": record.review.model_dump(mode="json")}


@router.put("/cycles/{cycle}/reviews/{theme}")
def api_review_update(cycle: str, theme: str, body: ReviewUpdate, identity: IdentityDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    """Save a theme review; changing the verdict or its reasoning needs the coordinator role."""
    check_csrf(identity, csrf)
    new = save_review(store, identity.viewer, cycle, theme, body.review,
                      expected_revision=body.expected_revision, reason=body.reason,
                      marking_given="marking" in body.review.model_fields_set,
                      delete=body.delete)
    return {"revision": new}
