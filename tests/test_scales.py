"""Known answers for converting natural units and probabilities into classes."""

from __future__ import annotations

import pytest
from tests.conftest import NATIONAL_PROFILES

from weerbaar.domain import ScenarioType, Status
from weerbaar.errors import MethodError
from weerbaar.methods.registry import get_profile
from weerbaar.methods.scales import (
    class_for_value,
    likelihood_class_for_probability,
    parse_natural_value,
    window_probability,
)


@pytest.mark.parametrize("profile_id", NATIONAL_PROFILES)
@pytest.mark.parametrize(("fatalities", "code"), [(9, "A"), (400, "C"), (1, "A"), (10, "B"),
                                                   (9_999, "D"), (10_000, "E"), (0, "X")])
def test_fatalities_to_class(profile_id: str, fatalities: int, code: str) -> None:
    criterion = get_profile(profile_id).criterion("2.1")
    conv = class_for_value(fatalities, criterion, bound="ev", entered=str(fatalities))
    assert conv.code == code
    # corroborated at A and C only (published: 9 deaths A, "several hundred" C); X lies below A
    corroborated = code in ("X", "A", "C")
    assert conv.threshold_status is (Status.CORROBORATED if corroborated else Status.PROVISIONAL)


def test_costs_conversion_keeps_provisional_status() -> None:
    criterion = get_profile("gra-2019").criterion("3.1")
    value, unit = parse_natural_value("EUR 13 bn", criterion)
    assert (value, unit) == (13e9, "EUR")
    conv = class_for_value(value, criterion, bound="ev", entered="EUR 13 bn")
    assert conv.code == "D"  # the published example: EUR 13 bn scored D
    assert conv.threshold_status is Status.PROVISIONAL
    assert conv.rule.startswith(">= 5,000,000,000")


@pytest.mark.parametrize(("text", "expected"), [
    ("250 fatalities", 250.0), ("250 doden", 250.0), ("1.5 thousand deaths", 1500.0),
    ("250", 250.0), (" 12,5 k fatalities ", 12_500.0),
])
def test_parse_fatalities(text: str, expected: float) -> None:
    criterion = get_profile("gra-2019").criterion("2.1")
    assert parse_natural_value(text, criterion)[0] == pytest.approx(expected)


@pytest.mark.parametrize("text", ["EUR 13 bn", "250 kg", "many", "13 bn euro extra"])
def test_parse_rejects_wrong_unit(text: str) -> None:
    criterion = get_profile("gra-2019").criterion("2.1")
    with pytest.raises(ValueError, match=r"2\.1|expected"):
        parse_natural_value(text, criterion)


def test_qualitative_criterion_has_no_conversion() -> None:
    criterion = get_profile("gra-2019").criterion("5.2")
    with pytest.raises(MethodError, match="qualitative"):
        class_for_value(10, criterion, bound="ev", entered="10")


@pytest.mark.parametrize("profile_id", NATIONAL_PROFILES)
def test_two_percent_over_five_years_is_class_c(profile_id: str) -> None:
    basis = get_profile(profile_id).likelihood.basis(ScenarioType.HAZARD)
    code, status, _, _ = likelihood_class_for_probability(0.02, basis, horizon_years=5)
    assert code == "C"
    assert status is Status.PROVISIONAL  # corroborated bands over a provisional 5-year window


@pytest.mark.parametrize(("p", "code"), [(0.0, "A"), (0.0004999, "A"), (0.0005, "B"),
                                         (0.005, "C"), (0.05, "D"), (0.4999, "D"), (0.5, "E"),
                                         (1.0, "E")])
def test_band_edges(p: float, code: str) -> None:
    basis = get_profile("gra-2019").likelihood.hazard
    assert likelihood_class_for_probability(p, basis)[0] == code


def test_probability_over_other_horizon_is_refused() -> None:
    basis = get_profile("gra-2019").likelihood.hazard
    with pytest.raises(ValueError, match="5 years"):
        likelihood_class_for_probability(0.02, basis, horizon_years=1)


def test_threats_have_no_bands_in_dutch_profiles() -> None:
    basis = get_profile("gra-2019").likelihood.threat
    with pytest.raises(MethodError, match="no probability bands"):
        likelihood_class_for_probability(0.02, basis)


def test_window_probability() -> None:
    assert window_probability(0.1, 1) == pytest.approx(0.1)
    assert window_probability(0.1, 2) == pytest.approx(0.19)
    assert window_probability(0.0, 5) == 0.0
    # a 1-in-1000-year event over 5 years: about 0.5 %, the B/C edge
    assert window_probability(0.001, 5) == pytest.approx(0.004990, abs=1e-6)
