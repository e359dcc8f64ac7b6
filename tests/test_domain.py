"""Scales and score ranges: LL <= EV <= UL, half classes between their neighbours."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from weerbaar.domain import ScoreRange
from weerbaar.methods.registry import get_profile

LIKELIHOOD = get_profile("gra-2019").likelihood_scale
IMPACT = get_profile("gra-2019").impact


def test_parse_codes() -> None:
    assert IMPACT.parse("X") == 0
    assert IMPACT.parse("c") == 3
    assert LIKELIHOOD.parse("C-high") == 3.5
    assert LIKELIHOOD.parse("C high") == 3.5
    assert LIKELIHOOD.parse("B-hoog") == 2.5
    with pytest.raises(ValueError, match="highest class"):
        LIKELIHOOD.parse("E-high")
    with pytest.raises(ValueError, match="expected"):
        IMPACT.parse("C-high")  # impact has no half classes
    with pytest.raises(ValueError, match="expected"):
        IMPACT.parse("F")


@given(st.sampled_from(["A", "B", "C", "D"]))
def test_half_class_sits_between_neighbours(code: str) -> None:
    low = LIKELIHOOD.parse(code)
    half = LIKELIHOOD.parse(f"{code}-high")
    above = LIKELIHOOD.parse("ABCDE"["ABCDE".index(code) + 1])
    assert low < half < above
    assert LIKELIHOOD.class_at(half).code == code  # type: ignore[union-attr]
    assert LIKELIHOOD.code(half) == f"{code}-high"


@given(st.lists(st.sampled_from([0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]),
                min_size=3, max_size=3))
def test_score_range_enforces_order(values: list[float]) -> None:
    ll, ev, ul = values
    if ll <= ev <= ul:
        assert ScoreRange(ev=ev, ll=ll, ul=ul).ev == ev
    else:
        with pytest.raises(ValidationError, match="LL <= EV <= UL"):
            ScoreRange(ev=ev, ll=ll, ul=ul)


def test_code_round_trip() -> None:
    for code in ["A", "A-high", "B", "B-high", "C", "C-high", "D", "D-high", "E"]:
        assert LIKELIHOOD.code(LIKELIHOOD.parse(code)) == code
    for code in ["X", "A", "B", "C", "D", "E"]:
        assert IMPACT.code(IMPACT.parse(code)) == code
