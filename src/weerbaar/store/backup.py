"""Backup and restore of a whole database, history and audit log included.

The backup is a gzip-compressed JSON document that is independent of the database engine: a
SQLite database can be restored into PostgreSQL and back. Restore runs in one transaction into an
empty database at the same schema revision, so it either completes or leaves nothing behind.
"""

from __future__ import annotations

import gzip
import json
import math
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Integer,
    String,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from weerbaar.errors import Conflict, InvalidInput
from weerbaar.store.core import Store, utcnow
from weerbaar.store.migrate import status
from weerbaar.store.schema import TABLES, audit_head, cycles, method_profiles, read_head

FORMAT = "weerbaar-backup/1"
MAX_BYTES = 2 * 1024**3
MAX_UNPACKED = 1024**3  # the JSON document inside the gzip file


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def backup(store: Store, path: Path) -> dict[str, int]:
    """Write every table to ``path``; returns the number of rows per table."""
    state = status(store.engine)
    counts: dict[str, int] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    with store.read() as conn:
        for table in TABLES:
            rows = [{k: _encode(v) for k, v in r.items()}
                    for r in conn.execute(select(table).order_by(table.c.id)).mappings()]
            tables[table.name] = rows
            counts[table.name] = len(rows)
    document = {"format": FORMAT, "schema": state.current, "created_at": utcnow().isoformat(),
                "counts": counts, "tables": tables}
    tmp = path.with_name(path.name + ".part")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(document, fh, ensure_ascii=False)
    tmp.replace(path)
    return counts


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise InvalidInput("file not found", source=path, expected="a weerbaar backup file")
    if path.stat().st_size > MAX_BYTES:
        raise InvalidInput("file too large", source=path, expected=f"at most {MAX_BYTES} bytes")
    try:
        with gzip.open(path, "rb") as fh:
            data = fh.read(MAX_UNPACKED + 1)
        if len(data) > MAX_UNPACKED:
            raise InvalidInput(f"the backup unpacks to more than {MAX_UNPACKED // 2**20} MB", source=path,
                               expected=f"at most {MAX_UNPACKED // 2**20} MB of JSON")
        document = json.loads(data.decode("utf-8"))
    except (OSError, EOFError, zlib.error, ValueError, RecursionError) as exc:
        # ValueError covers bad JSON, bad UTF-8 and integers of thousands of digits
        reason = str(exc).split(";")[0] if not isinstance(exc, RecursionError) else "nested too deeply"
        raise InvalidInput(f"not a readable backup ({reason})", source=path,
                           expected=f"a gzip-compressed {FORMAT} document") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput("not a weerbaar backup", source=path, location=["format"],
                           expected=FORMAT)
    return document


def _value(column: Column[Any], value: Any, path: Path, where: list[str | int]) -> Any:
    """A row's value checked against its column's type (dates parsed); an InvalidInput if wrong."""
    def wrong(expected: str) -> InvalidInput:
        return InvalidInput(f"{str(value)[:60]!r} does not fit column {column.name!r}", source=path,
                            location=where, expected=expected)

    kind = column.type
    if value is None:
        if not column.nullable:
            raise wrong("a value (the column is not nullable)")
        return None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise wrong("true or false")
    elif isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not -(2**31) <= value < 2**31:
            raise wrong("a whole number that fits in 32 bits")
    elif isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise wrong("a finite number")
    elif isinstance(kind, DateTime):
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong("a date and time in ISO 8601 form") from None
    elif isinstance(kind, String):  # Text too
        if not isinstance(value, str) or "\x00" in value:
            raise wrong("a text without NUL characters")
        if kind.length is not None and len(value) > kind.length:
            raise wrong(f"a text of at most {kind.length} characters")
    elif not isinstance(kind, JSON):
        raise wrong(f"a value of type {kind}")
    return value


def _tables(document: dict[str, Any], path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, each row checked to have exactly the table's columns with fitting values."""
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("the backup has no tables", source=path, location=["tables"],
                           expected="a mapping of table names to lists of rows")
    known = {table.name: table for table in TABLES}
    for name in tables:
        if name not in known:
            raise InvalidInput(f"unknown table {str(name)[:60]!r}", source=path, location=["tables", name],
                               expected=f"tables of this schema: {', '.join(known)}")
    out: dict[str, list[dict[str, Any]]] = {}
    for table in TABLES:
        rows = tables.get(table.name, [])
        if not isinstance(rows, list):
            raise InvalidInput("the rows are not a list", source=path, location=["tables", table.name],
                               expected="a list of rows (mappings of column names to values)")
        columns = {c.name: c for c in table.columns}
        for index, row in enumerate(rows):
            where: list[str | int] = ["tables", table.name, index]
            if not isinstance(row, dict):
                raise InvalidInput("the row is not a mapping", source=path, location=where,
                                   expected=f"a mapping of the columns {', '.join(columns)}")
            for name in [*columns, *row]:
                if name not in row or name not in columns:
                    problem = "is missing" if name not in row else "is not a column of the table"
                    raise InvalidInput(f"column {str(name)[:60]!r} {problem}", source=path,
                                       location=[*where, name], expected=f"the columns {', '.join(columns)}")
            for name, column in columns.items():
                row[name] = _value(column, row[name], path, [*where, name])
        out[table.name] = rows
    return out


def restore(store: Store, path: Path) -> dict[str, int]:
    """Restore a backup into this (empty, up-to-date) database; returns rows per table."""
    document = _read(path)
    state = status(store.engine)
    if document.get("schema") != state.current:
        raise InvalidInput(
            f"backup is at schema {document.get('schema')}, the database at {state.current}",
            source=path, location=["schema"],
            expected="the same schema revision (upgrade both databases first)")
    tables = _tables(document, path)
    counts: dict[str, int] = {}
    with store.transaction() as conn:
        has_data = conn.execute(select(func.count()).select_from(cycles)).scalar_one() or \
            conn.execute(select(func.count()).select_from(method_profiles)).scalar_one()
        if has_data:
            raise Conflict(f"the database {store.url} is not empty; restore into a new, "
                           "upgraded database so nothing is overwritten")
        for table in TABLES:
            rows = tables[table.name]
            try:
                if table is audit_head or table is read_head:  # one row, made by the migration
                    for row in rows:
                        conn.execute(update(table).where(table.c.id == row["id"])
                                     .values({k: v for k, v in row.items() if k != "id"}))
                elif rows:
                    conn.execute(insert(table), rows)
            except SQLAlchemyError as exc:  # a broken reference, a repeated key: nothing is kept
                reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
                raise InvalidInput(f"the rows of table {table.name} cannot be restored: {reason}",
                                   source=path, location=["tables", table.name],
                                   expected="a weerbaar backup file") from None
            counts[table.name] = len(rows)
        if store.dialect == "postgresql":
            for table in TABLES:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    return counts
