"""The review form's fields to a whole :class:`~weerbaar.domain.ThemeReview` (parsing only; the
rules are the use case's)."""

from __future__ import annotations

from pydantic import ValidationError

from weerbaar.domain import EvidenceLink, ReviewPart, ReviewSection, ThemeReview
from weerbaar.errors import InvalidInput


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
        text = form.get(f"{part.value}-text", "").replace("\r\n", "\n")
        if text.strip() or links:
            sections[part] = ReviewSection(text=text, evidence=tuple(links))
    data = current.model_dump()
    data["sections"] = sections
    for name in ("comprehensive", "more_resilient"):
        old = getattr(current, name)
        data[name] = {"answer": form.get(name, old.answer.value),
                      "reasoning": form.get(f"{name}-reasoning", old.reasoning or "") or None}
    if form.get("marking"):
        data["marking"] = form["marking"]
    if "verdict" in form:
        data["verdict"] = form["verdict"] or None
    if "verdict-reasoning" in form:
        data["verdict_reasoning"] = form["verdict-reasoning"].replace("\r\n", "\n") or None
    try:
        return ThemeReview.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = "-".join(str(p) for p in problem["loc"] if p not in ("answer",)) or "verdict"
        raise InvalidInput(problem["msg"].removeprefix("Value error, "),
                           location=[field]) from None


__all__ = ["review_from_form"]
