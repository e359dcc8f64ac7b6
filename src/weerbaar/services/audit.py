"""The audit log (every change) and the read log (every read of marked content): verify both
hash chains, export either. The system operator's and administrators' use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from weerbaar.domain import Role
from weerbaar.errors import AuditChainBroken
from weerbaar.services.registry import use_case
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit


@dataclass(frozen=True)
class AuditCheck:
    """Both chains verified: how many entries each holds."""

    database: str
    changes: int
    reads: int


@use_case
def verify_audit(store: Store, viewer: Viewer) -> AuditCheck:
    """Check the hash chains of the audit log and the read log; a modified, deleted or
    reordered entry is :class:`~weerbaar.errors.AuditChainBroken` listing every problem."""
    viewer.require(Role.ADMIN, None)
    with store.read() as conn:
        problems = audit.verify(conn)
        changes = len(audit.entries(conn))
        reads = len(audit.entries(conn, chain=audit.READS))
    if problems:
        raise AuditChainBroken(f"audit log of {store.url}: {len(problems)} problem(s) in "
                               f"{changes} entries and {reads} read-log entries", problems)
    return AuditCheck(store.url, changes, reads)


@use_case
def export_audit(store: Store, viewer: Viewer, *, cycle: str | None = None,
                 reads: bool = False) -> list[dict[str, Any]]:
    """Every entry of the audit log (or the read log) with its hashes, in order (optionally of
    one cycle)."""
    viewer.require(Role.ADMIN, None)
    with store.read() as conn:
        return audit.export_rows(conn, cycle_key=cycle,
                                 chain=audit.READS if reads else audit.CHANGES)


__all__ = ["AuditCheck", "export_audit", "verify_audit"]
