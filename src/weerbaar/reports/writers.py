"""A :class:`ReportDocument` in one of the formats: HTML, DOCX, PDF or XLSX, as bytes (or
written to a file)."""

from __future__ import annotations

import io
from pathlib import Path

from weerbaar.errors import InvalidInput
from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import HouseStyle

FORMATS = ("html", "docx", "pdf", "xlsx")


def render(document: ReportDocument, style: HouseStyle, fmt: str) -> bytes:
    """``document`` as ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "html":
        from weerbaar.reports.html import render_html

        return render_html(document, style).encode("utf-8")
    if fmt == "pdf":
        from weerbaar.reports.pdf_writer import build_pdf

        return build_pdf(document, style)
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


__all__ = ["FORMATS", "render", "write"]
