"""The append-only, hash-chained audit log.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's canonical JSON, so a
modified, deleted or reordered entry breaks the chain. ``audit_head`` holds the last hash; writers
lock that row, so concurrent writers on PostgreSQL append in a well-defined order.

There are two chains of the same shape: the *audit log* of changes (``audit_log``/``audit_head``)
and the *read log* (``read_log``/``read_head``) of reads of content marked at or above the
classification scheme's ``audit_reads_from``. Reads have a chain of their own so they do not
change :func:`head`, the token caches of derived data key on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from weerbaar.store.schema import audit_head, audit_log, read_head, read_log

GENESIS = "0" * 64


@dataclass(frozen=True)
class Chain:
    """One hash-chained, append-only log and the row holding its head."""

    name: str
    log: Table
    head: Table


CHANGES = Chain("audit log", audit_log, audit_head)
READS = Chain("read log", read_log, read_head)


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    canonical = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _canonical(row: dict[str, Any]) -> dict[str, Any]:
    at = row["at"]
    if isinstance(at, datetime):
        at = at.isoformat(timespec="microseconds").replace("+00:00", "")
    return {"at": at, "actor": row["actor"], "action": row["action"],
            "entity_type": row["entity_type"], "entity_key": row["entity_key"],
            "cycle_key": row["cycle_key"], "revision": row["revision"],
            "detail": row["detail"]}


def append(conn: Connection, *, at: datetime, actor: str, action: str, entity_type: str,
           entity_key: str, cycle_key: str | None = None, revision: int | None = None,
           detail: dict[str, Any] | None = None, chain: Chain = CHANGES) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    return append_many(conn, [{
        "at": at, "actor": actor, "action": action, "entity_type": entity_type,
        "entity_key": entity_key, "cycle_key": cycle_key, "revision": revision,
        "detail": detail}], chain=chain)


def append_many(conn: Connection, rows: list[dict[str, Any]], *,
                chain: Chain = CHANGES) -> str:
    """Append entries in order inside the caller's transaction; returns the last hash.

    Each row has the keys at, actor, action, entity_type, entity_key, cycle_key, revision,
    detail. The chain's head is locked once for the whole batch.
    """
    head = conn.execute(
        select(chain.head.c.last_hash, chain.head.c.count).where(chain.head.c.id == 1)
        .with_for_update()
    ).mappings().one()
    last = head["last_hash"]
    records = []
    for row in rows:
        entry = {**row, "at": row["at"].replace(tzinfo=None)}
        digest = entry_hash(last, _canonical(entry))
        records.append({**entry, "prev_hash": last, "hash": digest})
        last = digest
    if records:
        conn.execute(insert(chain.log), records)
        conn.execute(update(chain.head).where(chain.head.c.id == 1)
                     .values(last_hash=last, count=head["count"] + len(records)))
    return str(last)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_key: str
    cycle_key: str | None
    revision: int | None
    detail: dict[str, Any] | None


def entries(conn: Connection, *, cycle_key: str | None = None, limit: int | None = None,
            chain: Chain = CHANGES) -> list[AuditEntry]:
    log = chain.log
    query = select(log).order_by(log.c.id)
    if cycle_key is not None:
        query = query.where(log.c.cycle_key == cycle_key)
    if limit is not None:
        query = query.limit(limit)
    return [AuditEntry(id=r.id, at=r.at, actor=r.actor, action=r.action,
                       entity_type=r.entity_type, entity_key=r.entity_key,
                       cycle_key=r.cycle_key, revision=r.revision, detail=r.detail)
            for r in conn.execute(query)]


def verify(conn: Connection) -> list[str]:
    """Problems in both chains (empty when intact): modified, deleted or reordered entries.

    Problems in the read log are prefixed ``read log``."""
    return verify_chain(conn, CHANGES) + [f"read log {p}" for p in verify_chain(conn, READS)]


def verify_chain(conn: Connection, chain: Chain) -> list[str]:
    """Problems in one chain (empty when intact)."""
    problems: list[str] = []
    prev = GENESIS
    count = 0
    for r in conn.execute(select(chain.log).order_by(chain.log.c.id)).mappings():
        count += 1
        if r["prev_hash"] != prev:
            problems.append(f"entry {r['id']}: does not follow the previous entry "
                            "(an entry was deleted or reordered)")
        if entry_hash(r["prev_hash"], _canonical(dict(r))) != r["hash"]:
            problems.append(f"entry {r['id']}: content does not match its hash (modified)")
        prev = r["hash"]
    head = conn.execute(select(chain.head).where(chain.head.c.id == 1)).mappings().first()
    if head is None or head["last_hash"] != prev or head["count"] != count:
        problems.append("the chain's head does not match its last entry "
                        "(entries were removed from the end)")
    return problems


def export_rows(conn: Connection, *, cycle_key: str | None = None,
                chain: Chain = CHANGES) -> list[dict[str, Any]]:
    """Every entry with its hashes, in order (optionally of one cycle), for export."""
    query = select(chain.log).order_by(chain.log.c.id)
    if cycle_key is not None:
        query = query.where(chain.log.c.cycle_key == cycle_key)
    return [dict(r) for r in conn.execute(query).mappings()]


def head(conn: Connection) -> tuple[str, int]:
    """The chain's last hash and length. Every write appends to the chain, so this pair changes
    with every change to the database: a cheap token for caches of derived data."""
    row = conn.execute(select(audit_head.c.last_hash, audit_head.c.count)
                       .where(audit_head.c.id == 1)).first()
    return (str(row[0]), int(row[1])) if row is not None else (GENESIS, 0)
