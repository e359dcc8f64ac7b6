"""What the OpenDocument writers share (odfdo): a clean document, its metadata, the master page
that prints the classification marking on every page, style XML and text XML can carry.

The Dutch government's list of open standards asks for ODF beside OOXML: the ODT report
(:mod:`weerbaar.reports.odt_writer`) and the ODS data annex (:mod:`weerbaar.reports.ods_writer`)
say what the DOCX and XLSX files say, with the same markings and properties.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time
from xml.sax.saxutils import escape, quoteattr

from odfdo import Document, Element, Paragraph, StyleMasterPage

from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import HouseStyle

GENERATOR = "weerbaar"
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}
"""The language of a report as ODF writes it (RFC 3066: language and country)."""
MARKING_FIELD = "classification"
"""The name of the user-defined metadata field holding the classification marking."""
CYCLE_FIELD = "cycle"

# Characters XML 1.0 cannot carry at all (a control character, a lone surrogate, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML can carry it: a control character XML 1.0 forbids is written as its
    visible Unicode control picture (U+0007 as ␇), so nothing is silently dropped; other
    characters that cannot be stored become U+FFFD."""
    def picture(match: re.Match[str]) -> str:
        code = ord(match[0])
        return chr(0x2400 + code) if code < 0x20 else "\ufffd"

    return _NOT_XML.sub(picture, text)


def attr(value: str) -> str:
    """An XML attribute value, quoted and escaped (for style XML written as text)."""
    return quoteattr(xml_text(value))


_RAW = {"\r": "&#13;"}  # a carriage return written as itself would be read back as a line end
_SPACES = re.compile(r"( +)")
_TAB_OR_LINE = re.compile(r"(\t|\n)")
# What makes a text more than its escaped self in a paragraph (most cells have none of it).
_SPECIAL = re.compile("^ | $|  |[\t\n\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escaped(text: str) -> str:
    """``text`` as the text of an XML element, exactly as given (:func:`xml_text`, escaped): what
    setting an odfdo element's ``text`` writes."""
    return escape(xml_text(text), _RAW)


def _spacer(count: int) -> str:
    return "<text:s/>" if count < 2 else f'<text:s text:c="{count}"/>'


def text_xml(text: str) -> str:
    """The content of a paragraph of ``text`` as XML, as odfdo's ``Paragraph(text)`` writes it:
    a run of spaces as ``text:s`` (all of it at the start or end of the text, all but its first
    space elsewhere), a tab as ``text:tab``, a line end as ``text:line-break``, a control
    character XML cannot carry as its visible picture (:func:`xml_text`), the rest escaped.
    Tables and long runs of paragraphs are written as one XML fragment with this and parsed at
    once, which is much faster than odfdo making each element (tests/test_odf_rows.py)."""
    if not _SPECIAL.search(text):
        return escape(text)
    pieces = [piece for piece in _SPACES.split(xml_text(text)) if piece]
    last = len(pieces) - 1
    out = []
    for i, piece in enumerate(pieces):
        if piece[0] == " ":
            count = len(piece)
            out.append(_spacer(count) if i in (0, last) else
                       " " + _spacer(count - 1) if count > 1 else " ")
        else:
            out.extend("<text:tab/>" if part == "\t" else "<text:line-break/>" if part == "\n"
                       else escape(part, _RAW) for part in _TAB_OR_LINE.split(piece) if part)
    return "".join(out)


def paragraph_xml(text: str, style: str) -> str:
    """A ``text:p`` of ``text`` in the paragraph style ``style``, as XML (:func:`text_xml`)."""
    return f"<text:p text:style-name={attr(style)}>{text_xml(text)}</text:p>"


def new_document(kind: str) -> Document:
    """A new ODF document of ``kind`` (``text`` or ``spreadsheet``) from odfdo's template,
    without the template's thumbnail, statistics and user-defined fields."""
    doc = Document(kind)
    for part in doc.get_parts():
        if part.startswith("Thumbnails/"):
            doc.del_part(part)
            doc.manifest.del_full_path(part)
    doc.meta.strip(generator=GENERATOR)
    for statistic in doc.meta.get_elements("//meta:document-statistic"):  # counts of nothing
        if statistic.parent is not None:
            statistic.parent.delete(statistic)
    return doc


def element(xml: str) -> Element:
    """An odfdo element from an XML fragment with ODF prefixes."""
    return Element.from_tag(xml)


def elements(xml: str) -> list[Element]:
    """The odfdo elements of an XML fragment of several elements, parsed at once."""
    return element(f"<office:text>{xml}</office:text>").children


def add_style(doc: Document, xml: str, *, automatic: bool = False) -> None:
    """Insert (or replace) a named style given as XML; ``automatic`` puts it in content.xml."""
    if automatic:
        # a child of the root: a search of the whole body (``//``) costs more as it grows
        container = doc.content.get_element("office:automatic-styles")
        if container is None:  # pragma: no cover - every odfdo template has one
            raise RuntimeError("content.xml has no office:automatic-styles")
        container.append(element(xml))
    else:
        doc.insert_style(xml)


def add_automatic_page_style(doc: Document, xml: str) -> None:
    """A page layout (an automatic style of styles.xml, where master pages find it)."""
    container = doc.styles.get_element("//office:automatic-styles")
    if container is None:  # pragma: no cover
        raise RuntimeError("styles.xml has no office:automatic-styles")
    found = element(xml)
    name = found.get_attribute("style:name")
    for old in container.get_elements(f"style:page-layout[@style:name='{name}']"):
        container.delete(old)
    container.append(found)


def page_layout_xml(name: str, style: HouseStyle, *, landscape: bool,
                    extra: str = "") -> str:
    """A page layout of the house style's paper size with room for the header and footer."""
    width, height = (21.0, 29.7) if style.page_size == "A4" else (21.59, 27.94)
    if landscape:
        width, height = height, width
    orientation = "landscape" if landscape else "portrait"
    band = ('<style:header-footer-properties fo:min-height="0.6cm" fo:margin-left="0cm" '
            'fo:margin-right="0cm" fo:margin-{side}="0.3cm"/>')
    return (f'<style:page-layout style:name="{name}"><style:page-layout-properties '
            f'fo:page-width="{width}cm" fo:page-height="{height}cm" '
            f'style:print-orientation="{orientation}" fo:margin-top="1.5cm" '
            'fo:margin-bottom="1.5cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm" '
            f'style:writing-mode="lr-tb"{extra}/>'
            f'<style:header-style>{band.format(side="bottom")}</style:header-style>'
            f'<style:footer-style>{band.format(side="top")}</style:footer-style>'
            '</style:page-layout>')


def marked_master_page(doc: Document, document: ReportDocument, name: str, layout: str, *,
                       header_style: str, footer_style: str, display_name: str = "") -> None:
    """The master page ``name``: the classification marking in the header, and in the footer
    the marking, the title and "page N of M" (the report's own wording), on every page."""
    display = f" style:display-name={attr(display_name)}" if display_name else ""
    master = element(f'<style:master-page style:name="{name}"{display} '
                     f'style:page-layout-name="{layout}"><style:header/><style:footer/>'
                     '</style:master-page>')
    header, footer = master.get_element("style:header"), master.get_element("style:footer")
    assert isinstance(master, StyleMasterPage) and header is not None and footer is not None
    header.append(Paragraph(xml_text(document.classification), style=header_style))
    line = Paragraph(xml_text(f"{document.classification} — {document.title} — "),
                     style=footer_style)
    for part in re.split(r"(\{page\}|\{pages\})", document.labels.get("page", "{page}")):
        if part == "{page}":
            line.append(element('<text:page-number text:select-page="current">1'
                                '</text:page-number>'))
        elif part == "{pages}":
            line.append(element("<text:page-count>1</text:page-count>"))
        elif part:
            line.append(xml_text(part))
    footer.append(line)
    doc.insert_style(master)


def keep_master_pages(doc: Document, names: set[str]) -> None:
    """Remove the template's other master pages (an unmarked page style must not be there to
    pick), and the page layouts nothing uses any more."""
    masters = doc.styles.get_element("//office:master-styles")
    assert masters is not None
    for master in masters.get_elements("style:master-page"):
        if master.get_attribute("style:name") not in names:
            masters.delete(master)
    used = {m.get_attribute("style:page-layout-name")
            for m in masters.get_elements("style:master-page")}
    automatic = doc.styles.get_element("//office:automatic-styles")
    assert automatic is not None
    for layout in automatic.get_elements("style:page-layout"):
        if layout.get_attribute("style:name") not in used:
            automatic.delete(layout)


def set_metadata(doc: Document, document: ReportDocument, *, description: str) -> None:
    """Title, subject, keywords, description, language, creator, dates and the marking (a
    user-defined field ``classification``, beside ``cycle``) of an ODF document."""
    meta = doc.meta
    meta.title = xml_text(document.title)
    meta.subject = xml_text(document.subject)
    meta.keywords = xml_text(", ".join(document.keywords))
    meta.description = xml_text(description)
    doc.language = LANGUAGE_TAGS.get(document.lang, document.lang)
    meta.initial_creator = xml_text(document.cover.organisation)
    meta.creator = xml_text(document.cover.organisation)
    stamp = datetime.combine(document.date, time(12, 0))
    meta.creation_date = stamp
    meta.date = stamp
    meta.generator = GENERATOR
    meta.set_user_defined_metadata(MARKING_FIELD, xml_text(document.classification))
    meta.set_user_defined_metadata(CYCLE_FIELD, xml_text(document.cycle))


def to_bytes(doc: Document) -> bytes:
    """The document as an ODF package (``mimetype`` first and stored uncompressed)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


__all__ = ["CYCLE_FIELD", "GENERATOR", "LANGUAGE_TAGS", "MARKING_FIELD", "add_automatic_page_style",
           "add_style", "attr", "element", "elements", "escaped", "keep_master_pages",
           "marked_master_page", "new_document", "page_layout_xml", "paragraph_xml",
           "set_metadata", "text_xml", "to_bytes", "xml_text"]
