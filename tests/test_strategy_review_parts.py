"""The whole review is kept: the seed's introduction, conclusion and generic instruments.

``weerbaar import-strategy`` stores what the midterm review says outside its theme reviews as the
cycle's strategy text; the workspace export, the report (HTML, DOCX), the pages and the API give
the introduction and the conclusion word for word. The expected paragraphs are cut from the seed
file by its own headings (never copied into this test). Generic instruments keep their text
without questions or verdict. The NVS 2019 example holds the baseline verdicts the seed describes,
so the comparison with the midterm review shows real verdict moves.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR
from tests.web.support import PASSWORDS, build_database, form_fields

from weerbaar.cli import main
from weerbaar.domain import (
    CycleKind,
    DocumentChapter,
    GenericInstrument,
    StrategyText,
    ThemeKind,
    Verdict,
)
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.reports.model import Heading, Paragraph
from weerbaar.services.cycles import export_cycle, new_cycle
from weerbaar.services.reports import build_report
from weerbaar.services.strategy import import_strategy
from weerbaar.services.strategy_text import get_strategy_text, save_strategy_text
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, cycle_workspace, get, open_store
from weerbaar.web import create_app

SEED = Path(str(resources.files("weerbaar.data.seed") / "midterm-review-2021.txt"))
CYCLE = "midterm-2021"  # the example's draft cycle, with the two generic themes
INSTRUMENTS = ("crisis-management", "joint-research-programme")
_SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def seed_paragraphs(heading: str, until: str | None) -> list[str]:
    """The paragraphs of a chapter of the seed, cut by its headings: the lines after the line
    that is the chapter's heading (the table of contents has a page number after it) up to the
    next chapter's heading, without blank lines and footnote lines."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    start = lines.index(heading) + 1
    end = lines.index(until) if until else len(lines)
    return [line for line in lines[start:end] if line and line[0] not in _SUPERSCRIPT]


INTRODUCTION = seed_paragraphs("Inleiding", "Ontwikkelingen per thema uit de NVS 2019")
CONCLUSION = seed_paragraphs("Slotwoord en vooruitblik", None)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.fixture(scope="module")
def imported_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example cycles and the web tests' users, with the seed imported into the draft
    cycle by the command line."""
    path = build_database(tmp_path_factory.mktemp("strategy-text") / "db.sqlite")
    code = main(["import-strategy", str(SEED), "--cycle", CYCLE, "--db", str(path),
                 "--actor", "importer"])
    assert code == 0
    return path


@pytest.fixture
def store(imported_db: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the imported database: the test may write."""
    copy = tmp_path / "db.sqlite"
    shutil.copyfile(imported_db, copy)
    opened = open_store(str(copy))
    yield opened
    opened.dispose()


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


# --- the seed's parts as stored ------------------------------------------------------------------


def test_the_seed_cut_by_its_headings_is_what_the_test_expects() -> None:
    assert len(INTRODUCTION) == 9 and INTRODUCTION[0].startswith("Nederland is een open")
    assert len(CONCLUSION) == 9 and "geen onverwacht beeld" in CONCLUSION[1]
    assert "rijksbrede periodieke geïntegreerde veiligheidsanalyse" in CONCLUSION[7]
    assert "(de NVS en de GBVS)" in CONCLUSION[7]


def test_import_stores_introduction_conclusion_and_instruments_word_for_word(
        store: Store) -> None:
    record = get_strategy_text(store, OPERATOR, CYCLE)
    text = record.text
    assert text is not None and record.revision == 1
    assert text.source == SEED.name and (text.title or "").startswith("Midterm review 2021")
    assert text.introduction is not None and text.conclusion is not None
    assert text.introduction.heading == "Inleiding"
    assert paragraphs(text.introduction.text) == INTRODUCTION
    assert text.introduction.footnotes["1"] == "Tweede Kamer 2018-2019, 3 0821, nr. 81."
    assert set(text.introduction.footnotes) == {"1", "2"}
    assert text.conclusion.heading == "Slotwoord en vooruitblik"
    assert paragraphs(text.conclusion.text) == CONCLUSION
    assert [i.id for i in text.instruments] == list(INSTRUMENTS)
    crisis = text.instrument("crisis-management")
    assert crisis is not None and crisis.title == "Crisisbeheersing"
    assert crisis.text.startswith("Sinds het verschijnen van de Nationale Veiligheid Strategie")
    assert len(paragraphs(crisis.text)) == 3  # the page break in the third is joined
    assert {e.ref for e in crisis.evidence} == {"footnote 17", "footnote 18"}


def test_a_second_import_changes_nothing(store: Store) -> None:
    again = import_strategy(store, OPERATOR, CYCLE, SEED)
    assert again.report is not None and again.report.changed == () and again.report.added == ()
    assert get_strategy_text(store, OPERATOR, CYCLE).revision == 1


def test_instruments_get_no_questions_no_verdict_and_no_review(store: Store,
                                                                imported_db: Path) -> None:
    for name in ("verdict", "verdict_reasoning", "comprehensive", "more_resilient"):
        assert name not in GenericInstrument.model_fields
        assert name not in StrategyText.model_fields
    # the generic themes have no review: not in the example, not after the import
    example = load_workspace("example:midterm-2021")
    generic = {t.id for t in example.themes if t.kind is ThemeKind.GENERIC}
    assert generic == set(INSTRUMENTS)
    assert not generic & {r.theme for r in example.reviews}
    for theme in INSTRUMENTS:
        with pytest.raises(NotFound):
            get(store, CYCLE, "review", theme)
    exported = yaml.safe_load(export_cycle(store, OPERATOR, CYCLE).text)
    assert not generic & {r["theme"] for r in exported["reviews"]}
    assert [i["id"] for i in exported["strategy_text"]["instruments"]] == list(INSTRUMENTS)
    for instrument in exported["strategy_text"]["instruments"]:
        assert set(instrument) <= {"id", "title", "text", "evidence", "footnotes"}


def test_the_example_holds_the_text_the_import_reads_from_the_seed(store: Store) -> None:
    """The example cycle's strategy text (midterm-2021.yaml) is the seed's as the import reads
    it, so the two never drift: importing the seed into a cycle with the example's themes and
    no text gives the example's text, equal field for field."""
    example = load_workspace("example:midterm-2021").strategy_text
    assert example is not None and example.source == SEED.name
    assert example.introduction is not None and example.conclusion is not None
    assert paragraphs(example.introduction.text) == INTRODUCTION  # cut from the seed directly
    assert paragraphs(example.conclusion.text) == CONCLUSION
    new_cycle(store, OPERATOR, "fresh", kind=CycleKind.MIDTERM_REVIEW, profile="gra-2019",
              themes_from=CYCLE)
    assert get_strategy_text(store, OPERATOR, "fresh").revision == 0
    import_strategy(store, OPERATOR, "fresh", SEED)
    imported = get_strategy_text(store, OPERATOR, "fresh")
    assert imported.revision == 1 and imported.text == example


def test_instruments_without_a_generic_theme_keep_a_key_from_their_heading(
        store: Store) -> None:
    new_cycle(store, OPERATOR, "bare", kind=CycleKind.RISK_ANALYSIS, profile="gra-2019")
    result = import_strategy(store, OPERATOR, "bare", SEED)
    text = get_strategy_text(store, OPERATOR, "bare").text
    assert text is not None
    assert [i.id for i in text.instruments] == ["crisisbeheersing",
                                                "ontwikkelingen-gezamenlijk-onderzoeksprogramma"]
    notes = [m.note for m in result.matches if m.heading == "Crisisbeheersing"]
    assert notes and "kept as instrument 'crisisbeheersing'" in str(notes[0])
    assert paragraphs(text.conclusion.text if text.conclusion else "") == CONCLUSION


# --- workspace files -----------------------------------------------------------------------------


def test_workspace_export_keeps_the_parts_and_round_trips(capsys: pytest.CaptureFixture[str],
                                                          imported_db: Path,
                                                          tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    shutil.copyfile(imported_db, db)
    exported = tmp_path / "midterm.yaml"
    run(capsys, "cycle", "export", CYCLE, "--out", str(exported), "--db", str(db))
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert paragraphs(data["strategy_text"]["introduction"]["text"]) == INTRODUCTION
    assert paragraphs(data["strategy_text"]["conclusion"]["text"]) == CONCLUSION
    loaded = load_workspace(exported)
    store = open_store(str(db))
    try:
        stored, profile = cycle_workspace(store, CYCLE)
    finally:
        store.dispose()
    assert loaded == stored and loaded.strategy_text == stored.strategy_text
    body = exported.read_text(encoding="utf-8").split("\n", 1)[1]  # after the marking line
    assert dump_workspace(loaded, profile) == body
    # into a new cycle and out again: the same file
    run(capsys, "cycle", "import", str(exported), "--key", "copy", "--db", str(db))
    again = tmp_path / "copy.yaml"
    run(capsys, "cycle", "export", "copy", "--out", str(again), "--db", str(db))
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_a_workspace_file_with_a_repeated_instrument_is_refused(tmp_path: Path) -> None:
    text = (Path(str(resources.files("weerbaar.data.examples") / "nvs-2019.yaml"))
            .read_text(encoding="utf-8"))
    text += ("strategy_text:\n  instruments:\n"
             "    - {id: crisis-management, title: A}\n"
             "    - {id: crisis-management, title: B}\n")
    path = tmp_path / "twice.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match="occurs twice") as caught:
        load_workspace(path)
    assert "strategy_text" in str(caught.value) and "twice.yaml" in str(caught.value)


# --- the report ----------------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("p", "h1", "h2", "h3", "h4", "li"):
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "h1", "h2", "h3", "h4", "li") and self._open:
            self.blocks.append(" ".join(self._open.pop().split()))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1] += data


def _chapter(blocks: list[str], heading: str, count: int) -> list[str]:
    """The ``count`` blocks after the chapter's heading (not its entry in the contents)."""
    starts = [i + 1 for i, b in enumerate(blocks) if b == heading]
    return blocks[starts[-1]:starts[-1] + count] if starts else []


def _style(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def test_report_prints_introduction_and_conclusion_word_for_word(
        capsys: pytest.CaptureFixture[str], imported_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    shutil.copyfile(imported_db, db)
    out = run(capsys, "report", "build", CYCLE, "--format", "html,docx", "--lang", "nl",
              "--out", str(tmp_path / "out"), "--date", "2021-09-01", "--db", str(db))
    files = {Path(line).suffix: Path(line) for line in out.split()}
    parser = _Text()
    parser.feed(files[".html"].read_text(encoding="utf-8"))
    shown = [html.unescape(b) for b in parser.blocks]
    assert _chapter(shown, "Inleiding", len(INTRODUCTION)) == INTRODUCTION
    assert _chapter(shown, "Slotwoord en vooruitblik", len(CONCLUSION)) == CONCLUSION
    assert "Uit de gegevens van de cyclus" in shown  # the generated part, under its own heading
    document = docx.Document(str(files[".docx"]))
    texts = [p.text for p in document.paragraphs]
    assert _chapter(texts, "Inleiding", len(INTRODUCTION)) == INTRODUCTION
    assert _chapter(texts, "Slotwoord en vooruitblik", len(CONCLUSION)) == CONCLUSION
    styles = {p.text: _style(p) for p in document.paragraphs if p.text}
    assert styles["Inleiding"] == styles["Slotwoord en vooruitblik"] == "Heading 1"
    # the instruments' chapter: their text, no verdict
    start = next(i for i, p in enumerate(document.paragraphs) if _style(p) == "Heading 1"
                 and p.text == "Generieke instrumenten voor de nationale veiligheid")
    chapter = []
    for paragraph in document.paragraphs[start + 1:]:
        if _style(paragraph) == "Heading 1":
            break
        chapter.append(paragraph.text)
    assert "Crisisbeheersing" in chapter and "Gezamenlijk onderzoeksprogramma" in chapter
    assert any(t.startswith("Sinds het verschijnen van de Nationale Veiligheid Strategie 2019")
               for t in chapter)
    assert not any(t.startswith(("Oordeel over de aanpak", "Is er een integrale aanpak"))
                   for t in chapter)


def test_report_without_a_strategy_text_says_its_chapters_are_generated(store: Store) -> None:
    run_ = build_report(store, OPERATOR, "nvs-2019", formats=("html",), lang="en")
    blocks = run_.document.blocks
    level1 = [b for b in blocks if isinstance(b, Heading) and b.level == 1]
    assert level1[0].text == "Introduction"
    note = blocks[blocks.index(level1[0]) + 1]
    assert isinstance(note, Paragraph) and note.kind == "note"
    assert "holds no introduction of the strategy document" in note.text
    conclusion = next(b for b in level1 if b.text == "Conclusion and outlook")
    after = blocks[blocks.index(conclusion) + 1]
    assert isinstance(after, Paragraph) and "holds no conclusion" in after.text


# --- need-to-know --------------------------------------------------------------------------------


def test_a_marked_text_reads_as_none_below_its_marking(store: Store) -> None:
    record = get_strategy_text(store, OPERATOR, CYCLE)
    assert record.text is not None
    save_strategy_text(store, OPERATOR, CYCLE,
                       record.text.model_copy(update={"marking": "confidential"}),
                       expected_revision=record.revision)
    low = Viewer.operator("low", clearance="internal")
    seen = get_strategy_text(store, low, CYCLE)
    assert seen.text is None and seen.revision == 0
    assert "strategy_text" not in export_cycle(store, low, CYCLE).text
    with pytest.raises(Conflict):  # as for a cycle without one: a new one collides
        save_strategy_text(store, low, CYCLE, StrategyText(introduction=DocumentChapter(
            heading="Inleiding", text="overschreven")), expected_revision=0)
    kept = get_strategy_text(store, OPERATOR, CYCLE).text
    assert kept is not None and kept.introduction is not None
    assert paragraphs(kept.introduction.text) == INTRODUCTION
    report = build_report(store, low, CYCLE, formats=("html",), lang="en").document
    assert not any(isinstance(b, Paragraph) and b.text == INTRODUCTION[0] for b in report.blocks)


# --- pages and API -------------------------------------------------------------------------------


@pytest.fixture
def client_for(store: Store) -> Iterator[object]:
    app = create_app(store)
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app)
        response = client.post("/api/v1/login",
                               json={"username": name, "password": PASSWORDS[name]})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf"]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def _blocks(page: str) -> list[str]:
    """The page's paragraphs (and headings), as the reader sees them."""
    parser = _Text()
    parser.feed(page)
    return [html.unescape(b) for b in parser.blocks]


def _page_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_pages_and_api_show_the_parts(client_for: object) -> None:
    vic = client_for("vic")  # type: ignore[operator]
    listing = vic.get(f"/cycles/{CYCLE}/reviews")
    assert listing.status_code == 200
    assert _blocks(listing.text)[-len(CONCLUSION):] == CONCLUSION
    assert all(p in _blocks(listing.text) for p in INTRODUCTION)
    assert 'id="instrument-crisis-management"' in listing.text
    page = vic.get(f"/cycles/{CYCLE}/strategy-text")
    assert page.status_code == 200 and "<textarea" not in page.text  # read-only for a viewer
    assert all(p in _blocks(page.text) for p in (*INTRODUCTION, *CONCLUSION))
    body = vic.get(f"/api/v1/cycles/{CYCLE}/strategy-text").json()
    assert body["revision"] == 1
    text = body["strategy_text"]
    assert paragraphs(text["introduction"]["text"]) == INTRODUCTION
    assert paragraphs(text["conclusion"]["text"]) == CONCLUSION
    assert [i["id"] for i in text["instruments"]] == list(INSTRUMENTS)
    assert all("verdict" not in i and "comprehensive" not in i for i in text["instruments"])


def test_the_form_saves_unchanged_edits_and_merges_a_stale_edit(client_for: object,
                                                                store: Store) -> None:
    ann, cora = client_for("ann"), client_for("cora")  # type: ignore[operator]
    path = f"/cycles/{CYCLE}/strategy-text"
    mine = form_fields(ann.get(path).text, "strategy-text-form")
    assert mine["expected_revision"] == "1"
    assert paragraphs(mine["conclusion-text"]) == CONCLUSION
    # saved unchanged: no new revision
    assert ann.post(path, data=mine, follow_redirects=False).status_code == 303
    assert get_strategy_text(store, OPERATOR, CYCLE).revision == 1
    # cora edits the conclusion; ann, from revision 1, edits an instrument: both are kept
    theirs = form_fields(cora.get(path).text, "strategy-text-form")
    theirs["conclusion-text"] += "\n\nEen extra alinea."
    assert cora.post(path, data=theirs, follow_redirects=False).status_code == 303
    mine["instrument.crisis-management-text"] += "\n\nAnns aanvulling."
    response = ann.post(path, data=mine)
    assert response.status_code == 409 and "nothing was overwritten" in _page_text(response.text)
    merged = form_fields(response.text, "strategy-text-form")
    assert merged["expected_revision"] == "2"
    assert merged["conclusion-text"].endswith("Een extra alinea.")  # theirs taken
    assert merged["instrument.crisis-management-text"].endswith("Anns aanvulling.")  # mine kept
    assert ann.post(path, data=merged, follow_redirects=False).status_code == 303
    saved = get_strategy_text(store, OPERATOR, CYCLE)
    assert saved.revision == 3 and saved.text is not None
    assert saved.text.conclusion is not None and saved.text.introduction is not None
    assert paragraphs(saved.text.conclusion.text) == [*CONCLUSION, "Een extra alinea."]
    assert paragraphs(saved.text.introduction.text) == INTRODUCTION
    crisis = saved.text.instrument("crisis-management")
    assert crisis is not None and crisis.text.endswith("Anns aanvulling.")
    assert {e.ref for e in crisis.evidence} == {"footnote 17", "footnote 18"}
    # a viewer may not save
    vic = client_for("vic")  # type: ignore[operator]
    refused = vic.post(path, data={**merged, "expected_revision": "3",
                                   "csrf_token": vic.headers["X-CSRF-Token"]})
    assert refused.status_code == 403 and "needs the analyst role" in _page_text(refused.text)
    assert get_strategy_text(store, OPERATOR, CYCLE).revision == 3


def test_the_api_refuses_a_stale_or_partial_text_and_saves_an_unchanged_one(
        client_for: object, store: Store) -> None:
    ann = client_for("ann")  # type: ignore[operator]
    url = f"/api/v1/cycles/{CYCLE}/strategy-text"
    body = ann.get(url).json()
    text = body["strategy_text"]
    same = ann.put(url, json={"strategy_text": text, "expected_revision": 1})
    assert same.status_code == 200 and same.json() == {"revision": 1}
    partial = {**text, "instruments": text["instruments"][:1]}
    refused = ann.put(url, json={"strategy_text": partial, "expected_revision": 1})
    assert refused.status_code == 422 and "joint-research-programme" in refused.text
    deleted = ann.put(url, json={"strategy_text": partial, "expected_revision": 1,
                                 "delete": ["instruments.joint-research-programme"]})
    assert deleted.status_code == 200 and deleted.json() == {"revision": 2}
    stale = ann.put(url, json={"strategy_text": text, "expected_revision": 1})
    assert stale.status_code == 409
    assert len(stale.json()["current"]["strategy_text"]["instruments"]) == 1
    assert get_strategy_text(store, OPERATOR, CYCLE).revision == 2
    frozen = ann.put("/api/v1/cycles/nvs-2019/strategy-text",
                     json={"strategy_text": text, "expected_revision": 0})
    assert frozen.status_code == 403


# --- the NVS 2019 baseline verdicts --------------------------------------------------------------

BASELINE = {  # theme: (2019, midterm 2021)
    "state-threats": (Verdict.NEW, Verdict.ADJUST),
    "terrorism-extremism": (Verdict.INTENSIFY, Verdict.CONTINUE),
    "multilateral-institutions": (Verdict.INTENSIFY, Verdict.CONTINUE),
    "natural-disasters": (Verdict.ADJUST, Verdict.INTENSIFY),
    "cbrn": (Verdict.CONTINUE, Verdict.INTENSIFY),
    "infectious-diseases": (Verdict.CONTINUE, Verdict.ADJUST),
}


def test_nvs_2019_holds_the_baseline_verdicts_with_the_seeds_sentences() -> None:
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    workspace = load_workspace("example:nvs-2019")
    threats = [t.id for t in workspace.themes if t.kind is ThemeKind.THREAT]
    reviews = {r.theme: r for r in workspace.reviews}
    assert set(reviews) == set(threats)
    for theme in threats:
        review = reviews[theme]
        assert review.verdict is not None, theme
        reasoning = " ".join((review.verdict_reasoning or "").split())
        assert reasoning.startswith("Illustratief"), theme
        quoted = re.findall(r"'([^']{40,})'", reasoning)
        assert quoted and all(q in seed for q in quoted), theme
    for theme, (before, _) in BASELINE.items():
        assert reviews[theme].verdict is before


def test_compare_shows_the_verdict_moves(capsys: pytest.CaptureFixture[str],
                                         imported_db: Path) -> None:
    out = run(capsys, "cycle", "compare", "nvs-2019", CYCLE, "--json", "--db", str(imported_db))
    verdicts = {v["theme"]: (v["before"], v["after"]) for v in json.loads(out)["verdicts"]}
    assert verdicts == {theme: (before.value, after.value)
                        for theme, (before, after) in BASELINE.items()}
    assert all(before is not None for before, _ in verdicts.values())


# --- the command line: weerbaar review strategy-text ---------------------------------------------


def test_cli_shows_the_parts_word_for_word_in_the_documents_order(
        capsys: pytest.CaptureFixture[str], imported_db: Path) -> None:
    out = run(capsys, "review", "strategy-text", CYCLE, "--lang", "nl", "--db", str(imported_db))
    lines = out.splitlines()
    assert lines[0] == f"Strategietekst — {CYCLE} (revisie 1; Rubricering: internal)"
    assert lines[1] == "Midterm review 2021 Nationale Veiligheid Strategie · Gelezen uit " + SEED.name
    # every paragraph on a line of its own, as the seed has it (never wrapped)
    for paragraph in (*INTRODUCTION, *CONCLUSION):
        assert paragraph in lines, paragraph
    order = [lines.index(x) for x in (
        "Inleiding", INTRODUCTION[0], "Generieke instrumenten voor de nationale veiligheid",
        "Crisisbeheersing (crisis-management)",
        "Ontwikkelingen gezamenlijk onderzoeksprogramma (joint-research-programme)",
        "Slotwoord en vooruitblik", CONCLUSION[0])]
    assert order == sorted(order)
    assert "  Voetnoot 1: Tweede Kamer 2018-2019, 3 0821, nr. 81." in lines
    crisis = lines.index("Crisisbeheersing (crisis-management)")
    assert lines[crisis + 1].startswith("Sinds het verschijnen van de Nationale Veiligheid")
    assert "  onderbouwing: document footnote 17" in lines[crisis:]
    assert "  Voetnoot 18: Tweede Kamer 2020-2021, 29 517, nr. 198." in lines[crisis:]
    # instruments have no questions and no verdict
    assert "Oordeel over de aanpak" not in out and "integrale aanpak?" not in out
    english = run(capsys, "review", "strategy-text", CYCLE, "--db", str(imported_db))
    assert english.splitlines()[0] == f"Strategy text — {CYCLE} (revision 1; Marking: internal)"
    assert "Introduction (Inleiding)" in english.splitlines()
    assert "Conclusion and outlook (Slotwoord en vooruitblik)" in english.splitlines()
    assert "Generic instruments for national security" in english.splitlines()


def test_cli_json_is_the_services_record(capsys: pytest.CaptureFixture[str],
                                         imported_db: Path) -> None:
    shown = json.loads(run(capsys, "review", "strategy-text", CYCLE, "--json",
                           "--db", str(imported_db)))
    store = open_store(str(imported_db))
    try:
        assert shown == get_strategy_text(store, OPERATOR, CYCLE).to_dict()
    finally:
        store.dispose()
    assert shown["revision"] == 1
    assert paragraphs(shown["strategy_text"]["introduction"]["text"]) == INTRODUCTION
    assert paragraphs(shown["strategy_text"]["conclusion"]["text"]) == CONCLUSION
    none = json.loads(run(capsys, "review", "strategy-text", "nvs-2019", "--json",
                          "--db", str(imported_db)))
    assert none == {"revision": 0, "marking": "internal", "strategy_text": None}


def test_cli_without_a_text_says_so_in_the_asked_language(capsys: pytest.CaptureFixture[str],
                                                          imported_db: Path) -> None:
    dutch = run(capsys, "review", "strategy-text", "nvs-2019", "--lang", "nl",
                "--db", str(imported_db))
    assert dutch.splitlines()[1] == "Voor deze cyclus is geen strategietekst vastgelegd."
    english = run(capsys, "review", "strategy-text", "nvs-2019", "--db", str(imported_db))
    assert english.splitlines()[1] == "No strategy text has been recorded for this cycle."
    assert main(["review", "strategy-text", "nope", "--db", str(imported_db)]) == 3
    assert "no cycle 'nope'" in capsys.readouterr().err


def test_cli_prints_user_text_as_written_never_as_markup(capsys: pytest.CaptureFixture[str],
                                                         store: Store, tmp_path: Path) -> None:
    record = get_strategy_text(store, OPERATOR, CYCLE)
    assert record.text is not None
    odd = "[bold]niet vet[/bold] en [/] en [link=https://example.org]geen link[/link]"
    crisis = record.text.instruments[0].model_copy(update={"title": f"Titel {odd}",
                                                           "text": f"Alinea {odd}"})
    edited = record.text.model_copy(update={
        "title": f"Document {odd}",
        "introduction": DocumentChapter(heading=f"Kop {odd}", text=f"Inleiding {odd}",
                                        footnotes={"1": f"Noot {odd}"}),
        "instruments": (crisis, *record.text.instruments[1:])})
    save_strategy_text(store, OPERATOR, CYCLE, edited, expected_revision=record.revision)
    db = tmp_path / "db.sqlite"  # the store fixture's copy
    out = run(capsys, "review", "strategy-text", CYCLE, "--lang", "nl", "--db", str(db))
    lines = out.splitlines()
    assert f"Document {odd} · Gelezen uit {SEED.name}" in lines
    assert f"Inleiding (Kop {odd})" in lines and f"Inleiding {odd}" in lines
    assert f"  Voetnoot 1: Noot {odd}" in lines
    assert f"Titel {odd} (crisis-management)" in lines and f"Alinea {odd}" in lines
