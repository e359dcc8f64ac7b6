"""The strategy-text form's fields to a whole :class:`~weerbaar.domain.StrategyText` (parsing
only; the rules are the use case's).

Fields: ``introduction-heading``/``-text``, ``conclusion-heading``/``-text``, and per generic
instrument ``instrument.ID-title``/``-text``/``-evidence``; the marking and the reason. The form
edits the text of what the cycle has; it neither adds nor removes instruments (the API and
workspace files do).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from weerbaar.domain import EvidenceLink, StrategyText
from weerbaar.errors import InvalidInput
from weerbaar.web.forms import text_of

CHAPTERS = ("introduction", "conclusion")
MERGED = ("-heading", "-title", "-text", "-evidence", "marking")


def _evidence(form: dict[str, str], name: str,
              current: tuple[EvidenceLink, ...]) -> list[dict[str, Any]]:
    notes = {(e.kind.value, e.ref): e.note for e in current}
    links = []
    for line in form.get(name, "").splitlines():
        if not line.strip():
            continue
        kind, _, ref = line.strip().partition(":")
        try:
            link = EvidenceLink.model_validate({"kind": kind.strip(), "ref": ref.strip(),
                                                "note": notes.get((kind.strip(), ref.strip()))})
        except ValidationError:
            raise InvalidInput(f"evidence {line.strip()!r} is not kind:reference",
                               location=[name],
                               expected="scenario:ID, measure:ID, signal:ID or document:TEXT"
                               ) from None
        links.append(link.model_dump())
    return links


def text_from_form(form: dict[str, str], current: StrategyText | None) -> StrategyText:
    """The whole strategy text as the form has it (fields the form lacks keep their current
    value; a chapter emptied in the form is kept, empty, not deleted)."""
    base = current or StrategyText()
    data = base.model_dump()
    for name in CHAPTERS:
        old = getattr(base, name)
        if f"{name}-text" not in form:
            continue
        text = text_of(form, f"{name}-text")
        heading = form.get(f"{name}-heading", old.heading if old else "").strip()
        if old is None and not text.strip() and not heading:
            continue
        data[name] = {"heading": heading, "text": text,
                      "footnotes": dict(old.footnotes) if old else {}}
    instruments = []
    for instrument in base.instruments:
        item = instrument.model_dump()
        prefix = f"instrument.{instrument.id}"
        if f"{prefix}-title" in form:
            item["title"] = form[f"{prefix}-title"].strip()
        if f"{prefix}-text" in form:
            item["text"] = text_of(form, f"{prefix}-text")
        if f"{prefix}-evidence" in form:
            item["evidence"] = _evidence(form, f"{prefix}-evidence", instrument.evidence)
        instruments.append(item)
    data["instruments"] = instruments
    if form.get("marking"):
        data["marking"] = form["marking"]
    try:
        return StrategyText.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        loc = [str(p) for p in problem["loc"]]
        if loc[:1] == ["instruments"] and len(loc) > 2:
            field = f"instrument.{base.instruments[int(loc[1])].id}-{loc[2]}"
        else:
            field = "-".join(loc) or "strategy_text"
        raise InvalidInput(problem["msg"].removeprefix("Value error, "),
                           location=[field]) from None


def text_fields(text: StrategyText | None, marking: str) -> dict[str, str]:
    """The form's fields of a strategy text (``marking``: its effective marking), so that
    submitting them unchanged gives back the same text."""
    out: dict[str, str] = {}
    for name in CHAPTERS:
        chapter = getattr(text, name) if text is not None else None
        out[f"{name}-heading"] = chapter.heading if chapter else ""
        out[f"{name}-text"] = chapter.text if chapter else ""
    for instrument in text.instruments if text is not None else ():
        prefix = f"instrument.{instrument.id}"
        out[f"{prefix}-title"] = instrument.title
        out[f"{prefix}-text"] = instrument.text
        out[f"{prefix}-evidence"] = "".join(f"{e.kind.value}:{e.ref}\n"
                                            for e in instrument.evidence)
    out["marking"] = marking
    return out


__all__ = ["CHAPTERS", "MERGED", "text_fields", "text_from_form"]
