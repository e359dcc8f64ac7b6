"""The review form's fields to a whole :class:`~weerbaar.domain.ThemeReview` (parsing only; the
rules are the use case's)."""

from __future__ import annotations

from pydantic import ValidationError

from weerbaar.domain import EvidenceLink, ReviewPart, ReviewSection, ThemeReview
from weerbaar.errors import InvalidInput
from weerbaar.web.forms import text_of


def review_from_form(form: dict[str, str], current: ThemeReview) -> ThemeReview:
    """The whole review as the form has it (fields the form lacks keep their current value;
    the form has no evidence notes, so a link keeps its note). One submission, one revision."""
    sections: dict[ReviewPart, ReviewSection] = {}
    for part in ReviewPart:
        links = []
        notes = {(e.kind.value, e.ref): e.note for e in current.section(part).evidence}
        for line in form.get(f"{part.value}-evidence", "").splitlines():
            kind, _, ref = line.strip().partition(":")
            if not line.strip():
                continue
            try:
                links.append(EvidenceLink.model_validate({
                    "kind": kind.strip(), "ref": ref.strip(),
                    "note": notes.get((kind.strip(), ref.strip()))}))
            except ValidationError:
                raise InvalidInput(
                    f"evidence {line.strip()!r} is not kind:reference",
                    location=[f"{part.value}-evidence"],
                    expected="scenario:ID, measure:ID, signal:ID or document:TEXT",
                ) from None
        text = text_of(form, f"{part.value}-text")
        if text.strip() or links or part in current.sections:  # emptied, not deleted
            sections[part] = ReviewSection(text=text, evidence=tuple(links))
    data = current.model_dump()
    data["sections"] = sections
    for name in ("comprehensive", "more_resilient"):
        old = getattr(current, name)
        why = (text_of(form, f"{name}-reasoning") if f"{name}-reasoning" in form
               else old.reasoning or "")
        data[name] = {"answer": form.get(name, old.answer.value), "reasoning": why or None}
    if form.get("marking"):
        data["marking"] = form["marking"]
    if "verdict" in form:
        data["verdict"] = form["verdict"] or None
    if "verdict-reasoning" in form:
        data["verdict_reasoning"] = text_of(form, "verdict-reasoning") or None
    try:
        return ThemeReview.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = "-".join(str(p) for p in problem["loc"] if p not in ("answer",)) or "verdict"
        raise InvalidInput(problem["msg"].removeprefix("Value error, "),
                           location=[field]) from None


def review_fields(review: ThemeReview, marking: str) -> dict[str, str]:
    """The review form's fields of a review (``marking``: its effective marking), so that
    submitting them unchanged gives back the same review."""
    out: dict[str, str] = {}
    for part in ReviewPart:
        section = review.section(part)
        out[f"{part.value}-text"] = section.text
        out[f"{part.value}-evidence"] = "".join(f"{e.kind.value}:{e.ref}\n"
                                                for e in section.evidence)
    for name in ("comprehensive", "more_resilient"):
        answer = getattr(review, name)
        out[name] = answer.answer.value
        out[f"{name}-reasoning"] = answer.reasoning or ""
    out["verdict"] = review.verdict.value if review.verdict else ""
    out["verdict-reasoning"] = review.verdict_reasoning or ""
    out["marking"] = marking
    return out


MERGED = ("-text", "-evidence", "-reasoning", "comprehensive", "more_resilient", "verdict",
          "marking")


__all__ = ["MERGED", "review_fields", "review_from_form"]
