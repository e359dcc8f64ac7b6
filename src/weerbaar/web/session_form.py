"""The expert form of an expert session: its fields to the file form ``submit_scores`` takes,
and back; the fields kept as a draft.

Per criterion ``C`` the form has ``C-ev``, ``C-ll``, ``C-ul``, the checkbox ``C-same`` (no
range: LL = UL = EV) and ``C-reasoning``; the likelihood has the same fields
(``likelihood-ev`` …) or, as a probability, the fields of the scoring form
(``likelihood-probability`` …, see :mod:`weerbaar.web.forms`).

Parsing is strict, and every problem is reported at its field (:class:`FormErrors`, messages
in the page's language): a row is empty, or complete — EV, LL and UL, or EV with "same". A
draft keeps the fields exactly as typed, complete or not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from weerbaar.i18n import Texts
from weerbaar.web.forms import (
    BOUNDS,
    LIKELIHOOD,
    PROBABILITY_FIELDS,
    FormErrors,
    text_of,
    typed_scores,
)

SAME = "same"
ROW_PARTS = (*BOUNDS, SAME, "reasoning")


def field_names(criteria: Iterable[str]) -> list[str]:
    """Every field of the expert form for a profile's criteria."""
    names = [f"{c}-{p}" for c in criteria for p in ROW_PARTS]
    names += [f"{LIKELIHOOD}-{p}" for p in ROW_PARTS]
    names += [f"{LIKELIHOOD}-{p}" for p in PROBABILITY_FIELDS]
    return names


def draft_fields(form: Mapping[str, str], criteria: Iterable[str]) -> dict[str, str]:
    """The expert form's fields that hold something, exactly as typed (for a draft)."""
    return {name: form[name] for name in field_names(criteria) if form.get(name)}


def _row(form: Mapping[str, str], item: str, errors: dict[str, str],
         t: Texts) -> dict[str, Any] | None:
    """One row of classes (or natural values); None when it is empty."""
    values = {b: form.get(f"{item}-{b}", "").strip() for b in BOUNDS}
    same = bool(form.get(f"{item}-{SAME}"))
    why = text_of(form, f"{item}-reasoning")
    if not any(values.values()) and not same and not why.strip():
        return None
    if not values["ev"]:
        errors[f"{item}-ev"] = t("Give the expected value (EV), or empty the whole row.")
        return None
    if same:
        for b in ("ll", "ul"):
            if values[b] and values[b] != values["ev"]:
                errors[f"{item}-{b}"] = t(
                    "“Same” means LL = UL = EV: empty this field or untick “same”.")
        entry: dict[str, Any] = {"ev": values["ev"], SAME: True}
    else:
        if not values["ll"]:
            errors[f"{item}-ll"] = t(
                "Give the lower limit (LL), or tick “same” when LL and UL equal EV.")
        if not values["ul"]:
            errors[f"{item}-ul"] = t(
                "Give the upper limit (UL), or tick “same” when LL and UL equal EV.")
        entry = dict(values)
    if why.strip():
        entry["reasoning"] = why
    return entry


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _likelihood(form: Mapping[str, str], errors: dict[str, str],
                t: Texts) -> dict[str, Any] | None:
    given = {f: form.get(f"{LIKELIHOOD}-{f}", "").strip() for f in PROBABILITY_FIELDS}
    if not any(given.values()):
        return _row(form, LIKELIHOOD, errors, t)
    if any(form.get(f"{LIKELIHOOD}-{b}", "").strip() for b in BOUNDS) or \
            form.get(f"{LIKELIHOOD}-{SAME}"):
        errors[f"{LIKELIHOOD}-ev"] = t(
            "Give either classes (EV, LL, UL) or a probability, not both.")
        return None
    entry: dict[str, Any] = {}
    for name, text in given.items():
        if not text:
            continue
        value = _number(text)
        if value is None:
            errors[f"{LIKELIHOOD}-{name}"] = t("Not a number: give a probability such as 0.02.")
        else:
            entry[name] = value
    if not given["probability"] and not given["annual_probability"]:
        errors[f"{LIKELIHOOD}-probability"] = t(
            "Give the probability within the horizon or the annual probability.")
    why = text_of(form, f"{LIKELIHOOD}-reasoning")
    if why.strip():
        entry["reasoning"] = why
    return entry


def expert_scores(form: Mapping[str, str], criteria: Iterable[str],
                  t: Texts) -> dict[str, Any]:
    """``impact`` and ``likelihood`` of the expert form in file form (``same: true`` where
    ticked); every incomplete row is a :class:`FormErrors` at its fields."""
    errors: dict[str, str] = {}
    impact: dict[str, Any] = {}
    for cid in criteria:
        entry = _row(form, cid, errors, t)
        if entry is not None:
            impact[cid] = entry
    out: dict[str, Any] = {"impact": impact}
    like = _likelihood(form, errors, t)
    if like is not None:
        out[LIKELIHOOD] = like
    if not errors and not impact and like is None:
        errors["form"] = t("Score at least one criterion or the likelihood.")
    if errors:
        raise FormErrors(errors)
    return out


def expert_fields(scores: Mapping[str, Any]) -> dict[str, str]:
    """The expert form's fields of scores in file form (a submission shown again): a row
    without a range is its EV with "same" ticked."""
    out = typed_scores(scores)
    items = {key.rsplit("-", 1)[0] for key in out}
    for item in items:
        ev, ll, ul = (out.get(f"{item}-{b}") for b in BOUNDS)
        if ev and ev == ll == ul:
            out[f"{item}-{SAME}"] = "1"
            out[f"{item}-ll"] = out[f"{item}-ul"] = ""
    return {k: v for k, v in out.items() if v}


__all__ = ["ROW_PARTS", "SAME", "draft_fields", "expert_fields", "expert_scores",
           "field_names"]
