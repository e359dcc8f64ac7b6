"""Sheets of a workbook as rows of plain values, with problems collected per sheet and cell.

:class:`SheetReader` opens sheets of a read-only openpyxl workbook, checks their headers, turns
cells into plain values (text unescaped, formulas and error values reported, never evaluated) and
collects :class:`~weerbaar.errors.CellProblem` objects instead of stopping at the first. It also
reads the ``readme`` sheet's workspace facts. Every size is bounded: the file, its unpacked
content, the rows of all sheets together, the columns read and the problems kept.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from weerbaar.errors import CellProblem, InvalidInput, NotFound
from weerbaar.io import excel_layout as lay
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 500 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
MAX_PROBLEMS = 10_000
Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
_YES = {"yes", "ja", "true", "waar", "1", "y", "j"}
_NO = {"no", "nee", "false", "onwaar", "0", "n"}


class TooManyProblems(Exception):
    """Raised when :data:`MAX_PROBLEMS` problems are collected; reading stops there."""


def damaged(path: Path, exc: Exception) -> InvalidInput:
    """The error for a workbook openpyxl cannot parse (broken XML or archive, XML entities)."""
    return InvalidInput(f"the workbook is damaged ({type(exc).__name__}: {str(exc)[:200]})", source=path,
                        expected="an .xlsx file saved by Excel or LibreOffice, without XML entity "
                        "declarations")


def guarded(path: Path, rows: Iterator[Any]) -> Iterator[Any]:
    """openpyxl's rows of a sheet; any error parsing the sheet's XML becomes :func:`damaged`."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds of errors on a damaged sheet
            raise damaged(path, exc) from None
        yield row


@dataclass
class Sheet:
    """A sheet's header and an iterator over its data rows (row number, cell values)."""

    name: str
    header: list[str | None]
    rows: Iterator[tuple[int, list[Cell]]]


def cell_ref(column: int, row: int) -> str:
    """Excel's name of a cell from a 0-based column and a 1-based row: ``cell_ref(0, 7) == "A7"``."""
    return f"{get_column_letter(column + 1)}{row}"


def cells_ref(columns: Sequence[int], row: int) -> str:
    """Several cells of one row: a range ``"G3:I3"`` when adjacent, else ``"G3,K3"``."""
    ordered = sorted(columns)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{cell_ref(ordered[0], row)}:{cell_ref(ordered[-1], row)}"
    return ",".join(cell_ref(c, row) for c in ordered)


def number_text(value: int | float) -> str:
    """A typed number as text (``250``, ``0.02``), so it resolves like the same text in YAML."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value) if isinstance(value, int) else repr(value)


class SheetReader:
    """Reads one opened workbook, collecting problems instead of stopping at the first."""

    def __init__(self, path: Path, book: Workbook) -> None:
        self.path, self.book = path, book
        self.problems: list[CellProblem] = []
        self.rows_read = 0

    # -- problems and cells ----------------------------------------------------------------
    def problem(self, sheet: str, cell: str | None, message: str) -> None:
        self.problems.append(CellProblem(sheet, cell, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooManyProblems

    def sheet(self, name: str, width: int | None = None) -> Sheet | None:
        """Open a sheet; ``None`` when it is missing. ``width`` caps the columns read."""
        if name not in self.book.sheetnames:
            return None
        ws: Any = self.book[name]
        try:
            declared = ws.max_row if isinstance(ws.max_row, int) else 0
        except Exception as exc:  # the sheet's XML is damaged
            raise damaged(self.path, exc) from None
        if self.rows_read + declared > MAX_ROWS:
            self._too_many_rows()
        ws.reset_dimensions()  # a wrong <dimension> must not hide rows; we count them ourselves
        header_cells = next(guarded(self.path, ws.iter_rows(min_row=1, max_row=1,
                                                            max_col=width or MAX_COLUMNS)), ())
        header = [self._header_text(name, i, c) for i, c in enumerate(header_cells)]
        while header and header[-1] is None:
            header.pop()
        self.rows_read += 1
        return Sheet(name, header, self._rows(ws, name, width or max(len(header), 1)))

    def _too_many_rows(self) -> None:
        raise InvalidInput("the workbook has too many rows", source=self.path,
                           expected=f"at most {MAX_ROWS:,} rows in all sheets together")

    def _header_text(self, sheet: str, column: int, cell: Any) -> str | None:
        value = self._value(sheet, cell, column, 1)
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value)
        return text.strip() or None

    def _value(self, sheet: str, cell: Any, column: int, row: int) -> Cell:
        value = cell.value
        if value is None:
            return None
        kind = cell.data_type
        if kind == "s":
            return lay.unescape_text(value)
        if kind == "f":
            self.problem(sheet, cell_ref(column, row), "formulas are not accepted; enter the value")
            return None
        if kind == "e":
            self.problem(sheet, cell_ref(column, row), f"the cell holds the error value {value}")
            return None
        return value  # type: ignore[no-any-return]

    def _rows(self, ws: Any, sheet: str, width: int) -> Iterator[tuple[int, list[Cell]]]:
        for number, cells in enumerate(guarded(self.path, ws.iter_rows(min_row=2, max_col=width)),
                                       start=2):
            self.rows_read += 1
            if self.rows_read > MAX_ROWS:
                self._too_many_rows()
            values = [None if c.value is None else self._value(sheet, c, i, number)
                      for i, c in enumerate(cells)]
            if any(v is not None for v in values):
                yield number, values

    def text(self, sheet: str, row: int, column: int | None, values: list[Cell], *,
             strip: bool = True) -> str | None:
        """The text of a cell (numbers as their text); ``None`` when empty or not text."""
        if column is None or column >= len(values):
            return None
        value = values[column]
        if value is None:
            return None
        if isinstance(value, bool):
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, int | float):
            text = number_text(value)
        elif isinstance(value, str):
            text = value
        else:
            self.problem(sheet, cell_ref(column, row),
                         f"{value} is a date or time; expected text (format the cell as text)")
            return None
        if not text.strip():
            return None
        return text.strip() if strip else text

    def required(self, sheet: str, row: int, column: int | None, values: list[Cell], name: str,
                  strip: bool = True) -> str | None:
        """The text of a required cell; an empty cell is a problem (ids longer than 100 too)."""
        text = self.text(sheet, row, column, values, strip=strip)
        if text is None and column is not None:
            self.problem(sheet, cell_ref(column, row), f"{name} is empty")
        elif text is not None and name in ("id", "expert") and len(text) > 100:
            self.problem(sheet, cell_ref(column or 0, row), f"{name} is longer than 100 characters")
        return text

    # -- readme --------------------------------------------------------------------------------
    def readme(self, given: MethodProfile | None) -> tuple[MethodProfile | None, dict[str, Any]]:
        """The profile (named on the sheet, or ``given``) and the workspace's title, language, ..."""
        sheet = self.sheet(lay.README, width=2)
        facts: dict[str, tuple[int, str | None]] = {}
        if sheet is None:
            if given is None:
                self.problem(lay.README, None, "sheet is missing; it names the method profile")
            return given, {}
        for row, values in sheet.rows:
            key = (self.text(lay.README, row, 0, values) or "").lower()
            if key in lay.README_KEYS and key not in facts:
                strip = key not in ("title", "note")  # free text is kept exactly
                facts[key] = (row, self.text(lay.README, row, 1, values, strip=strip))
        return self._profile(given, facts), self._workspace_facts(facts)

    def _profile(self, given: MethodProfile | None,
                 facts: dict[str, tuple[int, str | None]]) -> MethodProfile | None:
        row, named = facts.get("profile", (None, None))
        where = f"B{row}" if row else None
        if given is not None:
            if named is not None and named != given.id:
                self.problem(lay.README, where, f"the workbook is for profile {named!r}; "
                             f"expected {given.id!r}")
            return given
        if named is None:
            self.problem(lay.README, where, "no profile id; expected a row 'profile' with the id")
            return None
        try:
            return get_profile(named)
        except NotFound as exc:
            self.problem(lay.README, where, str(exc))
            return None

    def _workspace_facts(self, facts: dict[str, tuple[int, str | None]]) -> dict[str, Any]:
        out: dict[str, Any] = {"title": facts.get("title", (0, None))[1],
                               "note": facts.get("note", (0, None))[1]}
        row, language = facts.get("language", (0, None))
        if language is not None and language.lower() not in ("nl", "en"):
            self.problem(lay.README, f"B{row}", f"language {language!r}; expected nl or en")
        out["language"] = (language or "nl").lower()
        row, flag = facts.get("illustrative", (0, None))
        if flag is not None and flag.strip().lower() not in _YES | _NO:
            self.problem(lay.README, f"B{row}", f"illustrative {flag!r}; expected yes or no")
        out["illustrative"] = flag is not None and flag.strip().lower() in _YES
        return out

    # -- header checks -------------------------------------------------------------------------
    def check_header(self, sheet: Sheet, allowed: Sequence[str], required: Sequence[str]) -> dict[str, int]:
        """Columns by header; report unknown, duplicate and missing columns."""
        found: dict[str, int] = {}
        for column, name in enumerate(sheet.header):
            if name is None:
                continue
            if name in found:
                self.problem(sheet.name, cell_ref(column, 1), f"column {name!r} appears twice")
            elif name in allowed:
                found[name] = column
            else:
                self.problem(sheet.name, cell_ref(column, 1),
                             f"unknown column {name!r}; expected {', '.join(allowed)}")
        for name in required:
            if name not in found:
                self.problem(sheet.name, "1:1", f"required column {name!r} is missing")
        return found


def check_file(path: Path) -> None:
    """Refuse what is not a bounded .xlsx archive before openpyxl sees it."""
    if not path.is_file():
        raise InvalidInput("file not found", source=path, expected="an Excel workbook (.xlsx)")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InvalidInput(f"file too large ({size / 2**20:.1f} MB)", source=path,
                           expected=f"at most {MAX_BYTES // 2**20} MB")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise InvalidInput("not an Excel workbook", source=path,
                           expected="an .xlsx file (Excel 2007 or later)") from None
    if unpacked > MAX_UNPACKED:
        raise InvalidInput(f"the workbook unpacks to {unpacked / 2**20:.0f} MB", source=path,
                           expected=f"at most {MAX_UNPACKED // 2**20} MB of content")


def open_workbook(path: Path) -> Workbook:
    """Open read-only with formulas visible as formulas (never evaluated, never their cached value)."""
    try:
        return load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise InvalidInput(f"cannot read the workbook: {exc}", source=path,
                           expected="an .xlsx file (Excel 2007 or later)") from None
    except Exception as exc:  # broken XML, a broken archive member: openpyxl raises many kinds
        raise damaged(path, exc) from None
