"""The shipped method profiles: they validate, match METHOD.md, and broken copies fail clearly."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from weerbaar.domain import Status
from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import Fact, MethodProfile
from weerbaar.methods.registry import get_profile, load_profile_file, profile_names

NRB_2008 = ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "4.1", "5.1", "5.2", "5.3"]
GRA_2019 = [
    "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "5.1", "5.2", "5.3",
    "6.1", "6.2", "6.3", "6.4",
]
RNV_2022 = [
    "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "5.1", "5.2", "5.3",
    "6.1", "6.2", "6.3", "6.4", "6.5",
]

CRITERIA_COUNTS = {
    "nrb-2008": 10,
    "gra-2019": 16,
    "rnv-2022": 18,
    "regional-2019": 10,
    "uk-nrr-2023": 7,
}
INTEREST_COUNTS = {
    "nrb-2008": 5,
    "gra-2019": 6,
    "rnv-2022": 6,
    "regional-2019": 6,
    "uk-nrr-2023": 7,
}

NAMES = profile_names()


def _profile_file(name: str) -> Path:
    return Path(str(resources.files("weerbaar.methods.profiles") / f"{name}.yaml"))


def _facts(obj: object, path: str = "") -> list[tuple[str, Fact[Any]]]:
    """Every Fact in a model, with a readable path."""
    found: list[tuple[str, Fact[Any]]] = []
    if isinstance(obj, Fact):
        found.append((path, obj))
    if isinstance(obj, BaseModel):
        for field in type(obj).model_fields:
            found += _facts(getattr(obj, field), f"{path}.{field}")
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            found += _facts(item, f"{path}[{index}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            found += _facts(item, f"{path}.{key}")
    return found


# -- the shipped profiles ---------------------------------------------------------------------


def test_all_expected_profiles_are_shipped() -> None:
    assert set(NAMES) == set(CRITERIA_COUNTS)


@pytest.mark.parametrize("name", NAMES)
def test_profile_validates_from_its_file(name: str) -> None:
    profile = get_profile(name)
    assert isinstance(profile, MethodProfile)
    assert profile.id == name
    again = load_profile_file(_profile_file(name))
    assert again == profile


@pytest.mark.parametrize("name", NAMES)
def test_criterion_and_interest_counts(name: str) -> None:
    profile = get_profile(name)
    assert len(profile.criteria) == CRITERIA_COUNTS[name]
    assert len(profile.interests) == INTEREST_COUNTS[name]


@pytest.mark.parametrize(
    ("name", "ids"),
    [("nrb-2008", NRB_2008), ("gra-2019", GRA_2019), ("rnv-2022", RNV_2022)],
)
def test_national_criterion_ids_match_method(name: str, ids: list[str]) -> None:
    assert [c.id for c in get_profile(name).criteria] == ids


def test_national_concepts_are_stable_across_versions() -> None:
    # Ids are stable across the national versions, so each id keeps its concept.
    concepts: dict[str, str] = {}
    for name in ("nrb-2008", "gra-2019", "rnv-2022"):
        for c in get_profile(name).criteria:
            assert concepts.setdefault(c.id, c.concept) == c.concept, (name, c.id)


def test_nrb_2008_names_socio_psychological_impact() -> None:
    c = get_profile("nrb-2008").criterion("5.3")
    assert c.name.en == "Socio-psychological impact"
    assert c.name.nl == "Sociaal-psychologische impact"


def test_rnv_2022_new_criteria() -> None:
    profile = get_profile("rnv-2022")
    assert profile.criterion("1.4").concept == "nl.allied-territory"
    assert profile.criterion("6.5").concept == "nl.instability-near-eu"
    assert "regimes" in (profile.criterion("6.4").name.en or "")
    assert profile.likelihood.hazard.horizon_years is not None
    assert profile.likelihood.hazard.horizon_years.value == 5


def test_regional_profile_namespaces_cultural_heritage() -> None:
    regional = get_profile("regional-2019")
    ids = [c.id for c in regional.criteria]
    assert "1.2" not in ids
    assert ids == [i for i in NRB_2008 if i != "1.2"] + ["6.1"]
    heritage = regional.criterion("6.1")
    assert heritage.concept == "regional.cultural-heritage"
    assert heritage.concept != get_profile("gra-2019").criterion("6.1").concept
    assert regional.interest_of("6.1").provenance.status is Status.PROVISIONAL


def test_uk_profile_leaves_unknown_numbers_empty() -> None:
    uk = get_profile("uk-nrr-2023")
    assert [c.id for c in uk.criteria] == ["hw", "beh", "ess", "eco", "env", "sec", "int"]
    assert all(c.concept.startswith("uk.") for c in uk.criteria)
    assert uk.impact.codes == ["1", "2", "3", "4", "5"]
    assert uk.impact_scale.not_applicable is None
    assert uk.aggregation.class_values.value is None
    assert uk.impact_scale.factor.value is None
    assert uk.aggregation.default_method.value == "max_class"
    assert uk.aggregation.default_method_provenance.status is Status.PROVISIONAL
    hazard, threat = uk.likelihood.hazard, uk.likelihood.threat
    assert hazard.horizon_years is not None and hazard.horizon_years.value == 5
    assert threat.horizon_years is not None and threat.horizon_years.value == 2
    assert hazard.bands is not None and threat.bands is not None
    assert hazard.bands.value == threat.bands.value
    assert hazard.bands.value is not None
    assert hazard.bands.value["1"] == (0.0, 0.002)
    assert hazard.bands.value["5"] == (0.25, 1.0)


@pytest.mark.parametrize("name", NAMES)
def test_unknown_facts_are_empty_and_known_facts_are_sourced(name: str) -> None:
    facts = _facts(get_profile(name))
    assert facts
    for path, fact in facts:
        if fact.status is Status.UNKNOWN:
            assert fact.value is None, path
        else:
            assert fact.value is not None, path
            assert fact.source, path


@pytest.mark.parametrize("name", NAMES)
def test_every_cited_source_is_listed(name: str) -> None:
    profile = get_profile(name)
    refs = profile.cited_sources()
    assert refs
    assert refs <= set(profile.sources)


@pytest.mark.parametrize("name", NAMES)
def test_concepts_are_unique_within_a_profile(name: str) -> None:
    concepts = [c.concept for c in get_profile(name).criteria]
    assert len(set(concepts)) == len(concepts)


def test_content_hash_is_stable_and_distinct() -> None:
    hashes = {}
    for name in NAMES:
        first = get_profile(name).content_hash
        assert first == get_profile(name).content_hash
        assert first == load_profile_file(_profile_file(name)).content_hash
        hashes[name] = first
    assert len(set(hashes.values())) == len(hashes)


# -- broken profiles ----------------------------------------------------------------------------

GRA_TEXT = _profile_file("gra-2019").read_text(encoding="utf-8")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    assert GRA_TEXT.count(old) == 1, old
    path = tmp_path / "broken.yaml"
    path.write_text(GRA_TEXT.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key_path"),
    [
        pytest.param(
            '    concept: nl.fatalities\n    interest: "2"',
            '    concept: nl.fatalities\n    interest: "9"',
            "key criteria[3].interest",
            id="unknown-interest",
        ),
        pytest.param(
            "      status: provisional\n      status_by_class: {A: corroborated, C: corroborated}",
            "      status: unknown\n      status_by_class: {A: corroborated, C: corroborated}",
            "key criteria[3].thresholds",
            id="unknown-with-value",
        ),
        pytest.param(
            "  denominator:\n    value: null",
            "  denominator:\n    value: all",
            "key aggregation.denominator",
            id="unknown-denominator-with-value",
        ),
        pytest.param(
            "    value: {X: 0, A: 1, B: 3, C: 9, D: 27, E: 81}",
            "    value: {X: 0, A: 1, B: 3, C: 9, D: 27}",
            "key aggregation.class_values.value",
            id="class-values-missing-a-class",
        ),
        pytest.param(
            '  - id: "1.2"',
            '  - id: "1.1"',
            "key criteria[1].id",
            id="duplicate-criterion-id",
        ),
        pytest.param(
            "    concept: nl.fatalities\n",
            "    concept: nl.fatalities\n    colour: red\n",
            "key criteria[3].colour",
            id="unknown-key",
        ),
    ],
)
def test_broken_profile_names_file_and_key(
    tmp_path: Path, old: str, new: str, key_path: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(InvalidInput) as info:
        load_profile_file(path)
    message = str(info.value)
    assert str(path) in message
    assert key_path in message
    assert "line " in message


def test_broken_profile_yaml_syntax_names_file_and_line(tmp_path: Path) -> None:
    # A syntax error has no key path; the error names the file and the line instead.
    path = _broken(tmp_path, "    concept: nl.fatalities\n", "    concept: [nl.fatalities\n")
    with pytest.raises(InvalidInput) as info:
        load_profile_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "not valid YAML" in message
    assert info.value.line is not None
    assert f"line {info.value.line}" in message
    # The faulty line is the criterion 2.1 block (lines 85-87 of gra-2019.yaml).
    assert abs(info.value.line - (GRA_TEXT.splitlines().index('  - id: "2.1"') + 2)) <= 2


def test_uncited_source_is_refused(tmp_path: Path) -> None:
    path = _broken(
        tmp_path,
        "      source: worked-examples; weerbaar-working\n      locator: \"method facts §4\"",
        "      source: nowhere\n      locator: \"method facts §4\"",
    )
    with pytest.raises(InvalidInput) as info:
        load_profile_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "'nowhere'" in message
