"""The OpenDocument spreadsheet of a report (ODS, odfdo): the data annex with the same sheets, in
the same order and under the same names as the Excel workbook (:mod:`~weerbaar.reports.xlsx_writer`).

Each sheet has a header row (repeated on every printed page, with a filter), numbers as float
cells with the table's number format, dates as date cells, and text as string cells. The
classification marking is printed in the header and footer of every page, stands on the info
sheet and is in the metadata (the user-defined field ``classification``).

Text can never become a formula: ODF keeps a cell's formula in its own attribute
(``table:formula``), which this writer never writes, and every text is stored with
``office:value-type="string"``, so a title ``=HYPERLINK(...)`` or an owner ``=cmd|' /C calc'!A0``
stays the text it is (:func:`put_cell`; the same rule as :mod:`weerbaar.io.cells` for Excel).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

from odfdo import Document, Element
from odfdo import Table as OdfTable

from weerbaar.io.cells import CellValue
from weerbaar.reports.model import ReportDocument, Table
from weerbaar.reports.odf import (
    add_automatic_page_style,
    add_style,
    attr,
    element,
    keep_master_pages,
    marked_master_page,
    new_document,
    page_layout_xml,
    set_metadata,
    text_xml,
    to_bytes,
    xml_text,
)
from weerbaar.reports.style import HouseStyle
from weerbaar.reports.xlsx_writer import DOCUMENT_TABLES, _sheet_title

MASTER = "Default"
_DATE_STYLE, _DATETIME_STYLE, _TIME_STYLE = "Date", "DateTime", "Time"
_FORMAT = re.compile(r"^0(?:\.(0+))?$")
_CHAR_CM = 0.2  # about one character of the body font, for column widths


def _decimals(number_format: str) -> int | None:
    """Decimal places of an Excel number format such as ``0.00`` (None for anything else)."""
    match = _FORMAT.match(number_format)
    return None if match is None else len(match[1] or "")


def _styles(doc: Document, style: HouseStyle, formats: set[int]) -> None:
    c, f = style.colours, style.fonts
    xml = [
        '<style:style style:name="Default" style:family="table-cell"><style:text-properties '
        f'fo:font-family={attr(f.body)} fo:font-size="{f.size_pt}pt"/></style:style>',
        '<style:style style:name="Table_20_Header" style:display-name="Table Header" '
        'style:family="table-cell" style:parent-style-name="Default">'
        '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top" '
        f'fo:background-color="{c.table_header}"/><style:text-properties fo:font-weight="bold" '
        f'fo:color="{c.table_header_text}"/></style:style>',
        '<style:style style:name="Flagged" style:family="table-cell" '
        'style:parent-style-name="Default"><style:text-properties '
        f'fo:color="{c.accent}"/></style:style>',
        '<style:style style:name="Report_20_Title" style:display-name="Report Title" '
        'style:family="table-cell" style:parent-style-name="Default"><style:text-properties '
        f'fo:font-size="14pt" fo:font-weight="bold" fo:color="{c.primary}"/></style:style>',
        '<style:style style:name="Marking" style:family="paragraph"><style:paragraph-properties '
        'fo:text-align="center"/><style:text-properties fo:font-size="9pt" fo:font-weight="bold" '
        f'fo:color="{c.banner}"/></style:style>',
        '<style:style style:name="Footer" style:family="paragraph"><style:paragraph-properties '
        'fo:text-align="center"/><style:text-properties fo:font-size="8pt"/></style:style>',
        '<number:date-style style:name="DateFormat"><number:year number:style="long"/>'
        '<number:text>-</number:text><number:month number:style="long"/><number:text>-'
        '</number:text><number:day number:style="long"/></number:date-style>',
        '<number:date-style style:name="DateTimeFormat"><number:year number:style="long"/>'
        '<number:text>-</number:text><number:month number:style="long"/><number:text>-'
        '</number:text><number:day number:style="long"/><number:text> </number:text>'
        '<number:hours number:style="long"/><number:text>:</number:text>'
        '<number:minutes number:style="long"/><number:text>:</number:text>'
        '<number:seconds number:style="long"/></number:date-style>',
        '<number:time-style style:name="TimeFormat"><number:hours number:style="long"/>'
        '<number:text>:</number:text><number:minutes number:style="long"/><number:text>:'
        '</number:text><number:seconds number:style="long"/></number:time-style>',
    ]
    for name, data in ((_DATE_STYLE, "DateFormat"), (_DATETIME_STYLE, "DateTimeFormat"),
                       (_TIME_STYLE, "TimeFormat")):
        xml.append(f'<style:style style:name="{name}" style:family="table-cell" '
                   f'style:parent-style-name="Default" style:data-style-name="{data}"/>')
    for places in sorted(formats):
        xml.append(f'<number:number-style style:name="Number{places}Format"><number:number '
                   f'number:decimal-places="{places}" number:min-decimal-places="{places}" '
                   'number:min-integer-digits="1"/></number:number-style>')
        xml.append(f'<style:style style:name="Number{places}" style:family="table-cell" '
                   'style:parent-style-name="Default" '
                   f'style:data-style-name="Number{places}Format"/>')
    for item in xml:
        add_style(doc, item)
    add_style(doc, '<style:style style:name="Sheet" style:family="table" '
                   f'style:master-page-name="{MASTER}"><style:table-properties table:display='
                   '"true" style:writing-mode="lr-tb"/></style:style>', automatic=True)
    add_style(doc, '<style:style style:name="HeaderRow" style:family="table-row">'
                   '<style:table-row-properties style:use-optimal-row-height="true"/>'
                   '</style:style>', automatic=True)


def cell_xml(value: CellValue, *, style: str | None = None,
             number_style: str | None = None) -> str:
    """One ``table:table-cell`` holding ``value``, as XML: text as a string cell (never a
    formula), numbers as float cells (``number_style`` gives their format), dates and times as
    date and time cells, ``bool`` as a boolean, ``None`` as an empty cell. A number that is not
    finite (``nan``, ``inf``) has no cell form and is written as its text. Each cell shows its
    value in a paragraph as odfdo writes one (:func:`~weerbaar.reports.odf.text_xml`)."""
    styled = f" table:style-name={attr(style)}" if style else ""
    if value is None:
        return f"<table:table-cell{styled}/>"
    if isinstance(value, bool):
        start = (f'<table:table-cell{styled} office:value-type="boolean" '
                 f'office:boolean-value="{"true" if value else "false"}">')
        shown = "TRUE" if value else "FALSE"
    elif isinstance(value, numbers.Real | Decimal):
        number = float(value)
        if not math.isfinite(number):
            return cell_xml(str(value), style=style)
        number_styled = f" table:style-name={attr(number_style)}" if number_style else styled
        shown = repr(number) if not isinstance(value, numbers.Integral) else str(int(value))
        start = (f'<table:table-cell{number_styled} office:value-type="float" '
                 f'office:value="{shown}">')
    elif isinstance(value, datetime):
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        start = (f'<table:table-cell table:style-name="{_DATETIME_STYLE}" '
                 f'office:value-type="date" office:date-value='
                 f'"{moment.isoformat(timespec="seconds")}">')
        shown = moment.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, date):
        start = (f'<table:table-cell table:style-name="{_DATE_STYLE}" '
                 f'office:value-type="date" office:date-value="{value.isoformat()}">')
        shown = value.isoformat()
    elif isinstance(value, time):
        plain = value.replace(tzinfo=None)
        start = (f'<table:table-cell table:style-name="{_TIME_STYLE}" '
                 f'office:value-type="time" office:time-value='
                 f'"PT{plain.hour}H{plain.minute}M{plain.second}S">')
        shown = plain.isoformat(timespec="seconds")
    elif isinstance(value, str):
        start = f'<table:table-cell{styled} office:value-type="string">'
        shown = value
    else:
        raise TypeError(f"cannot write a {type(value).__name__} into a cell")
    return f"{start}<text:p>{text_xml(shown)}</text:p></table:table-cell>"


def put_cell(value: CellValue, *, style: str | None = None,
             number_style: str | None = None) -> Element:
    """The cell of :func:`cell_xml` as an odfdo element."""
    return element(cell_xml(value, style=style, number_style=number_style))


def row_xml(values: Sequence[CellValue], *, style: str | None = None,
            number_style: str | None = None, first_style: str | None = None,
            row_style: str | None = None) -> str:
    """One ``table:table-row`` of the cells of ``values`` (:func:`cell_xml`), as XML; the first
    cell in ``first_style`` if given (a flagged row)."""
    cells = "".join(cell_xml(value, style=first_style if i == 0 and first_style else style,
                             number_style=number_style) for i, value in enumerate(values))
    start = f"<table:table-row table:style-name={attr(row_style)}>" if row_style else \
        "<table:table-row>"
    return f"{start}{cells}</table:table-row>"


def _columns(name: str, widths: Sequence[float], doc: Document) -> list[str]:
    """The ``table:table-column`` elements of a sheet as XML, each with its width (a style)."""
    columns = []
    for i, width in enumerate(widths, start=1):
        column = f"{name}.C{i}"
        add_style(doc, f'<style:style style:name="{column}" style:family="table-column">'
                       f'<style:table-column-properties style:column-width="{width:.2f}cm"/>'
                       '</style:style>', automatic=True)
        columns.append(f"<table:table-column table:style-name={attr(column)}/>")
    return columns


def sheet_element(title: str, columns: Sequence[str], header: str, rows: Sequence[str], *,
                  widest: int) -> Element:
    """A sheet (``table:table``) from the XML of its columns, header rows and rows, parsed at
    once: much faster than odfdo making each cell (tests/test_odf_rows.py). If the ``widest``
    row has more cells than there are columns, columns are added for them (as odfdo does)."""
    sheet = element(f'<table:table table:style-name="Sheet" table:name={attr(title)}>'
                    f'{"".join(columns)}{header}{"".join(rows)}</table:table>')
    if isinstance(sheet, OdfTable) and widest > len(columns):
        sheet.normalize_columns()
    return sheet


def _table_sheet(doc: Document, title: str, table: Table, index: int) -> tuple[Element, str]:
    widths = [len(h) for h in table.header]
    for row in table.rows:
        for c, value in enumerate(row[:len(widths)]):
            widths[c] = max(widths[c], min(len(str(value)) if value is not None else 0, 60))
    columns = _columns(f"S{index}", [max(6, min(w + 2, 62)) * _CHAR_CM for w in widths], doc)
    places = _decimals(table.number_format)
    number_style = None if places is None else f"Number{places}"
    header = ("<table:table-header-rows>"
              + row_xml(table.header, style="Table_20_Header", row_style="HeaderRow")
              + "</table:table-header-rows>")
    rows = [row_xml(values, number_style=number_style,
                    first_style="Flagged" if i in table.flagged else None)
            for i, values in enumerate(table.rows)]
    sheet = sheet_element(title, columns, header, rows,
                          widest=max((len(r) for r in table.rows), default=0))
    quoted = "'" + title.replace("'", "''") + "'"
    last = _column_letters(len(table.header))
    target = f"{quoted}.A1:{quoted}.{last}{len(table.rows) + 1}"
    return sheet, target


def _column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def build_ods(document: ReportDocument, style: HouseStyle) -> Document:
    """The odfdo ``Document`` of the report's data annex."""
    doc = new_document("spreadsheet")
    by_key = {t.key: t for t in document.tables()}
    tables = list(document.data) + [by_key[k] for k in DOCUMENT_TABLES if k in by_key]
    _styles(doc, style, {p for t in tables if (p := _decimals(t.number_format)) is not None})
    add_automatic_page_style(doc, page_layout_xml(
        "SheetPage", style, landscape=True, extra=' style:scale-to-X="1" style:scale-to-Y="0"'))
    marked_master_page(doc, document, MASTER, "SheetPage", header_style="Marking",
                       footer_style="Footer")
    keep_master_pages(doc, {MASTER})
    body = doc.body
    body.clear()
    taken: set[str] = set()
    info_title = _sheet_title(document.labels.get("info", "Info"), taken)
    lines = [document.title, document.cover.subtitle, *document.cover.lines]
    if document.cover.illustrative:
        lines.append(document.cover.illustrative)
    lines.append(document.labels.get("flag_legend", ""))
    body.append(sheet_element(info_title, _columns("Info", [20.0], doc), "", [
        row_xml([line], style="Report_20_Title" if i == 0 else None)
        for i, line in enumerate(lines)], widest=1))
    ranges = element("<table:database-ranges/>")
    for index, table in enumerate(tables, start=1):
        title = _sheet_title(document.labels.get(f"sheet:{table.key}", table.caption), taken)
        sheet, target = _table_sheet(doc, title, table, index)
        body.append(sheet)
        if table.rows:
            found = element('<table:database-range table:display-filter-buttons="true"/>')
            found.set_attribute("table:name", f"__Anonymous_Sheet_DB__{index}")
            found.set_attribute("table:target-range-address", xml_text(target))
            ranges.append(found)
    body.append(ranges)
    set_metadata(doc, document, description=f"{document.labels.get('cycle', 'Cycle')} "
                                            f"{document.cycle}")
    return doc


def render_ods(document: ReportDocument, style: HouseStyle) -> bytes:
    return to_bytes(build_ods(document, style))


def write_ods(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    path.write_bytes(render_ods(document, style))
    return path


__all__ = ["build_ods", "cell_xml", "put_cell", "render_ods", "row_xml", "sheet_element",
           "write_ods"]
