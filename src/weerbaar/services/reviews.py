"""Use cases for theme reviews, measures, the priority list and capability gaps of a cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import (
    Answer,
    CycleKind,
    EvidenceLink,
    Measure,
    QuestionAnswer,
    ReviewPart,
    ReviewSection,
    ThemeKind,
    ThemeReview,
    Verdict,
    Workspace,
)
from weerbaar.errors import InvalidInput, NotFound
from weerbaar.methods.priority import PriorityList, priority_list
from weerbaar.methods.registry import get_profile
from weerbaar.methods.residual import CapabilityGap, capability_gaps
from weerbaar.services.visibility import check_marking_allowed
from weerbaar.store import Store, add, cycle_workspace, get, import_workspace, save
from weerbaar.store.settings import classification_scheme


def new_cycle(store: Store, key: str, *, kind: CycleKind, profile_id: str, actor: str,
              title: str | None = None, themes_from: str | None = None,
              period: tuple[str | None, str | None] = (None, None)) -> None:
    """An empty draft cycle (optionally with the themes of another cycle)."""
    profile = get_profile(profile_id)
    themes = cycle_workspace(store, themes_from)[0].themes if themes_from else ()
    import_workspace(store, Workspace(profile=profile.id, title=title, themes=themes), key=key,
                     kind=kind, actor=actor, title=title, period=period,
                     reason="new cycle")


def review_of(store: Store, key: str, theme: str, *,
              clearance: str | None = None) -> tuple[ThemeReview, int]:
    """The theme's review and its revision (revision 0: no review stored yet).

    With a ``clearance``: a review marked above it reads as a theme without a review (an empty
    review, revision 0), so it cannot be told apart from one that has none."""
    workspace, _ = cycle_workspace(store, key, clearance=clearance)
    if theme not in {t.id for t in workspace.themes}:
        raise NotFound(f"cycle {key!r} has no theme {theme!r}; themes: "
                       + ", ".join(t.id for t in workspace.themes))
    try:
        stored = get(store, key, "review", theme)
    except NotFound:
        return ThemeReview(theme=theme), 0
    if clearance is not None:
        seen = next((r for r in workspace.reviews if r.theme == theme), None)
        if seen is None:
            return ThemeReview(theme=theme), 0
        return seen, stored.revision
    return stored.item, stored.revision


@dataclass(frozen=True)
class ReviewEdit:
    part: ReviewPart | None = None
    text: str | None = None
    comprehensive: Answer | None = None
    comprehensive_reasoning: str | None = None
    more_resilient: Answer | None = None
    more_resilient_reasoning: str | None = None
    verdict: Verdict | None = None
    verdict_reasoning: str | None = None


def edit_review(store: Store, key: str, theme: str, edit: ReviewEdit, *, actor: str,
                reason: str | None = None, expected_revision: int | None = None) -> int:
    """Change parts of a theme review; returns the new revision.

    ``expected_revision`` is the revision the edit was made against (default: the current one);
    a stale one raises Conflict and nothing is overwritten.
    """
    review, revision = review_of(store, key, theme)
    workspace, _ = cycle_workspace(store, key)
    kind = next(t.kind for t in workspace.themes if t.id == theme)
    if edit.verdict is not None and kind is ThemeKind.GENERIC:
        raise InvalidInput("a generic instrument gets no approach verdict",
                           location=["--verdict"])
    update: dict[str, Any] = {}
    if edit.part is not None:
        if edit.text is None:
            raise InvalidInput("a part needs its text", location=["--text"])
        sections = dict(review.sections)
        sections[edit.part] = sections.get(edit.part, ReviewSection()).model_copy(
            update={"text": edit.text})
        update["sections"] = sections
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
        changed = ThemeReview.model_validate({**review.model_dump(), **update})
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvalidInput(message, location=["review", theme]) from None
    if revision == 0:
        return add(store, key, changed, actor=actor, reason=reason)
    return save(store, key, changed, actor=actor, reason=reason,
                expected_revision=expected_revision if expected_revision is not None
                else revision)


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


def add_measure(store: Store, key: str, measure: Measure, *, actor: str,
                reason: str | None = None, clearance: str | None = None) -> None:
    """Add a measure to a draft cycle, checking its themes, scenarios and criteria (with a
    ``clearance``: against what that clearance may see, and the marking within it)."""
    workspace, profile = cycle_workspace(store, key, clearance=clearance)
    check_marking_allowed(classification_scheme(store), clearance, measure.marking)
    themes = {t.id for t in workspace.themes}
    scenarios = {s.id for s in workspace.scenarios}
    criteria = {c.id for c in profile.criteria}
    for theme in measure.themes:
        if theme not in themes:
            raise InvalidInput(f"theme {theme!r} is not a theme of cycle {key!r}",
                               location=["--theme"])
    for sid in measure.scenarios:
        if sid not in scenarios:
            raise InvalidInput(f"scenario {sid!r} is not in cycle {key!r}",
                               location=["--scenario"])
    for cid in measure.effect.criteria:
        if cid not in criteria:
            raise InvalidInput(f"criterion {cid!r} is not in profile {profile.id}",
                               location=["--criterion-effect"])
    add(store, key, measure, actor=actor, reason=reason)


def cycle_priorities(store: Store, key: str, *, cut: str = "C",
                     clearance: str | None = None) -> PriorityList:
    workspace, profile = cycle_workspace(store, key, clearance=clearance)
    try:
        return priority_list(workspace.scenarios, workspace.themes, workspace.reviews, profile,
                             cut=cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["--cut"],
                           expected=profile.impact.describe_codes()) from None


def cycle_gaps(store: Store, key: str, *, cut: str = "C",
               clearance: str | None = None) -> list[CapabilityGap]:
    workspace, profile = cycle_workspace(store, key, clearance=clearance)
    try:
        profile.impact.parse(cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["--cut"]) from None
    return [gap for s in workspace.scenarios
            for gap in capability_gaps(s, workspace.measures, profile, cut=cut)]
