"""Fuzz tests of every importer: whatever a file holds, only weerbaar's own clear errors occur.

Each importer gets random bytes, structurally valid documents with mutated values (wrong types,
huge numbers, NaN and infinities, negative numbers, very long texts, deep nesting), hostile YAML
(alias bombs, recursive aliases, duplicate keys) and, for the zip-based formats, damaged archives,
zip bombs and XML entity expansion inside the archive's parts. A failure must be a
:class:`~weerbaar.errors.WeerbaarError` whose message names the file (and, for structured input, the
place in it) — never a bare ``KeyError``, ``TypeError``, ``ValueError``, ``zipfile.BadZipFile``,
``UnicodeDecodeError``, ``RecursionError`` or ``MemoryError``. Examples are bounded and derandomized
so the file runs in well under a minute; inputs that once crashed an importer are kept as
``@example``s. The store import paths (all or nothing) are in ``tests/store/test_fuzz_store_import.py``.
"""

from __future__ import annotations

import copy
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from weerbaar.domain import Workspace
from weerbaar.errors import ExcelProblems, InvalidInput, WeerbaarError
from weerbaar.io import example_text, excel_sheets, load_workspace
from weerbaar.io.excel import read_workbook, write_workbook
from weerbaar.io.signal_files import read_signal_file
from weerbaar.io.strategy_document import parse_strategy_document, read_strategy_document
from weerbaar.io.vital_files import load_catalogue
from weerbaar.methods.registry import get_profile, load_profile_file
from weerbaar.util import yamlfile

# WEERBAAR_FUZZ_SCALE=20 runs twenty times the examples with fresh random inputs (a longer hunt);
# by default the examples are few and the same on every run (CI is deterministic).
SCALE = int(os.environ.get("WEERBAAR_FUZZ_SCALE", "1"))
FUZZ = settings(max_examples=60 * SCALE, deadline=None, derandomize=SCALE == 1, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
FEW = settings(FUZZ, max_examples=30 * SCALE)

LOCATED = re.compile(r"line \d+|key |item \d+|column |header|!\w*\d|\w+!|: [a-z ]+sheet|row \d+")


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="weerbaar-fuzz-") as name:
        yield Path(name)


def _put(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _clear(call: Callable[[], object], path: Path, *, located: bool = False) -> WeerbaarError | None:
    """Run an import; a failure must be one of weerbaar's errors naming the file (and place)."""
    try:
        call()
    except WeerbaarError as exc:
        text = str(exc)
        assert path.name in text, f"the message does not name the file: {text}"
        if located:
            assert LOCATED.search(text), f"the message does not name the place: {text}"
        return exc
    return None


# -- values that break naive code ------------------------------------------------------------------
NASTY_TEXT = st.sampled_from([
    "", " ", "\x00", "\ufeff", "é" * 3, "x" * 70_000, "1" * 5_000, "-1", "0", "1e309", "nan",
    "-inf", "X", "C-high", "Z-low", "250 fatalities", "1e999 fatalities", "-5 doden",
    "nan fatalities", "EUR 1e308 bn", "EUR -13 bn", "probability 2", "probability nan",
    "annual probability -1", "kans 1e400 %", "2021-13-45", "=SUM(A1)", "@cmd", "${x}", "&lol;",
    "<b>x</b>", "\u202e", "line\nbreak", "\r\n", "; ; ;", "a,b;c|d", "yes", "null", "~",
])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**80),
    st.integers(max_value=-1, min_value=-(2**70)), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), NASTY_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=6) | st.sampled_from(["ev", "ll", "ul", "id", "name", "nl", "en"]),
        inner, max_size=3),
    max_leaves=8,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path in a parsed document (the place of each value that can be replaced)."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


def _mutate(doc: Any, draw: st.DrawFn, rounds: int = 3) -> Any:
    """A copy of ``doc`` with one to ``rounds`` values replaced, deleted or given a new key."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, rounds))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(VALUES)
        else:
            parent[path[-1]] = draw(VALUES)
    return doc


def _dump(doc: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(doc, ensure_ascii=False, default=str)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# -- YAML documents: workspaces, method profiles, vital catalogues ----------------------------------
def _small_workspace() -> dict[str, Any]:
    """The midterm example cut to three scenarios (and the reviews and measures that fit)."""
    doc = yaml.safe_load(example_text("midterm-2021"))
    doc["scenarios"] = doc["scenarios"][:3]
    keep = {s["id"] for s in doc["scenarios"]}
    doc["measures"] = [m for m in doc["measures"] if set(m.get("scenarios", [])) <= keep][:3]
    doc["reviews"] = doc["reviews"][:2]
    return doc


WORKSPACE = _small_workspace()
PROFILE = yaml.safe_load(resources.files("weerbaar.methods.profiles").joinpath("gra-2019.yaml")
                         .read_text(encoding="utf-8"))
VITAL = {
    "schema": "weerbaar.vital/1",
    "processes": [
        {"id": "e", "name": {"en": "Electricity"}, "category": "A", "population": 1000000,
         "aspects": ["energy"]},
        {"id": "w", "name": {"en": "Water"}, "serves": {"population": 200000,
                                                       "description": "households"},
         "basic_need": True},
        {"id": "1", "population": 5},
    ],
    "dependencies": [
        {"supplier": "e", "dependent": "w", "strength": 5, "buffer_hours": [2, 6],
         "onset": "linear", "recovery_hours": 4},
        {"supplier": "w", "dependent": "e", "strength": 1, "buffer_hours": 12,
         "conditions": {"season": "winter"}},
    ],
}


def test_base_documents_are_valid(folder: Path) -> None:
    assert load_workspace(_put(folder, "w.yaml", _dump(WORKSPACE, False))).scenarios
    assert load_profile_file(_put(folder, "p.yaml", _dump(PROFILE, False))).id == "gra-2019"
    assert load_catalogue([_put(folder, "v.yaml", _dump(VITAL, False))]).catalogue.dependencies


YAML_IMPORTERS: dict[str, Callable[[Path], object]] = {
    "workspace": load_workspace, "profile": load_profile_file, "vital": lambda path: load_catalogue([path])}
BASES = {"workspace": WORKSPACE, "profile": PROFILE, "vital": VITAL}


@pytest.mark.parametrize("kind", list(YAML_IMPORTERS))
@FUZZ
@given(data=st.binary(max_size=400))
@example(data=b"\xff\xfe\x00bad")  # was UnicodeDecodeError
@example(data=b"? [a, b]\n: 1\n")  # a list as a key: was TypeError (unhashable)
@example(data=b"{[1]: 2}\n")
@example(data=b"d: 2021-13-45\n")  # an impossible date: was ValueError
def test_yaml_random_bytes(folder: Path, kind: str, data: bytes) -> None:
    path = _put(folder, f"{kind}.yaml", data)
    _clear(lambda: YAML_IMPORTERS[kind](path), path)


@pytest.mark.parametrize(("kind", "as_json"), [(k, j) for k in YAML_IMPORTERS for j in (False, True)])
@FUZZ
@given(data=st.data())
def test_yaml_mutated_documents(folder: Path, kind: str, as_json: bool, data: st.DataObject) -> None:
    doc = _mutate(BASES[kind], data.draw)
    suffix = "json" if as_json and kind != "vital" else "yaml"  # JSON is YAML: vital files are .yaml
    path = _put(folder, f"{kind}.{suffix}", _dump(doc, as_json))
    _clear(lambda: YAML_IMPORTERS[kind](path), path, located=True)


def test_vital_population_not_finite_regression(folder: Path) -> None:
    # population .inf / .nan once crashed the CSV reader with OverflowError / ValueError
    for value in ("1e400", "nan", "inf", "-inf"):
        path = _put(folder, "p.csv", f"id,name_nl,population\nx,X,{value}\n")
        exc = _clear(lambda path=path: load_catalogue([path]), path, located=True)
        assert exc is not None and "population" in str(exc)


def _alias_bomb(width: int, depth: int) -> str:
    items = ", ".join(["lol"] * width)
    lines = [f"a0: &a0 [{items}]"]
    for level in range(1, depth + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", list(YAML_IMPORTERS))
@FEW
@given(width=st.integers(2, 12), depth=st.integers(1, 12))
@example(width=9, depth=8)  # the "billion laughs": 9^9 values; once hung the line map for minutes
def test_yaml_alias_bombs_are_refused(folder: Path, kind: str, width: int, depth: int) -> None:
    path = _put(folder, f"{kind}.yaml", _alias_bomb(width, depth))
    exc = _clear(lambda: YAML_IMPORTERS[kind](path), path, located=True)
    if width ** (depth + 1) > 2 * yamlfile.MAX_ALIAS_NODES:
        assert exc is not None and "aliases" in str(exc)


@pytest.mark.parametrize("kind", list(YAML_IMPORTERS))
@FEW
@given(depth=st.integers(1, 3000), flow=st.booleans(), mapping=st.booleans())
@example(depth=500, flow=True, mapping=False)  # was RecursionError while constructing
@example(depth=400, flow=True, mapping=True)
def test_yaml_deep_nesting_is_refused(folder: Path, kind: str, depth: int, flow: bool,
                                      mapping: bool) -> None:
    if flow:
        body = ("{a: " * depth + "1" + "}" * depth) if mapping else ("[" * depth + "]" * depth)
    else:
        body = "".join(f"{'  ' * i}{'a:' if mapping else '-'}\n" for i in range(depth))
    path = _put(folder, f"{kind}.yaml", f"x: {body}\n" if flow else body)
    exc = _clear(lambda: YAML_IMPORTERS[kind](path), path, located=True)
    if depth > 1000:
        assert exc is not None and ("nest" in str(exc) or "valid YAML" in str(exc))


@pytest.mark.parametrize("kind", list(YAML_IMPORTERS))
@pytest.mark.parametrize("text", [
    "a: &a [*a]\n",  # recursive aliases
    "a: &a {b: *a}\n",
    "schema: x\nschema: y\n",  # duplicate keys
    "n: " + "1" * 5000 + "\n",  # an integer of 5,000 digits: was ValueError
    "!!python/object/apply:os.system [echo]\n",
])
def test_yaml_hostile_documents(folder: Path, kind: str, text: str) -> None:
    path = _put(folder, f"{kind}.yaml", text)
    assert _clear(lambda: YAML_IMPORTERS[kind](path), path, located=True) is not None


@pytest.mark.parametrize("kind", list(YAML_IMPORTERS))
@FEW
@given(data=st.data())
def test_yaml_duplicate_keys_anywhere(folder: Path, kind: str, data: st.DataObject) -> None:
    lines = _dump(BASES[kind], False).splitlines()
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[\w.\"']+:", line)]
    i = data.draw(st.sampled_from(keyed))
    indent = re.match(r"^\s*", lines[i]).group(0)  # type: ignore[union-attr]
    key_line = re.sub(r"^(\s*)- ", r"\1  ", lines[i])
    if ":" in key_line.split("#")[0] and not key_line.rstrip().endswith(":"):
        lines.insert(i + 1, key_line if lines[i].lstrip().startswith("- ") else indent + lines[i].lstrip())
    path = _put(folder, f"{kind}.yaml", "\n".join(lines) + "\n")
    _clear(lambda: YAML_IMPORTERS[kind](path), path, located=True)


# -- vital catalogue CSV ---------------------------------------------------------------------------
VITAL_CSV = {
    "p.csv": "id,name_nl,name_en,category,sector,ministry,population,basic_need,aspects\n"
             "1,Elektriciteit,Electricity,A,Energy,EZK,17000000,yes,energy;power\n"
             "x9,Nieuw,New,B,Water,IenW,100,no,\n",
    "d.csv": "# comment\nsupplier_id,dependent_id,strength,buffer_hours_low,buffer_hours_high,onset,"
             "ramp_hours,recovery_hours,conditions,illustrative\n"
             "1,7,4,1,4,linear,2,3,season=winter,yes\n",
}


@pytest.mark.parametrize("name", list(VITAL_CSV))
@FUZZ
@given(data=st.data())
@example(data=None)  # the unmutated file
def test_vital_csv_mutated_cells(folder: Path, name: str, data: st.DataObject | None) -> None:
    rows = [line.split(",") for line in VITAL_CSV[name].splitlines()]
    if data is not None:
        for _ in range(data.draw(st.integers(1, 3))):
            r = data.draw(st.integers(0, len(rows) - 1))
            c = data.draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = data.draw(NASTY_TEXT | st.text(max_size=12) | st.sampled_from(
                ['"', '"a""b"', '"unclosed', "1e400", "nan", "inf", "-1", "1.5", "x=", "=y"]))
    path = _put(folder, name, "\n".join(",".join(r) for r in rows) + "\n")
    _clear(lambda: load_catalogue([path]), path, located=data is not None)


@FUZZ
@given(data=st.binary(max_size=300))
@example(data=b"\xff")  # was UnicodeDecodeError
@example(data=b"id\n" + b"x" * 200_000 + b"\n")  # a cell over the csv module's field limit
def test_vital_csv_random_bytes(folder: Path, data: bytes) -> None:
    path = _put(folder, "v.csv", data)
    _clear(lambda: load_catalogue([path]), path)


# -- horizon signal files ----------------------------------------------------------------------------
SIGNAL = {"title": "Drinkwatertekort", "summary": "Droogte bedreigt de drinkwatervoorziening",
          "date": "2024-05-01", "source": "RIVM", "themes": ["nd"], "horizon": "5-10",
          "novelty": 3, "impact": 4, "plausibility": 2, "language": "nl", "status": "new",
          "notes": "n", "id": "s1"}


@FUZZ
@given(data=st.data())
def test_signal_json_mutated(folder: Path, data: st.DataObject) -> None:
    doc = _mutate({"signals": [SIGNAL, {**SIGNAL, "id": "s2"}]}, data.draw)
    path = _put(folder, "s.json", json.dumps(doc, default=str))
    exc = _clear(lambda: read_signal_file(path), path)
    if exc is not None and "problem" in str(exc):
        assert all(p.where is None or p.where for p in getattr(exc, "problems", ()))


@pytest.mark.parametrize("suffix", [".json", ".csv", ".xml", ".xlsx"])
@FUZZ
@given(data=st.binary(max_size=300))
def test_signal_files_random_bytes(folder: Path, suffix: str, data: bytes) -> None:
    path = _put(folder, "s" + suffix, data)
    _clear(lambda: read_signal_file(path), path)


@pytest.mark.parametrize("data", [
    b"[" * 100_000 + b"]" * 100_000,  # was RecursionError
    b"[" + b"1" * 5000 + b"]",  # an integer of 5,000 digits: was ValueError
])
def test_signal_json_regressions(folder: Path, data: bytes) -> None:
    path = _put(folder, "s.json", data)
    assert _clear(lambda: read_signal_file(path), path) is not None


@FUZZ
@given(data=st.data())
def test_signal_csv_mutated(folder: Path, data: st.DataObject) -> None:
    header = list(SIGNAL)
    rows = [header, [str(SIGNAL[k]) if not isinstance(SIGNAL[k], list) else "nd;vi" for k in header]]
    for _ in range(data.draw(st.integers(1, 3))):
        r = data.draw(st.integers(0, 1))
        c = data.draw(st.integers(0, len(header) - 1))
        rows[r][c] = data.draw(NASTY_TEXT | st.text(max_size=10) | st.sampled_from(['"', '"x""', '\t']))
    sep = data.draw(st.sampled_from([",", ";", "\t"]))
    path = _put(folder, "s.csv", "\n".join(sep.join(r) for r in rows) + "\n")
    _clear(lambda: read_signal_file(path), path, located=True)


FEED = """<?xml version="1.0"?>{dtd}
<rss version="2.0"><channel><title>Feed</title><language>nl</language>
<item><title>{title}</title><description>{summary}</description><pubDate>{date}</pubDate>
<link>https://example.org/1</link><guid>g1</guid></item></channel></rss>
"""
BILLION_LAUGHS = ('<!DOCTYPE r [<!ENTITY l0 "lol">'
                  + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")
EXTERNAL = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@FUZZ
@given(title=NASTY_TEXT | st.text(max_size=20), summary=NASTY_TEXT | st.text(max_size=20),
       date=NASTY_TEXT | st.sampled_from(["Wed, 01 May 2024 10:00:00 +0000", "2024-05-01",
                                            "Wed, 99 May 2024 99:00:00 +9999"]),
       dtd=st.sampled_from(["", BILLION_LAUGHS, EXTERNAL]), use=st.booleans())
def test_signal_feed_mutated(folder: Path, title: str, summary: str, date: str, dtd: str,
                             use: bool) -> None:
    if dtd and use:
        title = "&l9;" if dtd == BILLION_LAUGHS else "&xxe;"
    text = FEED.format(dtd=dtd, title=title, summary=summary, date=date)
    path = _put(folder, "s.xml", text)
    exc = _clear(lambda: read_signal_file(path), path)
    if dtd:
        assert exc is not None


def _signal_workbook(cells: dict[tuple[int, int], Any] | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Signals"
    header = ["title", "summary", "date", "source", "novelty"]
    sheet.append(header)
    sheet.append(["Drinkwatertekort", "Droogte", "2024-05-01", "RIVM", 3])
    for (row, column), value in (cells or {}).items():
        sheet.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CELL_VALUES = SCALARS.filter(lambda v: not isinstance(v, int) or abs(v) < 2**63) | st.sampled_from(
    ["=1+1", "#N/A", "=HYPERLINK(\"x\")"]) | st.dates() | st.datetimes()


@FEW
@given(cells=st.dictionaries(st.tuples(st.integers(1, 4), st.integers(1, 7)), CELL_VALUES, max_size=4))
def test_signal_workbook_mutated_cells(folder: Path, cells: dict[tuple[int, int], Any]) -> None:
    try:
        data = _signal_workbook({k: v for k, v in cells.items()})
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses to write the value
        return
    path = _put(folder, "s.xlsx", data)
    _clear(lambda: read_signal_file(path), path)


# -- strategy documents ----------------------------------------------------------------------------
SEED = (resources.files("weerbaar.data.seed") / "midterm-review-2021.txt").read_text(encoding="utf-8")
SEED_LINES = SEED.splitlines()
DOC_LINES = st.sampled_from(SEED_LINES[:200]) | st.sampled_from([
    "Inhoudsopgave", "Inleiding", "Korte samenvatting NVS 2019", "Ontwikkeling van de aanpak",
    "Ontwikkeling van de weerbaarheid", "Ontwikkeling van de dreiging en de risico's",
    "# Thema", "## Short summary", "¹ voetnoot", "¹²³⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵ x", "¹" * 5000 + " x",
    "12 plain footnote", "Text.12 More", "- bullet", "1) item", "Thema\t12", "Thema ..... 3",
    "", " ", "\u00a0", "x" * 400, "Generieke instrumenten", "Slotwoord en vooruitblik",
]) | st.text(max_size=40)


@FUZZ
@given(lines=st.lists(DOC_LINES, max_size=60))
@example(lines=["Inleiding", "", "Korte samenvatting", "", "¹" * 10000])  # was ValueError (int digits)
def test_strategy_document_lines(folder: Path, lines: list[str]) -> None:
    path = _put(folder, "s.md", "\n".join(lines))
    _clear(lambda: read_strategy_document(path), path)


@FEW
@given(cut=st.integers(0, len(SEED_LINES)), drop=st.sets(st.integers(0, len(SEED_LINES) - 1), max_size=40),
       noise=st.lists(st.tuples(st.integers(0, len(SEED_LINES)), DOC_LINES), max_size=10))
def test_strategy_document_seed_mutated(cut: int, drop: set[int],
                                        noise: list[tuple[int, str]]) -> None:
    lines = [line for i, line in enumerate(SEED_LINES[:cut] if cut > 10 else SEED_LINES) if i not in drop]
    for at, line in noise:
        lines.insert(min(at, len(lines)), line)
    try:
        document = parse_strategy_document("\n".join(lines), source="seed.txt")
    except WeerbaarError as exc:
        assert "seed.txt" in str(exc)
    else:
        assert all(item.line is None or item.line >= 1 for item in document.report.problems)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx", ".doc", ".pdf", ".bin", ""])
@FEW
@given(data=st.binary(max_size=300))
@example(data=b"\xff\xfe")
@example(data=b"a\x00b")
def test_strategy_document_random_bytes(folder: Path, suffix: str, data: bytes) -> None:
    path = _put(folder, "s" + suffix, data)
    _clear(lambda: read_strategy_document(path), path)


# -- Excel scoring workbooks -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_workspace(folder: Path) -> Workspace:
    return load_workspace(_put(folder, "base.yaml", _dump(WORKSPACE, False)))


@pytest.fixture(scope="module")
def workbook(folder: Path, small_workspace: Workspace) -> bytes:
    path = write_workbook(get_profile(small_workspace.profile), folder / "base.xlsx", small_workspace)
    assert read_workbook(path).scenarios == small_workspace.scenarios
    return path.read_bytes()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _check_excel(path: Path) -> None:
    exc = _clear(lambda: read_workbook(path), path)
    if isinstance(exc, ExcelProblems):
        assert exc.problems and all(p.sheet for p in exc.problems)


@FUZZ
@given(data=st.binary(max_size=400))
@example(data=b"PK\x03\x04garbage")
@example(data=b"PK\x05\x06" + b"\0" * 18)  # an empty archive
def test_excel_random_bytes(folder: Path, data: bytes) -> None:
    _check_excel(_put(folder, "r.xlsx", data))


@pytest.fixture(scope="module")
def books(workbook: bytes) -> dict[str, tuple[bytes, Callable[[Path], object]]]:
    """The zip-based formats: a scoring workbook and a horizon-signal workbook, with their readers."""
    return {"scoring": (workbook, read_workbook), "signals": (_signal_workbook(), read_signal_file)}


@pytest.mark.parametrize("kind", ["scoring", "signals"])
@FUZZ
@given(data=st.data())
def test_excel_damaged_archive(folder: Path, books: dict[str, tuple[bytes, Callable[[Path], object]]],
                               kind: str, data: st.DataObject) -> None:
    workbook, reader = books[kind]
    blob = bytearray(workbook)
    how = data.draw(st.sampled_from(["truncate", "flip", "splice"]))
    if how == "truncate":
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            blob[data.draw(st.integers(0, len(blob) - 1))] ^= data.draw(st.integers(1, 255))
    else:
        at = data.draw(st.integers(0, len(blob)))
        blob[at:at] = data.draw(st.binary(min_size=1, max_size=40))
    path = _put(folder, "d.xlsx", bytes(blob))
    if kind == "scoring":
        _check_excel(path)
    else:
        _clear(lambda: reader(path), path)


ENTITY_BOMB = ('<!DOCTYPE x [<!ENTITY l0 "lol">'
               + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>")


def _with_dtd(xml: bytes, dtd: str, reference: str) -> bytes:
    text = xml.decode("utf-8")
    declaration = re.match(r"<\?xml[^>]*\?>", text)
    head = declaration.group(0) if declaration else ""
    body = text[len(head):]
    body = re.sub(r"(<t[^>]*>)", lambda m: m.group(1) + reference, body, count=1)
    body = re.sub(r"(<v>)", lambda m: m.group(1) + reference, body, count=1) if "<t" not in body else body
    return (head + dtd + body).encode("utf-8")


@pytest.mark.parametrize("kind", ["scoring", "signals"])
@FUZZ
@given(data=st.data())
def test_excel_damaged_parts(folder: Path, books: dict[str, tuple[bytes, Callable[[Path], object]]],
                             kind: str, data: st.DataObject) -> None:
    workbook, reader = books[kind]
    parts = _parts(workbook)
    name = data.draw(st.sampled_from(sorted(parts)))
    how = data.draw(st.sampled_from(["random", "truncate", "delete", "bomb", "external", "value"]))
    if how == "random":
        parts[name] = data.draw(st.binary(max_size=200))
    elif how == "truncate":
        parts[name] = parts[name][: data.draw(st.integers(0, max(len(parts[name]) - 1, 0)))]
    elif how == "delete":
        del parts[name]
    elif how == "bomb":
        parts[name] = _with_dtd(parts[name], ENTITY_BOMB, "&l9;")
    elif how == "external":
        parts[name] = _with_dtd(parts[name], '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
                                "&e;")
    else:
        text = parts[name].decode("utf-8", "replace")
        values = list(re.finditer(r"<(v|t)( [^>]*)?>([^<]*)</\1>", text))
        if values:
            match = data.draw(st.sampled_from(values))
            new = data.draw(st.sampled_from(["1e999", "-1e999", "NaN", "99999999999999999999999",
                                             "", "x" * 10_000, "-", "1.5.5", "&amp;", "\ufffd"]))
            text = text[: match.start(3)] + new + text[match.end(3):]
            parts[name] = text.encode("utf-8")
    path = _put(folder, "p.xlsx", _zip(parts))
    read: list[object] = []
    exc = _clear(lambda: read.append(reader(path)), path)
    if how in ("bomb", "external") and name.startswith("xl/worksheets/sheet"):
        assert exc is not None, f"{name} with an entity declaration was read"
    if read:  # parts openpyxl parses without resolving entities (or does not parse at all)
        assert "lollol" not in repr(read[0]) and "root:" not in repr(read[0])


@FEW
@given(cells=st.dictionaries(st.tuples(st.sampled_from(["readme", "themes", "scenarios", "experts"]),
                                       st.integers(1, 6), st.integers(1, 60)),
                             CELL_VALUES, min_size=1, max_size=5))
def test_excel_mutated_cells(folder: Path, workbook: bytes,
                             cells: dict[tuple[str, int, int], Any]) -> None:
    source = _put(folder, "c-source.xlsx", workbook)
    book = openpyxl.load_workbook(source)
    try:
        for (sheet, row, column), value in cells.items():
            if sheet in book.sheetnames:
                book[sheet].cell(row=row, column=column, value=value)
        target = folder / "c.xlsx"
        book.save(target)
    except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses to write the value
        return
    _check_excel(target)


def _declare_size(blob: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size in the central directory set to ``size``."""
    out = bytearray(blob)
    start = 0
    while True:
        start = out.find(b"PK\x01\x02", start)
        assert start >= 0, name
        length = int.from_bytes(out[start + 28:start + 30], "little")
        if out[start + 46:start + 46 + length].decode() == name:
            out[start + 24:start + 28] = size.to_bytes(4, "little")
            return bytes(out)
        start += 4


def test_excel_zip_bomb_is_refused(folder: Path, workbook: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """A small file unpacking to more than the limit is refused before anything is unpacked."""
    parts = _parts(workbook)
    parts["xl/media/zeros.bin"] = bytes(2**20)
    declared = _declare_size(_zip(parts), "xl/media/zeros.bin", 3 * 2**30)  # claims 3 GB
    path = _put(folder, "bomb.xlsx", declared)
    with pytest.raises(InvalidInput, match=r"bomb\.xlsx.*unpacks to 30\d\d MB"):
        read_workbook(path)
    monkeypatch.setattr(excel_sheets, "MAX_UNPACKED", 2**20)  # a real bomb: 21 MB of zeros
    parts["xl/media/zeros.bin"] = bytes(21 * 2**20)
    path = _put(folder, "bomb.xlsx", _zip(parts))
    assert path.stat().st_size < 2**20
    with pytest.raises(InvalidInput, match=r"bomb\.xlsx.*unpacks to 2\d MB"):
        read_workbook(path)


def test_signal_workbook_without_sheets(folder: Path) -> None:
    parts = _parts(_signal_workbook())
    del parts["xl/worksheets/sheet1.xml"]  # openpyxl then lists no sheet: was IndexError
    path = _put(folder, "s.xlsx", _zip(parts))
    with pytest.raises(InvalidInput, match=r"s\.xlsx.*no readable sheet"):
        read_signal_file(path)


def test_signal_workbook_zip_bomb_is_refused(folder: Path) -> None:
    parts = _parts(_signal_workbook())
    parts["xl/media/zeros.bin"] = bytes(2**20)
    path = _put(folder, "s.xlsx", _declare_size(_zip(parts), "xl/media/zeros.bin", 3 * 2**30))
    with pytest.raises(InvalidInput, match=r"s\.xlsx.*unpacks too large"):
        read_signal_file(path)


def test_excel_lying_sizes_are_caught(folder: Path, workbook: bytes) -> None:
    """An archive whose central directory understates a part's size: unpacking stops there."""
    parts = _parts(workbook)
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet] + b"<!--" + b" " * 2_000_000 + b"-->"
    path = _put(folder, "lying.xlsx", _declare_size(_zip(parts), sheet, 1000))
    assert _clear(lambda: read_workbook(path), path) is not None


def test_excel_row_limit(folder: Path, workbook: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel_sheets, "MAX_ROWS", 50)
    book = openpyxl.load_workbook(_put(folder, "rows-source.xlsx", workbook))
    for i in range(60):
        book["experts"].append([f"s{i}"])
    book.save(folder / "rows.xlsx")
    with pytest.raises(InvalidInput, match=r"rows\.xlsx.*too many rows"):
        read_workbook(folder / "rows.xlsx")
