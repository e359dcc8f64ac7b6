"""Form fields of the pages to the file form the use cases take, and back.

A scoring form has, per criterion ``C``, the fields ``C-ev``, ``C-ll``, ``C-ul`` and
``C-reasoning`` (``likelihood-…`` for the likelihood): class codes or natural-unit values, as in
a workspace file. Parsing only; what the values mean is decided by the use case.
"""

from __future__ import annotations

from typing import Any

BOUNDS = ("ev", "ll", "ul")
LIKELIHOOD = "likelihood"


def form_scores(form: dict[str, str], *, marking: bool = False) -> dict[str, Any]:
    """``impact`` and ``likelihood`` (and with ``marking`` the chosen marking) of a scoring
    form; a criterion without an expected value is left out."""
    items = sorted({key.rsplit("-", 1)[0] for key in form
                    if key.rsplit("-", 1)[-1] in BOUNDS and "-" in key})
    impact: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for item in items:
        values = {b: form.get(f"{item}-{b}", "").strip() for b in BOUNDS}
        if not values["ev"]:
            continue
        entry: dict[str, Any] = {b: v for b, v in values.items() if v}
        why = form.get(f"{item}-reasoning", "").strip()
        if why:
            entry["reasoning"] = why
        if item == LIKELIHOOD:
            out[LIKELIHOOD] = entry
        else:
            impact[item] = entry
    out["impact"] = impact
    if marking and form.get("marking"):
        out["marking"] = form["marking"]
    return out


def typed_scores(scenario: dict[str, Any]) -> dict[str, str]:
    """The form values of a scenario in file form: class codes or the natural values as
    entered."""
    out: dict[str, str] = {}
    for cid, value in scenario.get("impact", {}).items():
        entry = value if isinstance(value, dict) else {"ev": value, "ll": value, "ul": value}
        for b in BOUNDS:
            out[f"{cid}-{b}"] = str(entry.get(b, entry["ev"]))
        out[f"{cid}-reasoning"] = entry.get("reasoning", "") or ""
    like = scenario.get(LIKELIHOOD)
    if isinstance(like, str):
        like = {"ev": like}
    if isinstance(like, dict) and "ev" in like:
        for b in BOUNDS:
            out[f"{LIKELIHOOD}-{b}"] = str(like.get(b, like["ev"]))
        out[f"{LIKELIHOOD}-reasoning"] = like.get("reasoning", "") or ""
    return out


__all__ = ["form_scores", "typed_scores"]
