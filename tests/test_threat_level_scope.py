"""The national terrorism threat level (DTN 1–5) of a cycle and the scope of scenarios and
measures: the domain's checks, the workspace file (an exact round trip; files without the new
keys unchanged), the use cases on SQLite and PostgreSQL (a stale revision is a conflict that
overwrites nothing; entries above the recorder's clearance are kept), the command line, the API,
the pages (the level beside the terrorism theme, the scope filter) and the report.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import inspect
from tests.operator_support import OPERATOR, export_workbook_file
from tests.store.conftest import BACKENDS, Databases, pg_enabled
from tests.web.support import DRAFT, FROZEN, PASSWORDS, build_database

from weerbaar.cli import main
from weerbaar.domain import (
    CycleKind,
    Measure,
    Scenario,
    ScenarioType,
    Scope,
    ThreatLevel,
    ThreatLevelEntry,
    ThreatLevelHistory,
)
from weerbaar.domain.threat_level import THREAT_LEVEL_NAMES, THREAT_LEVEL_SCALE
from weerbaar.errors import Conflict, InvalidInput, PermissionDenied
from weerbaar.i18n import texts
from weerbaar.i18n.names import scope_name, threat_level_name
from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import export_cycle, import_cycle
from weerbaar.services.excel import import_workbook
from weerbaar.services.measures import get_measure, list_measures, save_measure
from weerbaar.services.reports import build_report
from weerbaar.services.scenarios import get_scenario, list_scenarios, save_scenario
from weerbaar.services.threat_level import get_threat_level, new_entry, record_threat_level
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, open_store, upgrade
from weerbaar.web import create_app

TERRORISM = "terrorism-extremism"
SEED_SENTENCE = "verlaagd van 4 naar 3"


# --- the domain --------------------------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 6, -1, 99])
def test_a_level_outside_1_to_5_is_refused_naming_the_key(
        write: Callable[[str, str], Path], level: int) -> None:
    path = write("ws.yaml", _workspace(threat=f"""
threat_level:
  theme: th
  entries:
    - level: 3
    - level: {level}
"""))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(path)
    assert caught.value.location == ["threat_level", "entries", 1, "level"]
    assert "1, 2, 3, 4 or 5" in caught.value.message
    with pytest.raises(ValidationError):
        ThreatLevelEntry(level=level)


def test_a_level_given_to_a_use_case_outside_1_to_5_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        new_entry(level=6)
    assert caught.value.location == ["threat_level", "entry", "level"]
    assert caught.value.expected is not None and "3 significant" in caught.value.expected


def test_dates_run_from_old_to_new_and_the_theme_must_exist(
        write: Callable[[str, str], Path]) -> None:
    backwards = write("back.yaml", _workspace(threat="""
threat_level:
  theme: th
  entries:
    - {level: 4, date: 2020-05-01}
    - {level: 3, period: undated}
    - {level: 3, date: 2019-01-01}
"""))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(backwards)
    assert caught.value.location == ["threat_level", "entries"]
    assert "entry 2 is dated 2019-01-01, before entry 0" in caught.value.message
    elsewhere = write("theme.yaml", _workspace(threat="""
threat_level:
  theme: no-such-theme
  entries: [{level: 2}]
"""))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(elsewhere)
    assert caught.value.location == ["threat_level", "theme"]


def test_the_scale_has_five_named_levels_with_provenance() -> None:
    assert [int(level) for level in ThreatLevel] == [1, 2, 3, 4, 5]
    assert [THREAT_LEVEL_NAMES[level].nl for level in ThreatLevel] == [
        "minimaal", "beperkt", "aanzienlijk", "substantieel", "kritiek"]
    assert [THREAT_LEVEL_NAMES[level].en for level in ThreatLevel] == [
        "minimal", "limited", "significant", "substantial", "critical"]
    assert THREAT_LEVEL_SCALE.status.value == "verified" and THREAT_LEVEL_SCALE.source
    history = ThreatLevelHistory(entries=(ThreatLevelEntry(level=ThreatLevel.SUBSTANTIAL),
                                          ThreatLevelEntry(level=ThreatLevel.SIGNIFICANT)))
    assert history.current is not None and history.current.level == 3


def test_the_catalogues_name_the_levels_and_scopes_as_the_domain_does() -> None:
    for lang in ("nl", "en"):
        t = texts(lang)
        for level, name in THREAT_LEVEL_NAMES.items():
            assert threat_level_name(t, level) == name.get(lang)
        assert t("Threat level") and t("Scope")
    nl = texts("nl")
    assert [scope_name(nl, s) for s in Scope] == [
        "Europees Nederland", "Caribisch Nederland", "Koninkrijk"]
    assert nl("National terrorism threat level") == "Dreigingsniveau terrorisme"
    assert scope_name(nl, None) == "Geen reikwijdte opgegeven"


def test_an_absent_scope_is_left_out_of_the_document() -> None:
    scenario = Scenario(id="s", title="S", theme="t", type=ScenarioType.HAZARD)
    assert "scope" not in scenario.model_dump(mode="json")
    assert "scope" not in Measure(id="m", title="M").model_dump(mode="json")
    placed = scenario.model_copy(update={"scope": Scope.CARIBBEAN_NETHERLANDS})
    assert placed.model_dump(mode="json")["scope"] == "caribbean-netherlands"
    with pytest.raises(ValidationError):
        Measure(id="m", title="M", scope="bonaire")


# --- workspace files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nvs-2019", "midterm-2021"])
def test_the_examples_carry_the_seed_levels_and_round_trip_exactly(
        name: str, tmp_path: Path) -> None:
    workspace = load_workspace(f"example:{name}")
    history = workspace.threat_level
    assert history is not None and history.theme == TERRORISM
    levels = [int(e.level) for e in history.entries]
    assert levels == ([4] if name == "nvs-2019" else [4, 3])
    assert all(e.date is None for e in history.entries)  # the seed gives no date
    assert all(SEED_SENTENCE in (e.source or "") for e in history.entries)
    assert workspace.illustrative
    profile = get_profile(workspace.profile)
    text = dump_workspace(workspace, profile)
    assert "\nscope:" not in text and "  scope:" not in text  # no scope stated anywhere
    path = tmp_path / "again.yaml"
    path.write_text(text, encoding="utf-8")
    again = load_workspace(path)
    assert again == workspace and dump_workspace(again, profile) == text


def test_scope_and_a_dated_marked_history_round_trip_exactly(
        write: Callable[[str, str], Path], tmp_path: Path) -> None:
    path = write("ws.yaml", _workspace(scope="kingdom", measure_scope="caribbean-netherlands",
                                       threat="""
threat_level:
  theme: th
  entries:
    - {level: 4, period: "bij het verschijnen van de NVS in 2019", source: "de bron"}
    - {level: 2, date: 2023-02-14, source: "verlaagd", marking: confidential}
"""))
    workspace = load_workspace(path)
    assert workspace.scenarios[0].scope is Scope.KINGDOM
    assert workspace.measures[0].scope is Scope.CARIBBEAN_NETHERLANDS
    assert workspace.threat_level is not None
    assert workspace.threat_level.entries[1].marking == "confidential"
    profile = get_profile(workspace.profile)
    text = dump_workspace(workspace, profile)
    assert "scope: kingdom" in text and "scope: caribbean-netherlands" in text
    again_path = tmp_path / "again.yaml"
    again_path.write_text(text, encoding="utf-8")
    again = load_workspace(again_path)
    assert again == workspace and dump_workspace(again, profile) == text


def test_an_unknown_scope_is_refused_naming_the_key(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_workspace(write("ws.yaml", _workspace(scope="bonaire")))
    assert caught.value.location == ["scenarios", 0, "scope"]


# --- the use cases on both databases ---------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    if request.param == "postgresql" and not pg_enabled():
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    dbs = Databases(request.param, tmp_path)
    yield dbs
    dbs.close()


@pytest.fixture
def small_cycle(databases: Databases, write: Callable[[str, str], Path]) -> Store:
    """A draft cycle ``c`` with a threat level (2 entries) beside theme ``th``, one scenario
    (scope kingdom) and one measure (no scope)."""
    store = databases.new()
    path = write("ws.yaml", _workspace(scope="kingdom", threat="""
threat_level:
  theme: th
  entries:
    - {level: 4, period: "2019"}
    - {level: 3, period: "since 2019"}
"""))
    import_cycle(store, OPERATOR, str(path), key="c", kind=CycleKind.RISK_ANALYSIS)
    return store


def test_recording_a_change_adds_an_entry_and_a_stale_revision_overwrites_nothing(
        small_cycle: Store) -> None:
    store = small_cycle
    record = get_threat_level(store, OPERATOR, "c")
    assert record.revision == 1 and record.current is not None and record.current.level == 3
    entry = new_entry(level=2, date="2024-01-10", source="lowered")
    assert record_threat_level(store, OPERATOR, "c", entry, expected_revision=1,
                               reason="DTN lowered") == 2
    with pytest.raises(Conflict) as caught:
        record_threat_level(store, OPERATOR, "c", new_entry(level=5), expected_revision=1)
    assert caught.value.current is not None
    assert [e["level"] for e in caught.value.current["entries"]] == [4, 3, 2]
    now = get_threat_level(store, OPERATOR, "c")
    assert now.revision == 2 and [int(e.level) for e in now.history.entries] == [4, 3, 2]  # type: ignore[union-attr]
    with pytest.raises(InvalidInput) as refused:  # before the last dated entry
        record_threat_level(store, OPERATOR, "c", new_entry(level=3, date="2023-01-01"),
                            expected_revision=2)
    assert refused.value.location == ["threat_level", "entries", 3]
    assert get_threat_level(store, OPERATOR, "c").revision == 2


def test_a_first_entry_needs_its_theme_and_revision_zero(small_cycle: Store) -> None:
    store = small_cycle
    import_cycle(store, OPERATOR, _ws_object(), key="empty", kind=CycleKind.RISK_ANALYSIS)
    assert get_threat_level(store, OPERATOR, "empty").revision == 0
    with pytest.raises(InvalidInput) as caught:
        record_threat_level(store, OPERATOR, "empty", new_entry(level=3), expected_revision=0)
    assert caught.value.location == ["threat_level", "theme"]
    assert record_threat_level(store, OPERATOR, "empty", new_entry(level=3),
                               expected_revision=0, theme="th") == 1
    with pytest.raises(Conflict):  # made as if there were none
        record_threat_level(store, OPERATOR, "empty", new_entry(level=2), expected_revision=0)


def test_entries_above_the_recorders_clearance_are_hidden_and_kept(small_cycle: Store) -> None:
    store = small_cycle
    record_threat_level(store, OPERATOR, "c", new_entry(level=4, marking="secret"),
                        expected_revision=1)
    capped = Viewer.operator("low", clearance="internal")
    seen = get_threat_level(store, capped, "c")
    assert [int(e.level) for e in seen.history.entries] == [4, 3]  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):  # a marking above one's clearance
        record_threat_level(store, capped, "c", new_entry(level=1, marking="secret"),
                            expected_revision=2)
    assert record_threat_level(store, capped, "c", new_entry(level=2),
                               expected_revision=2) == 3
    whole = get_threat_level(store, OPERATOR, "c")
    assert [(int(e.level), e.marking) for e in whole.history.entries] == [  # type: ignore[union-attr]
        (4, None), (3, None), (4, "secret"), (2, None)]
    exported = export_cycle(store, capped, "c").text
    assert "secret" not in exported and "level: 2" in exported


def test_scope_is_kept_when_left_out_cleared_when_asked_and_an_unchanged_save_changes_nothing(
        small_cycle: Store) -> None:
    store = small_cycle
    record = get_scenario(store, OPERATOR, "c", "s1")
    assert record.scenario.scope is Scope.KINGDOM and record.input["scope"] == "kingdom"
    same = dict(record.input)
    assert save_scenario(store, OPERATOR, "c", "s1", same, expected_revision=1) == 1
    without = {k: v for k, v in record.input.items() if k != "scope"}
    assert save_scenario(store, OPERATOR, "c", "s1", without, expected_revision=1) == 1
    assert save_scenario(store, OPERATOR, "c", "s1",
                         {**without, "scope": "caribbean-netherlands"}, expected_revision=1) == 2
    assert get_scenario(store, OPERATOR, "c", "s1").scenario.scope is Scope.CARIBBEAN_NETHERLANDS
    with pytest.raises(InvalidInput) as caught:
        save_scenario(store, OPERATOR, "c", "s1", {**without, "scope": "bonaire"},
                      expected_revision=2)
    assert caught.value.location == ["scope"]
    assert save_scenario(store, OPERATOR, "c", "s1", without, expected_revision=2,
                         delete=["scope"]) == 3
    assert get_scenario(store, OPERATOR, "c", "s1").scenario.scope is None
    measure = get_measure(store, OPERATOR, "c", "m1").measure
    placed = measure.model_copy(update={"scope": Scope.EUROPEAN_NETHERLANDS})
    assert save_measure(store, OPERATOR, "c", placed, expected_revision=1) == 2
    sent = Measure.model_validate({k: v for k, v in placed.model_dump().items() if k != "scope"})
    assert save_measure(store, OPERATOR, "c", sent, expected_revision=2) == 2  # kept, unchanged
    assert get_measure(store, OPERATOR, "c", "m1").measure.scope is Scope.EUROPEAN_NETHERLANDS


def test_the_scope_filter_of_the_lists(small_cycle: Store) -> None:
    store = small_cycle
    ids = {r.scenario.id for r in list_scenarios(store, OPERATOR, "c").rows}
    assert ids == {"s1", "s2"}
    assert [r.scenario.id for r in list_scenarios(store, OPERATOR, "c",
                                                  of_scope="kingdom").rows] == ["s1"]
    assert [r.scenario.id for r in list_scenarios(store, OPERATOR, "c",
                                                  of_scope="none").rows] == ["s2"]
    assert not list_scenarios(store, OPERATOR, "c", of_scope="european-netherlands").rows
    assert [m.id for m in list_measures(store, OPERATOR, "c", of_scope="none").measures] == ["m1"]
    with pytest.raises(InvalidInput) as caught:
        list_measures(store, OPERATOR, "c", of_scope="bonaire")
    assert caught.value.location == ["scope"]


def test_an_excel_import_keeps_the_scope_and_the_threat_level(small_cycle: Store,
                                                              tmp_path: Path) -> None:
    """Workbooks carry neither: bringing a cycle in line with one loses neither."""
    store = small_cycle
    workbook = export_workbook_file(store, "c", tmp_path / "c.xlsx")
    import_workbook(store, OPERATOR, workbook, key="c")
    assert get_scenario(store, OPERATOR, "c", "s1").scenario.scope is Scope.KINGDOM
    record = get_threat_level(store, OPERATOR, "c")
    assert record.revision == 1 and [int(e.level) for e in record.history.entries] == [4, 3]  # type: ignore[union-attr]


def test_the_migration_adds_and_removes_the_history_table(databases: Databases) -> None:
    store = databases.new(upgraded=False)
    upgrade(store.engine, "0009")
    assert "threat_levels" not in inspect(store.engine).get_table_names()
    upgrade(store.engine, "0010")
    assert "threat_levels" in inspect(store.engine).get_table_names()


# --- command line, API, pages, report --------------------------------------------------------


@pytest.fixture(scope="module")
def example_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("threat-level") / "template.sqlite")


@pytest.fixture
def example_db(example_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "examples.sqlite"
    shutil.copyfile(example_template, target)
    return target


def test_the_command_line_shows_the_history_and_records_a_change(
        example_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(example_db)
    assert main(["cycle", "threat-level", DRAFT, "--db", db, "--lang", "nl"]) == 0
    shown = capsys.readouterr().out
    assert "Huidig dreigingsniveau: 3 – aanzienlijk" in shown and "4 – substantieel" in shown
    assert main(["cycle", "threat-level", DRAFT, "--db", db, "--set", "9"]) != 0
    assert "--set" in capsys.readouterr().err
    assert main(["cycle", "threat-level", DRAFT, "--db", db, "--set", "2", "--date",
                 "2022-12-01", "--reason", "verlaagd naar 2", "--expected-revision", "1"]) != 0
    assert "current revision is 2" in capsys.readouterr().err
    assert main(["cycle", "threat-level", DRAFT, "--db", db, "--set", "2", "--date",
                 "2022-12-01", "--reason", "verlaagd naar 2", "--json"]) == 0
    assert '"current": 2' in capsys.readouterr().out
    assert main(["cycle", "threat-level", FROZEN, "--db", db, "--set", "3"]) != 0  # frozen
    capsys.readouterr()
    assert main(["cycle", "scenarios", DRAFT, "--db", db, "--scope", "none", "--json"]) == 0
    listed = capsys.readouterr().out
    assert '"scope": null' in listed and '"kingdom"' not in listed
    assert main(["measures", "list", DRAFT, "--db", db, "--scope", "bonaire"]) != 0
    assert "scope" in capsys.readouterr().err


@pytest.fixture
def web(example_db: Path) -> Iterator[Callable[[str | None], TestClient]]:
    store = open_store(str(example_db))
    app = create_app(store)
    clients: list[TestClient] = []

    def client(name: str | None) -> TestClient:
        made = TestClient(app)
        clients.append(made)
        if name is not None:
            answer = made.post("/api/v1/login", json={"username": name,
                                                     "password": PASSWORDS[name]})
            assert answer.status_code == 200, answer.text
            made.headers["X-CSRF-Token"] = answer.json()["csrf"]
        return made

    yield client
    for made in clients:
        made.close()
    store.dispose()


def test_the_api_reads_and_records_the_level(web: Callable[[str | None], TestClient]) -> None:
    cora, ann = web("cora"), web("ann")
    read = ann.get(f"/api/v1/cycles/{DRAFT}/threat-level").json()
    assert read["current"] == 3 and read["theme"] == TERRORISM and read["revision"] == 2
    assert read["scale"]["levels"]["3"] == {"nl": "aanzienlijk", "en": "significant"}
    body = {"entry": {"level": 2, "date": "2022-12-01", "source": "lowered"},
            "expected_revision": 2, "reason": "DTN"}
    assert ann.post(f"/api/v1/cycles/{DRAFT}/threat-level", json=body).status_code == 403
    refused = cora.post(f"/api/v1/cycles/{DRAFT}/threat-level",
                        json={**body, "entry": {"level": 6}})
    assert refused.status_code == 422 and "level" in refused.text
    assert cora.post(f"/api/v1/cycles/{DRAFT}/threat-level", json=body).json() == {"revision": 3}
    stale = cora.post(f"/api/v1/cycles/{DRAFT}/threat-level", json=body)
    assert stale.status_code == 409
    assert [e["level"] for e in stale.json()["current"]["entries"]] == [4, 3, 2]
    assert web(None).get(f"/api/v1/cycles/{DRAFT}/threat-level").status_code == 401


def test_the_api_keeps_a_scope_left_out_and_filters_by_scope(
        web: Callable[[str | None], TestClient]) -> None:
    ann = web("ann")
    base = f"/api/v1/cycles/{DRAFT}/scenarios"
    first = ann.get(base).json()[0]
    sid, revision = first["id"], first["revision"]
    given = ann.put(f"{base}/{sid}", json={"scenario": {**first["scores"], "scope": "kingdom"},
                                           "expected_revision": revision})
    assert given.status_code == 200, given.text
    now = given.json()["revision"]
    unchanged = ann.put(f"{base}/{sid}", json={"scenario": first["scores"],
                                               "expected_revision": now})
    assert unchanged.json() == {"revision": now}  # scope left out: kept, nothing changed
    assert [s["id"] for s in ann.get(base, params={"scope": "kingdom"}).json()] == [sid]
    assert sid not in [s["id"] for s in ann.get(base, params={"scope": "none"}).json()]
    assert ann.get(base, params={"scope": "bonaire"}).status_code == 422


def test_the_pages_show_the_level_beside_the_terrorism_theme_and_filter_by_scope(
        web: Callable[[str | None], TestClient]) -> None:
    vic = web("vic")
    review = vic.get(f"/cycles/{DRAFT}/reviews/{TERRORISM}?lang=nl")
    assert review.status_code == 200
    html = review.text
    assert 'id="threat-level"' in html and "Huidig dreigingsniveau" in html
    assert "3 – aanzienlijk" in html and "4 – substantieel" in html
    assert "geen kans" in html  # an indicator, not a probability
    other = vic.get(f"/cycles/{DRAFT}/reviews/state-threats?lang=nl").text
    assert 'id="threat-level"' not in other
    listing = vic.get(f"/cycles/{DRAFT}/reviews?lang=en").text
    row = next(line for line in listing.splitlines() if f"/reviews/{TERRORISM}\"" in line)
    assert "Threat level: 3 – significant" in row
    ann = web("ann")
    scenario = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios").json()[1]
    ann.put(f"/api/v1/cycles/{DRAFT}/scenarios/{scenario['id']}",
            json={"scenario": {**scenario["scores"], "scope": "caribbean-netherlands"},
                  "expected_revision": scenario["revision"]})
    filtered = ann.get(f"/cycles/{DRAFT}/scenarios?scope=caribbean-netherlands&lang=en").text
    assert f"/scenarios/{scenario['id']}\"" in filtered and "Caribbean Netherlands" in filtered
    assert filtered.count("<tr><td><a href=") == 1
    assert ann.get(f"/cycles/{DRAFT}/scenarios?scope=bonaire").status_code == 422
    form = ann.get(f"/cycles/{DRAFT}/scenarios/{scenario['id']}/edit?lang=en").text
    assert '<option value="caribbean-netherlands" selected>' in form


def test_the_report_shows_the_level_in_the_terrorism_chapter_and_scope_when_stated(
        example_db: Path) -> None:
    store = open_store(str(example_db))
    try:
        run = build_report(store, OPERATOR, DRAFT, formats="html", kind="review", lang="nl")
        html = next(iter(run.files.values())).decode("utf-8")
        chapter = html[html.index(">Terrorisme en extremisme</h2>"):]
        chapter = chapter[:chapter.index("<h2 ", 10)]
        assert "Dreigingsniveau terrorisme:" in chapter and "3 – aanzienlijk" in chapter
        assert "Verloop van het dreigingsniveau" in chapter and SEED_SENTENCE in chapter
        assert ">Reikwijdte<" not in html  # no scenario states a scope
        record = get_scenario(store, OPERATOR, DRAFT, "lone-actor-attack")
        save_scenario(store, OPERATOR, DRAFT, "lone-actor-attack",
                      {**record.input, "scope": "kingdom"},
                      expected_revision=record.stored.revision)
        again = build_report(store, OPERATOR, DRAFT, formats="html", kind="review", lang="nl")
        text = next(iter(again.files.values())).decode("utf-8")
        assert ">Reikwijdte<" in text and ">Koninkrijk<" in text
    finally:
        store.dispose()


# --- helpers -----------------------------------------------------------------------------------


def _workspace(*, threat: str = "", scope: str | None = None,
               measure_scope: str | None = None) -> str:
    scope_line = f"\n    scope: {scope}" if scope else ""
    measure_line = f"\n    scope: {measure_scope}" if measure_scope else ""
    return f"""schema: weerbaar.workspace/1
profile: gra-2019
{threat}
themes:
  - id: th
    name: {{nl: Terrorisme, en: Terrorism}}
    risk_categories: [{{id: rc, name: {{en: Terrorism}}}}]
scenarios:
  - id: s1
    title: Aanslag
    theme: th
    type: threat
    impact: {{"2.1": B}}
    likelihood: C{scope_line}
  - id: s2
    title: Tweede
    theme: th
    type: threat
    impact: {{"2.1": A}}
    likelihood: B
measures:
  - id: m1
    title: Maatregel
    themes: [th]{measure_line}
"""


def _ws_object() -> Any:
    from weerbaar.domain import RiskCategory, Theme, Workspace
    from weerbaar.domain.text import LocalText

    return Workspace(profile="gra-2019", themes=(Theme(
        id="th", name=LocalText(en="Terrorism"),
        risk_categories=(RiskCategory(id="rc", name=LocalText(en="T")),)),))
