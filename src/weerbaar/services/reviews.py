"""Use cases on theme reviews: the four parts, the two resilience questions and the approach
verdict of each theme.

One rule set for every face: saving needs the analyst role on a draft cycle and the revision
the edit was made against (0 for a theme without a review; a stale one is a conflict); changing
the verdict or its reasoning needs the coordinator role; a generic instrument gets no verdict.
A review above the viewer's clearance reads as a theme without a review, and a write to it fails
as it would for one (a new review collides, an edit finds nothing). What the editor cannot see
is kept: evidence links to hidden items, and the marking unless they set one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from pydantic import ValidationError

from weerbaar.domain import (
    Answer,
    EvidenceLink,
    QuestionAnswer,
    ReviewPart,
    ReviewSection,
    Role,
    StrategyText,
    Theme,
    ThemeKind,
    ThemeReview,
    Verdict,
)
from weerbaar.domain.need_to_know import Marked, strategy_text_marking
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.services.completeness import check_complete
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import keep_hidden_review
from weerbaar.store import Store, add, get, save


def theme_of(scope: CycleScope, theme: str) -> Theme:
    workspace, _ = scope.workspace()
    found = next((t for t in workspace.themes if t.id == theme), None)
    if found is None:
        raise NotFound(f"cycle {scope.key!r} has no theme {theme!r}; themes: "
                       + ", ".join(t.id for t in workspace.themes))
    return found


def review_at(scope: CycleScope, theme: str) -> tuple[ThemeReview, int]:
    """The theme's review as the viewer sees it and its revision; a theme without a review,
    or with one above the viewer's clearance, gives an empty review at revision 0 (the two
    cannot be told apart)."""
    theme_of(scope, theme)
    try:
        stored = get(scope.store, scope.key, "review", theme)
    except NotFound:
        return ThemeReview(theme=theme), 0
    if scope.clearance is None:
        return stored.item, stored.revision
    seen = next((r for r in scope.workspace()[0].reviews if r.theme == theme), None)
    if seen is None:
        return ThemeReview(theme=theme), 0
    return seen, stored.revision


@dataclass(frozen=True)
class ReviewList:
    scope: CycleScope
    themes: tuple[Theme, ...]
    reviews: dict[str, ThemeReview]
    strategy_text: StrategyText | None = None  # introduction, conclusion, instruments


@use_case
def list_reviews(store: Store, viewer: Viewer, cycle: str) -> ReviewList:
    """The cycle's themes with the reviews the viewer may see, and its strategy text (the
    document's introduction, conclusion and generic instruments) when the viewer may see it."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, _ = scope.workspace()
    shown = [Marked("review", r.theme, scope.scheme.effective(r.marking))
             for r in workspace.reviews]
    if workspace.strategy_text is not None:
        shown.append(strategy_text_marking(workspace.strategy_text, scope.scheme))
    scope.log(shown)
    return ReviewList(scope, workspace.themes, {r.theme: r for r in workspace.reviews},
                      workspace.strategy_text)


@dataclass(frozen=True)
class ReviewRecord:
    """A theme's review as the viewer sees it, with what they may do with it."""

    scope: CycleScope
    theme: Theme
    review: ThemeReview
    revision: int

    @property
    def marking(self) -> str:
        return self.scope.scheme.effective(self.review.marking)

    @property
    def generic(self) -> bool:
        return self.theme.kind is ThemeKind.GENERIC

    @property
    def may_edit(self) -> bool:
        return self.scope.may(Role.ANALYST)

    @property
    def may_judge(self) -> bool:
        return self.scope.may(Role.COORDINATOR)


@use_case
def get_review(store: Store, viewer: Viewer, cycle: str, theme: str) -> ReviewRecord:
    """A theme's review (revision 0: none yet, or none the viewer may see)."""
    scope = cycle_scope(store, viewer, cycle)
    review, revision = review_at(scope, theme)
    if revision:
        scope.log([Marked("review", theme, scope.scheme.effective(review.marking))])
    return ReviewRecord(scope, theme_of(scope, theme), review, revision)


@use_case
def review_revision(store: Store, viewer: Viewer, cycle: str, theme: str,
                    number: int) -> ReviewRecord | None:
    """Revision ``number`` of a theme's review as the viewer may see it (what a stale edit was
    made from, to merge it with the current one); None when there is none such."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    old = scope.at_revision("review", theme, number) if number > 0 else None
    if old is None:
        return None
    scope.log([Marked("review", theme, scope.scheme.effective(old.marking))])
    return ReviewRecord(scope, theme_of(scope, theme), old, number)


def _refuse_hidden(cycle: str, theme: str, expected_revision: int) -> NoReturn:
    """A write to a review above the editor's clearance fails as it would for a theme without
    a review: a new one (revision 0) collides with the stored key, an edit finds nothing."""
    if expected_revision == 0:
        raise Conflict(f"cycle {cycle!r} already has review {theme!r}")
    raise NotFound(f"cycle {cycle!r} has no review {theme!r}")


@use_case
def save_review(store: Store, viewer: Viewer, cycle: str, theme: str, review: ThemeReview, *,
                expected_revision: int, reason: str | None = None,
                marking_given: bool = True, delete: Collection[str] = ()) -> int:
    """Save a whole theme review made against ``expected_revision`` (0: the theme has none
    yet); its new revision (the same when nothing changed). ``marking_given`` false keeps the
    stored marking. A field or part (``sections.PART``) the review has that the edit leaves
    out is an error unless ``delete`` names it; a stale revision is a conflict carrying the
    current review."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    found = theme_of(scope, theme)
    if review.theme != theme:
        raise InvalidInput("the review is for another theme", location=["review", "theme"])
    shown, revision = review_at(scope, theme)
    review = _complete(review, shown, delete)
    try:
        stored = get(store, cycle, "review", theme)
        current, exists = stored.item, True
    except NotFound:
        current, exists = ThemeReview(theme=theme), False
    if exists and not revision:  # above the clearance: as if the theme had no review
        _refuse_hidden(cycle, theme, expected_revision)
    given = marking_given and review.marking is not None and not (
        current.marking is None and review.marking == scope.scheme.effective(None))
    edited = keep_hidden_review(current, review, shown, marking_given=given)
    scope.check_marking(edited.marking, "review.marking")
    if (edited.verdict, edited.verdict_reasoning) != (current.verdict, current.verdict_reasoning):
        viewer.require(Role.COORDINATOR, cycle)
    if edited.verdict is not None and found.kind is ThemeKind.GENERIC:
        raise InvalidInput("a generic instrument gets no approach verdict",
                           location=["review", "verdict"])
    if expected_revision == 0 and not exists:
        if edited == ThemeReview(theme=theme):  # an empty form saved unchanged adds nothing
            return 0
        return add(store, cycle, edited, actor=viewer.name, reason=reason or "review created")
    try:
        return save(store, cycle, edited, expected_revision=expected_revision,
                    actor=viewer.name, reason=reason)
    except Conflict as exc:
        now, number = review_at(scope, theme)
        raise Conflict(str(exc), current={"revision": number,
                                          "review": now.model_dump(mode="json")}) from None


def _complete(review: ThemeReview, shown: ThemeReview, delete: Collection[str]) -> ThemeReview:
    """The edit with what ``delete`` names removed; what the review has and the edit leaves
    out without naming it is an error (partial input never deletes)."""
    parts = {d.removeprefix("sections.") for d in delete if d.startswith("sections.")}
    known = {p.value for p in ReviewPart}
    if parts - known:
        raise InvalidInput(f"cannot delete part {sorted(parts - known)[0]!r}",
                           location=["review", "delete"], expected=", ".join(sorted(known)))
    edited = check_complete(review, shown, [d for d in delete if not d.startswith("sections.")],
                            where="review")
    assert isinstance(edited, ThemeReview)
    sent = {p.value for p in edited.sections}
    for part in shown.sections:
        if part.value not in sent and part.value not in parts:
            raise InvalidInput(f"part {part.value!r} is missing; to delete it, name "
                               f"'sections.{part.value}' in 'delete'",
                               location=["review", "sections", part.value],
                               expected="every part the review has (or an explicit deletion)")
    if not parts:
        return edited
    return edited.model_copy(update={"sections": {
        p: s for p, s in edited.sections.items() if p.value not in parts}})


@dataclass(frozen=True)
class ReviewEdit:
    """A change of parts of a review: a part's text, an answer, the verdict."""

    part: ReviewPart | None = None
    text: str | None = None
    comprehensive: Answer | None = None
    comprehensive_reasoning: str | None = None
    more_resilient: Answer | None = None
    more_resilient_reasoning: str | None = None
    verdict: Verdict | None = None
    verdict_reasoning: str | None = None


def edited_review(review: ThemeReview, edit: ReviewEdit) -> ThemeReview:
    """``review`` with ``edit`` applied (what the edit leaves out stays as it is)."""
    update: dict[str, Any] = {}
    if edit.part is not None:
        if edit.text is None:
            raise InvalidInput("a part needs its text", location=["text"])
        sections = dict(review.sections)
        sections[edit.part] = sections.get(edit.part, ReviewSection()).model_copy(
            update={"text": edit.text})
        update["sections"] = sections
    elif edit.text is not None:
        raise InvalidInput("name the part the text is for", location=["part"],
                           expected=", ".join(p.value for p in ReviewPart))
    for name in ("comprehensive", "more_resilient"):
        answer, why = getattr(edit, name), getattr(edit, f"{name}_reasoning")
        if answer is not None or why is not None:
            old: QuestionAnswer = getattr(review, name)
            update[name] = QuestionAnswer(answer=answer or old.answer,
                                          reasoning=why if why is not None else old.reasoning)
    if edit.verdict is not None:
        update["verdict"] = edit.verdict
    if edit.verdict_reasoning is not None:
        update["verdict_reasoning"] = edit.verdict_reasoning
    try:
        return ThemeReview.model_validate({**review.model_dump(), **update})
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInput(message, location=["review", review.theme]) from None


@use_case
def edit_review(store: Store, viewer: Viewer, cycle: str, theme: str, edit: ReviewEdit, *,
                reason: str | None = None, expected_revision: int | None = None) -> int:
    """Change parts of a theme review (:func:`save_review`'s rules); its new revision.
    ``expected_revision`` defaults to the current one."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    review, revision = review_at(scope, theme)
    changed = edited_review(review, edit)
    return save_review(store, viewer, cycle, theme, changed,
                       expected_revision=revision if expected_revision is None
                       else expected_revision, reason=reason, marking_given=False)


def with_evidence(review: ThemeReview, part: ReviewPart,
                  links: Sequence[EvidenceLink]) -> tuple[ThemeReview, tuple[EvidenceLink, ...]]:
    """The review with ``links`` added to ``part``'s evidence, and the links actually added.

    A link whose kind and ref the part already has is not added twice; the text is unchanged.
    """
    section = review.section(part)
    present = {(link.kind, link.ref) for link in section.evidence}
    added = []
    for link in links:
        if (link.kind, link.ref) not in present:
            present.add((link.kind, link.ref))
            added.append(link)
    sections = dict(review.sections)
    sections[part] = section.model_copy(update={"evidence": (*section.evidence, *added)})
    return review.model_copy(update={"sections": sections}), tuple(added)


__all__ = ["ReviewEdit", "ReviewList", "ReviewRecord", "edit_review", "edited_review",
           "get_review", "list_reviews", "review_at", "review_revision", "save_review", "with_evidence"]
