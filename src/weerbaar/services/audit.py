"""The audit log (every change) and the read log (every read of marked content): verify both
hash chains and their HMACs, anchor them outside the database, export either. The system
operator's and administrators' use cases.

The audit key that signs the chains is kept outside the database (``WEERBAAR_AUDIT_KEY`` or the
file ``WEERBAAR_AUDIT_KEY_FILE``, default ``~/.local/share/weerbaar/audit.key``); an *anchor* is
a signed checkpoint of both chains' heads, to be kept outside the database too (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from weerbaar.domain import Role
from weerbaar.errors import AuditChainBroken
from weerbaar.services.registry import use_case
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit
from weerbaar.store.audit import AuditAnchor


@dataclass(frozen=True)
class AuditCheck:
    """Both chains verified: how many entries each holds, how many of those were written before
    the chains were signed (migration 0008; checked by their hashes only), the key that signs
    them, and the anchor they were checked against (if any)."""

    database: str
    changes: int
    reads: int
    unsigned_changes: int = 0
    unsigned_reads: int = 0
    key_id: str = ""
    key_source: str = ""
    anchor: AuditAnchor | None = None
    signed_from: str = audit.SIGNED_FROM


@use_case
def verify_audit(store: Store, viewer: Viewer, *, anchor: AuditAnchor | None = None) -> AuditCheck:
    """Check the audit log and the read log: every entry's hash and place in its chain, with the
    audit key every entry's and each head's HMAC; with an ``anchor`` (:func:`load_anchor`) also
    that the anchored entries are still there with the anchored hashes. Anything found is
    :class:`~weerbaar.errors.AuditChainBroken` listing every problem; so is a missing key or
    another key than the one the chains are signed with."""
    viewer.require(Role.ADMIN, None)
    key = audit.load_key()
    with store.read() as conn:
        problems, (changes, reads) = audit.check(conn, key, anchor=anchor)
    if problems:
        against = f" against the anchor of {anchor.created_at}" if anchor is not None else ""
        raise AuditChainBroken(f"audit log of {store.url}{against}: {len(problems)} problem(s) in "
                               f"{changes.count} entries and {reads.count} read-log entries",
                               problems)
    assert key is not None  # no key is a problem
    return AuditCheck(store.url, changes.count, reads.count, changes.unsigned, reads.unsigned,
                      key.id, key.source, anchor)


@use_case
def anchor_audit(store: Store, viewer: Viewer) -> AuditAnchor:
    """A signed checkpoint of both chains' heads (number of entries, last hash, time; HMAC with
    the audit key over them), to keep outside the database and give to :func:`verify_audit`
    later. Made only of chains that verify (:class:`~weerbaar.errors.AuditChainBroken`
    otherwise: an anchor must not bless a tampered log)."""
    viewer.require(Role.ADMIN, None)
    key = audit.load_key()
    with store.read() as conn:
        problems, results = audit.check(conn, key)
    if problems or key is None:
        raise AuditChainBroken(f"no anchor made: the audit log of {store.url} does not verify "
                               f"({len(problems)} problem(s))", problems)
    return audit.make_anchor(results, key, database=store.url, at=datetime.now(UTC))


def load_anchor(path: Path) -> AuditAnchor:
    """The anchor in the file ``path`` (written by :func:`anchor_audit`); a missing or
    malformed file is :class:`~weerbaar.errors.InvalidInput` naming it. Its signature is
    checked by :func:`verify_audit`."""
    return audit.read_anchor(path)


@use_case
def export_audit(store: Store, viewer: Viewer, *, cycle: str | None = None,
                 reads: bool = False) -> list[dict[str, Any]]:
    """Every entry of the audit log (or the read log) with its hashes and HMAC, in order
    (optionally of one cycle)."""
    viewer.require(Role.ADMIN, None)
    with store.read() as conn:
        return audit.export_rows(conn, cycle_key=cycle,
                                 chain=audit.READS if reads else audit.CHANGES)


__all__ = ["AuditAnchor", "AuditCheck", "anchor_audit", "export_audit", "load_anchor",
           "verify_audit"]
