"""A :class:`ReportDocument` in one of the formats: HTML, DOCX, PDF, XLSX, ODT or ODS, as bytes
(or written to a file). ODT is the report and ODS the data annex in OpenDocument, the open
standard beside Word and Excel."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from weerbaar.errors import InvalidInput
from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import HouseStyle

FORMATS = ("html", "docx", "pdf", "xlsx", "odt", "ods")
FIGURE_FORMATS: dict[str, tuple[str, ...]] = {
    "html": ("svg",), "docx": ("png",), "pdf": ("png",), "odt": ("png",), "xlsx": (), "ods": ()}
"""The image formats each report format takes its figures in: HTML inlines SVG (its risk diagram
is interactive and needs none), Word, PDF and ODT embed PNG, the workbooks hold no figure."""


def figure_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The image formats a build writing ``formats`` needs (PNG before SVG); a format not in
    :data:`FIGURE_FORMATS` gets both."""
    needed = {image for fmt in formats for image in FIGURE_FORMATS.get(fmt, ("png", "svg"))}
    return tuple(image for image in ("png", "svg") if image in needed)


def render(document: ReportDocument, style: HouseStyle, fmt: str) -> bytes:
    """``document`` as ``fmt`` (one of :data:`FORMATS`). The document must have been built with
    the figure formats ``fmt`` needs (``ReportOptions.figure_formats``, see
    :func:`figure_formats`); a figure without them is refused before anything is written."""
    if "png" in FIGURE_FORMATS.get(fmt, ()):
        missing = [f.key for f in document.figures() if not f.png]
        if missing:
            raise ValueError(f"cannot write the {fmt.upper()} report: figures "
                             f"{', '.join(missing)} were built without a PNG image (build the "
                             f"report with figure_formats including 'png')")
    if fmt == "html":
        from weerbaar.reports.html import render_html

        return render_html(document, style).encode("utf-8")
    if fmt == "pdf":
        from weerbaar.reports.pdf_writer import build_pdf

        return build_pdf(document, style)
    if fmt == "odt":
        from weerbaar.reports.odt_writer import render_odt

        return render_odt(document, style)
    if fmt == "ods":
        from weerbaar.reports.ods_writer import render_ods

        return render_ods(document, style)
    buffer = io.BytesIO()
    if fmt == "docx":
        from weerbaar.reports.docx_writer import build_docx

        build_docx(document, style).save(buffer)
    elif fmt == "xlsx":
        from weerbaar.reports.xlsx_writer import build_workbook

        build_workbook(document, style).save(buffer)
    else:
        raise InvalidInput(f"unknown report format {fmt!r}", location=["format"],
                           expected=", ".join(FORMATS))
    return buffer.getvalue()


def write(document: ReportDocument, style: HouseStyle, fmt: str, path: Path) -> Path:
    """Write ``document`` as ``fmt`` to ``path``; a file that cannot be written is an
    :class:`~weerbaar.errors.InvalidInput` naming it."""
    content = render(document, style, fmt)
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"cannot write the {fmt.upper()} report: {exc.strerror or exc}",
                           source=path) from None
    return path


__all__ = ["FIGURE_FORMATS", "FORMATS", "figure_formats", "render", "write"]
