"""The OpenDocument tables, written as one XML fragment each (for speed), are the XML odfdo's
element API writes for them: the ODT report's tables and labelled paragraphs, the ODS annex's
typed cells and sheets, with XML's special characters, control characters, runs of spaces, tabs,
line ends, formulas that stay text, numbers, dates and empty cells. Read back with odfdo they are
the values written.

The reference builders below are the element-by-element way of writing the same things (each
element made by odfdo, text added as odfdo's ``Paragraph`` adds it). An XML element with no
content compares equal whether written ``<text:p></text:p>`` or ``<text:p/>`` (both are read
back once before comparing): the same XML."""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, date, datetime, time
from decimal import Decimal

from odfdo import Document as OdfDocument
from odfdo import Element
from odfdo import Paragraph as OdfParagraph

from weerbaar.io.cells import CellValue
from weerbaar.reports.model import Cover, Paragraph, ReportDocument, Table
from weerbaar.reports.odf import element, paragraph_xml, text_xml, xml_text
from weerbaar.reports.ods_writer import build_ods, put_cell, row_xml, sheet_element
from weerbaar.reports.odt_writer import build_odt, table_element
from weerbaar.reports.style import load_style

TRICKY = ("A & B <c> \"q\" 'a' ]]>", "=cmd|' /C calc'!A0", "=HYPERLINK(\"x\";\"y\")", "+31 70",
          "x\x07y\x00z\x1f", "regel 1\nregel 2\r\nregel 3\rregel 4", "\ttab\t\tdubbel",
          "  twee  spaties  ", " ", "   ", "a b", "’€ — é \u2028 \x85 \x7f", "\ufffe\uffff\ud800", "")
ROWS: tuple[tuple[str | float | int | None, ...], ...] = (
    ("A & B <c> \"q\"", 1.5, None),
    ("=1+1  en\tmeer\x07", 3, "regel 1\nregel 2\r\nregel 3"),
    ("  ingesprongen", -0.0, ""),
    ("€ ’ — é", 1e-7, "   "),
    ("", 2.0, "=SUM(A1:A2)"),
)


def same_xml(fast: Element, reference: Element) -> bool:
    return fast.serialize() == element(reference.serialize()).serialize()


def cover() -> Cover:
    return Cover("T & <t>", "S", ("r1",), "O", "")


def document(blocks: tuple[Paragraph | Table, ...], data: tuple[Table, ...] = ()) -> ReportDocument:
    return ReportDocument(
        kind="review", lang="nl", cycle="c", title="T & <t>", subject="S", keywords=("k",),
        classification="INTERN", date=date(2021, 9, 20), cover=cover(), toc_title="Inhoud",
        blocks=blocks, data=data)


# --- the element-by-element references ----------------------------------------------------------


def odfdo_table(block: Table, name: str, columns: list[str], heading: str,
                contents: list[str]) -> Element:
    table = Element.from_tag(f'<table:table table:name="{name}" table:style-name="{name}"/>')
    for column in columns:
        table.append(Element.from_tag(f'<table:table-column table:style-name="{column}"/>'))
    header_rows = Element.from_tag("<table:table-header-rows/>")
    row = Element.from_tag("<table:table-row/>")
    for text in block.header:
        cell = Element.from_tag('<table:table-cell table:style-name="TableHeaderCell" '
                                'office:value-type="string"/>')
        cell.append(OdfParagraph(xml_text(text), style=heading))
        row.append(cell)
    header_rows.append(row)
    table.append(header_rows)
    for r, values in enumerate(block.rows):
        row = Element.from_tag("<table:table-row/>")
        for i, value in enumerate(values):
            cell = Element.from_tag('<table:table-cell table:style-name="TableCell" '
                                    'office:value-type="string"/>')
            text = "" if value is None else (f"{value:g}" if isinstance(value, float)
                                             else str(value))
            p = OdfParagraph("", style=contents[i])
            if i == 0 and r in block.flagged:
                span = Element.from_tag('<text:span text:style-name="Flagged"/>')
                span.text = xml_text(text)
                p.append(span)
            else:
                p.append(xml_text(text))
            cell.append(p)
            row.append(cell)
        table.append(row)
    return table


def odfdo_cell(value: CellValue, style: str | None = None,
               number_style: str | None = None) -> Element:
    styled = f' table:style-name="{style}"' if style else ""
    if value is None:
        return Element.from_tag(f"<table:table-cell{styled}/>")
    if isinstance(value, bool):
        cell = Element.from_tag(f'<table:table-cell{styled} office:value-type="boolean" '
                                f'office:boolean-value="{"true" if value else "false"}"/>')
        shown = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        if not math.isfinite(float(value)):
            return odfdo_cell(str(value), style)
        shown = str(int(value)) if isinstance(value, int) else repr(float(value))
        number = f' table:style-name="{number_style}"' if number_style else styled
        cell = Element.from_tag(f'<table:table-cell{number} office:value-type="float" '
                                f'office:value="{shown}"/>')
    elif isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None)
        cell = Element.from_tag('<table:table-cell table:style-name="DateTime" office:value-type='
                                f'"date" office:date-value="{moment.isoformat()}"/>')
        shown = moment.isoformat(sep=" ")
    elif isinstance(value, date):
        cell = Element.from_tag('<table:table-cell table:style-name="Date" office:value-type='
                                f'"date" office:date-value="{value.isoformat()}"/>')
        shown = value.isoformat()
    elif isinstance(value, time):
        cell = Element.from_tag('<table:table-cell table:style-name="Time" office:value-type='
                                f'"time" office:time-value="PT{value.hour}H{value.minute}M'
                                f'{value.second}S"/>')
        shown = value.isoformat()
    else:
        cell = Element.from_tag(f'<table:table-cell{styled} office:value-type="string"/>')
        shown = value
    cell.append(OdfParagraph(xml_text(shown)))
    return cell


# --- ODT ---------------------------------------------------------------------------------------


def test_paragraph_text_is_what_odfdo_writes() -> None:
    rng = random.Random(20)
    alphabet = [" ", " ", " ", "\t", "\n", "\r", "a", "&", "<", ">", '"', "'", "\x07", "\x00",
                "é", "\ud800", "\uffff", "="]
    texts = list(TRICKY) + ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10)))
                            for _ in range(400)]
    for text in texts:
        fast = element(paragraph_xml(text, 'S & "x"'))
        assert same_xml(fast, OdfParagraph(xml_text(text), style='S & "x"')), repr(text)
    assert text_xml("a  b\tc\nd\re") == ('a <text:s/>b<text:tab/>c<text:line-break/>d&#13;e')
    assert text_xml(" x<&> \x07 ") == "<text:s/>x&lt;&amp;&gt; ␇<text:s/>"


def test_odt_table_rows_are_what_odfdo_writes() -> None:
    block = Table("t", "Tabel", ("Een & <1>", "Twee  2", "Drie\n3"), ROWS,
                  align=("left", "right", "center"), flagged=frozenset({1, 3}))
    columns = ["T.C1", "T.C2", "T.C3"]
    contents = ["Table_20_Contents", "Table_20_Contents_20_Right", "Table_20_Contents_20_Centre"]
    fast = table_element(block, "T", columns, "Table_20_Heading", contents)
    assert same_xml(fast, odfdo_table(block, "T", columns, "Table_20_Heading", contents))
    # a row longer than the header: odfdo adds a column for its extra cell, and so does the writer
    longer = Table("t", "Tabel", ("a", "b"), (("1", "2"), ("3", "4", "5 & 6")))
    fast = table_element(longer, "L", columns[:2], "H", contents)
    reference = odfdo_table(longer, "L", columns[:2], "H", contents)
    assert same_xml(fast, reference)
    assert len(fast.get_elements("table:table-column")) == 3


def test_odt_tables_and_labelled_paragraphs_read_back_as_written() -> None:
    table = Table("t", "Tabel", ("Een", "Twee", "Drie"), ROWS, flagged=frozenset({1}))
    labelled = Paragraph("  tekst & <meer>\tna tab\x07", label="Label <&>:")
    doc = OdfDocument(io.BytesIO(_save(build_odt(document((labelled, table)), load_style()))))
    body = doc.body.get_tables()[-1].get_elements("table:table-row")
    texts = [[str(p).removesuffix("\n") for p in row.get_elements(".//text:p")] for row in body]
    assert texts == [["A & B <c> \"q\"", "1.5", ""],
                     ["=1+1  en\tmeer␇", "3", "regel 1\nregel 2\r\nregel 3"],
                     ["  ingesprongen", "-0", ""], ["€ ’ — é", "1e-07", "   "],
                     ["", "2", "=SUM(A1:A2)"]]
    assert body[1].get_elements(".//text:span")[0].get_attribute("text:style-name") == "Flagged"
    paragraph = next(p for p in doc.body.get_elements("text:p") if p.get_elements("text:span"))
    reference = OdfParagraph("", style="Text_20_body")
    label = Element.from_tag('<text:span text:style-name="Strong_20_Emphasis"/>')
    label.text = xml_text("Label <&>:")
    reference.append(label)
    reference.append(" ")
    reference.append(xml_text(labelled.text))
    assert same_xml(paragraph, reference)
    assert str(paragraph) == "Label <&>:   tekst & <meer>\tna tab␇\n"


# --- ODS ---------------------------------------------------------------------------------------

VALUES: tuple[CellValue, ...] = (
    *TRICKY, None, 0, 3, -7, 0.1, 1e-7, 2.5e20, -0.0, Decimal("2.50"), math.nan, math.inf, True,
    False, date(2021, 9, 20), datetime(2021, 9, 20, 14, 5, 6, tzinfo=UTC),
    datetime(2021, 9, 20, 16, 5, 6), time(9, 30, 15))


def test_ods_cells_are_what_odfdo_writes() -> None:
    for value in VALUES:
        for style, number_style in ((None, None), ("Flagged", None), ("Flagged", "Number2")):
            fast = put_cell(value, style=style, number_style=number_style)
            assert same_xml(fast, odfdo_cell(value, style, number_style)), (value, style)
    assert put_cell("=1+1").get_attribute("office:value-type") == "string"
    assert put_cell("=1+1").get_attribute("table:formula") is None


def test_ods_sheet_is_what_odfdo_writes() -> None:
    rows = [VALUES[i:i + 3] for i in range(0, len(VALUES), 3)]
    columns = ['<table:table-column table:style-name="S1.C1"/>',
               '<table:table-column table:style-name="S1.C2"/>']  # one short: odfdo adds it
    header = ["Een & <1>", "=Twee"]
    fast = sheet_element("Blad 'x' & <y>", columns, "<table:table-header-rows>" + row_xml(
        header, style="Table_20_Header", row_style="HeaderRow") + "</table:table-header-rows>",
        [row_xml(r, number_style="Number2", first_style="Flagged" if i == 1 else None)
         for i, r in enumerate(rows)], widest=3)
    reference = Element.from_tag('<table:table table:style-name="Sheet"/>')
    reference.set_attribute("table:name", "Blad 'x' & <y>")
    for name in ("S1.C1", "S1.C2"):
        reference.append(Element.from_tag(f'<table:table-column table:style-name="{name}"/>'))
    header_rows = Element.from_tag("<table:table-header-rows/>")
    row = Element.from_tag('<table:table-row table:style-name="HeaderRow"/>')
    for text in header:
        row.append(odfdo_cell(text, "Table_20_Header"))
    header_rows.append(row)
    reference.append(header_rows)
    for i, values in enumerate(rows):
        row = Element.from_tag("<table:table-row/>")
        for c, value in enumerate(values):
            row.append(odfdo_cell(value, "Flagged" if i == 1 and c == 0 else None, "Number2"))
        reference.append(row)
    assert same_xml(fast, reference)


def test_ods_cells_read_back_as_written() -> None:
    values = [v for v in VALUES if v is not None and not (isinstance(v, float)
                                                          and not math.isfinite(v))]
    table = Table("t", "Blad", ("waarde",), tuple((v,) for v in values))  # type: ignore[misc]
    doc = OdfDocument(io.BytesIO(_save(build_ods(document((), (table,)), load_style()))))
    sheet = next(s for s in doc.body.get_tables() if s.name == "Blad")
    got = [row[0] for row in sheet.get_values()[1:]]
    expected: list[object] = []
    for value in values:
        if isinstance(value, str):
            expected.append(xml_text(value))
        elif isinstance(value, datetime):
            expected.append(value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value)
        elif isinstance(value, time):
            expected.append(None)  # read back as a duration: its cell type is checked below
        else:
            expected.append(value)
    for g, e, v in zip(got, expected, values, strict=True):
        if isinstance(v, time):
            continue
        if isinstance(e, float | Decimal) and not isinstance(e, bool):
            assert math.isclose(float(g), float(e), rel_tol=1e-12), (g, e)
        else:
            assert g == e, (g, e)
    cells = sheet.get_elements(".//table:table-cell")
    assert all(c.get_attribute("table:formula") is None for c in cells)
    types = {str(v): c.get_attribute("office:value-type")
             for v, c in zip(values, cells[1:], strict=True)}
    assert types["=cmd|' /C calc'!A0"] == "string" and types["2021-09-20"] == "date"
    assert types["09:30:15"] == "time" and types["2.5e+20"] == "float"


def _save(doc: OdfDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
