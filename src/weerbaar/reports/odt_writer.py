"""The OpenDocument text report (ODT, odfdo): the same document as the Word report, in the open
standard the Dutch government's "pas toe of leg uit" list names for documents.

Everything is laid out with named ODF styles, not direct formatting: headings are ``Heading 1``
to ``Heading 3`` with outline levels (so the navigator and the table of contents find them),
paragraphs ``Text body``, ``Note``, ``Warning`` and ``Quotations``, lists ``List Bullet``, tables
``Table Heading`` and ``Table Contents`` with a header row repeated on every page, figures
``Figure`` and ``Caption`` (each image with a title and a description for screen readers). The
classification marking is in the header and footer of every page (the master pages ``Standard``
and ``Landscape``, the latter for wide tables) and in the document's metadata, where a
user-defined field ``classification`` holds it beside the title, subject, keywords, language and
creator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from odfdo import Document, Element, Header
from odfdo import Paragraph as OdfParagraph
from odfdo import Table as OdfTable

from weerbaar.errors import InvalidInput
from weerbaar.reports.model import (
    BulletList,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.odf import (
    add_automatic_page_style,
    add_style,
    attr,
    element,
    escaped,
    keep_master_pages,
    marked_master_page,
    new_document,
    page_layout_xml,
    paragraph_xml,
    set_metadata,
    text_xml,
    to_bytes,
    xml_text,
)
from weerbaar.reports.style import HouseStyle

PORTRAIT, LANDSCAPE = "Standard", "Landscape"
HEADING_STYLES = {1: "Heading_20_1", 2: "Heading_20_2", 3: "Heading_20_3"}
PARAGRAPH_STYLES = {"body": "Text_20_body", "note": "Note", "warning": "Warning",
                    "quote": "Quotations"}
TABLE_CONTENTS = {"left": "Table_20_Contents", "right": "Table_20_Contents_20_Right",
                  "center": "Table_20_Contents_20_Centre"}
_MARGINS_CM = 4.4  # left and right page margins together (page_layout_xml)
_MAX_FIGURE_HEIGHT_CM = 19.0
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _paragraph_style(name: str, display: str, *, parent: str = "Standard", paragraph: str = "",
                     text: str = "", extra: str = "") -> str:
    shown = f" style:display-name={attr(display)}" if display != name else ""
    return (f'<style:style style:name="{name}"{shown} style:family="paragraph" '
            f'style:parent-style-name="{parent}"{extra}>'
            + (f"<style:paragraph-properties {paragraph}/>" if paragraph else "")
            + (f"<style:text-properties {text}/>" if text else "")
            + "</style:style>")


def _common_styles(doc: Document, style: HouseStyle) -> None:
    """The named styles of the report, in styles.xml (an organisation can restyle them)."""
    c, f = style.colours, style.fonts
    size = f.size_pt
    body_font = f"fo:font-family={attr(f.body)}"
    heading_font = f"fo:font-family={attr(f.headings)}"
    styles = [
        _paragraph_style("Standard", "Standard", parent="",
                         text=f'{body_font} fo:font-size="{size}pt" fo:color="{c.text}"'
                         ).replace(' style:parent-style-name=""', ' style:class="text"'),
        _paragraph_style("Text_20_body", "Text body",
                         paragraph='fo:margin-top="0cm" fo:margin-bottom="0.2cm"'),
        _paragraph_style("Heading", "Heading", parent="Standard",
                         paragraph='fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" '
                         'fo:keep-with-next="always"',
                         text=f'{heading_font} fo:font-weight="bold" fo:color="{c.primary}"',
                         extra=' style:next-style-name="Text_20_body" style:class="chapter"'),
    ]
    for level, points in ((1, 16), (2, 13), (3, 11)):
        brk = ' fo:break-before="page"' if level == 1 else ""
        styles.append(_paragraph_style(
            HEADING_STYLES[level], f"Heading {level}", parent="Heading",
            paragraph=f'fo:keep-with-next="always"{brk}', text=f'fo:font-size="{points}pt"',
            extra=f' style:next-style-name="Text_20_body" style:default-outline-level="{level}"'
                  ' style:class="chapter"'))
    styles += [
        _paragraph_style("Title", "Title", parent="Heading", text='fo:font-size="26pt"',
                         extra=' style:class="chapter"'),
        _paragraph_style("Subtitle", "Subtitle", parent="Heading",
                         text='fo:font-size="14pt" fo:font-weight="normal"',
                         extra=' style:class="chapter"'),
        _paragraph_style("Cover_20_Organisation", "Cover organisation",
                         paragraph='fo:margin-bottom="0.4cm"',
                         text=f'fo:font-weight="bold" fo:color="{c.primary}"'),
        _paragraph_style("Cover_20_Line", "Cover line", paragraph='fo:margin-bottom="0.07cm"'),
        _paragraph_style("Cover_20_Illustrative", "Cover illustrative",
                         paragraph='fo:margin-top="0.3cm"',
                         text=f'fo:font-weight="bold" fo:color="{c.accent}"'),
        _paragraph_style("Cover_20_Text", "Cover text", paragraph='fo:margin-top="0.3cm"',
                         text=f'fo:font-style="italic" fo:color="{c.muted}"'),
        _paragraph_style("Note", "Note", parent="Text_20_body",
                         text=f'fo:font-size="{size - 1}pt" fo:color="{c.muted}"'),
        _paragraph_style("Warning", "Warning", parent="Text_20_body",
                         text=f'fo:font-weight="bold" fo:color="{c.accent}"'),
        _paragraph_style("Quotations", "Quotations", parent="Text_20_body",
                         paragraph='fo:margin-left="1cm" fo:margin-right="1cm"',
                         text='fo:font-style="italic"'),
        _paragraph_style("Caption", "Caption", paragraph='fo:margin-top="0.2cm" '
                         'fo:margin-bottom="0.2cm"',
                         text=f'fo:font-size="{size - 1}pt" fo:font-style="italic" '
                              f'fo:color="{c.muted}"', extra=' style:class="extra"'),
        _paragraph_style("Table_20_Caption", "Table caption", parent="Caption",
                         paragraph='fo:keep-with-next="always"', extra=' style:class="extra"'),
        _paragraph_style("Figure", "Figure", parent="Standard",
                         paragraph='fo:text-align="center" fo:keep-with-next="always" '
                         'fo:margin-top="0.2cm"'),
        _paragraph_style("Table_20_Contents", "Table Contents",
                         text='fo:font-size="8.5pt"', extra=' style:class="extra"'),
        _paragraph_style("Table_20_Contents_20_Right", "Table Contents Right",
                         parent="Table_20_Contents", paragraph='fo:text-align="end"',
                         extra=' style:class="extra"'),
        _paragraph_style("Table_20_Contents_20_Centre", "Table Contents Centre",
                         parent="Table_20_Contents", paragraph='fo:text-align="center"',
                         extra=' style:class="extra"'),
        _paragraph_style("Table_20_Heading", "Table Heading", parent="Table_20_Contents",
                         text=f'fo:font-weight="bold" fo:color="{c.table_header_text}"',
                         extra=' style:class="extra"'),
        _paragraph_style("List_20_Bullet", "List Bullet", parent="Text_20_body",
                         paragraph='fo:margin-bottom="0.1cm"',
                         extra=' style:list-style-name="List_20_Bullet" style:class="list"'),
        _paragraph_style("Header", "Header", paragraph='fo:text-align="center"',
                         text=f'fo:font-size="9pt" fo:font-weight="bold" fo:color="{c.banner}"',
                         extra=' style:class="extra"'),
        _paragraph_style("Footer", "Footer", paragraph='fo:text-align="center"',
                         text=f'fo:font-size="8pt" fo:color="{c.muted}"',
                         extra=' style:class="extra"'),
        _paragraph_style("Page_20_Break", "Page break", paragraph='fo:break-after="page"',
                         text='fo:font-size="2pt"'),
        _paragraph_style("Contents_20_Heading", "Contents Heading", parent="Heading",
                         text='fo:font-size="16pt"', extra=' style:class="index"'),
        '<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" '
        'style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>',
        f'<style:style style:name="Flagged" style:family="text"><style:text-properties '
        f'fo:color="{c.accent}"/></style:style>',
        '<style:style style:name="Graphics" style:family="graphic"><style:graphic-properties '
        'text:anchor-type="as-char" style:vertical-pos="top" style:vertical-rel="baseline" '
        'style:wrap="none" fo:border="none" fo:padding="0cm"/></style:style>',
        '<text:list-style style:name="List_20_Bullet" style:display-name="List Bullet">'
        '<text:list-level-style-bullet text:level="1" text:bullet-char="•">'
        '<style:list-level-properties text:list-level-position-and-space-mode='
        '"label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" '
        'text:list-tab-stop-position="0.6cm" fo:text-indent="-0.6cm" fo:margin-left="0.6cm"/>'
        '</style:list-level-properties></text:list-level-style-bullet></text:list-style>',
        # Headings are not numbered (annexes carry their number in the text, as in Word).
        '<text:outline-style style:name="Outline">'
        + "".join(f'<text:outline-level-style text:level="{level}" style:num-format="">'
                  '<style:list-level-properties/></text:outline-level-style>'
                  for level in range(1, 11))
        + "</text:outline-style>",
    ]
    for xml in styles:
        add_style(doc, xml)


def _page_styles(doc: Document, document: ReportDocument, style: HouseStyle) -> None:
    add_automatic_page_style(doc, page_layout_xml("PortraitPage", style, landscape=False))
    add_automatic_page_style(doc, page_layout_xml("LandscapePage", style, landscape=True))
    for name, layout in ((PORTRAIT, "PortraitPage"), (LANDSCAPE, "LandscapePage")):
        marked_master_page(doc, document, name, layout, header_style="Header",
                           footer_style="Footer")
    keep_master_pages(doc, {PORTRAIT, LANDSCAPE})


def picture_kind(data: bytes, source: Path | str) -> tuple[str, str, tuple[int, int]]:
    """The media type, file extension and size in pixels of a PNG or JPEG image (the logo);
    another format is an :class:`~weerbaar.errors.InvalidInput` naming the file."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return "image/png", "png", (int.from_bytes(data[16:20], "big"),
                                    int.from_bytes(data[20:24], "big"))
    if data[:2] == b"\xff\xd8":
        at = 2
        while at + 9 <= len(data) and data[at] == 0xFF:
            marker = data[at + 1]
            length = int.from_bytes(data[at + 2:at + 4], "big")
            if marker in _JPEG_FRAMES:  # a start of frame: height, then width
                return "image/jpeg", "jpg", (int.from_bytes(data[at + 7:at + 9], "big"),
                                             int.from_bytes(data[at + 5:at + 7], "big"))
            at += 2 + length
    raise InvalidInput("the logo is not a PNG or JPEG image", source=source, location=["logo"],
                       expected="a PNG or JPEG file")


_HEADER_CELL = '<table:table-cell table:style-name="TableHeaderCell" office:value-type="string">'
_CELL = '<table:table-cell table:style-name="TableCell" office:value-type="string">'


def _cell_text(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def table_xml(block: Table, name: str, columns: Sequence[str], heading: str,
              contents: Sequence[str]) -> str:
    """The ``table:table`` of ``block`` as one XML fragment: its columns (styles ``columns``), the
    header row repeated on every page (paragraph style ``heading``) and the rows, each cell a
    string cell with a paragraph in its column's style ``contents[i]``; the first cell of a
    flagged row in the ``Flagged`` text style. The same XML odfdo's element API writes (tests/
    test_odf_rows.py), without its cost per cell: a report of a hundred scenarios has thousands."""
    parts = [f"<table:table table:name={attr(name)} table:style-name={attr(name)}>"]
    parts += [f"<table:table-column table:style-name={attr(c)}/>" for c in columns]
    parts.append("<table:table-header-rows><table:table-row>")
    parts += [f"{_HEADER_CELL}{paragraph_xml(text, heading)}</table:table-cell>"
              for text in block.header]
    parts.append("</table:table-row></table:table-header-rows>")
    starts = [f"{_CELL}<text:p text:style-name={attr(style)}>" for style in contents]
    for r, values in enumerate(block.rows):
        parts.append("<table:table-row>")
        for i, value in enumerate(values):
            text = _cell_text(value)
            shown = (f'<text:span text:style-name="Flagged">{escaped(text)}</text:span>'
                     if i == 0 and r in block.flagged else text_xml(text))
            parts.append(f"{starts[i]}{shown}</text:p></table:table-cell>")
        parts.append("</table:table-row>")
    parts.append("</table:table>")
    return "".join(parts)


def table_element(block: Table, name: str, columns: Sequence[str], heading: str,
                  contents: Sequence[str]) -> Element:
    """The table of :func:`table_xml`, parsed at once; a row longer than the header gets
    columns for its extra cells (as odfdo adds them)."""
    table = element(table_xml(block, name, columns, heading, contents))
    if isinstance(table, OdfTable) and len(contents) > len(columns):
        table.normalize_columns()
    return table


class _Writer:
    """Adds the blocks to the body, keeping track of the page orientation and of the
    automatic styles (table layout, column widths, a page change) made on the way."""

    def __init__(self, doc: Document, document: ReportDocument, style: HouseStyle) -> None:
        self.doc, self.document, self.style = doc, document, style
        self.body = doc.body
        self.landscape = False
        self.pending_master: str | None = None  # the next paragraph starts this master page
        self.auto: dict[tuple[str, str], str] = {}
        self.names: set[str] = set()
        width, height = (21.0, 29.7) if style.page_size == "A4" else (21.59, 27.94)
        self.usable = {False: width - _MARGINS_CM, True: height - _MARGINS_CM}
        add_style(doc, '<style:style style:name="TableHeaderCell" style:family="table-cell">'
                       '<style:table-cell-properties fo:padding="0.06cm" '
                       f'fo:background-color="{style.colours.table_header}" '
                       'fo:border="0.5pt solid #BFBFBF"/></style:style>', automatic=True)
        add_style(doc, '<style:style style:name="TableCell" style:family="table-cell">'
                       '<style:table-cell-properties fo:padding="0.06cm" '
                       'fo:border="0.5pt solid #BFBFBF"/></style:style>', automatic=True)

    def _derived(self, parent: str, attributes: str = "", inner: str = "") -> str:
        """An automatic paragraph style inheriting the named style ``parent`` (a page change or
        the smaller text of a wide table); the named style stays the paragraph's parent."""
        key = (parent, attributes + inner)
        if key not in self.auto:
            name = f"P{len(self.auto) + 1}"
            self.auto[key] = name
            add_style(self.doc, f'<style:style style:name="{name}" style:family="paragraph" '
                                f'style:parent-style-name="{parent}"{attributes}>{inner}'
                                '</style:style>', automatic=True)
        return self.auto[key]

    def styled(self, name: str) -> str:
        """``name``, or a style derived from it that starts the pending master page."""
        if self.pending_master is None:
            return name
        master, self.pending_master = self.pending_master, None
        return self._derived(name, f' style:master-page-name="{master}"')

    def orientation(self, landscape: bool) -> None:
        """Landscape pages for a wide table, portrait again after it; two wide tables in a row
        share their landscape pages (a change nothing was written after is undone)."""
        if landscape == self.landscape:
            return
        self.landscape = landscape
        if self.pending_master is not None:
            self.pending_master = None
        else:
            self.pending_master = LANDSCAPE if landscape else PORTRAIT

    def paragraph(self, text: str, style: str) -> OdfParagraph:
        p = OdfParagraph(xml_text(text), style=self.styled(style))
        self.body.append(p)
        return p

    def unique(self, base: str) -> str:
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-") or "item"
        candidate, n = name, 1
        while candidate in self.names:
            n += 1
            candidate = f"{name}-{n}"
        self.names.add(candidate)
        return candidate

    # -- blocks ----------------------------------------------------------------------------

    def heading(self, block: Heading) -> None:
        level = min(max(block.level, 1), 3)
        header = Header(level, xml_text(block.label))
        header.style = self.styled(HEADING_STYLES[level])
        self.body.append(header)

    def text(self, block: Paragraph) -> None:
        """A paragraph, its label (if any) in bold before it: the XML of odfdo's ``Paragraph``
        with the label's ``text:span``, its text appended after a space, parsed at once."""
        style = self.styled(PARAGRAPH_STYLES.get(block.kind, "Text_20_body"))
        content = (f'<text:span text:style-name="Strong_20_Emphasis">{escaped(block.label)}'
                   f"</text:span>{text_xml(' ' + block.text)}" if block.label
                   else text_xml(block.text))
        self.body.append(element(f"<text:p text:style-name={attr(style)}>{content}</text:p>"))

    def bullets(self, block: BulletList) -> None:
        if self.pending_master is not None:  # a list item cannot start a page style
            self.paragraph("", "Text_20_body")
        listing = element('<text:list text:style-name="List_20_Bullet"/>')
        for item in block.items:
            entry = element("<text:list-item/>")
            entry.append(OdfParagraph(xml_text(item), style="List_20_Bullet"))
            listing.append(entry)
        self.body.append(listing)

    def table(self, block: Table) -> None:
        if block.wide:
            self.orientation(True)
        self.paragraph(block.caption, "Table_20_Caption")
        name = self.unique(f"Table-{block.key}")
        width = self.usable[self.landscape]
        weights = list(block.widths) or [1.0] * len(block.header)
        weights += [1.0] * (len(block.header) - len(weights))
        weights = weights[:len(block.header)]
        total = sum(weights) or 1.0
        add_style(self.doc, f'<style:style style:name="{name}" style:family="table">'
                            f'<style:table-properties style:width="{width:.2f}cm" '
                            'table:align="margins"/></style:style>', automatic=True)
        columns = []
        for i, weight in enumerate(weights):
            column = f"{name}.C{i + 1}"
            add_style(self.doc, f'<style:style style:name="{column}" style:family="table-column">'
                                f'<style:table-column-properties style:column-width='
                                f'"{width * weight / total:.2f}cm" '
                                f'style:rel-width="{round(65535 * weight / total)}*"/>'
                                '</style:style>', automatic=True)
            columns.append(column)
        small = '<style:text-properties fo:font-size="7pt"/>'
        heading_style = (self._derived("Table_20_Heading", inner=small) if block.wide
                         else "Table_20_Heading")
        contents = [TABLE_CONTENTS[block.alignment(i)]
                    for i in range(max((len(row) for row in block.rows), default=0))]
        if block.wide:
            contents = [self._derived(c, inner=small) for c in contents]
        self.body.append(table_element(block, name, columns, heading_style, contents))
        if block.wide:
            self.orientation(False)
        else:
            self.paragraph("", "Text_20_body")

    def image(self, png: bytes, name: str, size_cm: tuple[float, float], title: str,
              media_type: str = "image/png", extension: str = "png") -> Element:
        """A picture stored in the package (``Pictures/``, listed in the manifest) in a frame
        anchored as a character, with its title and description (alternative text)."""
        path = f"Pictures/{name}.{extension}"
        self.doc.set_part(path, png)
        if self.doc.manifest.get_media_type("Pictures/") is None:
            self.doc.manifest.add_full_path("Pictures/")
        self.doc.manifest.add_full_path(path, media_type)
        frame = element(
            f'<draw:frame draw:style-name="Graphics" draw:name={attr(name)} '
            f'text:anchor-type="as-char" svg:width="{size_cm[0]:.2f}cm" '
            f'svg:height="{size_cm[1]:.2f}cm" draw:z-index="0"><draw:image xlink:href="{path}" '
            f'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad" '
            f'draw:mime-type="{media_type}"/><svg:title/><svg:desc/></draw:frame>')
        for tag in ("svg:title", "svg:desc"):
            found = frame.get_element(tag)
            assert found is not None
            found.text = xml_text(title)
        return frame

    def figure(self, block: Figure) -> None:
        width_px, height_px = block.size_px
        ratio = height_px / max(width_px, 1)
        width = min(self.usable[self.landscape], _MAX_FIGURE_HEIGHT_CM / max(ratio, 1e-6))
        frame = self.image(block.png, self.unique(f"figure-{block.key}"),
                           (width, width * ratio), block.caption)
        holder = OdfParagraph("", style=self.styled("Figure"))
        holder.append(frame)
        self.body.append(holder)
        self.paragraph(block.caption, "Caption")

    def page_break(self) -> None:
        self.paragraph("", "Page_20_Break")

    # -- cover and contents ----------------------------------------------------------------

    def cover(self) -> None:
        cover = self.document.cover
        logo = self.style.logo_bytes()
        if logo and self.style.logo:
            media_type, extension, (width_px, height_px) = picture_kind(
                logo, self.style.file(self.style.logo))
            height = 3.0
            frame = self.image(logo, "logo", (height * width_px / max(height_px, 1), height),
                               cover.organisation, media_type, extension)
            holder = OdfParagraph("", style="Standard")
            holder.append(frame)
            self.body.append(holder)
        self.paragraph(cover.organisation, "Cover_20_Organisation")
        self.paragraph(cover.title, "Title")
        self.paragraph(cover.subtitle, "Subtitle")
        for line in cover.lines:
            self.paragraph(line, "Cover_20_Line")
        if cover.illustrative:
            self.paragraph(cover.illustrative, "Cover_20_Illustrative")
        if cover.text:
            self.paragraph(cover.text, "Cover_20_Text")
        self.page_break()

    def contents(self) -> None:
        """A table of contents of the chapters and sections (outline levels 1–2, linked, with
        page numbers once an office program updates it), filled in so it reads well before."""
        entry = ('<text:table-of-content-entry-template text:outline-level="{level}" '
                 'text:style-name="Contents_20_{level}"><text:index-entry-link-start/>'
                 '<text:index-entry-text/><text:index-entry-tab-stop style:type="right" '
                 'style:leader-char="."/><text:index-entry-page-number/>'
                 '<text:index-entry-link-end/></text:table-of-content-entry-template>')
        toc = element('<text:table-of-content text:name="Contents" text:protected="true">'
                      '<text:table-of-content-source text:outline-level="2">'
                      '<text:index-title-template text:style-name="Contents_20_Heading"/>'
                      + entry.format(level=1) + entry.format(level=2)
                      + '</text:table-of-content-source><text:index-body>'
                      '<text:index-title text:name="Contents_Head"/></text:index-body>'
                      '</text:table-of-content>')
        template = toc.get_element("//text:index-title-template")
        title, index = toc.get_element("//text:index-title"), toc.get_element("//text:index-body")
        assert template is not None and title is not None and index is not None
        template.text = xml_text(self.document.toc_title)
        title.append(OdfParagraph(xml_text(self.document.toc_title), style="Contents_20_Heading"))
        entries = [h for h in self.document.headings() if h.level <= 2]
        for h in entries:
            index.append(OdfParagraph(xml_text(h.label), style=f"Contents_20_{h.level}"))
        if not entries:
            index.append(OdfParagraph(xml_text(self.document.labels.get("toc_hint", "")),
                                      style="Contents_20_1"))
        self.body.append(toc)


def build_odt(document: ReportDocument, style: HouseStyle) -> Document:
    """The odfdo ``Document`` of the report."""
    doc = new_document("text")
    _common_styles(doc, style)
    _page_styles(doc, document, style)
    body = doc.body
    for child in body.get_elements("text:p"):
        body.delete(child)  # the template's empty first paragraph
    writer = _Writer(doc, document, style)
    writer.cover()
    writer.contents()
    for block in document.blocks:
        if isinstance(block, Heading):
            writer.heading(block)
        elif isinstance(block, Paragraph):
            writer.text(block)
        elif isinstance(block, BulletList):
            writer.bullets(block)
        elif isinstance(block, Table):
            writer.table(block)
        elif isinstance(block, Figure):
            writer.figure(block)
        elif isinstance(block, PageBreak):
            writer.page_break()
    if writer.pending_master is not None:
        writer.paragraph("", "Text_20_body")
    set_metadata(doc, document, description=(
        f"{document.labels.get('cycle', 'Cycle')} {document.cycle}; "
        f"{document.labels.get('classification', 'Classification')}: "
        f"{document.classification}"))
    return doc


def render_odt(document: ReportDocument, style: HouseStyle) -> bytes:
    return to_bytes(build_odt(document, style))


def write_odt(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    path.write_bytes(render_odt(document, style))
    return path


__all__ = ["build_odt", "render_odt", "write_odt"]
