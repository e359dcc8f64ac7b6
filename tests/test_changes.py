"""The change view speaks the domain: what changed between two revisions of a scenario, theme
review or measure, named by criterion, likelihood, class code, natural value as entered, review
part and field, never by an internal key path; one line per change, nothing for what did not
change (weerbaar.services.changes)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.operator_support import OPERATOR

from weerbaar import get_profile, load_workspace
from weerbaar.domain import (
    Answer,
    ClassificationScheme,
    CriterionScore,
    MeasureStatus,
    Scenario,
    ScoreRange,
    ThemeReview,
    Verdict,
    Workspace,
)
from weerbaar.errors import InvalidInput
from weerbaar.io.workspace import resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.changes import DomainChange, describe_changes
from weerbaar.services.history import item_diff
from weerbaar.store import Store, get, open_store, save

MIDTERM = load_workspace("example:midterm-2021")
BASELINE = load_workspace("example:nvs-2019")
PROFILE = get_profile(MIDTERM.profile)
# what an internal key path looks like: impact.2.1.range.ev, experts[0].impact, conversions.0
KEY_PATH = re.compile(r"\b(range|conversions|threshold_status|rule|impact|likelihood)[.\[]"
                      r"|\bexperts\[|\.(ev|ll|ul)\b")


def doc(item: Any) -> dict[str, Any]:
    """A document as the store keeps a revision of it."""
    return {**item.model_dump(mode="json"), "removed": False}


def scenario(key: str, workspace: Workspace = MIDTERM) -> Scenario:
    return next(s for s in workspace.scenarios if s.id == key)


def edited(original: Scenario, change: dict[str, Any],
           profile: MethodProfile = PROFILE) -> Scenario:
    """``original`` edited the way the scoring form and the API do: in file form (class codes
    and natural values), resolved against the profile."""
    raw = scenario_to_input(original, profile)
    for path, value in change.items():
        *parents, last = path.split("/")
        target = raw
        for part in parents:
            if not isinstance(target[part], dict):  # a bare class code: give it its bounds
                code = target[part]
                target[part] = {"ev": code, "ll": code, "ul": code}
            target = target[part]
        target[last] = value
    return resolve_scenario(raw, profile, MIDTERM.themes)


def describe(before: Any, after: Any, lang: str = "en",
             kind: str = "scenario") -> list[DomainChange]:
    return describe_changes(kind, doc(before), doc(after), PROFILE, lang)  # type: ignore[arg-type]


def lines(changes: list[DomainChange]) -> list[tuple[str, str, str, str]]:
    return [(c.subject, c.aspect, c.before, c.after) for c in changes]


def no_key_paths(changes: list[DomainChange]) -> None:
    for change in changes:
        for text in (change.subject, change.aspect):
            assert not KEY_PATH.search(text), change


def with_ev_b() -> Scenario:
    """A scenario of the example whose criterion 2.1 has expected value B, with limits around it."""
    for s in MIDTERM.scenarios:
        score = s.impact.get("2.1")
        if (score is not None and PROFILE.impact.code(score.range.ev) == "B"
                and score.range.ll < score.range.ev < score.range.ul):
            return s
    raise AssertionError("the example has no scenario with 2.1 = B")


# -- known answers ------------------------------------------------------------------------------

def test_an_expected_value_from_b_to_c_is_one_line_naming_the_criterion() -> None:
    before = with_ev_b()
    after = edited(before, {"impact/2.1/ev": "C"})
    changes = describe(before, after)
    assert len(changes) == 1, changes
    (change,) = changes
    assert change.subject == "2.1 Fatalities" and change.aspect == "expected value"
    assert change.before.endswith("(B)") or change.before == "B"
    assert change.after == "C"
    dutch = describe(before, after, "nl")
    assert lines(dutch) == [("2.1 Doden", "verwachte waarde", change.before, "C")]


def test_a_natural_value_is_shown_as_entered_with_its_class() -> None:
    before = with_ev_b()
    entered = {c.bound: c.entered for c in before.impact["2.1"].conversions}
    assert entered.get("ev", "").endswith("fatalities")
    after = edited(before, {"impact/2.1/ev": "2500 fatalities",
                            "impact/2.1/ul": "25000 fatalities"})
    changes = lines(describe(before, after))
    codes = {b: PROFILE.impact.code(after.impact["2.1"].range.get(b)) for b in ("ev", "ul")}
    assert codes["ev"] != "B"
    assert changes == [
        ("2.1 Fatalities", "expected value", f"{entered['ev']} (B)",
         f"2500 fatalities ({codes['ev']})"),
        ("2.1 Fatalities", "upper limit",
         f"{entered['ul']} ({PROFILE.impact.code(before.impact['2.1'].range.ul)})",
         f"25000 fatalities ({codes['ul']})")]
    # the conversion's derived fields (rule, threshold status, value) are no lines of their own
    assert all(c[1] in ("expected value", "upper limit") for c in changes)


def test_the_same_class_from_a_different_natural_value_is_a_change_of_what_was_entered() -> None:
    before = with_ev_b()
    ev = before.impact["2.1"].conversions
    assert ev
    same_class = edited(before, {"impact/2.1/ev": "11 fatalities"})
    assert PROFILE.impact.code(same_class.impact["2.1"].range.ev) == "B"
    [(subject, aspect, old, new)] = lines(describe(before, same_class))
    assert (subject, aspect, new) == ("2.1 Fatalities", "expected value", "11 fatalities (B)")
    assert old != new


def test_a_likelihood_probability_change() -> None:
    before = scenario("power-outage-national")
    assert before.likelihood is not None and before.likelihood.conversions
    after = edited(before, {"likelihood/probability": 0.3})
    assert lines(describe(before, after)) == [
        ("Likelihood", "score", "probability 0.015 (C)", "probability 0.3 (D)")]
    assert lines(describe(before, after, "nl")) == [
        ("Waarschijnlijkheid", "score", "probability 0.015 (C)", "probability 0.3 (D)")]


def test_a_likelihood_class_change_uses_half_classes() -> None:
    before = scenario("trade-war", BASELINE)
    after = scenario("trade-war")
    changes = lines(describe(before, after))
    assert ("Likelihood", "expected value", "C", "C-high") in changes
    assert ("Likelihood", "lower limit", "B-high", "C") in changes
    assert not [c for c in changes if c[:2] == ("Likelihood", "upper limit")]  # D stays D


def test_a_reasoning_change_is_text() -> None:
    before = scenario("trade-war")
    after = edited(before, {"likelihood/reasoning": "Nieuwe onderbouwing."})
    assert before.likelihood is not None
    assert lines(describe(before, after)) == [
        ("Likelihood", "reasoning", before.likelihood.reasoning, "Nieuwe onderbouwing.")]
    criterion = edited(before, {"impact/1.2/reasoning": "Reputatieschade."})
    assert before.impact["1.2"].reasoning is None
    assert lines(describe(before, criterion, "nl")) == [
        ("1.2 Aantasting van de internationale positie", "onderbouwing", "—",
         "Reputatieschade.")]


def test_a_marking_change() -> None:
    before = scenario("trade-war")
    after = before.model_copy(update={"marking": "confidential"})
    assert lines(describe(before, after)) == [("Scenario", "marking", "none", "confidential")]
    scheme = ClassificationScheme()
    shown = describe_changes("scenario", doc(before), doc(after), PROFILE, "nl", scheme=scheme)
    assert lines(shown) == [("Scenario", "rubricering", f"{scheme.default} (standaard)",
                             "confidential")]


def test_experts_scores_are_shown_per_expert() -> None:
    base = scenario("trade-war")
    ann = {"expert": "ann", "impact": {"3.1": "B"}, "likelihood": "C"}
    bob = {"expert": "bob", "impact": {"3.1": {"ev": "C", "ll": "B", "ul": "D"}}}
    before = edited(base, {"experts": [ann]})
    after = edited(base, {"experts": [{**ann, "impact": {"3.1": "C"}}, bob]})
    assert lines(describe(before, after)) == [
        ("3.1 Costs (expert ann)", "score", "B", "C"),
        ("Expert bob", "scores", "—", "given"),
        ("3.1 Costs (expert bob)", "score", "—", "EV C, LL B, UL D")]
    assert lines(describe(before, after, "nl"))[0] == ("3.1 Kosten (expert ann)", "score", "B",
                                                       "C")
    hidden = before.experts[0].model_copy(update={"marking": "secret"})
    marked = before.model_copy(update={"experts": (hidden,)})
    assert lines(describe(before, marked)) == [("Expert ann", "marking", "none", "secret")]


def test_a_review_verdict_change() -> None:
    review = next(r for r in MIDTERM.reviews if r.verdict is Verdict.ADJUST)
    after = review.model_copy(update={"verdict": Verdict.INTENSIFY})
    assert lines(describe(review, after, kind="review")) == [
        ("Approach verdict", "verdict", "adjust", "intensify")]
    assert lines(describe(review, after, "nl", kind="review")) == [
        ("Oordeel over de aanpak", "oordeel", "bijstellen", "versterken")]


def test_review_parts_and_answers_are_named() -> None:
    review: ThemeReview = next(r for r in MIDTERM.reviews if r.verdict is not None)
    sections = dict(review.sections)
    part = next(iter(sections))
    sections[part] = sections[part].model_copy(update={"text": "Korter."})
    answer = review.comprehensive.model_copy(update={"answer": Answer.NO})
    after = review.model_copy(update={"sections": sections, "comprehensive": answer})
    changes = lines(describe(review, after, kind="review"))
    titles = {"summary": "Short summary", "threat": "Development of the threat and the risks",
              "resilience": "Development of resilience",
              "approach": "Development of the approach"}
    assert changes[0][:2] == (titles[part.value], "text") and changes[0][3] == "Korter."
    assert changes[1][0] == "Is there a comprehensive approach?"
    assert changes[1][1:3] == ("answer", review.comprehensive.answer.value)
    assert changes[1][3] == "no" and len(changes) == 2


def test_measure_fields_are_named() -> None:
    measure = MIDTERM.measures[0]
    assert measure.status.value == "running" and not measure.effect.criteria
    effect = measure.effect.model_copy(update={"criteria": {"2.1": 2}, "likelihood": 1.5})
    after = measure.model_copy(update={"status": MeasureStatus.DONE, "effect": effect})
    assert lines(describe(measure, after, lang="nl", kind="measure")) == [
        ("Maatregel", "status", "lopend", "afgerond"),
        ("Waarschijnlijkheid", "effect (klassen omlaag)", "0,5", "1,5"),
        ("2.1 Doden", "effect (klassen omlaag)", "—", "2")]


def test_nothing_changed_is_no_line() -> None:
    s = scenario("trade-war")
    assert describe(s, s) == []
    assert describe(s, edited(s, {})) == []  # through the file form and back: the same
    review = MIDTERM.reviews[0]
    assert describe(review, review, kind="review") == []


def test_a_removed_document() -> None:
    s = scenario("trade-war")
    removed = {**doc(s), "removed": True}
    assert lines(describe_changes("scenario", doc(s), removed, PROFILE, "en")) == [
        ("Scenario", "removed", "no", "yes")]


# -- properties over the example scenarios -----------------------------------------------------

EXAMPLES: list[Any] = [*MIDTERM.scenarios, *BASELINE.scenarios]
ITEMS: list[tuple[str, Any]] = [("scenario", s) for s in EXAMPLES] + [
    ("review", r) for r in (*MIDTERM.reviews, *BASELINE.reviews)] + [
    ("measure", m) for m in (*MIDTERM.measures, *BASELINE.measures)]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ITEMS), st.sampled_from(["nl", "en"]))
def test_a_document_compared_with_itself_has_no_changes(item: tuple[str, Any], lang: str) -> None:
    kind, value = item
    assert describe(value, value, lang, kind) == []


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from([c.id for c in PROFILE.criteria]),
       st.integers(min_value=0, max_value=5), st.sampled_from(["nl", "en"]))
def test_a_changed_class_is_one_line_without_key_paths(s: Scenario, criterion: str,
                                                       position: int, lang: str) -> None:
    old = s.impact.get(criterion)
    new = CriterionScore(criterion=criterion, range=ScoreRange.point(position),
                         reasoning=old.reasoning if old else None)
    after = s.model_copy(update={"impact": {**s.impact, criterion: new}})
    changes = describe(s, after, lang)
    no_key_paths(changes)
    assert all(c.subject.startswith(f"{criterion} ") for c in changes)
    assert len(changes) <= 3
    if old is not None and old.range == new.range and not old.conversions:
        assert changes == []
    elif old is not None and old.range.ev == old.range.ll == old.range.ul \
            and not old.conversions:
        assert len(changes) == 1  # a point score stays a point score: one line
    for c in changes:
        assert c.before != c.after


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(EXAMPLES), st.sampled_from(EXAMPLES), st.sampled_from(["nl", "en"]))
def test_any_two_scenarios_are_described_without_key_paths(a: Scenario, b: Scenario,
                                                           lang: str) -> None:
    no_key_paths(describe(a, b, lang))


# -- through the use case, on the example cycle in a database ----------------------------------

@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from tests.web.support import build_database

    path = build_database(tmp_path_factory.mktemp("changes") / "changes.sqlite")
    store = open_store(str(path))
    yield store
    store.dispose()


def test_item_diff_speaks_the_domain(example_store: Store) -> None:
    before = get(example_store, "midterm-2021", "scenario", "power-outage-national")
    after = edited(before.item, {"likelihood/probability": 0.3, "marking": "confidential"})
    new = save(example_store, "midterm-2021", after, expected_revision=before.revision,
               actor="t")
    changes = item_diff(example_store, OPERATOR, "midterm-2021", "scenario",
                        "power-outage-national", before.revision, new)
    assert lines(changes) == [
        ("Scenario", "marking", "internal (default)", "confidential"),
        ("Likelihood", "score", "probability 0.015 (C)", "probability 0.3 (D)")]
    dutch = item_diff(example_store, OPERATOR, "midterm-2021", "scenario",
                      "power-outage-national", before.revision, new, lang="nl")
    assert [c.subject for c in dutch] == ["Scenario", "Waarschijnlijkheid"]
    assert item_diff(example_store, OPERATOR, "midterm-2021", "scenario",
                     "power-outage-national", new, new) == []
    with pytest.raises(InvalidInput, match="unknown language"):
        item_diff(example_store, OPERATOR, "midterm-2021", "scenario", "power-outage-national",
                  before.revision, new, lang="de")


def test_item_diff_of_a_review_verdict(example_store: Store) -> None:
    theme = next(r.theme for r in MIDTERM.reviews if r.verdict is Verdict.ADJUST)
    stored = get(example_store, "midterm-2021", "review", theme)
    review: ThemeReview = stored.item
    new = save(example_store, "midterm-2021",
               review.model_copy(update={"verdict": Verdict.NEW}),
               expected_revision=stored.revision, actor="t")
    changes = item_diff(example_store, OPERATOR, "midterm-2021", "review", theme,
                        stored.revision, new)
    assert lines(changes) == [("Approach verdict", "verdict", "adjust", "new")]
