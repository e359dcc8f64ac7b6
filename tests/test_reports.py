"""The report documents, opened and read back: Word, PDF, Excel, HTML and OpenDocument (ODT, ODS;
in detail in test_odf_reports.py) of the example midterm review in Dutch and English (content,
not just existence)."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from odfdo import Document as OdfDocument
from openpyxl import load_workbook
from pypdf import PdfReader
from tests.report_helpers import (
    FORMATS,
    PARTS,
    example_reports,
    example_workspace,
    generic_titles,
    path_of,
    threat_theme_titles,
)

from weerbaar.domain import Language
from weerbaar.methods.assessment import assess
from weerbaar.methods.registry import get_profile

LANGS: tuple[Language, ...] = ("nl", "en")
# The example cycles carry no markings: their content counts at the default marking, internal.
MARKING = {"nl": "INTERN", "en": "INTERNAL"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang", LANGS)
def test_docx_has_the_seed_structure(lang: Language) -> None:
    doc = Document(str(path_of(example_reports(lang), "docx")))
    headings = [(p.style.name, p.text) for p in doc.paragraphs
                if p.style is not None and p.style.name in ("Heading 1", "Heading 2")]
    level1 = [text for style, text in headings if style == "Heading 1"]
    themes = threat_theme_titles(lang)
    assert [t for t in level1 if t in themes] == themes  # every theme, in the seed's order
    for theme in themes:
        start = headings.index(("Heading 1", theme))
        following = []
        for style, text in headings[start + 1:]:
            if style == "Heading 1":
                break
            following.append(text)
        assert following == PARTS[lang], theme
    generic = {"nl": "Generieke instrumenten voor de nationale veiligheid",
               "en": "Generic instruments for national security"}[lang]
    start = headings.index(("Heading 1", generic))
    assert [text for _, text in headings[start + 1:start + 3]] == generic_titles(lang)
    # the example holds the document's introduction and conclusion (strategy_text:), printed
    # word for word under the document's own headings in either language, each followed by the
    # sections generated from the cycle's data under a heading of their own
    stored = example_workspace().strategy_text
    assert stored is not None and stored.introduction is not None and stored.conclusion is not None
    assert level1[0] == stored.introduction.heading == "Inleiding"
    assert stored.conclusion.heading == "Slotwoord en vooruitblik" and "Slotwoord en vooruitblik" in level1
    texts = [p.text for p in doc.paragraphs]
    generated = {"nl": "Uit de gegevens van de cyclus", "en": "From the cycle's data"}[lang]
    for chapter in (stored.introduction, stored.conclusion):
        at = next(i for i, p in enumerate(doc.paragraphs)  # the chapter, not its contents entry
                  if p.text == chapter.heading and p.style is not None
                  and p.style.name == "Heading 1")
        first = chapter.text.split("\n\n")[0]
        assert texts[at + 1] == first and texts.index(generated, at) > at


@pytest.mark.parametrize("lang", LANGS)
def test_docx_toc_tables_figures_and_properties(lang: Language) -> None:
    path = path_of(example_reports(lang), "docx")
    doc = Document(str(path))
    body = doc.element.body
    instructions = [el.text or "" for el in body.iter(qn("w:instrText"))]
    assert any(text.strip().startswith("TOC") for text in instructions)
    assert len(doc.tables) >= 5
    for table in doc.tables:
        first = table.rows[0]._tr
        header = first.trPr.find(qn("w:tblHeader")) if first.trPr is not None else None
        assert header is not None, table.rows[0].cells[0].text  # header row repeats
    assert len(doc.inline_shapes) >= 3  # logo and the two risk diagrams
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
    assert len(media) >= 3
    props = doc.core_properties
    assert props.title == example_workspace().title
    assert "midterm-2021" in props.subject
    assert MARKING[lang] in props.keywords and props.category == MARKING[lang]
    assert doc.sections[0].header.paragraphs[0].text == MARKING[lang]
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert landscape  # wide score tables get landscape pages


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_has_every_theme_and_the_marking(lang: Language) -> None:
    reader = PdfReader(str(path_of(example_reports(lang), "pdf")))
    pages = [squash(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    for title in threat_theme_titles(lang) + generic_titles(lang):
        assert title in text, title
    for part in PARTS[lang]:
        assert part in text
    assert all(MARKING[lang] in page for page in pages)  # the marking on every page
    meta = reader.metadata
    assert meta is not None and meta.title == example_workspace().title
    assert "midterm-2021" in (meta.subject or "") and MARKING[lang] in str(meta.get("/Keywords"))
    assert len(reader.outline) > 10  # bookmarks for the chapters


@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_has_one_row_per_scenario_with_scores(lang: Language) -> None:
    wb = load_workbook(path_of(example_reports(lang), "xlsx"))
    ws_ = example_workspace()
    profile = get_profile(ws_.profile)
    names = {"nl": ("Scenario’s", "Scores", "VW", "OG", "BG"),
             "en": ("Scenarios", "Scores", "EV", "LL", "UL")}[lang]
    scenarios, scores = wb[names[0]], wb[names[1]]
    header = [c.value for c in scenarios[1]]
    rows = list(scenarios.iter_rows(min_row=2, values_only=True))
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) and set(ids) == {s.id for s in ws_.scenarios}
    expected = {r.id: r for r in assess(ws_.scenarios, profile).results}
    ev = header.index(f"{'Impactpositie' if lang == 'nl' else 'Impact position'} {names[2]}")
    for row in rows:
        position = expected[row[0]].impact_position
        assert row[ev] == pytest.approx(position.ev if position else None, abs=1e-6)
    score_header = [c.value for c in scores[1]]
    for c in profile.criteria:
        for bound in names[2:]:
            assert f"{c.id} {bound}" in score_header
    trade = next(r for r in scores.iter_rows(min_row=2, values_only=True) if r[0] == "trade-war")
    scenario = next(s for s in ws_.scenarios if s.id == "trade-war")
    col = score_header.index(f"3.1 {names[2]}")
    assert trade[col] == profile.impact.code(scenario.impact["3.1"].range.ev)
    assert scores.max_row == len(ws_.scenarios) + 1
    assert scenarios.oddHeader.center.text == MARKING[lang]
    assert wb.properties.title == ws_.title and wb.properties.category == MARKING[lang]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.points = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href", "action")]
        self.urls += [v for v in values.values() if v and re.search(r"https?://", v)]
        if "data-scenario" in values:
            self.points += 1


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_self_contained_with_one_point_per_scenario(lang: Language) -> None:
    html = path_of(example_reports(lang), "html").read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(html)
    assert not [u for u in parser.urls if re.match(r"\s*(https?:)?//", u)]
    assert "<link" not in html and "@import" not in html and "url(http" not in html
    placed = [r for r in assess(example_workspace().scenarios,
                                get_profile(example_workspace().profile)).results
              if r.impact_position is not None and r.likelihood_position is not None]
    assert parser.points == 2 * len(placed)  # the residual and the parent diagram
    assert f'<meta name="classification" content="{MARKING[lang]}">' in html
    assert html.count(MARKING[lang]) >= 2


def test_languages_translate_fixed_text_and_keep_the_content() -> None:
    nl = path_of(example_reports("nl"), "html").read_text(encoding="utf-8")
    en = path_of(example_reports("en"), "html").read_text(encoding="utf-8")
    assert "Ontwikkeling van de weerbaarheid" in nl and "Development of resilience" in en
    assert "Development of resilience" not in nl and "Ontwikkeling van de weerbaarheid" not in en
    assert "Bijlage 1" in nl and "Annex 1" in en
    sentence = "Een open samenleving met een open economie vormt de grondslag"
    assert sentence in nl and sentence in en  # content keeps the data's language


def test_provenance_annex_lists_weak_values_and_flags_scenarios() -> None:
    run = example_reports("en")
    document = run.document
    ws_ = example_workspace()
    result = assess(ws_.scenarios, get_profile(ws_.profile))
    tables = {t.key: t for t in document.tables()}
    listed = {row[0] for row in tables["provenance"].rows}
    assert listed == {w.what for r in result.results for w in r.weak_values}
    text = " ".join(b.text for b in document.blocks if hasattr(b, "text"))
    items = [i for b in document.blocks if hasattr(b, "items") for i in b.items]
    for caveat in result.caveats:
        assert any(caveat.what in i for i in items), caveat.what
    flagged = {r.id for r in result.results if r.provisional}
    scenario_table = tables["scenarios"]
    marked = {scenario_table.row_keys[i] for i in scenario_table.flagged}
    assert marked == flagged
    assert all(str(scenario_table.rows[i][0]).endswith("†") for i in scenario_table.flagged)
    assert "†" in text


def test_analysis_report_leaves_out_the_review_chapters() -> None:
    run = example_reports("en", "analysis")
    headings = [h.text for h in run.document.headings()]
    assert "Development of resilience" not in headings
    assert "Risk diagram" in headings and "Priority list" in headings
    assert not any(h.number for h in run.document.headings())  # chapters, not annexes
    assert {Path(name).suffix for name in run.files} == {".html", ".docx", ".pdf", ".xlsx",
                                                         ".odt", ".ods"}


def test_the_tests_cover_every_format() -> None:
    from weerbaar.reports.writers import FORMATS as WRITTEN

    assert set(WRITTEN) == set(FORMATS)  # a new format gets read back here too


@pytest.mark.parametrize("lang", LANGS)
def test_every_format_opens_with_the_title_and_the_marking(lang: Language) -> None:
    """The example's report in all six formats, in each language: each file opens in its own
    reader and carries the title, the marking and the language's fixed text."""
    run = example_reports(lang)
    assert list(run.files) == [f"midterm-2021-review-{lang}.{fmt}" for fmt in FORMATS]
    title, marking = example_workspace().title, MARKING[lang]
    contents = {"nl": "Inhoudsopgave", "en": "Contents"}[lang]
    html = path_of(run, "html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html and marking in html and contents in html
    word = Document(str(path_of(run, "docx")))
    assert word.core_properties.title == title and word.core_properties.category == marking
    assert word.core_properties.language == lang
    pdf = PdfReader(str(path_of(run, "pdf")))
    assert pdf.metadata is not None and pdf.metadata.title == title
    assert marking in (pdf.pages[0].extract_text() or "")
    workbook = load_workbook(path_of(run, "xlsx"))
    assert workbook.properties.title == title and workbook.properties.language == lang
    for fmt, kind in (("odt", "text"), ("ods", "spreadsheet")):
        doc = OdfDocument(path_of(run, fmt))
        assert doc.get_type() == kind and doc.meta.title == title
        assert doc.meta.get_user_defined_metadata()["classification"] == marking
        assert str(doc.meta.language).split("-")[0] == lang
    text = OdfDocument(path_of(run, "odt"))
    assert contents in str(text.body.get_element("text:table-of-content"))
    sheets = [t.name for t in OdfDocument(path_of(run, "ods")).body.get_tables()]
    assert sheets == workbook.sheetnames
