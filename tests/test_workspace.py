"""Workspace files: loading, natural-unit conversion, and errors that name file, key and line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import WORKSPACE_HEAD

from weerbaar.domain import Status
from weerbaar.errors import InvalidInput
from weerbaar.io import EXAMPLES, load_workspace, workspace_json_schema
from weerbaar.methods.assessment import HALF_CLASS_CAVEAT, assess
from weerbaar.methods.registry import get_profile

ROOT = Path(__file__).resolve().parents[1]
Write = Callable[[str, str], Path]

GOOD = WORKSPACE_HEAD + """\
  - id: flood
    title: Overstroming
    theme: nd
    risk_category: flooding
    type: hazard
    impact:
      "2.1": {ev: "400 fatalities", ll: "9 fatalities", ul: D, reasoning: dijkdoorbraak}
      "3.1": "EUR 13 bn"
      "5.1": C
      "1.1": X
    likelihood: {probability: 0.02, horizon_years: 5, reasoning: kans per 5 jaar}
  - id: rare
    title: Zeldzaam
    theme: nd
    type: hazard
    impact: {"2.1": B}
    likelihood: {annual_probability: 0.00001}
  - id: attack
    title: Aanslag
    theme: nd
    type: threat
    impact: {"2.1": [C], "5.3": D}
    likelihood: {ev: C-high, ll: C, ul: D}
"""


def test_load_and_convert(write: Write) -> None:
    text = GOOD.replace('"2.1": [C], ', "")
    ws = load_workspace(write("ws.yaml", text))
    flood = ws.scenarios[0]
    score = flood.impact["2.1"]
    assert (score.range.ll, score.range.ev, score.range.ul) == (1, 3, 4)  # A, C, D
    assert [c.code for c in score.conversions] == ["C", "A"]  # ev and ll were values
    assert score.conversions[0].threshold_status is Status.CORROBORATED
    assert score.reasoning == "dijkdoorbraak"
    costs = flood.impact["3.1"]
    assert costs.range.ev == 4 and costs.conversions[0].threshold_status is Status.PROVISIONAL
    assert flood.likelihood is not None and flood.likelihood.range.ev == 3  # 2 % in 5 years: C
    rare = ws.scenarios[1]
    assert rare.likelihood is not None and rare.likelihood.range.ev == 1  # 0.005 % in 5 years: A
    attack = ws.scenarios[2]
    assert attack.likelihood is not None
    assert (attack.likelihood.range.ll, attack.likelihood.range.ev) == (3.0, 3.5)


def test_provisional_flag_follows_conversions(write: Write) -> None:
    ws = load_workspace(write("ws.yaml", GOOD.replace('"2.1": [C], ', "")))
    result = assess(ws.scenarios, get_profile(ws.profile))
    flood, rare, attack = result.results
    assert flood.provisional and "thresholds of criterion 3.1" in [w.what for w in flood.weak_values]
    # an annual probability becomes a class over the profile's 5-year window, which is provisional
    assert rare.provisional and [w.what for w in rare.weak_values] == ["likelihood probability bands"]
    assert not attack.provisional  # C-high: the half-class position is a caveat of the run
    assert HALF_CLASS_CAVEAT in [c.what for c in result.caveats]


@pytest.mark.parametrize(("change", "key", "fragment"), [
    (("5.1\": C", "5.1\": F"), "scenarios[0].impact.5.1", "not a class"),
    (("\"2.1\": {ev: \"400 fatalities\", ll: \"9 fatalities\"",
      "\"2.1\": {ev: \"400 fatalities\", ll: \"9 kg\""), "scenarios[0].impact.2.1.ll", "unit"),
    (("ul: D, reasoning", "ul: B, reasoning"), "scenarios[0].impact.2.1", "LL <= EV <= UL"),
    (("theme: nd\n    type: threat", "theme: nope\n    type: threat"), "scenarios[2].theme",
     "theme 'nope'"),
    (("risk_category: flooding", "risk_category: drought"), "scenarios[0].risk_category",
     "drought"),
    (("\"5.1\": C", "\"9.9\": C"), "scenarios[0].impact.9.9", "not in profile gra-2019"),
    (("type: hazard", "type: accident"), "scenarios[0].type", "hazard"),
    (("{ev: C-high, ll: C, ul: D}", "{ev: C-high, ll: D, ul: D}"), "scenarios[2].likelihood",
     "LL <= EV <= UL"),
    (("horizon_years: 5,", "horizon_years: 1,"), "scenarios[0].likelihood", "5 years"),
    (("profile: gra-2019", "profile: gra-2018"), "profile", "no method profile"),
    (("id: rare", "id: flood"), "scenarios[1].id", "used twice"),
    (("\"5.1\": C", "\"5.1\": \"12 fatalities\""), "scenarios[0].impact.5.1", "not a class"),
    (("    title: Zeldzaam\n", ""), "scenarios[1].title", "missing"),
    (("impact: {\"2.1\": B}", "impact: {\"2.1\": B}\n    colour: red"), "scenarios[1].colour",
     "unknown key"),
])
def test_broken_workspace_names_file_and_key(write: Write, change: tuple[str, str], key: str,
                                             fragment: str) -> None:
    text = GOOD.replace('"2.1": [C], ', "")
    assert change[0] in text
    path = write("broken.yaml", text.replace(change[0], change[1], 1))
    with pytest.raises(InvalidInput) as info:
        load_workspace(path)
    message = str(info.value)
    assert str(path) in message
    assert f"key {key}" in message
    assert fragment in message
    assert info.value.line is not None and info.value.line > 1


def test_list_where_class_expected(write: Write) -> None:
    with pytest.raises(InvalidInput, match=r"scenarios\[2\]\.impact\.2\.1"):
        load_workspace(write("ws.yaml", GOOD))


def test_line_number_points_at_the_key(write: Write) -> None:
    text = GOOD.replace('"2.1": [C], ', "").replace("5.1\": C", "5.1\": Q")
    path = write("ws.yaml", text)
    with pytest.raises(InvalidInput) as info:
        load_workspace(path)
    assert text.splitlines()[info.value.line - 1].strip().startswith('"5.1"')  # type: ignore[operator]


@pytest.mark.parametrize(("text", "fragment"), [
    ("schema: weerbaar.workspace/1\nprofile: [unclosed\n", "not valid YAML"),
    ("- just\n- a list\n", "must be a mapping"),
    ("schema: weerbaar.workspace/1\nprofile: gra-2019\nprofile: gra-2019\n", "duplicate key"),
    ("schema: other/9\nprofile: gra-2019\n", "key schema"),
])
def test_malformed_files(write: Write, text: str, fragment: str) -> None:
    path = write("bad.yaml", text)
    with pytest.raises(InvalidInput, match=fragment) as info:
        load_workspace(path)
    assert str(path) in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"nowhere\.yaml: file not found"):
        load_workspace(tmp_path / "nowhere.yaml")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_shipped_examples_load_and_assess(name: str) -> None:
    ws = load_workspace(f"example:{name}")
    profile = get_profile(ws.profile)
    assert ws.illustrative
    threat_themes = [t for t in ws.themes if t.kind.value == "threat"]
    assert len(threat_themes) == 11
    for theme in threat_themes:
        assert sum(1 for s in ws.scenarios if s.theme == theme.id) >= 2, theme.id
    for s in ws.scenarios:
        assert set(s.impact) == {c.id for c in profile.criteria}, s.id
        assert s.likelihood is not None
    result = assess(ws.scenarios, profile)
    assert all(r.impact_position is not None for r in result.results)


def test_docs_schema_is_current() -> None:
    """docs/workspace.schema.json is generated from the model; regenerate it when this fails:
    python -c "import json; from weerbaar.io import workspace_json_schema as s;
    print(json.dumps(s(), indent=2, ensure_ascii=False))" > docs/workspace.schema.json
    """
    on_disk = json.loads((ROOT / "docs" / "workspace.schema.json").read_text(encoding="utf-8"))
    assert on_disk == workspace_json_schema()


def test_examples_validate_against_json_schema() -> None:
    import jsonschema
    import yaml

    schema = workspace_json_schema()
    from weerbaar.io import example_path

    for name in EXAMPLES:
        data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
        # YAML keys such as 2.1 arrive as floats from plain safe_load; the loader keeps them text
        for scenario in data["scenarios"]:
            scenario["impact"] = {str(k): v for k, v in scenario["impact"].items()}
        jsonschema.validate(data, schema)


def test_expert_scores_are_loaded(write: Write) -> None:
    text = GOOD.replace('"2.1": [C], ', "") + """\
    experts:
      - expert: a1
        impact: {"2.1": {ev: C, ll: B, ul: D}}
        likelihood: {ev: C, ll: B, ul: C-high}
      - expert: a2
        impact: {"2.1": "2000 fatalities", "5.3": E}
"""
    ws = load_workspace(write("ws.yaml", text))
    attack = ws.scenarios[2]
    assert [e.expert for e in attack.experts] == ["a1", "a2"]
    assert attack.experts[0].impact["2.1"].range.ul == 4
    assert attack.experts[1].impact["2.1"].range.ev == 4  # 2000 fatalities: D
    assert attack.experts[0].likelihood is not None
    assert attack.experts[0].likelihood.range.ul == 3.5
    dup = text.replace("expert: a2", "expert: a1")
    with pytest.raises(InvalidInput, match=r"scenarios\[2\]\.experts\[1\]\.expert"):
        load_workspace(write("dup.yaml", dup))


REVIEWED = GOOD.replace('"2.1": [C], ', "") + """\
reviews:
  - theme: nd
    sections:
      summary: {text: "De NVS 2019 zag overstromingen als grootste natuurrisico."}
      threat: {text: "Het risico nam toe.", evidence: [{kind: scenario, ref: flood}]}
    comprehensive: {answer: "yes", reasoning: "Deltaprogramma"}
    more_resilient: {answer: "no", reasoning: "klimaat gaat sneller"}
    verdict: intensify
    verdict_reasoning: "versterkte aanpak nodig"
measures:
  - id: dikes
    title: Dijkversterking
    themes: [nd]
    scenarios: [flood]
    owner: IenW
    capability: material
    phase: prevention
    status: running
    start: 2020-01-01
    effect: {likelihood: 1, criteria: {"2.1": 1}}
"""


def test_reviews_and_measures_load_and_round_trip(write: Write, tmp_path: Path) -> None:
    from weerbaar.domain import ReviewPart, Verdict
    from weerbaar.io.workspace_export import dump_workspace

    ws = load_workspace(write("ws.yaml", REVIEWED))
    review = ws.reviews[0]
    assert review.verdict is Verdict.INTENSIFY
    assert review.section(ReviewPart.THREAT).evidence[0].ref == "flood"
    assert ws.measures[0].effect.likelihood == 1
    text = dump_workspace(ws, get_profile(ws.profile))
    again = load_workspace(write("again.yaml", text))
    assert again.reviews == ws.reviews and again.measures == ws.measures
    assert dump_workspace(again, get_profile(ws.profile)) == text


@pytest.mark.parametrize(("change", "key"), [
    (("  - theme: nd\n    sections", "  - theme: zz\n    sections"), "reviews[0].theme"),
    (("scenarios: [flood]", "scenarios: [nope]"), "measures[0].scenarios[0]"),
    (("criteria: {\"2.1\": 1}", "criteria: {\"9.9\": 1}"), "measures[0].effect.criteria.9.9"),
    (("status: running", "status: ongoing"), "measures[0].status"),
    (("verdict_reasoning: \"versterkte aanpak nodig\"\n", ""), "reviews[0]"),
])
def test_bad_reviews_and_measures(write: Write, change: tuple[str, str], key: str) -> None:
    assert change[0] in REVIEWED
    with pytest.raises(InvalidInput) as info:
        load_workspace(write("bad.yaml", REVIEWED.replace(change[0], change[1])))
    assert f"key {key}" in str(info.value)
