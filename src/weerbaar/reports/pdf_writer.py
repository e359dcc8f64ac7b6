"""The PDF report (fpdf2, pure Python): cover, a table of contents with page numbers and links,
bookmarks for every heading, figures, tables whose header row repeats on every page, the
classification marking in the header of every page, and the document properties set.

Text is set in DejaVu Sans (shipped with matplotlib) unless the template names its own TTF files,
so Dutch characters (ë, ï, é, –, ’), the euro sign and the flag † render; the fonts are embedded
(subset). Running text and tables are laid out by :mod:`weerbaar.reports.pdf_layout` (each word
measured once); figures are the PNG images the builder drew, laid on white, never drawn again.

The file is PDF/A-2b (ISO 19005-2, level B): embedded fonts, an sRGB output intent, XMP metadata
with the PDF/A identification, title, language and the marking, equal to the document information
dictionary, a file identifier, and no encryption, script or transparency.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, XPos, YPos
from fpdf.outline import OutlineSection
from fpdf.output import PDFICCProfile
from fpdf.util import builtin_srgb2014_bytes
from PIL import Image

from weerbaar.reports.model import (
    BulletList,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.pdf_layout import Cell, Line, TableLook, TextFlow, draw_table
from weerbaar.reports.style import HouseStyle

FONT = "Body"
_SIZES = {1: 16.0, 2: 12.5, 3: 11.0}


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _font_files(style: HouseStyle) -> dict[str, Path]:
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    files = {"": ttf / "DejaVuSans.ttf", "B": ttf / "DejaVuSans-Bold.ttf",
             "I": ttf / "DejaVuSans-Oblique.ttf"}  # the report sets no bold italic
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
        self.pdf_version = "1.7"  # PDF/A-2 rests on PDF 1.7
        self.allow_images_transparency = False  # no soft masks, no page transparency groups
        self.flow = TextFlow(self, FONT)
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
        pdf.image(opaque(logo), x=pdf.l_margin, h=30)
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


def _lines(pdf: _ReportPDF, style: str, size: float, height: float, text: str) -> None:
    """``text`` across the page in lines of ``height``, inset by the cell margin as fpdf2's
    ``multi_cell`` sets it; the position ends at the left margin below it."""
    pdf.flow.flow([(style, text)], size=size, height=height, x=pdf.l_margin + pdf.c_margin,
                  width=pdf.epw - 2 * pdf.c_margin)
    pdf.set_x(pdf.l_margin)


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
    pdf.set_text_color(*_rgb(pdf.style.colours.primary))
    size = _SIZES.get(block.level, 10.5)
    _lines(pdf, "B", size, size * 0.5, block.label)
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
    pdf.set_text_color(*_rgb(colour))
    runs = [("B", block.label + " ")] if block.label else []
    runs.append(("B" if block.kind == "warning" else "", block.text))
    pdf.flow.flow(runs, size=size, height=height, x=pdf.l_margin + indent,
                  width=pdf.epw - indent)
    pdf.ln(1.8)
    if indent and pdf.page == page:
        pdf.set_draw_color(*_rgb(pdf.style.colours.primary))
        pdf.set_line_width(0.8)
        pdf.line(pdf.l_margin + 1, top, pdf.l_margin + 1, pdf.get_y() - 1.8)
    pdf.set_text_color(*_rgb(pdf.style.colours.text))


def _bullets(pdf: _ReportPDF, block: BulletList) -> None:
    _portrait(pdf)
    size = pdf.style.fonts.size_pt
    height = size * 0.5
    bullet = Line((("", "•"),), 0.0)
    for item in block.items:
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page(same=True)
        pdf.flow.draw(bullet, pdf.l_margin + 2, pdf.get_y(), height, size)
        pdf.flow.flow([("", item)], size=size, height=height, x=pdf.l_margin + 6,
                      width=pdf.epw - 6)
        pdf.ln(0.8)
    pdf.ln(1.5)


def _cell_text(value: object) -> str:
    return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))


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
    pdf.set_text_color(*_rgb(style.colours.primary))
    _lines(pdf, "B", 8.5, 4.5, block.caption)
    pdf.set_text_color(*_rgb(style.colours.text))
    pdf.ln(1)
    columns = len(block.header)
    weights = list(block.widths[:columns]) or [1.0] * columns
    weights += [1.0] * (columns - len(weights))
    widths = [pdf.epw * w / sum(weights) for w in weights]
    text, flagged = _rgb(style.colours.text), _rgb(style.colours.accent)
    rows = [[Cell(_cell_text(values[i] if i < len(values) else None),
                  flagged if i == 0 and r in block.flagged else text) for i in range(columns)]
            for r, values in enumerate(block.rows)]
    look = TableLook(size=size, line_height=size * 0.5, padding=0.8,
                     header_fill=_rgb(style.colours.table_header),
                     header_text=_rgb(style.colours.table_header_text),
                     stripe=_rgb(style.colours.table_stripe), rule=_rgb(style.colours.muted))
    draw_table(pdf.flow, block.header, rows, widths,
               [block.alignment(i) for i in range(columns)], look)
    pdf.set_text_color(*text)
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
    pdf.image(opaque(block.png), x=pdf.l_margin + (pdf.epw - width) / 2, w=width, h=height)
    pdf.ln(2)
    pdf.set_text_color(*_rgb(pdf.style.colours.muted))
    _lines(pdf, "I", 8.5, 4.3, block.caption)
    pdf.set_text_color(*_rgb(pdf.style.colours.text))
    pdf.ln(4)


def opaque(png: bytes) -> Image.Image:
    """A PNG (a figure or the logo) laid on white and without its alpha channel, so the PDF holds
    no soft mask and no transparency group."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


# PDF/A ------------------------------------------------------------------------------------------
PDFA_PART, PDFA_CONFORMANCE = 2, "B"
CREATOR = "weerbaar"
XMP_NAMESPACE = "urn:weerbaar:report:1.0#"
"""The namespace of the report's own XMP properties (the marking and the cycle), described in
the metadata by a PDF/A extension schema as ISO 19005-2 asks for properties outside the
predefined schemas."""
_OWN_PROPERTIES = (("Classification", "The classification marking of the report"),
                   ("Cycle", "The key of the cycle the report is about"))


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with each character XML cannot carry shown rather than dropped: a control
    character as its control picture (U+0007 as ␇), a non-character as U+FFFD."""
    return _NOT_XML.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd",
                        text)


def _xml(text: str) -> str:
    return escape(visible(text))


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml(text)}</rdf:li></rdf:Alt>'


def _items(kind: str, items: tuple[str, ...]) -> str:
    return f"<rdf:{kind}>" + "".join(f"<rdf:li>{_xml(i)}</rdf:li>" for i in items) + f"</rdf:{kind}>"


def xmp_metadata(document: ReportDocument, author: str, created: datetime) -> str:
    """The XMP packet of the report (without the ``xpacket`` wrapper, which fpdf2 adds): the
    PDF/A identification, the Dublin Core title, description, creator, language and subjects, the
    dates and the tool, all equal to the document information dictionary, and the marking and the
    cycle as the report's own properties."""
    stamp = created.isoformat(timespec="seconds")
    own = "".join(
        '<rdf:li rdf:parseType="Resource">'
        f"<pdfaProperty:name>{name}</pdfaProperty:name>"
        "<pdfaProperty:valueType>Text</pdfaProperty:valueType>"
        "<pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        for name, description in _OWN_PROPERTIES)
    return "\n".join([
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '<rdf:Description rdf:about=""',
        '  xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
        '  xmlns:dc="http://purl.org/dc/elements/1.1/"',
        '  xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
        '  xmlns:pdf="http://ns.adobe.com/pdf/1.3/"',
        '  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"',
        '  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"',
        '  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"',
        f'  xmlns:weerbaar="{XMP_NAMESPACE}">',
        f"<pdfaid:part>{PDFA_PART}</pdfaid:part>",
        f"<pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>",
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{_alt(document.title)}</dc:title>",
        f"<dc:description>{_alt(document.subject)}</dc:description>",
        f"<dc:creator>{_items('Seq', (author,))}</dc:creator>",
        f"<dc:language>{_items('Bag', (document.lang,))}</dc:language>",
        f"<dc:subject>{_items('Bag', document.keywords)}</dc:subject>",
        f"<pdf:Keywords>{_xml(', '.join(document.keywords))}</pdf:Keywords>",
        f"<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>",
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>",
        f"<weerbaar:Classification>{_xml(document.classification)}</weerbaar:Classification>",
        f"<weerbaar:Cycle>{_xml(document.cycle)}</weerbaar:Cycle>",
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">',
        "<pdfaSchema:schema>weerbaar report properties</pdfaSchema:schema>",
        f"<pdfaSchema:namespaceURI>{XMP_NAMESPACE}</pdfaSchema:namespaceURI>",
        "<pdfaSchema:prefix>weerbaar</pdfaSchema:prefix>",
        f"<pdfaSchema:property><rdf:Seq>{own}</rdf:Seq></pdfaSchema:property>",
        "</rdf:li></rdf:Bag></pdfaExtension:schemas>",
        "</rdf:Description>",
        "</rdf:RDF>",
        "</x:xmpmeta>",
    ])


def _archival(pdf: _ReportPDF, document: ReportDocument) -> None:
    """Properties, metadata and colour of PDF/A-2b: the information dictionary and the XMP packet
    saying the same, and the sRGB output intent (the ICC profile fpdf2 ships) every colour of the
    report is given in."""
    author = document.cover.organisation
    created = datetime.combine(document.date, time(12, 0), tzinfo=UTC)
    pdf.set_title(visible(document.title))  # as in the XMP
    pdf.set_subject(visible(document.subject))
    pdf.set_keywords(visible(", ".join(document.keywords)))
    pdf.set_author(visible(author))
    pdf.set_creator(CREATOR)
    pdf.set_lang(document.lang)
    pdf.set_creation_date(created)
    pdf.set_xmp_metadata(xmp_metadata(document, author, created))
    pdf.add_output_intent(
        OutputIntentSubType.PDFA, output_condition_identifier="sRGB",
        output_condition="IEC 61966-2-1:1999", registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=builtin_srgb2014_bytes(), n=3,
                                          alternate="DeviceRGB"),
        info="sRGB2014 (v2)")


def build_pdf(document: ReportDocument, style: HouseStyle) -> bytes:
    """The report as PDF/A-2b bytes."""
    pdf = _ReportPDF(document, style)
    _archival(pdf, document)
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


__all__ = ["PDFA_CONFORMANCE", "PDFA_PART", "XMP_NAMESPACE", "build_pdf", "opaque", "write_pdf",
           "xmp_metadata"]
