"""Fields of the scoring forms to the file form the use cases take, and back.

A scoring form has, per criterion ``C``, the fields ``C-ev``, ``C-ll``, ``C-ul`` and
``C-reasoning``: class codes (half classes such as ``C-high`` too) or natural-unit values
("250 fatalities"), as in a workspace file. The likelihood has the same three class fields
(``likelihood-ev`` …) or, for a likelihood given as a probability, the fields
``likelihood-probability`` (within the horizon), ``likelihood-annual_probability``,
``likelihood-probability_low`` and ``likelihood-probability_high`` (a probability is always over
the profile's planning horizon, which the form shows). A ticked ``C-delete`` or
``likelihood-delete`` deletes that score explicitly.

Parsing only, and strict: a row with some fields filled and others empty is an error at the
empty field (:class:`FormErrors`), never a silent deletion; what the values mean is decided by
the use case. :func:`typed_scores` gives the fields of a scenario so that submitting them
unchanged gives back the same scores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from weerbaar.errors import InvalidInput

BOUNDS = ("ev", "ll", "ul")
LIKELIHOOD = "likelihood"
PROBABILITY_FIELDS = ("probability", "probability_low", "probability_high",
                      "annual_probability")
DELETE = "delete"


class FormErrors(InvalidInput):
    """Several fields of one form are wrong: ``fields`` maps each field to its message."""

    def __init__(self, fields: dict[str, str]) -> None:
        first, message = next(iter(fields.items()))
        super().__init__(message, location=[first])
        self.fields = fields


def text_of(form: Mapping[str, str], key: str) -> str:
    """A multi-line text field as typed (line ends normalised, nothing else changed)."""
    return form.get(key, "").replace("\r\n", "\n").replace("\r", "\n")


def _number(text: str) -> float:
    value = float(text.strip().replace(",", "."))
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _row(form: Mapping[str, str], item: str, errors: dict[str, str],
         who: str) -> dict[str, Any] | None:
    """One row of class (or natural-value) fields; None when it is empty."""
    values = {b: form.get(f"{item}-{b}", "").strip() for b in BOUNDS}
    why = text_of(form, f"{item}-reasoning")
    if not any(values.values()) and not why.strip():
        return None
    missing = [b for b in BOUNDS if not values[b]]
    for b in missing:
        errors[f"{item}-{b}"] = (
            f"{who}: the {NAMES[b]} is empty; give it (the same as the expected value when "
            "there is no range), or delete the whole score")
    if missing:
        return None
    entry: dict[str, Any] = dict(values)
    if why.strip():
        entry["reasoning"] = why
    return entry


NAMES = {"ev": "expected value", "ll": "lower limit", "ul": "upper limit"}


def _likelihood(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any] | None:
    given = {f: form.get(f"{LIKELIHOOD}-{f}", "").strip() for f in PROBABILITY_FIELDS}
    if not any(given.values()):
        return _row(form, LIKELIHOOD, errors, "likelihood")
    if any(form.get(f"{LIKELIHOOD}-{b}", "").strip() for b in BOUNDS):
        errors[f"{LIKELIHOOD}-ev"] = ("likelihood: give either classes (EV, LL, UL) or a "
                                      "probability, not both")
        return None
    entry: dict[str, Any] = {}
    for name, text in given.items():
        if not text:
            continue
        try:
            entry[name] = _number(text)
        except ValueError:
            errors[f"{LIKELIHOOD}-{name}"] = (f"likelihood: {text!r} is not a number (a "
                                              "probability such as 0.02)")
    if "probability" not in entry and "annual_probability" not in entry and not any(
            f"{LIKELIHOOD}-{n}" in errors for n in ("probability", "annual_probability")):
        errors[f"{LIKELIHOOD}-probability"] = (
            "likelihood: the probability is empty; give the probability within the horizon "
            "or the annual probability, or delete the likelihood")
    why = text_of(form, f"{LIKELIHOOD}-reasoning")
    if why.strip():
        entry["reasoning"] = why
    return entry


def deletions(form: Mapping[str, str]) -> list[str]:
    """The scores the form deletes explicitly: a ticked ``C-delete`` is ``impact.C``, a ticked
    ``likelihood-delete`` is ``likelihood``."""
    out = []
    for key, value in form.items():
        if key.endswith(f"-{DELETE}") and value:
            item = key.removesuffix(f"-{DELETE}")
            out.append(LIKELIHOOD if item == LIKELIHOOD else f"impact.{item}")
    return sorted(out)


def form_scores(form: Mapping[str, str], *, marking: bool = False) -> dict[str, Any]:
    """``impact`` and ``likelihood`` (and with ``marking`` the chosen marking) of a scoring
    form, in file form. Empty rows are left out (the use case refuses to drop a score that
    way unless it is deleted explicitly); a partly filled row raises :class:`FormErrors`."""
    items = sorted({key.rsplit("-", 1)[0] for key in form
                    if "-" in key and ":" not in key
                    and key.rsplit("-", 1)[-1] in (*BOUNDS, "reasoning")}
                   - {LIKELIHOOD})
    errors: dict[str, str] = {}
    deleted = set(deletions(form))
    impact: dict[str, Any] = {}
    for item in items:
        if f"impact.{item}" in deleted:
            continue
        entry = _row(form, item, errors, f"criterion {item}")
        if entry is not None:
            impact[item] = entry
    out: dict[str, Any] = {"impact": impact}
    if LIKELIHOOD not in deleted:
        like = _likelihood(form, errors)
        if like is not None:
            out[LIKELIHOOD] = like
    if errors:
        raise FormErrors(errors)
    if marking and form.get("marking"):
        out["marking"] = form["marking"]
    return out


def _likelihood_fields(like: Any) -> dict[str, str]:
    if isinstance(like, str):
        like = {"ev": like}
    if not isinstance(like, dict):
        return {}
    out: dict[str, str] = {}
    if "ev" in like:
        for b in BOUNDS:
            out[f"{LIKELIHOOD}-{b}"] = str(like.get(b) or like["ev"])
    for name in PROBABILITY_FIELDS:
        if like.get(name) is not None:
            out[f"{LIKELIHOOD}-{name}"] = repr(float(like[name]))
    out[f"{LIKELIHOOD}-reasoning"] = like.get("reasoning") or ""
    return out


def typed_scores(scenario: Mapping[str, Any]) -> dict[str, str]:
    """The form values of a scenario in file form: class codes or the natural values and
    probabilities as entered."""
    out: dict[str, str] = {}
    for cid, value in scenario.get("impact", {}).items():
        entry = value if isinstance(value, dict) else {"ev": value}
        for b in BOUNDS:
            out[f"{cid}-{b}"] = str(entry.get(b) or entry["ev"])
        out[f"{cid}-reasoning"] = entry.get("reasoning") or ""
    out.update(_likelihood_fields(scenario.get(LIKELIHOOD)))
    return out


__all__ = ["BOUNDS", "DELETE", "LIKELIHOOD", "PROBABILITY_FIELDS", "FormErrors", "deletions",
           "form_scores", "text_of", "typed_scores"]
