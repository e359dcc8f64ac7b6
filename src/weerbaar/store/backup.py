"""Backup and restore of a whole database, history and audit log included.

The backup is a gzip-compressed JSON document that is independent of the database engine: a
SQLite database can be restored into PostgreSQL and back. Restore runs in one transaction into an
empty database at the same schema revision, so it either completes or leaves nothing behind.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, func, insert, select, text, update

from weerbaar.errors import Conflict, InvalidInput
from weerbaar.store.core import Store, utcnow
from weerbaar.store.migrate import status
from weerbaar.store.schema import TABLES, audit_head, cycles, method_profiles

FORMAT = "weerbaar-backup/1"
MAX_BYTES = 2 * 1024**3


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
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            document = json.load(fh)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"not a readable backup ({exc})", source=path,
                           expected=f"a gzip-compressed {FORMAT} document") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInput("not a weerbaar backup", source=path, location=["format"],
                           expected=FORMAT)
    return document


def restore(store: Store, path: Path) -> dict[str, int]:
    """Restore a backup into this (empty, up-to-date) database; returns rows per table."""
    document = _read(path)
    state = status(store.engine)
    if document.get("schema") != state.current:
        raise InvalidInput(
            f"backup is at schema {document.get('schema')}, the database at {state.current}",
            source=path, location=["schema"],
            expected="the same schema revision (run `weerbaar db upgrade` on both first)")
    counts: dict[str, int] = {}
    with store.transaction() as conn:
        has_data = conn.execute(select(func.count()).select_from(cycles)).scalar_one() or \
            conn.execute(select(func.count()).select_from(method_profiles)).scalar_one()
        if has_data:
            raise Conflict(f"the database {store.url} is not empty; restore into a new, "
                           "upgraded database so nothing is overwritten")
        for table in TABLES:
            rows = document["tables"].get(table.name, [])
            date_cols = [c.name for c in table.columns if isinstance(c.type, DateTime)]
            for row in rows:
                for col in date_cols:
                    if row.get(col) is not None:
                        row[col] = datetime.fromisoformat(row[col])
            if table is audit_head:
                for row in rows:
                    conn.execute(update(audit_head).where(audit_head.c.id == row["id"])
                                 .values(last_hash=row["last_hash"], count=row["count"]))
            elif rows:
                conn.execute(insert(table), rows)
            counts[table.name] = len(rows)
        if store.dialect == "postgresql":
            for table in TABLES:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    return counts
