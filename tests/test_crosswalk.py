"""The crosswalk between method profiles (gra-2019 -> rnv-2022): the shipped file and its checks,
carrying a workspace (every score lands on its target criterion with the same classes or is in
the unmapped list), themes kept, renamed and merged, a carried cycle through the service on
SQLite and PostgreSQL, and ``weerbaar cycle clone SRC --key NEW --profile rnv-2022``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.operator_support import OPERATOR
from tests.store.conftest import BACKENDS, Databases, pg_enabled

from weerbaar.cli import main
from weerbaar.domain import (
    CycleKind,
    GenericInstrument,
    Scenario,
    ScoreRange,
    Status,
    StrategyText,
    Workspace,
)
from weerbaar.errors import InvalidInput, MethodError
from weerbaar.i18n import texts
from weerbaar.io import load_workspace
from weerbaar.methods import get_profile
from weerbaar.methods.crosswalk import (
    LIKELIHOOD,
    MESSAGES,
    ChangeKind,
    CriterionChange,
    Crosswalk,
    ThemeChange,
    carry_workspace,
    crosswalk_ids,
    get_crosswalk,
    load_crosswalk_file,
    unscored_criteria,
)
from weerbaar.methods.profile import MethodProfile
from weerbaar.store import Store

SHIPPED = Path(__file__).parents[1] / "src/weerbaar/methods/crosswalks/gra-2019--rnv-2022.yaml"
GRA, RNV = get_profile("gra-2019"), get_profile("rnv-2022")
EXAMPLE = load_workspace("example:midterm-2021")
NEW_IN_2022 = ("1.4", "6.5")


def shipped() -> Crosswalk:
    return get_crosswalk("gra-2019", "rnv-2022")


def shipped_data() -> dict[str, Any]:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def source_scores(workspace: Workspace) -> list[tuple[str, str, str | None]]:
    """Every score of the workspace: (scenario, criterion or 'likelihood', expert)."""
    found = []
    for s in workspace.scenarios:
        found += [(s.id, cid, None) for cid in s.impact]
        found += [(s.id, LIKELIHOOD, None)] if s.likelihood is not None else []
        for e in s.experts:
            found += [(s.id, cid, e.expert) for cid in e.impact]
            found += [(s.id, LIKELIHOOD, e.expert)] if e.likelihood is not None else []
    return found


# -- the shipped crosswalk -------------------------------------------------------------------

def test_the_shipped_crosswalk_links_every_criterion_as_the_method_facts_state() -> None:
    cw = shipped()
    assert crosswalk_ids() == ["gra-2019--rnv-2022"]
    assert [c.source for c in cw.criteria] == [c.id for c in GRA.criteria]
    changes = {c.source: c.change for c in cw.criteria}
    assert changes.pop("6.4") is CriterionChange.RENAMED  # 'and regimes' added in 2022
    assert set(changes.values()) == {CriterionChange.SAME}
    assert all(c.target == c.source for c in cw.criteria)  # ids are stable (method facts §2)
    assert tuple(n.id for n in cw.new_criteria) == NEW_IN_2022
    assert all(c.provenance.status is Status.VERIFIED for c in cw.criteria)
    assert all(n.provenance.status is Status.VERIFIED for n in cw.new_criteria)


def test_the_shipped_crosswalk_names_no_2022_theme() -> None:
    """The method facts give the 2019 themes but not the nine 2022 ones: every theme of the
    example is kept as it is, with status unknown, never mapped onto an invented theme."""
    cw = shipped()
    assert sorted(t.source for t in cw.themes) == sorted(t.id for t in EXAMPLE.themes)
    for link in cw.themes:
        assert link.change is ThemeChange.KEPT and link.target is None and link.name is None
        assert link.provenance.status is Status.UNKNOWN


def test_the_crosswalk_file_ships_with_the_package() -> None:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"methods/crosswalks/*.yaml"' in text


def test_a_pair_without_crosswalk_is_refused_naming_both_and_those_there_are() -> None:
    with pytest.raises(MethodError) as caught:
        get_crosswalk("gra-2019", "nrb-2008")
    message = str(caught.value)
    assert "'gra-2019'" in message and "'nrb-2008'" in message
    assert "gra-2019 → rnv-2022" in message


# -- schema and profile checks: errors name the file, the key and the line -----------------------

def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()


def _sets(*changes: tuple[tuple[Any, ...], Any]) -> Any:
    def change(data: dict[str, Any]) -> None:
        for path, value in changes:
            _set(path, value)(data)
    return change


@pytest.mark.parametrize(("change", "location", "words"), [
    (_sets((("criteria", 2, "to"), "9.9"), (("criteria", 2, "change"), "moved")),
     ["criteria", 2, "to"], "not in profile rnv-2022"),
    (_sets((("criteria", 0, "from"), "9.9"), (("criteria", 0, "change"), "moved")),
     ["criteria", 0, "from"], "not in profile gra-2019"),
    (_set(("criteria", 0), _DELETE), ["criteria"], "1.1 of gra-2019 is not in the crosswalk"),
    (_set(("new_criteria", 0, "id"), "7.1"), ["new_criteria", 0, "id"], "not in profile rnv-2022"),
    (_set(("new_criteria", 1), _DELETE), ["new_criteria"], "6.5 of rnv-2022 is neither"),
    (_set(("criteria", 15, "change"), "same"), ["criteria", 15, "change"], "names of 6.4"),
    (_set(("criteria", 3, "change"), "renamed"), ["criteria", 3, "change"], "names of 2.1"),
    (_set(("criteria", 1, "change"), "dropped"), ["criteria", 1, "to"], "no target"),
    (_set(("criteria", 1, "to"), "1.3"), ["criteria", 1, "change"], "'moved'"),
    (_set(("criteria", 1, "colour"), "red"), ["criteria", 1, "colour"], "unknown key"),
    (_sets((("to",), "rnv-2099"), (("id",), "gra-2019--rnv-2099")), ["to"],
     "no method profile 'rnv-2099'"),
    (_set(("id",), "gra-to-rnv"), ["id"], "gra-2019--rnv-2022"),
    (_set(("themes", 0, "change"), "merged"), ["themes", 0, "to"], "needs its target"),
    (_set(("themes", 0, "to"), "state-actors"), ["themes", 0, "change"], "no 'to'"),
    (_set(("criteria", 0, "provenance", "source"), "hearsay"), ["sources"], "'hearsay'"),
])
def test_a_bad_crosswalk_is_refused_naming_file_key_and_line(
        tmp_path: Path, change: Any, location: list[str | int], words: str) -> None:
    data = shipped_data()
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_crosswalk_file(path)
    error = caught.value
    assert error.source == str(path)
    assert error.location == location, error
    assert words in error.message, error.message
    assert error.line is not None
    key = location[-1] if isinstance(location[-1], str) else location[0]
    line = path.read_text(encoding="utf-8").splitlines()[error.line - 1]
    assert f"{key}:" in line or line.lstrip().startswith("- from:")  # an absent key: its entry


def test_the_shipped_file_loads_as_a_file_too() -> None:
    assert load_crosswalk_file(SHIPPED) == shipped()


# -- carrying the example (the acceptance test) ------------------------------------------------

def test_every_score_of_the_example_lands_on_its_criterion_or_in_the_unmapped_list() -> None:
    carried = carry_workspace(EXAMPLE, shipped(), GRA, RNV)
    sources = source_scores(EXAMPLE)
    assert len(sources) == 496 + 31  # 31 scenarios x 16 criteria, and 31 likelihoods
    landed = [(c.scenario, c.item, c.expert) for c in carried.carried]
    unmapped = [(u.scenario, u.item, u.expert) for u in carried.unmapped]
    assert len(landed) + len(unmapped) == len(sources)
    assert sorted(landed + unmapped) == sorted(sources)  # each exactly once
    assert unmapped == []  # the two profiles' scales and boundaries are the same
    before = {s.id: s for s in EXAMPLE.scenarios}
    after = {s.id: s for s in carried.workspace.scenarios}
    for c in carried.carried:
        old, new = before[c.scenario], after[c.scenario]
        if c.item == LIKELIHOOD:
            assert new.likelihood == old.likelihood
            continue
        assert c.target == shipped().link(c.item).target  # type: ignore[union-attr]
        assert new.impact[c.target].range == old.impact[c.item].range
        for bound in ("ev", "ll", "ul"):
            assert RNV.impact.code(new.impact[c.target].range.get(bound)) == \
                GRA.impact.code(old.impact[c.item].range.get(bound))


def test_new_criteria_are_left_unscored_and_flagged_per_scenario() -> None:
    carried = carry_workspace(EXAMPLE, shipped(), GRA, RNV)
    assert carried.workspace.profile == "rnv-2022"
    assert carried.incomplete == {s.id: NEW_IN_2022 for s in EXAMPLE.scenarios}
    for s in carried.workspace.scenarios:
        assert not set(NEW_IN_2022) & set(s.impact)
        assert unscored_criteria(s, RNV) == NEW_IN_2022
    flagged = [c for c in carried.changes if c.kind is ChangeKind.SCENARIO_INCOMPLETE]
    assert [c.subject for c in flagged] == [s.id for s in EXAMPLE.scenarios]
    assert flagged[0].render() == \
        f"Scenario {EXAMPLE.scenarios[0].id}: incomplete: 1.4, 6.5 not scored"
    nl = texts("nl")
    assert flagged[0].render(nl.gettext, "nl") == \
        f"Scenario {EXAMPLE.scenarios[0].id}: onvolledig: 1.4, 6.5 niet gescoord"
    new = [c for c in carried.changes if c.kind is ChangeKind.CRITERION_NEW]
    assert [c.subject for c in new] == list(NEW_IN_2022)


def test_themes_reviews_measures_and_the_threat_level_are_carried() -> None:
    carried = carry_workspace(EXAMPLE, shipped(), GRA, RNV)
    ws = carried.workspace
    assert dict(carried.themes) == {t.id: t.id for t in EXAMPLE.themes}
    assert ws.themes == EXAMPLE.themes
    assert ws.reviews == EXAMPLE.reviews and ws.measures == EXAMPLE.measures
    assert ws.threat_level == EXAMPLE.threat_level
    kept = [c for c in carried.changes if c.kind is ChangeKind.THEME_KEPT]
    assert len(kept) == len(EXAMPLE.themes) and {c.status for c in kept} == {Status.UNKNOWN}
    assert carry_workspace(EXAMPLE, shipped(), GRA, RNV) == carried  # pure and repeatable


def test_every_message_of_the_change_list_has_a_dutch_translation() -> None:
    nl = texts("nl")
    for template in MESSAGES.values():
        assert nl.gettext(template) != template, template


def test_a_workspace_of_another_profile_is_refused() -> None:
    other = EXAMPLE.model_copy(update={"profile": "nrb-2008"})
    with pytest.raises(MethodError, match="crosswalk gra-2019--rnv-2022 carries"):
        carry_workspace(other, shipped(), GRA, RNV)


# -- scores that may not be carried -----------------------------------------------------------

def _variant(profile: MethodProfile, change: Any) -> MethodProfile:
    data = profile.model_dump(mode="json", by_alias=True)
    change(data)
    return MethodProfile.model_validate(data)


def _target_variant(data: dict[str, Any]) -> None:
    """rnv-2022 with other boundaries for 2.1 and no half likelihood classes."""
    fatalities = next(c for c in data["criteria"] if c["id"] == "2.1")
    fatalities["thresholds"]["value"] = {"A": 1, "B": 20, "C": 200, "D": 2000, "E": 20000}
    data["likelihood"]["scale"]["half_classes"] = False
    data["likelihood"]["scale"]["half_class_offset"] = None


STRICT_RNV = _variant(RNV, _target_variant)


def _has_half_class(rng: ScoreRange) -> bool:
    return any(rng.get(bound) % 1 for bound in ("ev", "ll", "ul"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_scores_are_each_carried_with_the_same_classes_or_listed_with_a_reason(
        data: st.DataObject) -> None:
    """Property: on a target whose 2.1 boundaries differ and which has no half likelihood
    classes, every score of a random subset lands on its criterion with the same classes, or is
    in the unmapped list for exactly that reason; the two counts add up to the source's."""
    scenarios = []
    for s in data.draw(st.lists(st.sampled_from(EXAMPLE.scenarios), min_size=1, max_size=6,
                                unique_by=lambda s: s.id)):
        keep = data.draw(st.sets(st.sampled_from(list(s.impact))))
        likelihood = s.likelihood
        if likelihood is not None and data.draw(st.booleans()):
            position = data.draw(st.sampled_from([1.5, 2.0, 3.5, 4.0]))
            likelihood = likelihood.model_copy(update={"range": ScoreRange.point(position)})
        scenarios.append(s.model_copy(update={
            "impact": {cid: sc for cid, sc in s.impact.items() if cid in keep},
            "likelihood": likelihood if data.draw(st.booleans()) else None}))
    workspace = EXAMPLE.model_copy(update={"scenarios": tuple(scenarios)})
    carried = carry_workspace(workspace, shipped(), GRA, STRICT_RNV)
    sources = source_scores(workspace)
    assert len(carried.carried) + len(carried.unmapped) == len(sources)
    assert sorted([(c.scenario, c.item, c.expert) for c in carried.carried]
                  + [(u.scenario, u.item, u.expert) for u in carried.unmapped]) == sorted(sources)
    by_id: dict[str, Scenario] = {s.id: s for s in workspace.scenarios}
    for u in carried.unmapped:
        source = by_id[u.scenario]
        if u.item == LIKELIHOOD:
            assert source.likelihood is not None and _has_half_class(source.likelihood.range)
            assert u.reason.key == "class_not_on_target"
        else:
            assert u.item == "2.1" and u.reason.key == "boundaries_differ"
    for c in carried.carried:
        assert c.item != "2.1"
        if c.item == LIKELIHOOD:
            assert not _has_half_class(by_id[c.scenario].likelihood.range)  # type: ignore[union-attr]
    for s in carried.workspace.scenarios:
        assert carried.incomplete.get(s.id, ()) == unscored_criteria(s, STRICT_RNV)
        assert "2.1" not in s.impact


# -- renamed, merged and moved (a crosswalk other than the shipped one) -----------------------

def _judgement_crosswalk() -> Crosswalk:
    """6.4 moved onto 6.5 and 1.3 dropped (both then new), terrorism renamed, natural disasters
    and infectious diseases merged: judgements, marked provisional."""
    data = shipped().model_dump(mode="json", by_alias=True)
    judgement = {"status": "provisional", "source": "method-facts", "locator": "test"}
    for link in data["criteria"]:
        if link["from"] == "6.4":
            link.update({"to": "6.5", "change": "moved", "provenance": judgement})
        if link["from"] == "1.3":
            link.update({"to": None, "change": "dropped", "provenance": judgement})
    data["new_criteria"] = [{"id": "1.4", "provenance": judgement},
                            {"id": "1.3", "provenance": judgement},
                            {"id": "6.4", "provenance": judgement}]
    for link in data["themes"]:
        if link["from"] == "terrorism-extremism":
            link.update({"to": "terrorism", "change": "renamed", "provenance": judgement,
                         "name": {"nl": "Terrorisme", "en": "Terrorism"}})
        if link["from"] == "crisis-management":
            link.update({"to": "crisis-response", "change": "renamed", "provenance": judgement})
        if link["from"] in ("natural-disasters", "infectious-diseases"):
            link.update({"to": "hazards", "change": "merged", "provenance": judgement,
                         "name": {"nl": "Rampen en ziekten", "en": "Disasters and diseases"}})
    return Crosswalk.model_validate(data)


def test_themes_renamed_and_merged_take_every_reference_with_them() -> None:
    cw = _judgement_crosswalk()
    text = StrategyText(instruments=(
        GenericInstrument(id="crisis-management", title="Crisisbeheersing", text="Tekst."),
        GenericInstrument(id="research", title="Onderzoek")))
    carried = carry_workspace(EXAMPLE.model_copy(update={"strategy_text": text}), cw, GRA, RNV)
    ws = carried.workspace
    ids = [t.id for t in ws.themes]
    assert "terrorism" in ids and "hazards" in ids and "natural-disasters" not in ids
    assert len(ids) == len(EXAMPLE.themes) - 1
    hazards = ws.theme("hazards")
    assert hazards.name.en == "Disasters and diseases"
    expected = [c.id for t in EXAMPLE.themes if t.id in ("natural-disasters", "infectious-diseases")
                for c in t.risk_categories]
    assert [c.id for c in hazards.risk_categories] == expected
    for before, after in zip(EXAMPLE.scenarios, ws.scenarios, strict=True):
        assert after.theme == carried.themes[before.theme]
        assert after.risk_category == before.risk_category
    assert ws.threat_level is not None and ws.threat_level.theme == "terrorism"
    assert ws.strategy_text is not None
    assert [(i.id, i.text) for i in ws.strategy_text.instruments] == \
        [("crisis-response", "Tekst."), ("research", "")]
    assert ws.theme("crisis-response").name == EXAMPLE.theme("crisis-management").name
    assert {r.theme for r in ws.reviews} >= {"terrorism"}
    # both merged themes had a review: neither is carried, and the change list says so
    assert "hazards" not in {r.theme for r in ws.reviews}
    dropped = [c.subject for c in carried.changes if c.kind is ChangeKind.REVIEW_NOT_CARRIED]
    assert sorted(dropped) == ["infectious-diseases", "natural-disasters"]
    assert carried.review_origins["terrorism"] == "terrorism-extremism"
    for m in ws.measures:
        assert len(set(m.themes)) == len(m.themes)
        assert not {"natural-disasters", "infectious-diseases", "terrorism-extremism"} & set(m.themes)
    kinds = {c.subject: (c.kind, c.status) for c in carried.changes
             if c.kind in (ChangeKind.THEME_RENAMED, ChangeKind.THEME_MERGED)}
    assert kinds == {"terrorism-extremism": (ChangeKind.THEME_RENAMED, Status.PROVISIONAL),
                     "crisis-management": (ChangeKind.THEME_RENAMED, Status.PROVISIONAL),
                     "natural-disasters": (ChangeKind.THEME_MERGED, Status.PROVISIONAL),
                     "infectious-diseases": (ChangeKind.THEME_MERGED, Status.PROVISIONAL)}


def test_a_moved_criterion_takes_its_scores_and_a_dropped_one_lists_them() -> None:
    carried = carry_workspace(EXAMPLE, _judgement_crosswalk(), GRA, RNV)
    before = {s.id: s for s in EXAMPLE.scenarios}
    for s in carried.workspace.scenarios:
        assert s.impact["6.5"].range == before[s.id].impact["6.4"].range
        assert s.impact["6.5"].criterion == "6.5"
        assert "6.4" not in s.impact and "1.3" not in s.impact
        assert carried.incomplete[s.id] == ("1.3", "1.4", "6.4")
    unmapped = {(u.scenario, u.item) for u in carried.unmapped}
    assert unmapped == {(s.id, "1.3") for s in EXAMPLE.scenarios}
    assert {u.reason.key for u in carried.unmapped} == {"no_counterpart"}
    assert len(carried.carried) + len(carried.unmapped) == len(source_scores(EXAMPLE))
    text = next(c for c in carried.changes if c.kind is ChangeKind.SCORE_DROPPED).render()
    assert "the score of 1.3 is not carried: criterion 1.3 has no counterpart in rnv-2022" in text
    effects = [m for m in carried.workspace.measures if "1.3" in m.effect.criteria]
    assert effects == []


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["themes"][0].update({"to": "x", "change": "merged"}), "receives one theme only"),
    (lambda d: (d["themes"][0].update({"to": "x", "change": "renamed"}),
                d["themes"][1].update({"to": "x", "change": "renamed"})), "is a merge"),
    (lambda d: d["criteria"][1].update({"to": "1.1", "change": "moved"}), "their scores would collide"),
])
def test_theme_and_criterion_targets_must_not_collide(change: Any, words: str) -> None:
    data = shipped().model_dump(mode="json", by_alias=True)
    change(data)
    with pytest.raises(ValueError, match=words):
        Crosswalk.model_validate(data)


# -- the service, on SQLite and PostgreSQL ----------------------------------------------------

@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgresql" and not pg_enabled():
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    databases = Databases(request.param, tmp_path)
    yield databases.new()
    databases.close()


def test_a_cycle_carried_through_the_service_reads_back_as_carried(store: Store) -> None:
    from weerbaar.services.audit import export_audit
    from weerbaar.services.crosswalks import clone_to_profile
    from weerbaar.services.cycles import get_cycle, import_cycle, list_cycles
    from weerbaar.services.scenarios import get_scenario
    from weerbaar.store import cycle_workspace

    import_cycle(store, OPERATOR, "example:midterm-2021", key="mt", kind=CycleKind.MIDTERM_REVIEW)
    dry = clone_to_profile(store, OPERATOR, "mt", "vs", profile="rnv-2022",
                           kind=CycleKind.STRATEGY, dry_run=True)
    assert dry.cycle is None and [c.key for c in list_cycles(store, OPERATOR)] == ["mt"]
    done = clone_to_profile(store, OPERATOR, "mt", "vs", profile="rnv-2022",
                            kind=CycleKind.STRATEGY, reason="to the 2022 method")
    assert done.carried is not None and dry.carried is not None
    assert done.carried.changes == dry.carried.changes
    cycle = get_cycle(store, OPERATOR, "vs")
    assert (cycle.profile_id, cycle.parent, cycle.crosswalk) == \
        ("rnv-2022", "mt", "gra-2019--rnv-2022")
    assert cycle.profile_hash == RNV.content_hash
    assert get_cycle(store, OPERATOR, "mt").crosswalk is None
    workspace, profile = cycle_workspace(store, "vs")
    assert profile == RNV
    carried = done.carried.workspace
    assert workspace.themes == carried.themes
    assert workspace.scenarios == carried.scenarios
    assert workspace.reviews == carried.reviews and workspace.measures == carried.measures
    assert workspace.threat_level == carried.threat_level
    assert get_scenario(store, OPERATOR, "vs", EXAMPLE.scenarios[0].id).unscored == NEW_IN_2022
    assert get_scenario(store, OPERATOR, "mt", EXAMPLE.scenarios[0].id).unscored == ()
    payload = json.dumps(done.to_dict())
    assert json.loads(payload)["crosswalk"]["hash"] == shipped().content_hash
    created = [e for e in export_audit(store, OPERATOR, cycle="vs")
               if e.get("action") == "create" and e.get("entity_type") == "cycle"]
    assert created and created[0]["detail"]["crosswalk"]["id"] == "gra-2019--rnv-2022"


def test_the_service_refuses_a_pair_without_crosswalk_and_writes_nothing(store: Store) -> None:
    from weerbaar.services.crosswalks import clone_to_profile
    from weerbaar.services.cycles import import_cycle, list_cycles

    import_cycle(store, OPERATOR, "example:midterm-2021", key="mt", kind=CycleKind.MIDTERM_REVIEW)
    with pytest.raises(MethodError, match=r"'gra-2019' to 'uk-nrr-2023'.*gra-2019 → rnv-2022"):
        clone_to_profile(store, OPERATOR, "mt", "uk", profile="uk-nrr-2023",
                         kind=CycleKind.STRATEGY)
    same = clone_to_profile(store, OPERATOR, "mt", "copy", profile="gra-2019",
                            kind=CycleKind.STRATEGY)
    assert same.carried is None and same.cycle is not None and same.cycle.crosswalk is None
    assert [c.key for c in list_cycles(store, OPERATOR)] == ["mt", "copy"]


# -- the command line --------------------------------------------------------------------------

def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cycle_clone_with_a_profile(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    assert run(capsys, "cycle", "import", "example:midterm-2021", "--key", "mt", "--db", db)[0] == 0
    code, out, _ = run(capsys, "cycle", "clone", "mt", "--key", "vs", "--profile", "rnv-2022",
                       "--dry-run", "--json", "--db", db)
    payload = json.loads(out)
    assert code == 0 and payload["dry_run"] is True and payload["cycle"] is None
    assert len(payload["carried"]) + len(payload["unmapped"]) == 496 + 31
    assert payload["incomplete"]["election-interference"] == list(NEW_IN_2022)
    code, out, _ = run(capsys, "cycle", "clone", "mt", "--key", "vs", "--profile", "rnv-2022",
                       "--lang", "nl", "--db", db)
    assert code == 0, out
    flat = " ".join(re.sub("[│┃]", " ", out).split())  # the table's cells, unwrapped
    assert "gekloond uit mt" in flat and "gra-2019--rnv-2022" in flat
    assert "Scenario election-interference: onvolledig: 1.4, 6.5 niet gescoord" in flat
    assert "Scores overgezet: 527; niet overgezet: 0; onvolledige scenario's: 31" in flat
    code, out, _ = run(capsys, "cycle", "list", "--db", db)
    assert "rnv-2022" in out
    code, out, _ = run(capsys, "assess", "cycle:vs", "--db", db)
    assert "Scenario election-interference: incomplete: 1.4, 6.5 not scored" in " ".join(out.split())
    code, _, err = run(capsys, "cycle", "clone", "mt", "--key", "uk", "--profile", "uk-nrr-2023",
                       "--db", db)
    assert code == 5 and "'gra-2019' to 'uk-nrr-2023'" in err and "gra-2019 → rnv-2022" in err
    code, _, err = run(capsys, "cycle", "clone", "mt", "a", "--key", "b", "--db", db)
    assert code == 2 and "two keys" in err
    code, _, err = run(capsys, "cycle", "clone", "mt", "--dry-run", "--key", "b", "--db", db)
    assert code == 2 and "--profile" in err
    code, out, _ = run(capsys, "cycle", "clone", "mt", "plain", "--db", db)  # unchanged
    assert code == 0 and "cycle plain cloned from mt" in out


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0012_adds_the_crosswalk_of_a_cycle_and_keeps_older_cycles(
        backend: str, tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect, text

    import weerbaar.store
    from weerbaar.store import list_cycles, open_store, upgrade

    if backend == "postgresql" and not pg_enabled():
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    databases = Databases(backend, tmp_path)
    try:
        store = open_store(databases.url(), check_schema=False)
        databases.stores.append(store)
        upgrade(store.engine, "0011")
        with store.engine.begin() as conn:  # a cycle of before 0012
            conn.execute(text(
                "INSERT INTO method_profiles (id, profile_id, version, content_hash, document, "
                "stored_at) VALUES (1, 'gra-2019', '1', 'h', '{}', '2026-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO cycles (id, key, kind, profile_pk, language, illustrative, status, "
                "created_at, created_by) VALUES (1, 'old', 'strategy', 1, 'nl', false, 'draft', "
                "'2026-01-01 00:00:00', 't')"))

        def columns() -> set[str]:
            return {c["name"] for c in inspect(store.engine).get_columns("cycles")}

        assert "crosswalk" not in columns()
        upgrade(store.engine)
        assert "crosswalk" in columns()
        assert [(c.key, c.crosswalk) for c in list_cycles(store)] == [("old", None)]
        config = Config()
        config.set_main_option("script_location",
                               str(Path(weerbaar.store.__file__).parent / "migrations"))
        config.attributes["engine"] = store.engine
        command.downgrade(config, "0011")
        assert "crosswalk" not in columns()
        upgrade(store.engine)
        assert [c.key for c in list_cycles(store)] == ["old"]
    finally:
        databases.close()


def test_a_rename_onto_a_theme_the_crosswalk_does_not_list_is_refused() -> None:
    data = shipped().model_dump(mode="json", by_alias=True)
    data["themes"] = [t for t in data["themes"] if t["from"] != "cbrn"]
    data["themes"][0].update({"to": "cbrn", "change": "renamed"})
    with pytest.raises(MethodError, match="would all become theme 'cbrn'"):
        carry_workspace(EXAMPLE, Crosswalk.model_validate(data), GRA, RNV)
