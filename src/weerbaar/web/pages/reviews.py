"""Theme reviews: the list of themes with their verdicts, and the review form."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.domain import Answer, ReviewPart, Verdict
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services.reviews import ReviewRecord, get_review, list_reviews, save_review
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.render import page
from weerbaar.web.review_form import review_from_form

router = APIRouter()


@router.get("/cycles/{cycle}/reviews")
def review_list(request: Request, cycle: str, store: StoreDep,
                identity: IdentityDep) -> Response:
    found = list_reviews(store, identity.viewer, cycle)
    return page(request, "reviews.html", identity=identity, cycle=found.scope.cycle,
                themes=found.themes, reviews=found.reviews)


def _page(request: Request, identity: Any, record: ReviewRecord, *, status_code: int = 200,
          revision: int | None = None, error: str | None = None,
          typed: dict[str, str] | None = None) -> Response:
    return page(request, "review.html", status_code=status_code, identity=identity,
                cycle=record.scope.cycle, theme=record.theme, review=record.review,
                revision=record.revision if revision is None else revision,
                parts=list(ReviewPart), answers=list(Answer), verdicts=list(Verdict),
                generic=record.generic, may_edit=record.may_edit, may_judge=record.may_judge,
                error=error, typed=typed, **record.scope.marking_choices())


@router.get("/cycles/{cycle}/reviews/{theme}")
def review_page(request: Request, cycle: str, theme: str, store: StoreDep,
                identity: IdentityDep) -> Response:
    return _page(request, identity, get_review(store, identity.viewer, cycle, theme))


@router.post("/cycles/{cycle}/reviews/{theme}")
async def review_save(request: Request, cycle: str, theme: str, store: StoreDep,
                      identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    expected = revision_of(form)
    current = get_review(store, viewer, cycle, theme)
    try:
        review = review_from_form(form, current.review)
        save_review(store, viewer, cycle, theme, review, expected_revision=expected,
                    reason=form.get("reason") or None,
                    marking_given=bool(form.get("marking")))
    except (InvalidInput, Conflict) as exc:
        conflict = isinstance(exc, Conflict)
        latest = get_review(store, viewer, cycle, theme)
        return _page(request, identity, latest, status_code=409 if conflict else 422,
                     revision=latest.revision if conflict else expected, error=str(exc),
                     typed=form)
    return RedirectResponse(f"/cycles/{cycle}/reviews/{theme}?saved=1", status_code=303)
