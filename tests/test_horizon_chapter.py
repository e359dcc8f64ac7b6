"""The horizon-scan chapter of the report and the example's horizon scan.

The example midterm review ships with illustrative signals drawn from the seed's Horizonscan 2020
references (``midterm-2021-signals.csv``); they form known trends with the engine's settings and
two theme reviews cite a trend as evidence. The reports of the example, Dutch and English, carry
the chapter in every format (Word, PDF, HTML, Excel) with the same trends and counts as the
service's horizon-scan section; a signal above the reader's clearance leaves no trace in it.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from tests.example_signals import example_signal_file, example_signal_ids
from tests.report_helpers import AS_TEST, REPORT_DATE, example_db, example_reports, path_of

from weerbaar.domain import EvidenceKind, Language, ReviewPart, SignalStatus
from weerbaar.horizon import HorizonSection, SectionTrend
from weerbaar.reports.model import Paragraph
from weerbaar.services.reports import ReportRun, build_report
from weerbaar.services.reviews import list_reviews
from weerbaar.services.signals import (
    attach_trend,
    horizon_scan_section,
    import_signals,
    list_signals,
)
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, open_store

LANGS: tuple[Language, ...] = ("nl", "en")
CYCLE = "midterm-2021"
# The example's trends with the engine's default settings: number -> (top terms, strength).
TRENDS = {
    1: ("digitale, aanvallen, kwetsbaarheden, dreigingen, systemen", "strong"),
    2: ("maatschappelijk, ongenoegen, covid, polarisatie, deel", "strong"),
    3: ("polarisatie, gewelddadig, extremisme, samenleving, demonstraties", "weak"),
    4: ("grote, mogendheden, spanningen, geopolitieke, competitie", "weak"),
    5: ("pandemie, infectieziekte, infectieziekten, covid, aandienen", "fading"),
}
# The reviews citing a trend: theme -> (trend number, signals cited / in the trend).
CITED = {"polarisation": (3, "6 / 6"), "digital-threats": (1, "9 / 9")}
HEADING = {"nl": "Horizonscan", "en": "Horizon scan"}
SECTIONS = {
    "nl": ["Trends", "Trends per thema", "Signalen van de sterke trends",
           "Signalen van de zwakke trends", "Trends als onderbouwing"],
    "en": ["Trends", "Trends per theme", "Signals of the strong trends",
           "Signals of the weak trends", "Trends cited as evidence"],
}
STRENGTH = {"nl": {"strong": "sterk", "weak": "zwak", "fading": "afnemend"},
            "en": {"strong": "strong", "weak": "weak", "fading": "fading"}}
THEME = {"nl": {"polarisation": "Polarisatie en sociale cohesie",
                "digital-threats": "Cybersecurity en digitale dreigingen"},
         "en": {"polarisation": "Polarisation and social cohesion",
                "digital-threats": "Cyber security and digital threats"}}
THREAT_PART = {"nl": "Ontwikkeling van de dreiging en de risico's",
               "en": "Development of the threat and the risks"}
INTRO = {"nl": "De horizonscan van deze cyclus bevat", "en": "The horizon scan of this cycle holds"}
# the example holds the document's own conclusion (strategy_text:), printed under its own heading
# in either language
CONCLUSION = {"nl": "Slotwoord en vooruitblik", "en": "Slotwoord en vooruitblik"}
SHEETS = {"nl": ("Horizonscan – trends", "Horizonscan – signalen", "Horizonscan – onderbouwing"),
          "en": ("Horizon scan – trends", "Horizon scan – signals", "Horizon scan – evidence")}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@contextmanager
def example_store() -> Iterator[Store]:
    store = open_store(example_db())
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def section() -> HorizonSection:
    """The service's horizon-scan section of the example (the data the chapter rests on)."""
    with example_store() as store:
        return horizon_scan_section(store, AS_TEST, CYCLE)


def counts_line(lang: Language, section: HorizonSection) -> str:
    """The chapter's sentence with the number of trends per strength."""
    c, s = section.counts, STRENGTH[lang]
    return (f"Trends: {c['strong']} {s['strong']}, {c['weak']} {s['weak']}, "
            f"{c['fading']} {s['fading']}.")


def trend_name(number: int) -> str:
    return f"trend {number}: {TRENDS[number][0]}"


# --- the example's signals --------------------------------------------------------------------


def test_the_example_cycle_holds_the_shipped_signals() -> None:
    shipped = example_signal_file()
    with example_store() as store:
        stored = [s.item for s in list_signals(store, AS_TEST, CYCLE)]
        assert [s.id for s in stored] == [r.signal.id for r in shipped.records]
        assert 20 <= len(stored) <= 40
        assert list_signals(store, AS_TEST, "nvs-2019") == []  # the baseline predates the scan
        for s in stored:
            assert s.marking == "public" and s.language == "nl" and s.themes, s.id
            assert s.notes is not None and s.notes.startswith("Illustratief voorbeeldsignaal")
            assert s.source is not None and "Midterm review NVS 2021, §" in s.source, s.id
            assert date(2019, 6, 1) <= s.date <= date(2021, 12, 31), s.id  # the seed's period
            if s.id.startswith("hs2020-"):
                assert s.source.startswith("Horizonscan 2020") and s.date.year == 2020, s.id
        cited = {link.ref for r in list_reviews(store, AS_TEST, CYCLE).reviews.values()
                 for part in ReviewPart for link in r.section(part).evidence
                 if link.kind is EvidenceKind.SIGNAL}
        linked = {s.id for s in stored if s.status is SignalStatus.LINKED}
        assert cited and cited == linked  # every cited signal is stored and marked linked


def test_the_example_forms_strong_weak_and_fading_trends(section: HorizonSection) -> None:
    assert section.counts == {"weak": 2, "strong": 2, "fading": 1}
    assert section.as_of == date(2021, 4, 19)
    lines = {t.number: (t.label, t.strength) for ts in section.themes for t in ts.trends}
    assert lines == TRENDS
    by_theme = {ts.theme: {t.number: t for t in ts.trends} for ts in section.themes}
    for theme, (number, cited) in CITED.items():
        line = by_theme[theme][number]
        assert f"{line.signals} / {line.size}" == cited


# --- the chapter in every format --------------------------------------------------------------


def _chapter_order(level1: list[str], lang: Language) -> None:
    """The chapter follows the generic instruments and precedes the conclusion."""
    at = level1.index(HEADING[lang])
    generic = {"nl": "Generieke instrumenten voor de nationale veiligheid",
               "en": "Generic instruments for national security"}[lang]
    assert level1[at - 1] == generic and level1[at + 1] == CONCLUSION[lang]


def _check_trend_rows(rows: list[list[str]], lang: Language, section: HorizonSection) -> None:
    """The trend table's rows: number, top terms, strength, in the section's order."""
    assert [(int(r[0]), squash(r[1]), r[2]) for r in rows] == [
        (n, label, STRENGTH[lang][strength]) for n, (label, strength) in TRENDS.items()]
    for strength, count in section.counts.items():
        assert sum(1 for r in rows if r[2] == STRENGTH[lang][strength]) == count


def _check_evidence_rows(rows: list[list[str]], lang: Language) -> None:
    assert [[squash(c) for c in r] for r in rows] == [
        [THEME[lang][theme], THREAT_PART[lang], trend_name(number), cited]
        for theme, (number, cited) in CITED.items()]


def _trends(section: HorizonSection) -> list[SectionTrend]:
    """The section's trends, once each."""
    seen: dict[int, SectionTrend] = {}
    for ts in section.themes:
        for t in ts.trends:
            seen.setdefault(t.number, t)
    return [seen[n] for n in sorted(seen)]


@pytest.mark.parametrize("lang", LANGS)
def test_docx_has_the_horizon_chapter(lang: Language, section: HorizonSection) -> None:
    doc = Document(str(path_of(example_reports(lang), "docx")))
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style is not None and p.style.name in ("Heading 1", "Heading 2")]
    level1 = [text for style, text in headings if style == "Heading 1"]
    _chapter_order(level1, lang)
    start = headings.index(("Heading 1", HEADING[lang]))
    following = []
    for style, text in headings[start + 1:]:
        if style == "Heading 1":
            break
        following.append(text)
    assert following == SECTIONS[lang]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    popularity = {"nl": "Populariteit", "en": "Popularity"}[lang]
    trends = next(t for t in tables if popularity in t[0])
    _check_trend_rows(trends[1:], lang, section)
    cited = {"nl": "Aangehaalde signalen / in de trend", "en": "Signals cited / in the trend"}
    evidence = next(t for t in tables if t[0][-1] == cited[lang])
    _check_evidence_rows(evidence[1:], lang)
    signal = {"nl": "Signaal", "en": "Signal"}[lang]
    strong, weak = [t for t in tables if t[0][:2] == [{"nl": "Nr.", "en": "No."}[lang], signal]]
    sizes = {s: sum(t.size for t in _trends(section) if t.strength == s) for s in ("strong", "weak")}
    assert len(strong) - 1 == sizes["strong"] and len(weak) - 1 == sizes["weak"]
    assert {int(r[0]) for r in strong[1:]} == {n for n, (_, s) in TRENDS.items() if s == "strong"}
    text = squash(" ".join(p.text for p in doc.paragraphs))
    assert counts_line(lang, section) in text


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_has_the_horizon_chapter(lang: Language, section: HorizonSection) -> None:
    reader = PdfReader(str(path_of(example_reports(lang), "pdf")))
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    start = text.index(INTRO[lang])
    chapter = text[start:text.index(CONCLUSION[lang], start)]
    assert counts_line(lang, section) in chapter
    for heading in SECTIONS[lang]:
        assert heading in chapter, heading
    for label, strength in TRENDS.values():
        assert f"{label} {STRENGTH[lang][strength]}" in chapter, label  # a row of the table
    for number in (number for number, _ in CITED.values()):
        assert trend_name(number) in chapter
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert HEADING[lang] in outline


class _Tables(HTMLParser):
    """The HTML report's tables by id, as rows of cell texts, and its h2 headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.h2: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._h2: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs).get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "h2":
            self._h2 = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(squash("".join(self._cell)).strip())
            self._cell = None
        elif tag == "h2" and self._h2 is not None:
            self.h2.append(squash("".join(self._h2)).strip())
            self._h2 = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._h2 is not None:
            self._h2.append(data)


def html_tables(run: ReportRun) -> _Tables:
    parser = _Tables()
    parser.feed(path_of(run, "html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("lang", LANGS)
def test_html_has_the_horizon_chapter(lang: Language, section: HorizonSection) -> None:
    page = html_tables(example_reports(lang))
    assert HEADING[lang] in page.h2
    _chapter_order(page.h2, lang)
    _check_trend_rows(page.tables["table-horizon-trends"][1:], lang, section)
    _check_evidence_rows(page.tables["table-horizon-evidence"][1:], lang)
    themes = page.tables["table-horizon-themes"][1:]
    expected = [(ts.theme, t.number, f"{t.signals} / {t.size}") for ts in section.themes
                for t in ts.trends]
    assert len(themes) == len(expected)
    assert [(int(r[1]), r[4]) for r in themes] == [(n, c) for _, n, c in expected]
    strong = page.tables["table-horizon-strong"][1:]
    assert len(strong) == sum(t.size for t in _trends(section) if t.strength == "strong")


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_has_the_horizon_sheets(lang: Language, section: HorizonSection) -> None:
    wb = load_workbook(path_of(example_reports(lang), "xlsx"))
    trends_name, signals_name, evidence_name = SHEETS[lang]
    assert {trends_name, signals_name, evidence_name} <= set(wb.sheetnames)
    trends = list(wb[trends_name].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2]) for r in trends] == [
        (n, label, STRENGTH[lang][s]) for n, (label, s) in TRENDS.items()]
    for strength, count in section.counts.items():
        assert sum(1 for r in trends if r[2] == STRENGTH[lang][strength]) == count
    assert all(isinstance(r[3], float) and isinstance(r[5], int) for r in trends)
    signals = list(wb[signals_name].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in signals} == example_signal_ids()
    evidence = list(wb[evidence_name].iter_rows(min_row=2, values_only=True))
    per_theme = {}
    for row in evidence:
        per_theme.setdefault((row[0], row[1], row[2], row[3]), []).append(row[4])
    assert {k: len(v) for k, v in per_theme.items()} == {
        (THEME[lang][theme], THREAT_PART[lang], number, TRENDS[number][0]):
            int(cited.split(" / ")[0]) for theme, (number, cited) in CITED.items()}
    assert wb[trends_name].oddHeader.center.text == {"nl": "INTERN", "en": "INTERNAL"}[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_the_review_chapters_name_the_cited_signals_by_title(lang: Language) -> None:
    run = example_reports(lang)
    label = {"nl": "Signalen uit de horizonscan:", "en": "Horizon-scan signals:"}[lang]
    notes = [b.text for b in run.document.blocks
             if isinstance(b, Paragraph) and b.label == label]
    titles = {r.signal.id: r.signal.title for r in example_signal_file().records}
    cited = ["hs2020-niet-gewelddadig-extremisme", "hs2020-autonome-ddos"]  # one of each review
    assert len(notes) == len(CITED)  # the threat parts of the two reviews citing a trend
    for key, note in zip(cited, notes, strict=True):
        assert titles[key] in note and key not in note


def test_a_cycle_without_signals_has_no_horizon_chapter() -> None:
    with example_store() as store:
        run = build_report(store, AS_TEST, "nvs-2019", formats="html", lang="en",
                           report_date=REPORT_DATE)
        assert "Horizon scan" not in [h.text for h in run.document.headings(1)]
        assert not any(t.key.startswith("horizon") for t in run.document.data)


# --- need-to-know -----------------------------------------------------------------------------

SECRET_TITLE = "Kwartelwacht: gerichte digitale aanvallen op de havenlogistiek"
SECRET_CSV = (
    "id;title;summary;date;source;themes;marking\n"
    f"conf-kwartel;{SECRET_TITLE};Digitale dreigingen: kwetsbaarheden en digitale aanvallen. "
    "Kwaadwillenden zoeken kwetsbaarheden in systemen van de kwartelwacht.;2021-04-30;"
    "vertrouwelijke bron;digital-threats;confidential\n")


def _text_of(run: ReportRun, fmt: str) -> str:
    content = next(c for n, c in run.files.items() if n.endswith(f".{fmt}"))
    if fmt == "html":
        return content.decode("utf-8")
    if fmt == "docx":
        doc = Document(io.BytesIO(content))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return " ".join([p.text for p in doc.paragraphs] + cells)
    if fmt == "pdf":
        return squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
    wb = load_workbook(io.BytesIO(content))
    return " ".join([ws.title for ws in wb.worksheets]
                    + [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                       for v in row if v is not None])


def test_a_signal_above_the_clearance_is_not_in_the_chapter(tmp_path: Path,
                                                            section: HorizonSection) -> None:
    db = tmp_path / "examples.db"
    shutil.copyfile(example_db(), db)
    store = open_store(str(db))
    try:
        source = tmp_path / "confidential.csv"
        source.write_text(SECRET_CSV, encoding="utf-8")
        import_signals(store, AS_TEST, CYCLE, source, keep_duplicates=True)
        attach_trend(store, AS_TEST, CYCLE, "digital-threats", 1)  # cites it as evidence too
        whole = horizon_scan_section(store, AS_TEST, CYCLE)
        assert whole.as_of == date(2021, 4, 30) and whole.to_dict() != section.to_dict()
        internal = Viewer.operator("reader", clearance="internal")
        seen = horizon_scan_section(store, internal, CYCLE)
        assert seen.to_dict() == section.to_dict()  # as if the signal did not exist
        run = build_report(store, internal, CYCLE, formats="html,docx,pdf,xlsx", lang="en",
                           report_date=REPORT_DATE)
        assert run.document.classification == "INTERNAL"
        for fmt in ("html", "docx", "pdf", "xlsx"):
            text = _text_of(run, fmt)
            assert "Horizon scan" in text, fmt
            for hidden in ("Kwartelwacht", "kwartelwacht", "conf-kwartel", "2021-04-30"):
                assert hidden not in text, (fmt, hidden)
        page = _Tables()
        page.feed(_text_of(run, "html"))
        _check_trend_rows(page.tables["table-horizon-trends"][1:], "en", section)
        _check_evidence_rows(page.tables["table-horizon-evidence"][1:], "en")
        full = build_report(store, AS_TEST, CYCLE, formats="html", lang="en",
                            report_date=REPORT_DATE)
        assert SECRET_TITLE in _text_of(full, "html")
        assert full.document.classification == "CONFIDENTIAL"  # it carries the signal's marking
        cited = html_rows(full, "table-horizon-evidence")
        assert ["Cyber security and digital threats", THREAT_PART["en"],
                trend_name(1), "10 / 10"] in cited
    finally:
        store.dispose()


def html_rows(run: ReportRun, table: str) -> list[list[str]]:
    page = _Tables()
    page.feed(_text_of(run, "html"))
    return page.tables[table][1:]
