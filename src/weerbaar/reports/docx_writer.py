"""The Word report (python-docx): real heading styles, a table-of-contents field, figures with
captions, tables whose header row repeats on every page, the classification marking in every
page header and the document properties set.

The document starts from the template folder's ``reference.docx`` when it has one (so an
organisation's own Word styles apply), else from python-docx's default template restyled with the
house colours and fonts.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

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

# Elements that follow w:updateFields in w:settings (ECMA-376 CT_Settings sequence).
_AFTER_UPDATE = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                 "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
                 "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                 "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                 "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _element(tag: str, **attrs: str) -> Any:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key.replace("_", ":", 1)), value)
    return el


_NEEDED = ("Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle", "Caption", "Quote",
           "List Bullet", "TOC Heading")


def _ensure_styles(doc: Any) -> None:
    """A user's reference document may lack styles Word only defines when used; add them."""
    names = {s.name for s in doc.styles}
    for name in _NEEDED:
        if name not in names:
            added = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            added.base_style = doc.styles["Normal"]
            added.font.bold = name.startswith(("Heading", "Title", "TOC"))
    if "Table Grid" not in names:
        doc.styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)


def _style_fonts(doc: Any, style: HouseStyle) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = style.fonts.body
    normal.font.size = Pt(style.fonts.size_pt)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), style.fonts.body)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11), ("Title", 26),
                       ("Subtitle", 14)):
        heading = doc.styles[name]
        heading.font.name = style.fonts.headings
        heading.font.size = Pt(size)
        heading.font.color.rgb = _rgb(style.colours.primary)
    doc.styles["Caption"].font.color.rgb = _rgb(style.colours.muted)


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    """A simple field (PAGE, NUMPAGES) with its placeholder result."""
    field = _element("w:fldSimple", w_instr=instruction)
    run = _element("w:r")
    text = _element("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _header_footer(section: Any, document: ReportDocument, style: HouseStyle) -> None:
    header = section.header.paragraphs[0]
    header.text = ""
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(document.classification)
    run.bold = True
    run.font.color.rgb = _rgb(style.colours.banner)
    footer = section.footer.paragraphs[0]
    footer.text = ""
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{document.classification} — {document.title} — ").font.size = Pt(8)
    for part in re.split(r"(\{page\}|\{pages\})", document.labels.get("page", "{page}")):
        if part == "{page}":
            _field(footer, "PAGE", "1")
        elif part == "{pages}":
            _field(footer, "NUMPAGES", "1")
        elif part:
            footer.add_run(part).font.size = Pt(8)


def _toc(doc: Any, document: ReportDocument) -> None:
    """A TOC field (headings 1–3, with links) pre-filled with the headings, so it reads well
    before Word updates it; Word is asked to update fields when it opens the file."""
    doc.add_paragraph(document.toc_title, style="TOC Heading")
    entries = [h for h in document.headings() if h.level <= 2]
    first = doc.add_paragraph()
    run = first.add_run()
    run._r.append(_element("w:fldChar", w_fldCharType="begin"))
    instr = _element("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = r'TOC \o "1-3" \h \z \u'
    run._r.append(instr)
    run._r.append(_element("w:fldChar", w_fldCharType="separate"))
    paragraph = first
    for i, h in enumerate(entries):
        if i:
            paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6 * (h.level - 1))
        paragraph.paragraph_format.space_after = Pt(1)
        paragraph.add_run(h.label).bold = h.level == 1
    if not entries:
        paragraph.add_run(document.labels.get("toc_hint", ""))
    end = paragraph.add_run()
    end._r.append(_element("w:fldChar", w_fldCharType="end"))
    settings = doc.settings.element
    update = _element("w:updateFields", w_val="true")
    later = next((child for child in settings if child.tag.rsplit("}", 1)[-1] in _AFTER_UPDATE),
                 None)
    if later is None:
        settings.append(update)
    else:
        later.addprevious(update)  # the schema fixes the order of the settings


def _cover(doc: Any, document: ReportDocument, style: HouseStyle) -> None:
    logo = style.logo_bytes()
    if logo:
        doc.add_picture(io.BytesIO(logo), height=Cm(3.0))
    organisation = doc.add_paragraph()
    run = organisation.add_run(document.cover.organisation)
    run.bold = True
    run.font.color.rgb = _rgb(style.colours.primary)
    doc.add_paragraph(document.cover.title, style="Title")
    doc.add_paragraph(document.cover.subtitle, style="Subtitle")
    for line in document.cover.lines:
        doc.add_paragraph(line).paragraph_format.space_after = Pt(2)
    if document.cover.illustrative:
        run = doc.add_paragraph().add_run(document.cover.illustrative)
        run.bold = True
        run.font.color.rgb = _rgb(style.colours.accent)
    if document.cover.text:
        run = doc.add_paragraph().add_run(document.cover.text)
        run.italic = True
        run.font.color.rgb = _rgb(style.colours.muted)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _paragraph(doc: Any, block: Paragraph, style: HouseStyle) -> None:
    p = doc.add_paragraph(style="Quote" if block.kind == "quote" else None)
    if block.label:
        p.add_run(block.label + " ").bold = True
    run = p.add_run(block.text)
    if block.kind == "note":
        run.font.size = Pt(style.fonts.size_pt - 1)
        run.font.color.rgb = _rgb(style.colours.muted)
    elif block.kind == "warning":
        run.bold = True
        run.font.color.rgb = _rgb(style.colours.accent)


def _orientation(doc: Any, landscape: bool) -> None:
    current = doc.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = section.page_width, section.page_height
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    if (width < height) == landscape:
        section.page_width, section.page_height = height, width


def _shade(cell: Any, colour: str) -> None:
    cell._tc.get_or_add_tcPr().append(_element("w:shd", w_val="clear", w_color="auto",
                                               w_fill=colour.lstrip("#")))


_BREAKS = re.compile(r"(\t|\r\n|\n|\r)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _run_xml(text: str, properties: str) -> str:
    """A ``w:r`` of ``text`` as python-docx writes one: tabs as ``w:tab``, line ends as ``w:br``;
    a control character XML cannot carry becomes its visible control picture (U+0007 as ␇)."""
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r\n", "\n", "\r"):
            parts.append("<w:br/>")
        elif piece:
            visible = _CONTROL.sub(lambda m: chr(0x2400 + ord(m.group())), piece)
            parts.append(f'<w:t xml:space="preserve">{escape(visible)}</w:t>')
    return f"<w:r>{properties}{''.join(parts)}</w:r>"


def _body_rows(block: Table, widths: list[int], size: Pt, style: HouseStyle) -> str:
    """The table's body rows as one ``w:tbl`` fragment, parsed at once: the same cells, widths,
    alignment and run properties as python-docx's ``add_row`` and ``add_run`` make, without
    their cost per cell (a table of a hundred scenarios has thousands of cells)."""
    half_points = round(size.pt * 2)
    plain = f'<w:rPr><w:sz w:val="{half_points}"/></w:rPr>'
    flagged = (f'<w:rPr><w:color w:val="{style.colours.accent.lstrip("#").upper()}"/>'
               f'<w:sz w:val="{half_points}"/></w:rPr>')
    columns = len(block.header)
    starts = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{round(w / 635)}"/></w:tcPr>'
              f'<w:p><w:pPr><w:jc w:val="{block.alignment(i)}"/></w:pPr>'
              for i, w in enumerate(widths)]
    rows = []
    for r, row in enumerate(block.rows):
        cells = []
        for i in range(columns):
            value = row[i] if i < len(row) else None
            text = "" if value is None else (f"{value:g}" if isinstance(value, float) else
                                             str(value))
            properties = flagged if i == 0 and r in block.flagged else plain
            cells.append(f"{starts[i]}{_run_xml(text, properties)}</w:p></w:tc>")
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>"


def _table(doc: Any, block: Table, style: HouseStyle) -> None:
    if block.wide:
        _orientation(doc, True)
    caption = doc.add_paragraph(block.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    weights = list(block.widths) or [1.0] * len(block.header)
    weights += [1.0] * (len(block.header) - len(weights))
    widths = [int(usable * w / sum(weights)) for w in weights]
    size = Pt(7 if block.wide else 8.5)
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(_element("w:tblHeader", w_val="true"))
    for i, (cell, text) in enumerate(zip(header.cells, block.header, strict=True)):
        cell.width = widths[i]
        _shade(cell, style.colours.table_header)
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = size
        run.font.color.rgb = _rgb(style.colours.table_header_text)
    for tr in parse_xml(_body_rows(block, widths, size, style)):
        table._tbl.append(tr)
    if block.wide:
        _orientation(doc, False)
    else:
        doc.add_paragraph()


def _figure(doc: Any, block: Figure) -> None:
    width_px, height_px = block.size_px
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    max_height = Cm(19.0)
    width = min(usable, int(max_height * width_px / max(height_px, 1)))
    doc.add_picture(io.BytesIO(block.png), width=width)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph(block.caption, style="Caption")


def _properties(doc: Any, document: ReportDocument, style: HouseStyle) -> None:
    props = doc.core_properties
    props.title = document.title
    props.subject = document.subject
    props.keywords = ", ".join(document.keywords)
    props.category = document.classification
    props.content_status = document.classification
    props.identifier = document.cycle
    props.language = document.lang
    props.author = document.cover.organisation
    props.last_modified_by = "weerbaar"
    props.comments = f"{document.labels.get('cycle', 'Cycle')} {document.cycle}; " \
                     f"{document.labels.get('classification', 'Classification')}: " \
                     f"{document.classification}"
    stamp = datetime.combine(document.date, time(12, 0))
    props.created = stamp
    props.modified = stamp
    props.revision = 1


def build_docx(document: ReportDocument, style: HouseStyle) -> Any:
    """The python-docx ``Document`` of the report."""
    reference = style.folder / "reference.docx"
    doc = Document(str(reference)) if reference.is_file() else Document()
    _ensure_styles(doc)
    _style_fonts(doc, style)
    section = doc.sections[0]
    if style.page_size == "A4":
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for margin in ("left_margin", "right_margin"):
        setattr(section, margin, Cm(2.2))
    _header_footer(section, document, style)
    _cover(doc, document, style)
    _toc(doc, document)
    for block in document.blocks:
        if isinstance(block, Heading):
            heading = doc.add_heading(block.label, level=block.level)
            heading.paragraph_format.page_break_before = block.level == 1
        elif isinstance(block, Paragraph):
            _paragraph(doc, block, style)
        elif isinstance(block, BulletList):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block, style)
        elif isinstance(block, Figure):
            _figure(doc, block)
        elif isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _properties(doc, document, style)
    return doc


def write_docx(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    build_docx(document, style).save(str(path))
    return path


__all__ = ["build_docx", "write_docx"]
