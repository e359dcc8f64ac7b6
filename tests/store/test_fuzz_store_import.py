"""Fuzz tests of the importers that write to the database: a failed import writes nothing.

Damaged and mutated scoring workbooks, signal files, vital catalogues, strategy documents and
backups are imported into a database (SQLite and PostgreSQL). Every failure must be one of
weerbaar's own errors naming the file, and afterwards every table must hold exactly the rows it
held before. Examples are bounded and derandomized (see ``tests/test_fuzz_importers.py``, whose
strategies these tests share).
"""

from __future__ import annotations

import copy
import gzip
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import func, select
from tests.operator_support import export_workbook_file
from tests.test_fuzz_importers import (
    CELL_VALUES,
    NASTY_TEXT,
    SCALE,
    SEED_LINES,
    SIGNAL,
    VALUES,
    VITAL,
    WORKSPACE,
    _dump,
    _mutate,
    _parts,
    _zip,
)

from weerbaar.domain import CycleKind
from weerbaar.errors import InvalidInput, WeerbaarError
from weerbaar.io import load_workspace
from weerbaar.services.cascade import import_vital
from weerbaar.services.excel import import_workbook
from weerbaar.services.signals import import_signals
from weerbaar.services.strategy import import_strategy
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, import_workspace
from weerbaar.store import backup as backup_module
from weerbaar.store.backup import backup, restore
from weerbaar.store.schema import TABLES

AS_T = Viewer.operator("t")

STORE_FUZZ = settings(max_examples=12 * SCALE, deadline=None, derandomize=SCALE == 1, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                             HealthCheck.data_too_large])
KEY = "fuzz"


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES}


def _all_or_nothing(store: Store, path: Path, call: Callable[[], object]) -> bool:
    """Run an import; when it fails (with a clear error naming the file) nothing was written."""
    before = _counts(store)
    try:
        call()
    except WeerbaarError as exc:
        assert path.name in str(exc), f"the message does not name the file: {exc}"
        assert _counts(store) == before, f"a failed import changed the database: {exc}"
        return False
    return True


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="weerbaar-store-fuzz-") as name:
        yield Path(name)


@pytest.fixture
def cycle(store: Store, folder: Path) -> Store:
    """A store with a small draft cycle (three scenarios of the midterm example)."""
    source = folder / "w.yaml"
    source.write_text(_dump(WORKSPACE, False), encoding="utf-8")
    import_workspace(store, load_workspace(source), key=KEY, kind=CycleKind.RISK_ANALYSIS, actor="t")
    return store


@STORE_FUZZ
@given(data=st.data())
def test_workbook_import_is_all_or_nothing(cycle: Store, folder: Path, data: st.DataObject) -> None:
    base = folder / "base.xlsx"
    if not base.exists():
        export_workbook_file(cycle, KEY, base)
    path = folder / "import.xlsx"
    how = data.draw(st.sampled_from(["cells", "cells", "part", "truncate"]))
    if how == "cells":
        book = openpyxl.load_workbook(base)
        cells = data.draw(st.dictionaries(
            st.tuples(st.sampled_from(["readme", "themes", "scenarios", "experts"]),
                      st.integers(1, 5), st.integers(1, 40)), CELL_VALUES, min_size=1, max_size=4))
        try:
            for (sheet, row, column), value in cells.items():
                book[sheet].cell(row=row, column=column, value=value)
            book.save(path)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses the value itself
            return
    elif how == "part":
        parts = _parts(base.read_bytes())
        name = data.draw(st.sampled_from(sorted(parts)))
        parts[name] = data.draw(st.binary(max_size=100))
        path.write_bytes(_zip(parts))
    else:
        blob = base.read_bytes()
        path.write_bytes(blob[: data.draw(st.integers(0, len(blob) - 1))])
    if data.draw(st.booleans()):
        _all_or_nothing(cycle, path, lambda: import_workbook(cycle, AS_T, path, key=KEY))
    else:
        new = f"new-{data.draw(st.integers(0, 10**6))}"
        _all_or_nothing(cycle, path, lambda: import_workbook(cycle, AS_T, path, key=new,
                                                             kind=CycleKind.RISK_ANALYSIS))


@STORE_FUZZ
@given(data=st.data())
def test_signal_import_is_all_or_nothing(cycle: Store, folder: Path, data: st.DataObject) -> None:
    signals = [{**SIGNAL, "themes": [WORKSPACE["themes"][0]["id"]], "id": f"s{i}"} for i in range(3)]
    doc = _mutate({"signals": signals}, data.draw)
    path = folder / "signals.json"
    path.write_text(json.dumps(doc, default=str), encoding="utf-8")
    _all_or_nothing(cycle, path, lambda: import_signals(cycle, AS_T, KEY, path))


@STORE_FUZZ
@given(data=st.data())
def test_vital_import_is_all_or_nothing(cycle: Store, folder: Path, data: st.DataObject) -> None:
    path = folder / "vital.yaml"
    path.write_text(_dump(_mutate(VITAL, data.draw), False), encoding="utf-8")
    _all_or_nothing(cycle, path, lambda: import_vital(cycle, AS_T, KEY, path))


@STORE_FUZZ
@given(drop=st.sets(st.integers(0, len(SEED_LINES) - 1), max_size=60),
       noise=st.lists(st.tuples(st.integers(0, len(SEED_LINES)), NASTY_TEXT), max_size=8))
def test_strategy_import_is_all_or_nothing(cycle: Store, folder: Path, drop: set[int],
                                           noise: list[tuple[int, str]]) -> None:
    lines = [line for i, line in enumerate(SEED_LINES) if i not in drop]
    for at, line in noise:
        lines.insert(min(at, len(lines)), line)
    path = folder / "review.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    _all_or_nothing(cycle, path, lambda: import_strategy(cycle, AS_T, KEY, path))


def test_a_review_part_over_the_text_limit_is_refused_naming_the_file(cycle: Store,
                                                                     folder: Path) -> None:
    """Found by the fuzz test above: a theme's part longer than a review may hold was a raw
    validation error; it is a clear error naming the file, and nothing is written."""
    at = SEED_LINES.index("Korte samenvatting NVS 2019") + 1
    lines = [*SEED_LINES[:at], "x" * 60_000 + ".", *SEED_LINES[at:]]
    path = folder / "review.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InvalidInput, match="at most"):
        import_strategy(cycle, AS_T, KEY, path)
    assert not _all_or_nothing(cycle, path, lambda: import_strategy(cycle, AS_T, KEY, path))


# -- backups ---------------------------------------------------------------------------------------
@pytest.fixture
def document(cycle: Store, folder: Path) -> dict[str, Any]:
    """A backup of the small cycle, as its JSON document."""
    path = folder / "source.json.gz"
    backup(cycle, path)
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _mutate_backup(document: dict[str, Any], draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(document)
    tables = [name for name, rows in doc["tables"].items() if rows]
    how = draw(st.sampled_from(["value", "value", "value", "drop column", "add column", "rows",
                                "duplicate row", "reference", "top"]))
    name = draw(st.sampled_from(tables))
    rows = doc["tables"][name]
    row = draw(st.sampled_from(rows))
    column = draw(st.sampled_from(sorted(row)))
    if how == "value":
        row[column] = draw(VALUES)
    elif how == "drop column":
        del row[column]
    elif how == "add column":
        row[draw(st.text(max_size=8))] = draw(VALUES)
    elif how == "rows":
        doc["tables"][name] = draw(VALUES)
    elif how == "duplicate row":
        rows.append(copy.deepcopy(row))
    elif how == "reference":
        keys = [c for c in row if c.endswith("_id") or c.endswith("_pk")] or [column]
        row[draw(st.sampled_from(keys))] = draw(st.sampled_from([0, -1, 999_999, 2**31 - 1]))
    else:
        doc[draw(st.sampled_from(["format", "schema", "tables", "counts"]))] = draw(VALUES)
    return doc


@pytest.fixture
def empty(make_store: Callable[..., Store]) -> dict[str, Store]:
    """An empty, upgraded database to restore into (replaced after each successful restore)."""
    return {"store": make_store()}


@STORE_FUZZ
@given(data=st.data())
def test_restore_is_all_or_nothing(make_store: Callable[..., Store], empty: dict[str, Store],
                                   document: dict[str, Any], folder: Path, data: st.DataObject) -> None:
    target = empty["store"]
    path = folder / "backup.json.gz"
    if data.draw(st.integers(0, 9)) == 0:  # a damaged gzip file
        raw = gzip.compress(json.dumps(document).encode("utf-8"))
        path.write_bytes(raw[: data.draw(st.integers(0, len(raw) - 1))])
    else:
        text = json.dumps(_mutate_backup(document, data.draw), default=str)
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    if _all_or_nothing(target, path, lambda: restore(target, path)):
        empty["store"] = make_store()  # restore needs an empty database


@pytest.mark.parametrize("content", [
    b"\x1f\x8b" + b"\x00" * 30,  # a gzip header with nothing sensible after it: was zlib.error-prone
    gzip.compress(b"[" * 100_000 + b"]" * 100_000),  # was RecursionError
    gzip.compress(b'{"format": "weerbaar-backup/1", "n": ' + b"1" * 5000 + b"}"),  # was ValueError
    gzip.compress(b"\xff\xfe"),
])
def test_unreadable_backups(store: Store, folder: Path, content: bytes) -> None:
    path = folder / "bad.json.gz"
    path.write_bytes(content)
    assert not _all_or_nothing(store, path, lambda: restore(store, path))


def test_restore_regressions(store: Store, document: dict[str, Any], folder: Path,
                             make_store: Callable[..., Store]) -> None:
    """Backups that once crashed restore with KeyError, TypeError, ValueError or a raw database
    error; each is now refused naming the table, row and column, with nothing written."""
    target = make_store()
    empty = _counts(target)  # an upgraded database holds a few rows of its own
    table = next(name for name, rows in document["tables"].items() if rows and name != "audit_head")
    cases: list[tuple[Callable[[dict[str, Any]], None], str]] = [
        (lambda d: d.update(tables=[]), r"key tables\b"),
        (lambda d: d["tables"].update({table: {"a": 1}}), rf"key tables\.{table}\b"),
        (lambda d: d["tables"][table].append(5), rf"key tables\.{table}\[\d+\]"),
        (lambda d: d["tables"][table][0].pop("id"), rf"key tables\.{table}\[0\]\.id.*missing"),
        (lambda d: d["tables"][table][0].update(id="x"), rf"key tables\.{table}\[0\]\.id.*whole number"),
        (lambda d: d["tables"][table][0].update(id=2**40), rf"key tables\.{table}\[0\]\.id"),
        (lambda d: d["tables"]["audit_head"][0].pop("last_hash"), r"audit_head\[0\]\.last_hash"),
        (lambda d: d["tables"]["cycles"][0].update(created_at="yesterday"), r"cycles\[0\]\.created_at"),
        (lambda d: d["tables"]["cycles"][0].update(created_at=5), r"cycles\[0\]\.created_at"),
        (lambda d: d["tables"]["cycles"][0].update(key="k" * 101), r"cycles\[0\]\.key.*at most 100"),
        (lambda d: d["tables"]["cycles"][0].update(note="a\x00b"), r"cycles\[0\]\.note.*NUL"),
        (lambda d: d["tables"].update(bogus=[]), r"unknown table 'bogus'"),
        (lambda d: d["tables"][table].append(copy.deepcopy(d["tables"][table][0])),
         rf"rows of table {table} cannot be restored"),
    ]
    for change, pattern in cases:
        doc = copy.deepcopy(document)
        change(doc)
        path = folder / "case.json.gz"
        path.write_bytes(gzip.compress(json.dumps(doc).encode("utf-8")))
        with pytest.raises(InvalidInput, match=pattern):
            restore(target, path)
        assert _counts(target) == empty


def test_backup_unpack_limit(store: Store, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A gzip bomb: a small file unpacking to more than the limit is refused, not read into memory."""
    monkeypatch.setattr(backup_module, "MAX_UNPACKED", 2**20)
    path = folder / "bomb.json.gz"
    path.write_bytes(gzip.compress(b" " * (3 * 2**20)))
    assert path.stat().st_size < 2**16
    with pytest.raises(InvalidInput, match=r"bomb\.json\.gz.*unpacks to more than 1 MB"):
        restore(store, path)
