"""Impact suggestions from a cascade timeline: derivations, and never an invented class."""

from __future__ import annotations

import pytest
from tests.cascade_reference import SMALL, known_table_profile

from weerbaar.cascade import CascadeGraph, Propagation, run_id, suggest_impacts
from weerbaar.io.vital_files import dutch_catalogue
from weerbaar.methods.registry import get_profile, profile_names

UNKNOWN = "indicator table unknown in profile {}: the analyst chooses the class"


def _run(hours: float = 48):  # type: ignore[no-untyped-def]
    g = CascadeGraph.from_catalogue(SMALL)
    timeline = Propagation(hours=hours).run(g, g.indices(["e"]))
    return g, timeline, run_id(g, [0], timeline.settings)


def test_derivation_known_answers_and_no_class_with_an_unknown_table() -> None:
    g, timeline, rid = _run()
    s = suggest_impacts(timeline, g, get_profile("gra-2019"), run_id=rid)
    basic, daily = s.get("2.3"), s.get("5.1")
    # 5.1: P(t) = max(1,000,000 · x_e, 200,000 · x_w) = 1,000,000 for all 48 h (= 2 days);
    # aspects: energy, drinking water → 2
    assert daily.indicators == {"people": 1_000_000, "duration": 2.0, "aspects": 2.0}
    assert daily.derivation["person_hours"] == 48_000_000
    # 2.3: only w (basic need): 200,000 people from t = 2 → 46 h
    assert basic.indicators == {"people": 200_000, "duration": 46 / 24}
    assert basic.derivation["person_hours"] == 46 * 200_000
    for item in (basic, daily):
        assert item.suggested_class is None and item.table_status == "unknown"
        assert item.note == UNKNOWN.format("gra-2019")


@pytest.mark.parametrize("name", profile_names())
def test_no_shipped_profile_gets_an_invented_class(name: str) -> None:
    g, timeline, rid = _run()
    profile = get_profile(name)
    result = suggest_impacts(timeline, g, profile, run_id=rid)
    for item in result.suggestions:
        assert item.suggested_class is None
        assert item.note == UNKNOWN.format(profile.id)
    if name == "uk-nrr-2023":
        assert not result.suggestions and "has no criterion" in result.notes[0]


def test_a_known_table_gives_a_class_with_its_provenance() -> None:
    g, timeline, rid = _run()
    s = suggest_impacts(timeline, g, known_table_profile(), run_id=rid)
    # 1,000,000 people ≥ 100,000, 2 days ≥ 1, 2 aspects ≥ 2 → C (the highest row met)
    assert s.get("5.1").suggested_class == "C"
    assert "provisional" in s.get("5.1").note
    assert s.get("2.3").suggested_class is None  # its table is still unknown
    # a short run (12 h = 0.5 day): only row A is met
    g, timeline, rid = _run(hours=12)
    assert suggest_impacts(timeline, g, known_table_profile(),
                           run_id=rid).get("5.1").suggested_class == "A"


def test_the_packaged_catalogue_derives_nothing_it_does_not_know() -> None:
    g = CascadeGraph.from_catalogue(dutch_catalogue().catalogue)
    timeline = Propagation(hours=24).run(g, g.indices(["1"]))
    s = suggest_impacts(timeline, g, known_table_profile(), run_id="x")
    daily = s.get("5.1")
    # no population or aspects in the Dutch list: indicators unknown, so no class even with a table
    assert daily.indicators == {"people": None, "duration": None, "aspects": None}
    assert daily.suggested_class is None and "could not be derived" in daily.note
    assert s.illustrative and any("ILLUSTRATIVE" in n for n in s.notes)
