"""Classification markings: the scheme, clearances, need-to-know redaction and the store's checks.

The web channels are covered by tests/web/test_need_to_know.py; here the pure domain rules, the
hypothesis property of :func:`redact_workspace`, and what the store refuses (unknown markings on
import and save, a scheme lacking a marking in use, an unknown clearance).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.conftest import WORKSPACE_HEAD
from tests.operator_support import OPERATOR, diff

from weerbaar.cli import main
from weerbaar.domain import (
    ClassificationScheme,
    CycleKind,
    EvidenceKind,
    EvidenceLink,
    ExpertScore,
    Measure,
    ReviewPart,
    ReviewSection,
    Role,
    Scenario,
    Signal,
    ThemeReview,
    User,
    Workspace,
)
from weerbaar.domain.need_to_know import (
    audited_items,
    highest_marking,
    marked_items,
    redact_workspace,
    visible_measure,
    visible_review,
    visible_scenario,
    visible_signals,
)
from weerbaar.domain.scores import ScenarioType
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.io import load_workspace
from weerbaar.services import accounts
from weerbaar.store import (
    Store,
    cycle_workspace,
    get,
    import_workspace,
    list_cycles,
    open_store,
    save,
    upgrade,
)
from weerbaar.store.settings import classification_scheme, set_classification_scheme

SCHEME = ClassificationScheme()
LEVELS = "public, internal, confidential, secret"

SMALL = WORKSPACE_HEAD + """\
  - id: flood
    title: Overstroming
    theme: nd
    type: hazard
    impact: {"2.1": C}
    likelihood: C
    experts:
      - {expert: ann, impact: {"2.1": C}}
      - {expert: bob, impact: {"2.1": D}, marking: EXPERT}
    marking: SCENARIO
  - id: storm
    title: Storm
    theme: nd
    type: hazard
    impact: {"2.1": B}
    likelihood: B
"""


def small(scenario: str = "confidential", expert: str = "secret") -> str:
    return SMALL.replace("SCENARIO", scenario).replace("EXPERT", expert)


# --- the scheme -------------------------------------------------------------------------------


def test_default_scheme_orders_the_markings() -> None:
    assert SCHEME.levels == ("public", "internal", "confidential", "secret")
    assert (SCHEME.default, SCHEME.audit_reads_from) == ("internal", "confidential")
    assert [SCHEME.rank(m) for m in (*SCHEME.levels, None, "unknown")] == [0, 1, 2, 3, 1, 4]
    assert SCHEME.effective(None) == "internal" and SCHEME.label("confidential") == "CONFIDENTIAL"
    assert SCHEME.label(None) == "INTERNAL"


@pytest.mark.parametrize("clearance,seen", [
    ("public", {"public"}),
    ("internal", {"public", "internal", None}),
    ("confidential", {"public", "internal", None, "confidential"}),
    ("secret", {"public", "internal", None, "confidential", "secret"}),
    ("unknown", set()),  # a clearance the scheme lacks sees nothing
])
def test_a_clearance_sees_its_level_and_below(clearance: str, seen: set[str | None]) -> None:
    markings: list[str | None] = [*SCHEME.levels, None, "unknown"]
    assert {m for m in markings if SCHEME.allows(clearance, m)} == seen


def test_unknown_marking_fails_closed() -> None:
    assert not SCHEME.allows("secret", "top-secret")
    assert SCHEME.combined("public", "top-secret") == "top-secret"
    assert SCHEME.audited("top-secret")


def test_combined_highest_and_audited() -> None:
    assert SCHEME.combined("public", None) == "internal"
    assert SCHEME.combined("secret", "public") == "secret"
    assert SCHEME.highest([]) == "public"
    assert SCHEME.highest(["public", None, "confidential"]) == "confidential"
    assert [m for m in SCHEME.levels if SCHEME.audited(m)] == ["confidential", "secret"]
    assert not SCHEME.audited(None)


@pytest.mark.parametrize("data,message", [
    ({"levels": ["a", "b"], "default": "c", "audit_reads_from": "a"}, "default 'c' is not one"),
    ({"levels": ["a", "b"], "default": "a", "audit_reads_from": "z"},
     "audit_reads_from 'z' is not one"),
    ({"levels": ["a", "a"], "default": "a", "audit_reads_from": "a"}, "must be different"),
    ({"levels": ["Geheim"], "default": "Geheim", "audit_reads_from": "Geheim"},
     "not a lower-case word"),
    ({"levels": [], "default": "a", "audit_reads_from": "a"}, "at least 1"),
])
def test_scheme_is_validated(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ClassificationScheme.model_validate(data)


def test_clearance_of_a_user_comes_from_the_grant_that_gives_the_role() -> None:
    user = User(id=1, username="u", roles={"a": Role.VIEWER, "b": Role.ANALYST, "*": Role.VIEWER},
                clearances={"a": "secret", "*": "confidential"})
    assert user.clearance_for("a", SCHEME) == "secret"
    assert user.clearance_for("b", SCHEME) == "internal"  # its own grant, without clearance
    assert user.clearance_for("c", SCHEME) == "confidential"  # the all-cycles grant
    assert User(id=2, username="v").clearance_for("a", SCHEME) == "internal"


# --- redaction --------------------------------------------------------------------------------


def scenario(key: str, marking: str | None = None,
             experts: tuple[str | None, ...] = ()) -> Scenario:
    return Scenario(id=key, title=key, theme="t", type=ScenarioType.THREAT, marking=marking,
                    experts=tuple(ExpertScore(expert=f"e{i}", marking=m)
                                  for i, m in enumerate(experts)))


def link(kind: EvidenceKind, ref: str) -> EvidenceLink:
    return EvidenceLink(kind=kind, ref=ref)


def test_visible_items_lose_what_is_above_the_clearance() -> None:
    mixed = scenario("s", "public", ("secret", None, "confidential"))
    seen = visible_scenario(mixed, SCHEME, "internal")
    assert seen is not None and [e.expert for e in seen.experts] == ["e1"]
    assert visible_scenario(mixed, SCHEME, "secret") is mixed
    assert visible_scenario(scenario("c", "confidential"), SCHEME, "internal") is None
    measure = Measure(id="m", title="m", scenarios=("s", "c"))
    assert visible_measure(measure, SCHEME, "internal", scenarios={"s"}) == measure.model_copy(
        update={"scenarios": ("s",)})
    assert visible_measure(measure.model_copy(update={"marking": "secret"}), SCHEME,
                           "confidential", scenarios={"s"}) is None
    review = ThemeReview(theme="t", sections={ReviewPart.THREAT: ReviewSection(evidence=(
        link(EvidenceKind.SCENARIO, "s"), link(EvidenceKind.SCENARIO, "c"),
        link(EvidenceKind.MEASURE, "m"), link(EvidenceKind.SIGNAL, "g"),
        link(EvidenceKind.DOCUMENT, "a report")))})
    seen_review = visible_review(review, SCHEME, "internal", scenarios={"s"}, measures=set(),
                                 signals=set())
    assert seen_review is not None
    assert [(e.kind, e.ref) for e in seen_review.section(ReviewPart.THREAT).evidence] == [
        (EvidenceKind.SCENARIO, "s"), (EvidenceKind.DOCUMENT, "a report")]
    assert visible_review(review.model_copy(update={"marking": "confidential"}), SCHEME,
                          "internal", scenarios={"s"}) is None
    signals = [Signal(id="g1", title="g", date=date(2021, 1, 1), scenarios=("s", "c")),
               Signal(id="g2", title="g", date=date(2021, 1, 1), marking="confidential")]
    assert [(g.id, g.scenarios) for g in visible_signals(signals, SCHEME, "internal",
                                                         scenarios={"s"})] == [("g1", ("s",))]


def test_highest_marking_and_read_log_items() -> None:
    ws = Workspace(profile="gra-2019", scenarios=(scenario("s", "public", ("secret",)),),
                   measures=(Measure(id="m", title="m", marking="confidential"),))
    assert highest_marking(ws, SCHEME) == "secret"
    assert highest_marking(Workspace(profile="gra-2019"), SCHEME) == "public"
    items = list(marked_items(ws, SCHEME))
    assert [(i.kind, i.key, i.marking) for i in items] == [
        ("scenario", "s", "public"), ("score", "s/e0", "secret"),
        ("measure", "m", "confidential")]
    assert [i.key for i in audited_items(items, SCHEME)] == ["s/e0", "m"]


NAMES = ("open", "low", "mid", "high", "top", "cosmic")


@st.composite
def schemes(draw: st.DrawFn) -> ClassificationScheme:
    levels = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=5, unique=True))
    return ClassificationScheme(levels=tuple(levels), default=draw(st.sampled_from(levels)),
                                audit_reads_from=draw(st.sampled_from(levels)))


@st.composite
def cases(draw: st.DrawFn) -> tuple[ClassificationScheme, str, Workspace, set[str], bool]:
    scheme = draw(schemes())
    known = draw(st.booleans())  # only markings of the scheme (else also unknown ones)
    options: list[str | None] = [None, *scheme.levels] + ([] if known else ["unheard-of"])
    marking = st.sampled_from(options)
    scenarios = tuple(
        scenario(f"s{i}", draw(marking), tuple(draw(st.lists(marking, max_size=3))))
        for i in range(draw(st.integers(0, 4))))
    keys = [s.id for s in scenarios]
    measures = tuple(
        Measure(id=f"m{i}", title="m", marking=draw(marking),
                scenarios=tuple(draw(st.lists(st.sampled_from(keys), unique=True)))
                if keys else ())
        for i in range(draw(st.integers(0, 3))))
    signal_keys = ["g0", "g1", "g2"]
    refs = ([(EvidenceKind.SCENARIO, k) for k in keys]
            + [(EvidenceKind.MEASURE, m.id) for m in measures]
            + [(EvidenceKind.SIGNAL, g) for g in signal_keys] + [(EvidenceKind.DOCUMENT, "doc")])
    reviews = tuple(
        ThemeReview(theme=f"t{i}", marking=draw(marking), sections={
            ReviewPart.THREAT: ReviewSection(evidence=tuple(
                link(kind, ref) for kind, ref in draw(st.lists(st.sampled_from(refs),
                                                               unique=True, max_size=5))))})
        for i in range(draw(st.integers(0, 2))))
    workspace = Workspace(profile="gra-2019", scenarios=scenarios, measures=measures,
                          reviews=reviews)
    signals = set(draw(st.lists(st.sampled_from(signal_keys), unique=True)))
    return scheme, draw(st.sampled_from(scheme.levels)), workspace, signals, known


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_redaction_never_shows_more_than_the_clearance(
        case: tuple[ClassificationScheme, str, Workspace, set[str], bool]) -> None:
    scheme, clearance, workspace, signals, known = case

    def rank(*markings: str | None) -> int:  # the rule, independent of the code under test
        levels = [scheme.default if m is None else m for m in markings]
        return max(scheme.levels.index(m) if m in scheme.levels else len(scheme.levels)
                   for m in levels)

    top = scheme.levels.index(clearance)
    seen = redact_workspace(workspace, scheme, clearance, signals=signals)
    scenario_keys = {s.id for s in seen.scenarios}
    measure_keys = {m.id for m in seen.measures}
    for s in seen.scenarios:
        assert rank(s.marking) <= top
        assert all(rank(s.marking, e.marking) <= top for e in s.experts)
    for m in seen.measures:
        assert rank(m.marking) <= top and set(m.scenarios) <= scenario_keys
    allowed = {EvidenceKind.SCENARIO: scenario_keys, EvidenceKind.MEASURE: measure_keys,
               EvidenceKind.SIGNAL: signals}
    for r in seen.reviews:
        assert rank(r.marking) <= top
        for section in r.sections.values():
            assert all(e.ref in allowed.get(e.kind, {e.ref}) for e in section.evidence)
    # nothing the clearance may see is left out
    assert scenario_keys == {s.id for s in workspace.scenarios if rank(s.marking) <= top}
    assert {(s.id, e.expert) for s in seen.scenarios for e in s.experts} == {
        (s.id, e.expert) for s in workspace.scenarios for e in s.experts
        if rank(s.marking, e.marking) <= top}
    assert measure_keys == {m.id for m in workspace.measures if rank(m.marking) <= top}
    assert {r.theme for r in seen.reviews} == {r.theme for r in workspace.reviews
                                               if rank(r.marking) <= top}
    assert seen.themes == workspace.themes
    if known:  # at the highest level, with every marking known: nothing is left out
        everything = {"g0", "g1", "g2"}
        assert redact_workspace(workspace, scheme, scheme.highest_level,
                                signals=everything) == workspace
        assert redact_workspace(workspace, scheme, scheme.highest_level) == workspace


# --- the store --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An upgraded database with cycle "c": a confidential scenario with a secret expert's
    score (built once; each test gets a copy)."""
    folder = tmp_path_factory.mktemp("classification")
    (folder / "ws.yaml").write_text(small(), encoding="utf-8")
    path = folder / "template.sqlite"
    store = open_store(str(path), check_schema=False)
    try:
        upgrade(store.engine)
        import_workspace(store, load_workspace(folder / "ws.yaml"), key="c",
                         kind=CycleKind.RISK_ANALYSIS, actor="t")
    finally:
        store.dispose()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "db.sqlite"
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    opened = open_store(str(db))
    yield opened
    opened.dispose()


def test_markings_ride_in_the_workspace_file(store: Store) -> None:
    flood = get(store, "c", "scenario", "flood").item
    assert flood.marking == "confidential"
    assert [(e.expert, e.marking) for e in flood.experts] == [("ann", None), ("bob", "secret")]
    ws, _ = cycle_workspace(store, "c", clearance="confidential")
    assert [(s.id, [e.expert for e in s.experts]) for s in ws.scenarios] == [
        ("flood", ["ann"]), ("storm", [])]
    assert [s.id for s in cycle_workspace(store, "c", clearance="internal")[0].scenarios] == [
        "storm"]


@pytest.mark.parametrize("scenario_marking,expert_marking,where", [
    ("top", "secret", "marking"), ("confidential", "top", "experts[1].marking")])
def test_import_refuses_an_unknown_marking_with_its_key_path(
        tmp_path: Path, write: Callable[[str, str], Path], scenario_marking: str,
        expert_marking: str, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = write("bad.yaml", small(scenario_marking, expert_marking))
    store = open_store(str(tmp_path / "new.sqlite"), check_schema=False)
    upgrade(store.engine)
    with pytest.raises(InvalidInput) as caught:
        import_workspace(store, load_workspace(path), key="k", kind=CycleKind.RISK_ANALYSIS,
                         actor="t")
    assert caught.value.location == [where]
    assert caught.value.expected == f"one of {LEVELS}"
    assert "unknown marking 'top'" in caught.value.message
    db = str(tmp_path / "new.sqlite")
    store.dispose()
    capsys.readouterr()
    assert main(["cycles", "import", str(path), "--key", "k", "--db", db]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"key {where}: " in err and f"(expected one of {LEVELS})" in err
    store = open_store(db)
    assert list_cycles(store) == []  # nothing was imported
    store.dispose()


def test_save_refuses_an_unknown_marking(store: Store) -> None:
    stored = get(store, "c", "scenario", "storm")
    for item, where in ((stored.item.model_copy(update={"marking": "top"}), "marking"),
                        (stored.item.model_copy(update={"experts": (
                            ExpertScore(expert="x", marking="top"),)}), "experts[0].marking")):
        with pytest.raises(InvalidInput) as caught:
            save(store, "c", item, expected_revision=stored.revision, actor="t")
        assert caught.value.location == [where] and caught.value.expected == f"one of {LEVELS}"
    assert get(store, "c", "scenario", "storm").revision == stored.revision


def test_a_scheme_lacking_a_marking_in_use_is_refused(store: Store) -> None:
    smaller = {"levels": ["public", "internal", "confidential"], "default": "internal",
               "audit_reads_from": "confidential"}
    with pytest.raises(Conflict, match=r"lacks: 'secret' \(1x\)"):
        set_classification_scheme(store, smaller, actor="t")
    assert classification_scheme(store) == SCHEME
    flood = get(store, "c", "scenario", "flood")
    experts = tuple(e.model_copy(update={"marking": None}) for e in flood.item.experts)
    save(store, "c", flood.item.model_copy(update={"experts": experts}),
         expected_revision=flood.revision, actor="t")
    assert set_classification_scheme(store, smaller, actor="t").levels == (
        "public", "internal", "confidential")
    assert classification_scheme(store).levels == ("public", "internal", "confidential")
    stored = get(store, "c", "scenario", "storm")
    with pytest.raises(InvalidInput) as caught:
        save(store, "c", stored.item.model_copy(update={"marking": "secret"}),
             expected_revision=stored.revision, actor="t")
    assert caught.value.expected == "one of public, internal, confidential"
    with pytest.raises(InvalidInput, match="default 'x' is not one of the markings"):
        set_classification_scheme(store, {**smaller, "default": "x"}, actor="t")


def test_cli_classification_show_and_set(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classification", "set", "--levels", "public,internal,confidential",
                 "--default", "internal", "--audit-reads-from", "confidential",
                 "--db", str(db)]) == 4
    assert "'secret'" in capsys.readouterr().err
    assert main(["classification", "set", "--levels", "public,internal,confidential,secret,top",
                 "--default", "public", "--audit-reads-from", "secret", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["classification", "show", "--db", str(db)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "public < internal < confidential < secret < top" in out
    assert "unmarked content counts as: public" in out and "logged from: secret" in out


def test_grant_needs_a_known_clearance(store: Store) -> None:
    accounts.add_user(store, OPERATOR, "gus", "pw-correct-horse-9")
    with pytest.raises(InvalidInput) as caught:
        accounts.grant(store, OPERATOR, "gus", "viewer", cycle="c", clearance="top")
    assert caught.value.location == ["clearance"] and caught.value.expected == f"one of {LEVELS}"
    user = accounts.grant(store, OPERATOR, "gus", "viewer", cycle="c", clearance="secret")
    assert user.clearances == {"c": "secret"}
    assert user.clearance_for("c", classification_scheme(store)) == "secret"


def test_diff_at_a_clearance_hides_revisions_above_it(store: Store) -> None:
    stored = get(store, "c", "scenario", "storm")
    secret = save(store, "c", stored.item.model_copy(update={"marking": "secret",
                                                             "narrative": "geheim"}),
                  expected_revision=stored.revision, actor="t")
    after = save(store, "c", stored.item, expected_revision=secret, actor="t")
    assert diff(store, "c", "scenario", "storm", stored.revision, after,
                clearance="internal") == []
    with pytest.raises(NotFound) as caught:
        diff(store, "c", "scenario", "storm", stored.revision, secret, clearance="internal")
    with pytest.raises(NotFound) as missing:
        diff(store, "c", "scenario", "storm", stored.revision, 99, clearance="internal")
    assert str(caught.value).replace(f"revision {secret}", "N") == \
        str(missing.value).replace("revision 99", "N")
    changes = diff(store, "c", "scenario", "storm", stored.revision, secret, clearance="secret")
    assert {(c.subject, c.aspect) for c in changes} == {("Scenario", "marking"),
                                                        ("Scenario", "narrative")}
    # a change to the secret expert's score of a visible scenario does not show below it
    flood = get(store, "c", "scenario", "flood")
    ann, bob = flood.item.experts
    why = {"2.1": bob.impact["2.1"].model_copy(update={"reasoning": "geheime reden"})}
    changed = save(store, "c", flood.item.model_copy(update={
        "experts": (ann, bob.model_copy(update={"impact": why}))}),
        expected_revision=flood.revision, actor="t")
    assert diff(store, "c", "scenario", "flood", flood.revision, changed,
                clearance="confidential") == []
    assert [(c.subject, c.aspect, c.after) for c in diff(
        store, "c", "scenario", "flood", flood.revision, changed, clearance="secret")] == [
        ("2.1 Fatalities (expert bob)", "reasoning", "geheime reden")]
