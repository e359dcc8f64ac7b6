"""The Word report's table rows, written as one XML fragment per table (for speed), read back
with python-docx as the cells python-docx itself would have made: text with tabs and line
breaks, XML's special characters, numbers, alignment, size and the flag colour."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from weerbaar.reports.docx_writer import build_docx
from weerbaar.reports.model import Cover, ReportDocument, Table
from weerbaar.reports.style import load_style


def test_table_rows_read_back_as_written() -> None:
    style = load_style()
    rows = (("a\tb", 1.5, None), ("regel 1\nregel 2 <&> ’€", 3, "x\x07y"))
    table = Table("t", "Tabel 1.", ("Een", "Twee", "Drie"), rows,
                  align=("left", "right", "center"), widths=(1.0, 2.0, 1.0),
                  flagged=frozenset({1}))
    document = ReportDocument(
        kind="review", lang="nl", cycle="c", title="T", subject="S", keywords=("k",),
        classification="INTERN", date=date(2021, 9, 20),
        cover=Cover("T", "S", (), "O", ""), toc_title="Inhoud", blocks=(table,))
    buffer = io.BytesIO()
    build_docx(document, style).save(buffer)
    word = Document(io.BytesIO(buffer.getvalue()))
    body = word.tables[-1]
    assert [c.text for c in body.rows[0].cells] == ["Een", "Twee", "Drie"]
    assert [c.text for c in body.rows[1].cells] == ["a\tb", "1.5", ""]
    assert [c.text for c in body.rows[2].cells] == ["regel 1\nregel 2 <&> ’€", "3", "x␇y"]
    widths = [c.width for c in body.rows[1].cells]
    assert widths[1] > widths[0] and abs(widths[0] - widths[2]) < 1000
    aligns = [c.paragraphs[0].alignment for c in body.rows[2].cells]
    assert aligns == [WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER]
    runs = [c.paragraphs[0].runs[0] for c in body.rows[2].cells]
    assert all(r.font.size == Pt(8.5) for r in runs)
    accent = RGBColor.from_string(style.colours.accent.lstrip("#").upper())
    assert runs[0].font.color.rgb == accent  # the flagged row's first cell
    assert body.rows[1].cells[0].paragraphs[0].runs[0].font.color.rgb is None
