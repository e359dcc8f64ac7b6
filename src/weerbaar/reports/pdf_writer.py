"""The PDF report (fpdf2, pure Python): cover, a table of contents with page numbers and links,
bookmarks for every heading, figures, tables whose header row repeats on every page, the
classification marking in the header of every page, and the document properties set.

Text is set in DejaVu Sans (shipped with matplotlib) unless the template names its own TTF files,
so Dutch characters (ë, ï, é, –, ’) and the flag † render.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, time
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, XPos, YPos
from fpdf.outline import OutlineSection

from weerbaar.reports.model import (
    BulletList,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.style import HouseStyle

FONT = "Body"
_SIZES = {1: 16.0, 2: 12.5, 3: 11.0}


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _font_files(style: HouseStyle) -> dict[str, Path]:
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {"": ttf / "DejaVuSans.ttf", "B": ttf / "DejaVuSans-Bold.ttf",
             "I": ttf / "DejaVuSans-Oblique.ttf", "BI": ttf / "DejaVuSans-BoldOblique.ttf"}
    own = {"": style.fonts.pdf_regular, "B": style.fonts.pdf_bold, "I": style.fonts.pdf_italic}
    for key, name in own.items():
        if name:
            files[key] = style.file(name)
    if style.fonts.pdf_regular and not style.fonts.pdf_bold:
        files["B"] = files[""]
    return files


class _ReportPDF(FPDF):
    def __init__(self, document: ReportDocument, style: HouseStyle) -> None:
        super().__init__(orientation="P", unit="mm", format=style.page_size)
        self.document, self.style = document, style
        for emphasis, path in _font_files(style).items():
            self.add_font(FONT, emphasis, str(path))
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=18)
        self.landscape = False
        self.empty_page = False  # the page after the table of contents is still blank

    def header(self) -> None:
        self.set_y(8)
        self.set_font(FONT, "B", 8)
        self.set_text_color(*_rgb(self.style.colours.banner))
        self.cell(0, 4, self.document.classification, align="C")
        self.set_text_color(*_rgb(self.style.colours.text))
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(*_rgb(self.style.colours.muted))
        page = self.document.labels.get("page", "{page}").format(page=self.page_no(),
                                                                  pages="{nb}")
        self.cell(0, 4, f"{self.document.classification} — {self.document.title} — {page}",
                  align="C")
        self.set_text_color(*_rgb(self.style.colours.text))


def _toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    doc: ReportDocument = pdf.document  # type: ignore[attr-defined]
    style: HouseStyle = pdf.style  # type: ignore[attr-defined]
    pdf.set_xy(pdf.l_margin, pdf.t_margin)
    pdf.set_font(FONT, "B", 16)
    pdf.set_text_color(*_rgb(style.colours.primary))
    pdf.cell(0, 10, doc.toc_title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(2)
    pdf.set_text_color(*_rgb(style.colours.text))
    for item in outline:
        if item.level > 1:
            continue
        pdf.set_font(FONT, "B" if item.level == 0 else "", 10 if item.level == 0 else 9)
        link = pdf.add_link(page=item.page_number)
        indent = 6 * item.level
        label = str(pdf.pages[item.page_number].get_label())
        width = pdf.epw - indent - 14
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(width, 5.5, item.name, link=link)
        pdf.cell(14, 5.5, label, align="R", link=link, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _cover(pdf: _ReportPDF) -> None:
    doc, style = pdf.document, pdf.style
    pdf.add_page()
    pdf.set_fill_color(*_rgb(style.colours.primary))
    pdf.rect(0, 0, 8, pdf.h, style="F")
    logo = style.logo_bytes()
    pdf.set_y(30)
    if logo:
        pdf.image(io.BytesIO(logo), x=pdf.l_margin, h=30)
        pdf.ln(6)
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*_rgb(style.colours.primary))
    pdf.multi_cell(0, 6, doc.cover.organisation, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(8)
    pdf.set_font(FONT, "B", 24)
    pdf.multi_cell(0, 11, doc.cover.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_font(FONT, "", 15)
    pdf.set_text_color(*_rgb(style.colours.muted))
    pdf.multi_cell(0, 9, doc.cover.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.ln(6)
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*_rgb(style.colours.text))
    for line in doc.cover.lines:
        pdf.multi_cell(0, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if doc.cover.illustrative:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(*_rgb(style.colours.accent))
        pdf.multi_cell(0, 6, doc.cover.illustrative, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    if doc.cover.text:
        pdf.set_y(max(pdf.get_y() + 10, pdf.h - 70))
        pdf.set_font(FONT, "I", 9)
        pdf.set_text_color(*_rgb(style.colours.muted))
        pdf.multi_cell(0, 5, doc.cover.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(*_rgb(style.colours.text))


def _portrait(pdf: _ReportPDF) -> None:
    if pdf.landscape:
        pdf.add_page(orientation="P")
        pdf.landscape = False


def _heading(pdf: _ReportPDF, block: Heading) -> None:
    if block.level == 1:
        if not pdf.empty_page:
            pdf.add_page(orientation="P")
        pdf.landscape = pdf.empty_page = False
    else:
        _portrait(pdf)
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(3)
    pdf.start_section(block.label, level=block.level - 1, strict=False)
    pdf.set_font(FONT, "B", _SIZES.get(block.level, 10.5))
    pdf.set_text_color(*_rgb(pdf.style.colours.primary))
    pdf.multi_cell(0, _SIZES.get(block.level, 10.5) * 0.5, block.label,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(*_rgb(pdf.style.colours.text))
    pdf.ln(1.5)


def _paragraph(pdf: _ReportPDF, block: Paragraph) -> None:
    _portrait(pdf)
    size = pdf.style.fonts.size_pt - (1 if block.kind == "note" else 0)
    colour = {"note": pdf.style.colours.muted, "warning": pdf.style.colours.accent}.get(
        block.kind, pdf.style.colours.text)
    height = size * 0.5
    indent = 4.0 if block.kind == "quote" else 0.0
    top, page = pdf.get_y(), pdf.page
    pdf.set_left_margin(pdf.l_margin + indent)
    pdf.set_x(pdf.l_margin)
    pdf.set_text_color(*_rgb(colour))
    if block.label:
        pdf.set_font(FONT, "B", size)
        pdf.write(height, block.label + " ")
    pdf.set_font(FONT, "B" if block.kind == "warning" else "", size)
    pdf.write(height, block.text)
    pdf.ln(height + 1.8)
    pdf.set_left_margin(pdf.l_margin - indent)
    if indent and pdf.page == page:
        pdf.set_draw_color(*_rgb(pdf.style.colours.primary))
        pdf.set_line_width(0.8)
        pdf.line(pdf.l_margin + 1, top, pdf.l_margin + 1, pdf.get_y() - 1.8)
    pdf.set_text_color(*_rgb(pdf.style.colours.text))


def _bullets(pdf: _ReportPDF, block: BulletList) -> None:
    _portrait(pdf)
    size = pdf.style.fonts.size_pt
    pdf.set_font(FONT, "", size)
    for item in block.items:
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(4, size * 0.5, "•")
        pdf.multi_cell(0, size * 0.5, item, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.ln(0.8)
    pdf.ln(1.5)


def _table(pdf: _ReportPDF, block: Table) -> None:
    style = pdf.style
    if block.wide and not pdf.landscape:
        pdf.add_page(orientation="L")
        pdf.landscape = True
    elif not block.wide:
        _portrait(pdf)
    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    size = 6.5 if block.wide else 8.0
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_text_color(*_rgb(style.colours.primary))
    pdf.multi_cell(0, 4.5, block.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(*_rgb(style.colours.text))
    pdf.ln(1)
    pdf.set_font(FONT, "", size)
    weights = list(block.widths) or [1.0] * len(block.header)
    weights += [1.0] * (len(block.header) - len(weights))
    head = FontFace(emphasis="BOLD", color=_rgb(style.colours.table_header_text),
                    fill_color=_rgb(style.colours.table_header))
    flagged = FontFace(color=_rgb(style.colours.accent))
    aligns = tuple({"left": "LEFT", "right": "RIGHT", "center": "CENTER"}[block.alignment(i)]
                   for i in range(len(block.header)))
    pdf.set_fill_color(*_rgb(style.colours.table_stripe))
    with pdf.table(col_widths=tuple(weights), headings_style=head, line_height=size * 0.5,
                   text_align=aligns, repeat_headings=1, width=pdf.epw,
                   cell_fill_color=_rgb(style.colours.table_stripe),
                   cell_fill_mode=TableCellFillMode.ROWS, padding=0.8, v_align="TOP",
                   borders_layout="HORIZONTAL_LINES") as table:
        header = table.row()
        for text in block.header:
            header.cell(text)
        for r, values in enumerate(block.rows):
            row = table.row()
            for i, value in enumerate(values):
                text = "" if value is None else (f"{value:g}" if isinstance(value, float)
                                                 else str(value))
                row.cell(text, style=flagged if i == 0 and r in block.flagged else None)
    pdf.ln(4)


def _figure(pdf: _ReportPDF, block: Figure) -> None:
    _portrait(pdf)
    width_px, height_px = block.size_px
    width = pdf.epw
    height = width * height_px / max(width_px, 1)
    limit = pdf.h - pdf.t_margin - 40
    if height > limit:
        height = limit
        width = height * width_px / max(height_px, 1)
    if pdf.get_y() + height + 12 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(io.BytesIO(block.png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height)
    pdf.ln(2)
    pdf.set_font(FONT, "I", 8.5)
    pdf.set_text_color(*_rgb(pdf.style.colours.muted))
    pdf.multi_cell(0, 4.3, block.caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
    pdf.set_text_color(*_rgb(pdf.style.colours.text))
    pdf.ln(4)


def build_pdf(document: ReportDocument, style: HouseStyle) -> bytes:
    """The report as PDF bytes."""
    pdf = _ReportPDF(document, style)
    pdf.set_title(document.title)
    pdf.set_subject(document.subject)
    pdf.set_keywords(", ".join(document.keywords))
    pdf.set_author(document.cover.organisation)
    pdf.set_creator("weerbaar")
    pdf.set_lang(document.lang)
    pdf.set_creation_date(datetime.combine(document.date, time(12, 0), tzinfo=UTC))
    _cover(pdf)
    pdf.add_page()
    pdf.insert_toc_placeholder(_toc, pages=1, allow_extra_pages=True)
    pdf.empty_page = True
    for block in document.blocks:
        if isinstance(block, Heading):
            _heading(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, BulletList):
            _bullets(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Figure):
            _figure(pdf, block)
        elif isinstance(block, PageBreak):
            pdf.add_page()
    return bytes(pdf.output())


def write_pdf(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    path.write_bytes(build_pdf(document, style))
    return path


__all__ = ["build_pdf", "write_pdf"]
