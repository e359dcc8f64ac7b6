"""Write a :class:`ReportDocument` in one of the formats: HTML, DOCX, PDF or XLSX."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from weerbaar.errors import InvalidInput
from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import HouseStyle

FORMATS = ("html", "docx", "pdf", "xlsx")


def _writer(fmt: str) -> Callable[[ReportDocument, HouseStyle, Path], Path]:
    if fmt == "html":
        from weerbaar.reports.html import write_html

        return write_html
    if fmt == "docx":
        from weerbaar.reports.docx_writer import write_docx

        return write_docx
    if fmt == "pdf":
        from weerbaar.reports.pdf_writer import write_pdf

        return write_pdf
    if fmt == "xlsx":
        from weerbaar.reports.xlsx_writer import write_xlsx

        return write_xlsx
    raise InvalidInput(f"unknown report format {fmt!r}", location=["--format"],
                       expected=", ".join(FORMATS))


def write(document: ReportDocument, style: HouseStyle, fmt: str, path: Path) -> Path:
    """Write ``document`` as ``fmt`` to ``path``; a file that cannot be written is an
    :class:`~weerbaar.errors.InvalidInput` naming it."""
    writer = _writer(fmt)
    try:
        return writer(document, style, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write the {fmt.upper()} report: {exc.strerror or exc}",
                           source=path, location=["--out"]) from None


__all__ = ["FORMATS", "write"]
