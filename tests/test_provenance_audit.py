"""The provenance audit: every method value names a source the project holds and where it says so.

A status is ``verified`` only where a source read in full states the fact; the 2008 and 2009 guides
were read as tables of contents only (the method facts, ``weerbaar/data/method/METHOD.md``, say
which). Every value that is not unknown has a source key listed in its profile and a locator; a
locator naming a section of the method facts or of docs/method.md names one that exists. The
project's own rules (the verdict suggestion, the verdict ``new``) carry the status ``weerbaar-rule``.
The published figures of the NRA 6 worked examples that the method facts record are known answers.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from weerbaar.domain import (
    Answer,
    Conversion,
    CriterionScore,
    LikelihoodScore,
    Provenance,
    QuestionAnswer,
    Scenario,
    ScenarioType,
    ScoreRange,
    Status,
    ThemeReview,
    Verdict,
    suggested_verdict,
)
from weerbaar.domain.review import REVIEW_SOURCES, SUGGESTION_RULE, VERDICT_PROVENANCE
from weerbaar.i18n import texts
from weerbaar.methods.assessment import HALF_CLASS_CAVEAT, assess
from weerbaar.methods.profile import Fact, MethodProfile
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.methods.scales import class_for_value, likelihood_class_for_probability

ROOT = Path(__file__).resolve().parents[1]
NAMES = profile_names()
NATIONAL = ("nrb-2008", "gra-2019", "rnv-2022")
DUTCH = (*NATIONAL, "regional-2019")
METHOD_FACTS = (resources.files("weerbaar.data.method") / "METHOD.md").read_text(encoding="utf-8")
METHOD_DOC = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
SEED = (resources.files("weerbaar.data.seed") / "midterm-review-2021.txt").read_text(
    encoding="utf-8")

# Sources read in full text (method facts, preamble), by the profiles' keys; and the guides read
# as tables of contents only, which verify that a section exists and nothing more.
READ_IN_FULL = {"nra-2014", "nvs-2019", "vs-2023", "uk-nrr-2023", "seed", "method-facts"}
TABLE_OF_CONTENTS_ONLY = {"nrb-2008", "wsrc-2009"}

Sourced = Provenance | Fact[Any]


def _sourced(obj: object, path: str = "") -> list[tuple[str, Sourced]]:
    """Every provenance and fact in a model, with a readable path."""
    found: list[tuple[str, Sourced]] = []
    if isinstance(obj, Provenance | Fact):
        found.append((path, obj))
    if isinstance(obj, BaseModel):
        for field in type(obj).model_fields:
            found += _sourced(getattr(obj, field), f"{path}.{field}")
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            found += _sourced(item, f"{path}[{index}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            found += _sourced(item, f"{path}.{key}")
    return found


def _keys(source: str | None) -> list[str]:
    return [k.strip() for k in (source or "").split(";") if k.strip()]


def _sections(locator: str, name: str) -> list[int]:
    """The section numbers a locator names in ``name`` ("method facts §3, §5" gives [3, 5])."""
    found = []
    for match in re.finditer(re.escape(name) + r"((?:,? ?§\d+)+)", locator):
        found += [int(n) for n in re.findall(r"§(\d+)", match.group(1))]
    return found


def _headings(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"^## (\d+)\. ", text, flags=re.MULTILINE)}


# -- the audit rules, over every shipped profile ---------------------------------------------------


def audit_problems(profile: MethodProfile) -> list[str]:
    """What the audit refuses in a profile (empty when it passes)."""
    problems = []
    for path, p in _sourced(profile):
        if p.status is Status.UNKNOWN:
            continue
        keys = _keys(p.source)
        if not keys:
            problems.append(f"{path}: a {p.status.value} value without a source")
        for key in keys:
            if key not in profile.sources:
                problems.append(f"{path}: source {key!r} is not listed under 'sources'")
        if not (p.locator or "").strip():
            problems.append(f"{path}: a {p.status.value} value without a locator")
            continue
        locator = p.locator or ""
        if "method facts" in locator and "method-facts" not in profile.sources:
            problems.append(f"{path}: cites the method facts but 'method-facts' is not a source")
        for n in _sections(locator, "method facts"):
            if n not in _headings(METHOD_FACTS):
                problems.append(f"{path}: method facts has no section §{n}")
        for n in _sections(locator, "docs/method.md"):
            if n not in _headings(METHOD_DOC):
                problems.append(f"{path}: docs/method.md has no section §{n}")
        if p.status is Status.VERIFIED:
            for key in keys:
                if key in TABLE_OF_CONTENTS_ONLY and "table of contents" not in locator:
                    problems.append(f"{path}: verified by {key}, read only as a table of contents")
                elif key not in READ_IN_FULL | TABLE_OF_CONTENTS_ONLY:
                    problems.append(f"{path}: verified by {key}, which was not read in full")
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_every_value_names_its_source_and_where_it_says_so(name: str) -> None:
    assert audit_problems(get_profile(name)) == []


def _edited(name: str, old: str, new: str) -> MethodProfile:
    """The shipped profile with the first ``old`` replaced by ``new`` (a broken copy)."""
    text = (resources.files("weerbaar.methods.profiles") / f"{name}.yaml").read_text(
        encoding="utf-8")
    assert old in text, old
    return MethodProfile.model_validate(yaml.safe_load(text.replace(old, new, 1)))


@pytest.mark.parametrize(("name", "old", "new", "problem"), [
    pytest.param("gra-2019", '    locator: "risk diagram; method facts §3"\n', "",
                 "impact_scale.factor: a verified value without a locator", id="no-locator"),
    pytest.param("gra-2019", "    status: verified\n    source: nra-2014\n",
                 "    status: verified\n    source: wsrc-2009\n",
                 "verified by wsrc-2009, read only as a table of contents", id="toc-only"),
    pytest.param("gra-2019", "      provenance: {status: corroborated, source: worked-examples,",
                 "      provenance: {status: verified, source: worked-examples,",
                 "verified by worked-examples, which was not read in full", id="not-read"),
    pytest.param("nrb-2008", 'locator: "method facts §1"}', 'locator: "method facts §12"}',
                 "method facts has no section §12", id="no-such-section"),
    pytest.param("uk-nrr-2023", 'locator: "docs/method.md §3 (alternatives)"',
                 'locator: "docs/method.md §30"', "docs/method.md has no section §30",
                 id="no-such-doc-section"),
])
def test_the_audit_fails_on_a_broken_profile(name: str, old: str, new: str, problem: str) -> None:
    # (a source key not under 'sources' the schema refuses already: test_profiles.py)
    problems = audit_problems(_edited(name, old, new))
    assert any(problem in p for p in problems), problems


def test_method_facts_are_package_data_and_name_the_guides_read_as_contents_only() -> None:
    assert "The 2008 and 2009 method guides were read as tables of contents only." in METHOD_FACTS
    assert "verified (NRA 6, on the risk diagram)" in METHOD_FACTS
    assert _headings(METHOD_FACTS) == set(range(1, 10))
    source = (resources.files("weerbaar.data.method") / "SOURCE.md").read_text(encoding="utf-8")
    assert "METHOD.md" in source


def test_the_packaged_method_facts_match_the_shared_copy() -> None:
    shared = ROOT.parent / "shared" / "method" / "METHOD.md"
    if not shared.exists():
        pytest.skip("no shared method facts next to the project")
    assert shared.read_text(encoding="utf-8") == METHOD_FACTS


# -- specific statuses -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", NATIONAL)
def test_factors_3_and_10_are_verified_by_nra_6_on_the_risk_diagram(name: str) -> None:
    profile = get_profile(name)
    for fact, value in ((profile.impact_scale.factor, 3), (profile.likelihood.scale.factor, 10)):
        assert fact.value == value
        assert fact.status is Status.VERIFIED and fact.source == "nra-2014"
        assert "risk diagram" in (fact.locator or "")
    for scale in (profile.impact_scale, profile.likelihood.scale):
        assert scale.provenance.status is Status.VERIFIED and scale.provenance.source == "nra-2014"


@pytest.mark.parametrize("name", DUTCH)
def test_half_class_offset_and_five_year_time_base_are_provisional(name: str) -> None:
    like = get_profile(name).likelihood
    offset = like.scale.half_class_offset
    assert offset is not None and offset.value == 0.5
    assert offset.status is Status.PROVISIONAL
    horizon = like.hazard.horizon_years
    assert horizon is not None and horizon.value == 5
    assert horizon.status is Status.PROVISIONAL


@pytest.mark.parametrize("name", NATIONAL)
def test_threat_basis_is_corroborated_by_nra_6_not_verified(name: str) -> None:
    threat = get_profile(name).likelihood.threat.provenance
    assert threat.status is Status.CORROBORATED and threat.source == "nra-2014"


def test_weighted_sum_is_corroborated_for_2008_and_provisional_later() -> None:
    assert get_profile("nrb-2008").aggregation.default_method_provenance.status is (
        Status.CORROBORATED)
    for name in ("gra-2019", "rnv-2022"):
        method = get_profile(name).aggregation.default_method_provenance
        assert method.status is Status.PROVISIONAL, name
        assert "unknown" in (method.note or "")


def test_uk_bands_are_verified_only_for_non_malicious_risks() -> None:
    like = get_profile("uk-nrr-2023").likelihood
    assert like.hazard.bands is not None and like.threat.bands is not None
    assert like.hazard.bands.status is Status.VERIFIED
    assert like.threat.bands.status is not Status.VERIFIED
    assert like.threat.provenance.status is not Status.VERIFIED
    assert like.threat.horizon_years is not None
    assert like.threat.horizon_years.status is Status.VERIFIED  # the 2-year window is stated


@pytest.mark.parametrize("name", NATIONAL)
@pytest.mark.parametrize(("deaths", "code", "status"), [
    (0, "X", Status.CORROBORATED), (9, "A", Status.CORROBORATED), (50, "B", Status.PROVISIONAL),
    (400, "C", Status.CORROBORATED), (5000, "D", Status.PROVISIONAL),
    (20000, "E", Status.PROVISIONAL)])
def test_fatality_bounds_are_corroborated_only_at_a_and_c(
        name: str, deaths: int, code: str, status: Status) -> None:
    criterion = get_profile(name).criterion("2.1")
    conversion = class_for_value(deaths, criterion, bound="ev", entered=f"{deaths} fatalities")
    assert (conversion.code, conversion.threshold_status) == (code, status)


@pytest.mark.parametrize("name", NATIONAL)
def test_a_probability_converted_to_a_class_rests_on_the_provisional_time_base(name: str) -> None:
    code, status, source, _ = likelihood_class_for_probability(
        0.02, get_profile(name).likelihood.hazard, horizon_years=5)
    assert (code, status) == ("C", Status.PROVISIONAL)
    assert "regional-profile" in _keys(source) and "weerbaar-working" in _keys(source)


def _scenario(sid: str, impact: dict[str, float], likelihood: float | None) -> Scenario:
    return Scenario(
        id=sid, title=sid, theme="t", type=ScenarioType.HAZARD,
        impact={c: CriterionScore(criterion=c, range=ScoreRange.point(v))
                for c, v in impact.items()},
        likelihood=None if likelihood is None else LikelihoodScore(
            range=ScoreRange.point(likelihood)))


def test_a_half_class_is_a_caveat_of_the_run_not_a_flag_on_the_scenario() -> None:
    profile = get_profile("gra-2019")
    whole = assess([_scenario("a", {"2.1": 3}, 3.0)], profile)
    half = assess([_scenario("a", {"2.1": 3}, 3.5)], profile)
    caveat = HALF_CLASS_CAVEAT
    assert caveat not in [c.what for c in whole.caveats]
    found = [c for c in half.caveats if c.what == caveat]
    assert len(found) == 1 and found[0].status is Status.PROVISIONAL
    assert not half.results[0].provisional  # the class is unchanged: C-high is class C


# -- the NRA 6 worked example: the published figures the method facts record ---------------------


@pytest.mark.parametrize("name", NATIONAL)
@pytest.mark.parametrize(("value", "criterion", "code"), [
    (9, "2.1", "A"),  # published: 9 deaths scored A
    (200, "2.1", "C"), (300, "2.1", "C"), (500, "2.1", "C"), (900, "2.1", "C"),  # "several hundred"
    (13e9, "3.1", "D"),  # published: EUR 13 bn scored D
])
def test_published_worked_example_figures_give_the_published_classes(
        name: str, value: float, criterion: str, code: str) -> None:
    c = get_profile(name).criterion(criterion)
    assert class_for_value(value, c, bound="ev", entered=str(value)).code == code


@pytest.mark.parametrize("name", NATIONAL)
def test_working_rule_puts_every_pure_class_on_its_own_gridline(name: str) -> None:
    """Class values 1-3-9-27-81, equal weights, y = 1 + log3(S): a scenario scored class k on
    every criterion lands on gridline k, and each class is three times the class below."""
    profile = get_profile(name)
    ids = [c.id for c in profile.criteria]
    scenarios = [_scenario(f"all-{k}", dict.fromkeys(ids, float(k)), 3.0) for k in range(1, 6)]
    result = assess(scenarios, profile)
    for k, r in enumerate(result.results, start=1):
        assert r.impact_position is not None and r.impact_score is not None
        assert r.impact_position.ev == k and r.impact_class == "ABCDE"[k - 1]
        assert r.impact_score.ev == pytest.approx(3 ** (k - 1))


def test_one_criterion_scored_d_among_x_averages_over_all_criteria() -> None:
    profile = get_profile("nrb-2008")
    result = assess([_scenario("d", {"2.1": 4.0}, 3.0)], profile, denominator=None)
    r = result.results[0]
    assert r.impact_score is not None and r.impact_position is not None
    assert r.impact_score.ev == pytest.approx(27 / 10)  # 10 criteria, fallback rule 'all'
    assert r.impact_position.ev == pytest.approx(1 + math.log(27 / 10, 3))
    assert r.impact_class == "A"  # S = 2.7 lies between v(A) = 1 and v(B) = 3: y = 1.90


# -- weerbaar's own rules: the verdict suggestion and the verdict `new` ---------------------------


def test_the_verdict_rule_and_the_verdict_new_are_weerbaar_rules() -> None:
    assert SUGGESTION_RULE.status is Status.WEERBAAR_RULE
    assert VERDICT_PROVENANCE[Verdict.NEW].status is Status.WEERBAAR_RULE
    assert set(VERDICT_PROVENANCE) == set(Verdict)
    for verdict, p in VERDICT_PROVENANCE.items():
        assert p.source in REVIEW_SOURCES and p.locator, verdict
    assert VERDICT_PROVENANCE[Verdict.CONTINUE].status is Status.VERIFIED
    assert VERDICT_PROVENANCE[Verdict.ADJUST].status is Status.VERIFIED


def test_verdict_locators_quote_the_seed_and_name_a_documented_section() -> None:
    for verdict, p in VERDICT_PROVENANCE.items():
        if p.source == "seed":
            for quote in re.findall(r"'([^']+)'", p.locator or ""):
                assert quote in SEED, (verdict, quote)
    for p in (SUGGESTION_RULE, VERDICT_PROVENANCE[Verdict.NEW]):
        sections = _sections(p.locator or "", "docs/method.md")
        assert sections and set(sections) <= _headings(METHOD_DOC)
        heading = re.search(rf"^## {sections[0]}\. (.*)$", METHOD_DOC, flags=re.MULTILINE)
        assert heading is not None and "own rules" in heading.group(1)


@pytest.mark.parametrize(("comprehensive", "more_resilient", "verdict"), [
    (Answer.YES, Answer.YES, Verdict.CONTINUE), (Answer.YES, Answer.NO, Verdict.INTENSIFY),
    (Answer.YES, Answer.PARTLY, Verdict.INTENSIFY), (Answer.PARTLY, Answer.YES, Verdict.ADJUST),
    (Answer.NO, Answer.YES, Verdict.NEW), (Answer.NO, Answer.OPEN, None)])
def test_the_documented_suggestion_table_is_the_rule(
        comprehensive: Answer, more_resilient: Answer, verdict: Verdict | None) -> None:
    assert suggested_verdict(comprehensive, more_resilient) is verdict


def test_weerbaar_rule_is_shown_as_such_and_does_not_flag() -> None:
    assert not Status.WEERBAAR_RULE.is_weak
    assert Status.WEERBAAR_RULE.label == "weerbaar rule"
    assert texts("nl")(Status.WEERBAAR_RULE.label) == "weerbaar-regel"
    assert texts("en")(Status.WEERBAAR_RULE.label) == "weerbaar rule"


def test_review_show_labels_the_suggestion_and_the_verdict_new() -> None:
    from weerbaar.cli.reviews import verdict_rule_notes

    review = ThemeReview(theme="t", comprehensive=QuestionAnswer(answer=Answer.NO),
                         more_resilient=QuestionAnswer(answer=Answer.NO),
                         verdict=Verdict.NEW, verdict_reasoning="geen integrale aanpak")
    notes = verdict_rule_notes(review, texts("nl"))
    assert notes == [
        "De twee antwoorden wijzen op: nieuwe aanpak (weerbaar-regel, docs/method.md §8)",
        "Het oordeel nieuwe aanpak is een eigen categorie van weerbaar (weerbaar-regel, "
        "docs/method.md §8)"]
    plain = ThemeReview(theme="t")
    assert verdict_rule_notes(plain, texts("en")) == []


def test_report_lists_method_values_and_labels_the_verdict_suggestion() -> None:
    from tests.report_helpers import example_reports, example_workspace

    from weerbaar.reports.model import Paragraph

    document = example_reports("en").document
    tables = {t.key: t for t in document.tables()}
    rows = {row[0]: row for row in tables["method-values"].rows}
    assert rows["Impact class factor"][1:] == ("verified", "nra-2014",
                                              "risk diagram; method facts §3")
    assert rows["Position of a half class"][1] == "provisional"
    assert rows["Verdict suggested by the two answers"][1:] == (
        "weerbaar rule", "weerbaar-rule", "docs/method.md §8")
    notes = [b.text for b in document.blocks
             if isinstance(b, Paragraph) and b.kind == "note" and "The two answers point to" in b.text]
    answered = [r for r in example_workspace().reviews
                if suggested_verdict(r.comprehensive.answer, r.more_resilient.answer)]
    assert answered and len(notes) == len(answered)
    assert all("(weerbaar rule, docs/method.md §8)" in n for n in notes)


# -- stored profiles keep their hash -----------------------------------------------------------------


def _strip(data: object, keys: tuple[str, ...]) -> object:
    if isinstance(data, dict):
        return {k: _strip(v, keys) for k, v in data.items() if k not in keys}
    if isinstance(data, list):
        return [_strip(v, keys) for v in data]
    return data


@pytest.mark.parametrize("name", NAMES)
def test_a_profile_stored_before_locators_keeps_its_hash(name: str) -> None:
    added = ("locator", "status_by_class", "half_class_offset")
    old = _strip(get_profile(name).model_dump(mode="json", by_alias=True), added)
    assert isinstance(old, dict)
    if old.get("uncertainty") is None:
        old.pop("uncertainty", None)
    stored = MethodProfile.model_validate(old)
    expected = hashlib.sha256(json.dumps(old, sort_keys=True).encode("utf-8")).hexdigest()
    assert stored.content_hash == expected
    assert stored.content_hash != get_profile(name).content_hash


def test_conversions_keep_their_shape() -> None:
    # a conversion stored with a scenario has no new fields: old snapshots still load
    assert set(Conversion.model_fields) == {"bound", "entered", "value", "unit", "code",
                                            "threshold_status", "threshold_source", "rule"}
