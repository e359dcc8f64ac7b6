"""Reading horizon-scan signals from CSV, XLSX, JSON and RSS/Atom files on disk.

Every format goes through the same field rules (:func:`build_signal`), and every problem is
collected with the line (CSV), cell (XLSX) or item (JSON, RSS/Atom) it is in, then raised together
as :class:`~weerbaar.errors.FileProblems`: a file with any problem yields no signals at all.
Nothing is fetched: a URL in a file is kept as text. XML is parsed with defusedxml, which refuses
entity declarations (XML bombs) and external references. Sizes are bounded (:data:`MAX_BYTES`,
:data:`MAX_ITEMS`).

Columns / keys (case-insensitive; Dutch names accepted): ``title``, ``summary``, ``date``,
``source`` (the CSV and XLSX header must have these four), and optionally ``id``, ``language``,
``themes``, ``interests``, ``risk_categories``, ``scenarios`` (lists: separated by ``;``, ``,`` or
``|`` in a cell, or a JSON list), ``horizon`` (``1-5``, ``5-10``, ``10+``, ``wildcard``),
``novelty``, ``impact``, ``plausibility`` (1-5), ``status``, ``notes`` and ``marking`` (the
signal's classification marking, a lower-case word such as ``confidential``; whether the cycle's
classification scheme knows it and the importer may give it is checked on import, by
``weerbaar.services.signals``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from weerbaar.domain.signal import Horizon, Signal
from weerbaar.errors import FileProblem, FileProblems, InvalidInput
from weerbaar.horizon.stopwords import guess_language

MAX_BYTES = 50 * 1024 * 1024
MAX_UNPACKED = 500 * 1024 * 1024
MAX_ITEMS = 100_000
MAX_PROBLEMS = 10_000
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
           ".json": "json", ".xml": "feed", ".rss": "feed", ".atom": "feed"}
REQUIRED_COLUMNS = ("title", "summary", "date", "source")
FIELDS = (*REQUIRED_COLUMNS, "id", "language", "themes", "interests", "risk_categories",
          "scenarios", "horizon", "novelty", "impact", "plausibility", "status", "notes",
          "marking")
LISTS = ("themes", "interests", "risk_categories", "scenarios")
ALIASES = {"titel": "title", "samenvatting": "summary", "datum": "date", "bron": "source",
           "taal": "language", "themas": "themes", "thema": "themes", "theme": "themes",
           "belangen": "interests", "interest": "interests", "risicocategorieen": "risk_categories",
           "risk_category": "risk_categories", "scenario": "scenarios",
           "tijdshorizon": "horizon", "nieuwheid": "novelty", "plausibiliteit": "plausibility",
           "notities": "notes", "opmerkingen": "notes", "key": "id", "description": "summary",
           "url": "source", "link": "source", "markering": "marking", "rubricering": "marking",
           "classification": "marking", "classificatie": "marking"}
_HORIZONS = {"1-5": Horizon.SHORT, "5-10": Horizon.MEDIUM, "10+": Horizon.LONG,
             ">10": Horizon.LONG, "wildcard": Horizon.WILDCARD}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y")


@dataclass(frozen=True)
class SignalRecord:
    """A signal read from a file and where it was (``line 4``, ``item 2``, ``Signals!row 5``)."""

    where: str
    signal: Signal
    generated_id: bool


@dataclass(frozen=True)
class SignalFile:
    path: Path
    format: str
    records: tuple[SignalRecord, ...]


class ProblemList:
    """Collects problems; stops the reading once :data:`MAX_PROBLEMS` are kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[FileProblem] = []

    def add(self, where: str | None, message: str) -> None:
        self.problems.append(FileProblem(where, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise FileProblems(self.problems, source=self.path)

    def raise_if_any(self) -> None:
        if self.problems:
            raise FileProblems(self.problems, source=self.path)


def column_name(name: object) -> str:
    """A header as a field name: lower case, ``_`` for spaces and dashes, Dutch aliases."""
    text = re.sub(r"[\s\-]+", "_", str(name or "").strip().lower()).replace("'", "")
    text = text.replace("ë", "e").replace("é", "e")
    return ALIASES.get(text, text)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(text).date()  # RFC 822, as in RSS pubDate
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def _list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in re.split(r"[;,|]", str(value)) if part.strip())


def _horizon(value: Any) -> Horizon | None:
    text = _text(value)
    if text is None:
        return None
    key = re.sub(r"\s+|years?|jaar|jr", "", text.lower().replace("–", "-").replace("—", "-"))
    if key in _HORIZONS:
        return _HORIZONS[key]
    raise ValueError(f"{text!r} is not a horizon (expected 1-5, 5-10, 10+ or wildcard)")


def _score(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"{value!r} is not a score (expected a whole number 1-5)") from None
    if not number.is_integer() or not 1 <= number <= 5:
        raise ValueError(f"{value!r} is not a score (expected a whole number 1-5)")
    return int(number)


def _language(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else re.split(r"[-_]", text.lower())[0]


def signal_key(*parts: str | None) -> str:
    """A stable key from identifying text (a feed's guid, or title + date + source)."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()
    return f"s-{digest[:12]}"


def build_signal(values: dict[str, Any], where: str, problems: ProblemList,
                 cell: Callable[[str], str] | None = None) -> SignalRecord | None:
    """One signal from field values, or None with every problem of the record collected.

    ``cell(field)`` names a field's place (e.g. ``Signals!C5``) when the format knows it.
    """
    at = cell or (lambda name: f"{where}, {name}")
    ok = True
    fields: dict[str, Any] = {}
    for name, convert in (("date", _date), ("horizon", _horizon), ("novelty", _score),
                          ("impact", _score), ("plausibility", _score)):
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if name == "date":
                problems.add(at(name), "a signal needs its date")
                ok = False
            continue
        try:
            fields[name] = convert(raw)
        except ValueError as exc:
            problems.add(at(name), str(exc))
            ok = False
    title = _text(values.get("title"))
    if title is None:
        problems.add(at("title"), "a signal needs its title")
        ok = False
    if not ok:
        return None
    summary = _text(values.get("summary")) or ""
    source = _text(values.get("source"))
    given = _text(values.get("id"))
    fields.update(
        title=title, summary=summary, source=source,
        language=_language(values.get("language")) or guess_language(f"{title} {summary}"),
        notes=_text(values.get("notes")),
        id=given or signal_key(values.get("guid") or f"{title}\x1f{fields['date']}", source))
    for name in LISTS:
        fields[name] = _list(values.get(name))
    status = _text(values.get("status"))
    if status is not None:
        fields["status"] = status.lower()
    marking = _text(values.get("marking"))
    if marking is not None:
        fields["marking"] = marking.lower()
    try:
        signal = Signal.model_validate(fields)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else "signal"
            message = error["msg"].removeprefix("Value error, ")
            if name == "marking":
                message = (f"{str(marking)[:50]!r} is not a marking (expected a word of "
                           "letters, digits and hyphens, such as confidential)")
            problems.add(at(name), message)
        return None
    return SignalRecord(where, signal, given is None)


def read_bounded(path: Path) -> bytes:
    if not path.exists():
        raise InvalidInput("file not found", source=path, expected="an existing file")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput("file too large", source=path, expected=f"at most {MAX_BYTES} bytes")
    return path.read_bytes()


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileProblems([FileProblem(f"line {line}", "not UTF-8 text (save the file as "
                                        "UTF-8)")], source=path) from None


def _header(names: list[Any], problems: ProblemList, where: Callable[[int], str]) -> list[str]:
    columns = [column_name(n) for n in names]
    for i, (raw, name) in enumerate(zip(names, columns, strict=True)):
        if name and name not in FIELDS:
            problems.add(where(i), f"unknown column {str(raw).strip()!r} (expected one of "
                         f"{', '.join(FIELDS)})")
        elif name and columns.index(name) != i:
            problems.add(where(i), f"column {name!r} appears twice")
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.add(None, f"the header has no column {name!r} (required: "
                         f"{', '.join(REQUIRED_COLUMNS)})")
    return columns


def _csv_place(line: int) -> Callable[[int], str]:
    return lambda i: f"line {line}, column {i + 1}"


def read_csv(path: Path, problems: ProblemList) -> list[SignalRecord]:
    text = _decode(path, read_bounded(path))
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[SignalRecord] = []
    columns: list[str] | None = None
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = _header(row, problems, _csv_place(line))
                continue
            if len(row) > len(columns):
                problems.add(f"line {line}", f"{len(row)} fields, the header has {len(columns)}")
                continue
            if len(records) >= MAX_ITEMS:
                problems.add(f"line {line}", f"more than {MAX_ITEMS} signals; split the file")
                break
            values = {name: value for name, value in zip(columns, row, strict=False) if name}
            record = build_signal(values, f"line {line}", problems)
            if record is not None:
                records.append(record)
    except csv.Error as exc:
        problems.add(f"line {reader.line_num}", f"not valid CSV: {exc}")
    if columns is None:
        problems.add(None, "the file is empty (expected a header and one signal a line)")
    return records


def _sheet_place(title: str, row: int) -> Callable[[int], str]:
    from openpyxl.utils import get_column_letter

    return lambda i: f"{title}!{get_column_letter(i + 1)}{row}"


def read_xlsx(path: Path, problems: ProblemList) -> list[SignalRecord]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    from weerbaar.io.excel_sheets import damaged, guarded

    read_bounded(path)
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise InvalidInput("workbook unpacks too large", source=path,
                                   expected=f"at most {MAX_UNPACKED} bytes unpacked")
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise InvalidInput(f"not a readable .xlsx workbook ({exc})", source=path) from None
    except InvalidInput:
        raise
    except Exception as exc:  # broken XML or archive members: openpyxl raises many kinds
        raise damaged(path, exc) from None
    try:
        if not book.sheetnames:  # openpyxl skips sheets whose part is missing
            raise InvalidInput("the workbook has no readable sheet", source=path,
                               expected="a sheet 'Signals' with a header row and one signal a row")
        names = {name.lower(): name for name in book.sheetnames}
        sheet = book[names.get("signals", names.get("signalen", book.sheetnames[0]))]
        title = sheet.title
        records: list[SignalRecord] = []
        columns: list[str] | None = None
        index: dict[str, int] = {}

        def place(row: int) -> Callable[[str], str]:
            def cell(name: str) -> str:
                col = index.get(name)
                return (f"{title}!{get_column_letter(col + 1)}{row}" if col is not None
                        else f"{title}!row {row}, {name}")
            return cell

        for number, row in enumerate(guarded(path, sheet.iter_rows(values_only=True)), start=1):
            cells = list(row)
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if columns is None:
                columns = _header([c if c is not None else "" for c in cells], problems,
                                  _sheet_place(title, number))
                index.update({name: i for i, name in enumerate(columns) if name})
                continue
            if len(records) >= MAX_ITEMS:
                problems.add(f"{title}!row {number}", f"more than {MAX_ITEMS} signals")
                break
            values = {name: value for name, value in zip(columns, cells, strict=False) if name}
            record = build_signal(values, f"{title}!row {number}", problems, place(number))
            if record is not None:
                records.append(record)
        if columns is None:
            problems.add(title, "the sheet is empty (expected a header row and one signal a row)")
        return records
    finally:
        book.close()


def read_json(path: Path, problems: ProblemList) -> list[SignalRecord]:
    text = _decode(path, read_bounded(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileProblems([FileProblem(f"line {exc.lineno}, column {exc.colno}",
                                        f"not valid JSON: {exc.msg}")], source=path) from None
    except RecursionError:
        raise FileProblems([FileProblem(None, "the JSON is nested too deeply (expected a list of "
                                        "signal objects)")], source=path) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise FileProblems([FileProblem(None, f"not usable JSON: {str(exc).split(';')[0]}")],
                           source=path) from None
    if isinstance(data, dict) and isinstance(data.get("signals"), list):
        data = data["signals"]
    if not isinstance(data, list):
        raise FileProblems([FileProblem(None, "expected a list of signal objects (or an object "
                                        "with a list under \"signals\")")], source=path)
    if len(data) > MAX_ITEMS:
        raise FileProblems([FileProblem(None, f"{len(data)} signals; at most {MAX_ITEMS}")],
                           source=path)
    records = []
    for number, item in enumerate(data, start=1):
        where = f"item {number}"
        if not isinstance(item, dict):
            problems.add(where, "expected an object with title, date, ...")
            continue
        values: dict[str, Any] = {}
        for key, value in item.items():
            name = column_name(key)
            if name not in FIELDS:
                problems.add(f"{where}, {key}", f"unknown key (expected one of {', '.join(FIELDS)})")
            else:
                values[name] = value
        record = build_signal(values, where, problems)
        if record is not None:
            records.append(record)
    return records


def _read_feed(path: Path, problems: ProblemList) -> list[SignalRecord]:
    from weerbaar.io.signal_feeds import read_feed

    return read_feed(path, problems)


READERS: dict[str, Callable[[Path, ProblemList], list[SignalRecord]]] = {
    "csv": read_csv, "xlsx": read_xlsx, "json": read_json, "feed": _read_feed}


def read_signal_file(path: str | Path, *, format: str | None = None) -> SignalFile:
    """Read every signal of a file, or raise FileProblems naming every bad line or item.

    ``format`` is ``csv``, ``xlsx``, ``json`` or ``feed`` (RSS/Atom); by default it follows the
    file's suffix.
    """
    path = Path(path)
    kind = format or FORMATS.get(path.suffix.lower())
    if kind not in READERS:
        raise InvalidInput(f"cannot tell the format of {path.name}", source=path,
                           expected="a .csv, .xlsx, .json, .xml/.rss/.atom file, or --format")
    problems = ProblemList(path)
    records = READERS[kind](path, problems)
    seen: dict[str, str] = {}
    for record in records:
        if not record.generated_id and record.signal.id in seen:
            problems.add(record.where, f"id {record.signal.id!r} is used before, at "
                         f"{seen[record.signal.id]}")
        seen.setdefault(record.signal.id, record.where)
    problems.raise_if_any()
    if not records:
        raise FileProblems([FileProblem(None, "no signals in the file")], source=path)
    return SignalFile(path, kind, tuple(records))
