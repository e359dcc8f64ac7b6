"""Conversions from natural units to classes: impact values by thresholds, probabilities by bands.

Impact: a quantitative criterion's thresholds give the lower bound of each class; a value belongs
to the highest class whose lower bound it reaches, and a value below the lowest bound is "not
applicable" (X) at national level. Likelihood: a hazard's probability of occurrence within the
planning horizon falls in one band [low, high) per class (the top band includes 1). An annual
probability p becomes a window probability P = 1 - (1 - p)^T over a horizon of T years.
"""

from __future__ import annotations

import math
import re

from weerbaar.domain import Bound, Conversion, Status
from weerbaar.domain.limits import VALUE_TEXT_MAX, number_problem, shown
from weerbaar.errors import MethodError
from weerbaar.methods.profile import Criterion, CriterionKind, LikelihoodBasis

_MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "duizend": 1e3,
    "m": 1e6, "mln": 1e6, "million": 1e6, "miljoen": 1e6,
    "bn": 1e9, "b": 1e9, "billion": 1e9, "mld": 1e9, "miljard": 1e9,
}
_UNIT_ALIASES: dict[str, set[str]] = {
    "fatalities": {"fatalities", "fatality", "deaths", "dead", "doden", "dode"},
    "persons": {"persons", "people", "person", "personen", "mensen", "injured", "gewonden"},
    "EUR": {"eur", "euro", "euros", "€"},
}
_NUMBER = r"(?P<num>\d+(?:[.,]\d+)?)"
_VALUE_RE = re.compile(
    rf"^\s*(?P<pre>eur|euro|€)?\s*{_NUMBER}\s*(?P<mult>[a-z]+\b)?\s*(?P<unit>[^\d]*?)\s*$",
    re.IGNORECASE,
)


def parse_natural_value(text: str | float, criterion: Criterion) -> tuple[float, str | None]:
    """Parse ``"250 fatalities"``, ``"EUR 13 bn"``, ``"1.5 million"`` or a bare number.

    Returns the value in the criterion's unit. Raises ``ValueError`` naming what was expected.
    """
    if isinstance(text, int | float) and not isinstance(text, bool):
        _check_magnitude(float(text), text)
        return float(text), criterion.unit
    if len(str(text)) > VALUE_TEXT_MAX:
        raise ValueError(f"a value has at most {VALUE_TEXT_MAX} characters "
                         f"(this has {len(str(text)):,})")
    match = _VALUE_RE.match(str(text))
    unit_hint = f"e.g. '250 {criterion.unit}'" if criterion.unit != "EUR" else "e.g. 'EUR 13 bn'"
    if not match:
        raise ValueError(f"{text!r} is neither a class nor a value; expected a class or {unit_hint}")
    value = float(match["num"].replace(",", "."))
    mult, unit = (match["mult"] or "").lower(), (match["unit"] or "").strip().lower()
    if mult and mult not in _MULTIPLIERS:
        unit, mult = f"{mult} {unit}".strip(), ""
    value *= _MULTIPLIERS.get(mult, 1.0)
    words = {w for w in re.split(r"\s+", unit) if w}
    if match["pre"]:
        words.add("eur")
    aliases = _UNIT_ALIASES.get(criterion.unit or "", {(criterion.unit or "").lower()})
    if words and not words <= aliases:
        raise ValueError(
            f"unit {unit or match['pre']!r} does not fit criterion {criterion.id}; "
            f"expected a value in {criterion.unit} ({unit_hint})"
        )
    _check_magnitude(value, text)
    return value, criterion.unit


def _check_magnitude(value: float, entered: str | float) -> None:
    """A natural-unit value must be finite and at most VALUE_MAX (ValueError otherwise)."""
    problem = number_problem(value)
    if problem is not None:
        raise ValueError(f"{shown(str(entered))}: {problem}")


def class_for_value(
    value: float, criterion: Criterion, *, bound: Bound, entered: str, not_applicable: str = "X"
) -> Conversion:
    """The class of a natural-unit value under the criterion's thresholds, with provenance."""
    if criterion.kind is not CriterionKind.QUANTITATIVE or criterion.thresholds is None:
        raise MethodError(
            f"criterion {criterion.id} is {criterion.kind.value}; it has no thresholds to convert "
            f"{entered!r} — enter a class instead"
        )
    thresholds = criterion.thresholds
    if thresholds.value is None:
        raise MethodError(
            f"the thresholds of criterion {criterion.id} are unknown; enter a class instead"
        )
    if value < 0 or math.isnan(value):
        raise ValueError(f"{entered!r}: a value must be zero or positive")
    code, rule = not_applicable, f"below {_fmt(min(thresholds.value.values()))} {criterion.unit}"
    for class_code, lower in thresholds.value.items():
        if value >= lower:
            code, rule = class_code, f">= {_fmt(lower)} {criterion.unit}"
    return Conversion(
        bound=bound, entered=entered, value=value, unit=criterion.unit, code=code,
        threshold_status=thresholds.status_of(code), threshold_source=thresholds.source, rule=rule,
    )


def window_probability(annual: float, years: float) -> float:
    """Probability of at least one occurrence in ``years`` given an annual probability."""
    if not 0.0 <= annual <= 1.0:
        raise ValueError(f"annual probability must be between 0 and 1, got {annual}")
    return float(1.0 - (1.0 - annual) ** years)


def likelihood_class_for_probability(
    probability: float, basis: LikelihoodBasis, *, horizon_years: float | None = None
) -> tuple[str, Status, str | None, str]:
    """Class code for a probability of occurrence within the horizon of ``basis``.

    ``horizon_years`` states the window the probability refers to; a different window from the
    profile's is refused (convert an annual probability with :func:`window_probability`).
    Returns (code, status, source, rule text): the class rests on the bands and on the window
    they are read over, so the status is the weaker of the two (the 5-year window of the Dutch
    profiles is provisional) and the source names both when the window is the weaker.
    """
    if basis.bands is None or basis.bands.value is None or basis.horizon_years is None:
        raise MethodError(
            "this profile has no probability bands for this scenario type; enter a class instead"
        )
    horizon = basis.horizon_years.value
    if horizon_years is not None and horizon is not None and abs(horizon_years - horizon) > 1e-9:
        raise ValueError(
            f"probability over {_fmt(horizon_years)} years given, but the profile's bands are for "
            f"{_fmt(horizon)} years; give annual_probability or a probability over {_fmt(horizon)}"
        )
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"a probability must be between 0 and 1, got {probability}")
    bands = list(basis.bands.value.items())
    for index, (code, (low, high)) in enumerate(bands):
        last = index == len(bands) - 1
        if low <= probability < high or (last and probability <= high):
            rule = f"{_pct(low)}–{_pct(high)} within {_fmt(horizon or 0)} years"
            status, source = basis.bands.status, basis.bands.source
            window = basis.horizon_years
            if window.status.rank > status.rank:
                status = window.status
                source = "; ".join(dict.fromkeys(
                    k.strip() for s in (source, window.source) if s for k in s.split(";")))
            return code, status, source, rule
    raise ValueError(f"probability {probability} falls outside the profile's bands")


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x >= 1000 else f"{x:g}"


def _pct(p: float) -> str:
    return f"{p * 100:g} %"
