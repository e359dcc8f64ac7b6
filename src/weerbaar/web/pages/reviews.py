"""Theme reviews: the list of themes with their verdicts, and the review form."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.domain import Answer, ReviewPart, Verdict, suggested_verdict
from weerbaar.domain.review import SUGGESTION_RULE, VERDICT_PROVENANCE
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services.accounts import Identity
from weerbaar.services.reviews import (
    ReviewRecord,
    get_review,
    list_reviews,
    review_revision,
    save_review,
)
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.merge import THEIRS, Merge, apply_choices, three_way
from weerbaar.web.render import page
from weerbaar.web.review_form import MERGED, review_fields, review_from_form
from weerbaar.web.threat_view import threat_context

router = APIRouter()


@router.get("/cycles/{cycle}/reviews")
def review_list(request: Request, cycle: str, store: StoreDep,
                identity: IdentityDep) -> Response:
    found = list_reviews(store, identity.viewer, cycle)
    return page(request, "reviews.html", identity=identity, cycle=found.scope.cycle,
                themes=found.themes, reviews=found.reviews, text=found.strategy_text,
                **threat_context(request, store, identity.viewer, cycle))


def _page(request: Request, identity: Identity, record: ReviewRecord, *,
          status_code: int = 200, revision: int | None = None, error: str | None = None,
          values: dict[str, str] | None = None, merge: Merge | None = None) -> Response:
    return page(request, "review.html", status_code=status_code, identity=identity,
                cycle=record.scope.cycle, theme=record.theme, review=record.review,
                revision=record.revision if revision is None else revision,
                parts=list(ReviewPart), answers=list(Answer), verdicts=list(Verdict),
                generic=record.generic, may_edit=record.may_edit, may_judge=record.may_judge,
                error=error, values=values or review_fields(record.review, record.marking),
                merge=merge, suggested=suggested_verdict(record.review.comprehensive.answer,
                                                         record.review.more_resilient.answer),
                suggestion_rule=SUGGESTION_RULE, verdict_origin=VERDICT_PROVENANCE,
                **threat_context(request, record.scope.store, identity.viewer, record.scope.key),
                **record.scope.marking_choices())


@router.get("/cycles/{cycle}/reviews/{theme}")
def review_page(request: Request, cycle: str, theme: str, store: StoreDep,
                identity: IdentityDep) -> Response:
    return _page(request, identity, get_review(store, identity.viewer, cycle, theme))


def _merged(form: dict[str, str], base: ReviewRecord | None, latest: ReviewRecord) -> Merge:
    theirs = review_fields(latest.review, latest.marking)
    before = review_fields(base.review, base.marking) if base is not None else {}
    fields = sorted(k for k in {*theirs, *before} if k.endswith(MERGED))
    return three_way(before, form, theirs, fields)


@router.post("/cycles/{cycle}/reviews/{theme}")
async def review_save(request: Request, cycle: str, theme: str, store: StoreDep,
                      identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    expected = revision_of(form)
    plain, undecided = apply_choices(form)
    current = get_review(store, viewer, cycle, theme)
    try:
        if undecided:
            raise InvalidInput("someone else saved this review meanwhile: for every field you "
                               "both changed, decide whether to keep yours or take theirs",
                               location=[undecided[0]])
        review = review_from_form(plain, current.review)
        save_review(store, viewer, cycle, theme, review, expected_revision=expected,
                    reason=plain.get("reason") or None,
                    marking_given=bool(plain.get("marking")))
    except InvalidInput as exc:
        pending = Merge(values=form, conflicts={
            k.removesuffix(THEIRS): (form.get(k.removesuffix(THEIRS), ""), v)
            for k, v in form.items() if k.endswith(THEIRS)})
        return _page(request, identity, current, status_code=422, revision=expected,
                     error=str(exc), values=form, merge=pending)
    except Conflict as exc:
        latest = get_review(store, viewer, cycle, theme)
        base = review_revision(store, viewer, cycle, theme, expected)
        merge = _merged(plain, base, latest)
        return _page(request, identity, latest, status_code=409, error=str(exc),
                     values=merge.values, merge=merge)
    return RedirectResponse(f"/cycles/{cycle}/reviews/{theme}?saved=1", status_code=303)
