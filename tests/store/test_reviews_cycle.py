"""The strategy cycle in the store: strategy import, reviews, verdicts, measures, comparison."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from tests.operator_support import OPERATOR, compare_with_parent, review_of

from weerbaar.domain import (
    Answer,
    CycleKind,
    Measure,
    MeasureEffect,
    ReviewPart,
    ThemeReview,
    Verdict,
)
from weerbaar.errors import Conflict, InvalidInput, PermissionDenied
from weerbaar.io import load_workspace
from weerbaar.services.assessment import cycle_priorities
from weerbaar.services.compare import compare_cycles
from weerbaar.services.cycles import clone_cycle, freeze_cycle, load_examples, new_cycle
from weerbaar.services.measures import add_measure
from weerbaar.services.reviews import ReviewEdit, edit_review
from weerbaar.services.strategy import import_strategy
from weerbaar.services.strategy_text import get_strategy_text
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

AS_ANN = Viewer.operator("ann")
AS_BOB = Viewer.operator("bob")
AS_T = Viewer.operator("t")

SEED = Path(str(resources.files("weerbaar.data.seed") / "midterm-review-2021.txt"))


def test_seed_imports_into_reviews(store: Store) -> None:
    load_examples(store, AS_T)
    clone_cycle(store, AS_T, "midterm-2021", "mr", kind=CycleKind.MIDTERM_REVIEW)
    result = import_strategy(store, AS_T, "mr", SEED)
    assert all(m.theme is not None for m in result.matches)
    assert len(result.matches) == 13 and result.unmatched_themes == ()
    review, revision = review_of(store, "mr", "vital-infrastructure")
    assert revision >= 1
    assert "vitaal verklaard" in review.section(ReviewPart.SUMMARY).text
    for part in ReviewPart:
        assert review.section(part).text, part
    for theme in ("crisis-management", "joint-research-programme"):
        # instruments are not reviews: neither the example nor the import makes one
        assert review_of(store, "mr", theme) == (ThemeReview(theme=theme), 0)
    record = get_strategy_text(store, AS_T, "mr")
    text = record.text
    assert text is not None and [i.id for i in text.instruments] == [
        "crisis-management", "joint-research-programme"]
    assert text.introduction is not None and text.conclusion is not None
    # the example already holds the seed's text as the import reads it: nothing to revise
    assert record.revision == 1 and text == load_workspace("example:midterm-2021").strategy_text
    again = import_strategy(store, AS_T, "mr", SEED, dry_run=True)
    assert again.report is not None and again.report.changed == ()  # idempotent


def test_review_edit_conflict_and_frozen(store: Store) -> None:
    load_examples(store, AS_T)
    new_cycle(store, AS_T, "c", kind=CycleKind.RISK_ANALYSIS, profile="gra-2019",
              themes_from="midterm-2021")
    first = edit_review(store, AS_ANN, "c", "cbrn", ReviewEdit(part=ReviewPart.THREAT, text="één"))
    assert first == 1
    assert edit_review(store, AS_ANN, "c", "cbrn", ReviewEdit(
        comprehensive=Answer.YES, more_resilient=Answer.NO, verdict=Verdict.INTENSIFY,
        verdict_reasoning="de dreiging groeit sneller"), expected_revision=1) == 2
    with pytest.raises(Conflict, match=r"revision 1.*current revision is 2"):
        edit_review(store, AS_BOB, "c", "cbrn", ReviewEdit(part=ReviewPart.THREAT, text="twee"),
                    expected_revision=1)
    review, _ = review_of(store, "c", "cbrn")
    assert review.section(ReviewPart.THREAT).text == "één"
    assert review.verdict is Verdict.INTENSIFY
    with pytest.raises(InvalidInput, match="generic"):
        edit_review(store, AS_T, "c", "crisis-management", ReviewEdit(
            verdict=Verdict.CONTINUE, verdict_reasoning="x"))
    with pytest.raises(InvalidInput, match="reasoning"):
        edit_review(store, AS_T, "c", "polarisation", ReviewEdit(verdict=Verdict.NEW))
    freeze_cycle(store, AS_T, "c")
    with pytest.raises(PermissionDenied, match="frozen"):
        edit_review(store, AS_T, "c", "cbrn", ReviewEdit(part=ReviewPart.THREAT, text="drie"))


def test_clone_compares_empty_until_something_changes(store: Store) -> None:
    load_examples(store, AS_T)
    clone_cycle(store, AS_T, "midterm-2021", "next", kind=CycleKind.STRATEGY)
    empty = compare_with_parent(store, "next")
    assert empty.items == () and empty.unchanged > 0
    edit_review(store, AS_T, "next", "cbrn", ReviewEdit(
        verdict=Verdict.ADJUST, verdict_reasoning="nieuwe inzichten"),
        reason="herijking")
    add_measure(store, AS_T, "next", Measure(id="new-m", title="Nieuw", scenarios=("trade-war",),
                                       effect=MeasureEffect(likelihood=1)))
    result = compare_cycles(store, OPERATOR, "next", "midterm-2021")
    kinds = {(i.kind, i.key): i for i in result.comparison.items}
    assert kinds[("review", "cbrn")].status in ("changed", "new")
    assert kinds[("review", "cbrn")].reasons == ("herijking",)
    assert kinds[("measure", "new-m")].status == "new"
    assert len(kinds) == 2
    assert [(v.theme, v.after) for v in result.verdicts] == [("cbrn", Verdict.ADJUST)]


def test_moved_scenario_has_its_arrow_and_reason(store: Store, tmp_path: Path) -> None:
    load_examples(store, AS_T)
    result = compare_cycles(store, OPERATOR, "midterm-2021", "nvs-2019", diagram="svg")
    moves = {m.scenario: m for m in result.moves}
    terror = moves["terror-attack-multiple"]
    assert terror.moved and terror.likelihood[1] < terror.likelihood[0]
    assert terror.reasons and "midterm" in terror.reasons[0]
    assert not moves["flooding-coast"].moved
    assert result.diagram is not None
    svg = result.diagram.decode("utf-8")
    assert "terror-attack-multiple" in svg
    assert result.to_dict()["moves"]


def test_priorities_and_bad_cut(store: Store) -> None:
    load_examples(store, AS_T)
    result = cycle_priorities(store, OPERATOR, "midterm-2021")
    assert result.scenarios and all(p.harmed for p in result.scenarios)
    assert {t.theme for t in result.themes} <= {
        "state-threats", "polarisation", "vital-infrastructure", "terrorism-extremism",
        "military-threats", "criminal-subversion", "digital-threats",
        "multilateral-institutions", "natural-disasters", "cbrn", "infectious-diseases"}
    with pytest.raises(InvalidInput, match="cut"):
        cycle_priorities(store, OPERATOR, "midterm-2021", cut="Q")


def test_example_comparison_lists_every_theme_with_changed_verdict_or_text(store: Store) -> None:
    load_examples(store, AS_T)
    result = compare_cycles(store, OPERATOR, "midterm-2021", "nvs-2019")
    reviews = {i.key: i.status for i in result.comparison.items if i.kind == "review"}
    threat_themes = {"state-threats", "polarisation", "vital-infrastructure",
                     "terrorism-extremism", "military-threats", "criminal-subversion",
                     "digital-threats", "multilateral-institutions", "natural-disasters", "cbrn",
                     "infectious-diseases"}
    assert {k for k, v in reviews.items() if v == "changed"} == threat_themes
    # the generic instruments have no review in either cycle (their text is the strategy text's)
    assert {k for k, v in reviews.items() if v == "new"} == set()
    assert set(reviews) == threat_themes
    # NVS 2019 holds the baseline verdicts the seed describes: six moved, five stayed intensify
    assert {v.theme: (v.before, v.after) for v in result.verdicts} == {
        "state-threats": (Verdict.NEW, Verdict.ADJUST),
        "terrorism-extremism": (Verdict.INTENSIFY, Verdict.CONTINUE),
        "multilateral-institutions": (Verdict.INTENSIFY, Verdict.CONTINUE),
        "natural-disasters": (Verdict.ADJUST, Verdict.INTENSIFY),
        "cbrn": (Verdict.CONTINUE, Verdict.INTENSIFY),
        "infectious-diseases": (Verdict.CONTINUE, Verdict.ADJUST)}


def test_residual_and_arrows_are_drawn(store: Store, tmp_path: Path) -> None:
    from weerbaar.methods.assessment import assess
    from weerbaar.methods.residual import residual_scenarios
    from weerbaar.reports.diagram import draw_risk_diagram
    from weerbaar.store import cycle_workspace

    load_examples(store, AS_T)
    ws, profile = cycle_workspace(store, "midterm-2021")
    base, _ = cycle_workspace(store, "nvs-2019")
    current = assess(ws.scenarios, profile)
    residual = assess(residual_scenarios(ws.scenarios, ws.measures, profile), profile)
    layout = draw_risk_diagram(current, profile, ws.themes, tmp_path / "d.svg",
                               background=assess(base.scenarios, profile), residual=residual)
    assert "terror-attack-multiple" in layout.arrows and "flooding-coast" not in layout.arrows
    def ev(result: object) -> tuple[float, float]:
        return (result.likelihood_position.ev, result.impact_position.ev)  # type: ignore[attr-defined]

    moved = {r.id for r, c in zip(residual.results, current.results, strict=True)
             if ev(r) != ev(c)}
    assert set(layout.residual) == moved and moved
