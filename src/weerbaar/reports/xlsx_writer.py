"""The Excel workbook of a report (openpyxl): an info sheet, the scenario and score tables (one row
per scenario, numbers as numbers, EV/LL/UL columns), uncertainty and measures, and the report's
other tables (priority list, moves, changes, method, provenance). Every sheet carries the
classification marking in its printed header and footer; the workbook's properties are set.

Every cell is written with :func:`weerbaar.io.cells.put`, the one cell writer of every workbook
the project writes: a title, owner or reasoning starting with ``=`` (``=HYPERLINK(...)``) is a
string cell, never a formula; numbers stay numbers. Header and footer texts are escaped too (a
literal ``&`` is not read as a header code).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from weerbaar.io.cells import header_footer_text, put, put_row
from weerbaar.reports.model import ReportDocument, Table
from weerbaar.reports.style import HouseStyle

DOCUMENT_TABLES = ("priorities", "moves", "changes", "verdict-changes", "provenance", "method",
                   "criteria")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", text).strip().strip("'").strip()[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base[:28]} {n}"
    taken.add(name.lower())
    return name


def _mark(ws: Worksheet, document: ReportDocument) -> None:
    marking = header_footer_text(document.classification)
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        if header is None:
            continue
        header.center.text = marking
        header.center.size = 9
        header.center.font = "Arial,Bold"
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        if footer is None:
            continue
        footer.left.text = marking
        footer.center.text = "&P / &N"
        footer.right.text = header_footer_text(document.title[:60])


def _table_sheet(ws: Worksheet, table: Table, style: HouseStyle) -> None:
    fill = PatternFill("solid", fgColor=style.colours.table_header.lstrip("#"))
    bold = Font(bold=True, color=style.colours.table_header_text.lstrip("#"))
    flag = Font(color=style.colours.accent.lstrip("#"))
    put_row(ws, 1, table.header)
    for cell in ws[1]:
        cell.fill, cell.font = fill, bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(table.rows):
        put_row(ws, i + 2, row)
        if i in table.flagged:
            ws.cell(row=i + 2, column=1).font = flag
    widths = [len(h) for h in table.header]
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, float):
                ws.cell(row=r, column=c + 1).number_format = table.number_format
            widths[c] = max(widths[c], min(len(str(value)) if value is not None else 0, 60))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(6, min(width + 2, 62))
    ws.freeze_panes = "B2" if len(table.header) > 3 else "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{len(table.rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is not None:
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def build_workbook(document: ReportDocument, style: HouseStyle) -> Workbook:
    wb = Workbook()
    info = wb.active
    assert info is not None
    taken: set[str] = set()
    info.title = _sheet_title(document.labels.get("info", "Info"), taken)
    lines = [document.title, document.cover.subtitle, *document.cover.lines]
    if document.cover.illustrative:
        lines.append(document.cover.illustrative)
    lines.append(document.labels.get("flag_legend", ""))
    for row, line in enumerate(lines, start=1):
        put(info, row, 1, line)
    info["A1"].font = Font(bold=True, size=14, color=style.colours.primary.lstrip("#"))
    info.column_dimensions["A"].width = 100
    _mark(info, document)
    by_key = {t.key: t for t in document.tables()}
    tables = list(document.data) + [by_key[k] for k in DOCUMENT_TABLES if k in by_key]
    for table in tables:
        title = document.labels.get(f"sheet:{table.key}", table.caption)
        ws = wb.create_sheet(_sheet_title(title, taken))
        _table_sheet(ws, table, style)
        _mark(ws, document)
    props = wb.properties
    props.title = document.title
    props.subject = document.subject
    props.keywords = ", ".join(document.keywords)
    props.category = document.classification
    props.creator = document.cover.organisation
    props.description = f"{document.labels.get('cycle', 'Cycle')} {document.cycle}"
    props.identifier = document.cycle
    props.language = document.lang
    stamp = datetime.combine(document.date, time(12, 0))
    props.created = props.modified = stamp
    custom = wb.custom_doc_props  # type: ignore[attr-defined]
    custom.append(StringProperty(name="Classification", value=document.classification))
    custom.append(StringProperty(name="Cycle", value=document.cycle))
    return wb


def write_xlsx(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    build_workbook(document, style).save(path)
    return path


__all__ = ["build_workbook", "write_xlsx"]
