"""Backup and restore keep everything: content, revisions and the audit chain."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.operator_support import compare_with_parent

from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import (
    Store,
    cycle_workspace,
    get_cycle,
    history,
    list_cycles,
    open_store,
    upgrade,
)
from weerbaar.store import audit as audit_log
from weerbaar.store.backup import backup, restore

AS_T = Viewer.operator("t")


def _fingerprint(store: Store) -> dict[str, object]:
    with store.read() as conn:
        entries = [(e.action, e.entity_key, e.revision, e.actor) for e in audit_log.entries(conn)]
        chain_ok = audit_log.verify(conn) == []
    return {
        "cycles": [(c.key, c.status, c.parent, c.profile_hash) for c in list_cycles(store)],
        "midterm": cycle_workspace(store, "midterm-2021")[0],
        "history": [(r.number, r.actor, r.reason, r.snapshot)
                    for r in history(store, "midterm-2021", "scenario", "trade-war")],
        "compare": compare_with_parent(store, "midterm-2021"),
        "audit": entries,
        "chain_ok": chain_ok,
    }


def test_backup_restore_round_trip(make_store: Callable[..., Store], tmp_path: Path) -> None:
    source = make_store()
    load_examples(source, AS_T)
    target_file = tmp_path / "backup.json.gz"
    counts = backup(source, target_file)
    assert counts["revisions"] > counts["scenarios"] > 0
    target = make_store()
    assert restore(target, target_file) == counts
    assert _fingerprint(target) == _fingerprint(source)
    assert _fingerprint(target)["chain_ok"] is True
    assert get_cycle(target, "nvs-2019").frozen_at == get_cycle(source, "nvs-2019").frozen_at
    with pytest.raises(Conflict, match="not empty"):
        restore(target, target_file)
    # the restored database keeps working: new writes get fresh ids and extend the chain
    load_examples(target, AS_T)


def test_restore_across_engines(make_store: Callable[..., Store], tmp_path: Path) -> None:
    """A SQLite backup restores into the other backend of this run (and vice versa)."""
    source = make_store()
    load_examples(source, AS_T)
    file = tmp_path / "b.gz"
    backup(source, file)
    other = open_store(str(tmp_path / "other.sqlite"), check_schema=False)
    upgrade(other.engine)
    try:
        restore(other, file)
        assert _fingerprint(other) == _fingerprint(source)
    finally:
        other.dispose()


def test_bad_backup_files(store: Store, tmp_path: Path) -> None:
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"not gzip")
    with pytest.raises(InvalidInput, match=r"junk\.gz"):
        restore(store, junk)
    with pytest.raises(InvalidInput, match="file not found"):
        restore(store, tmp_path / "missing.gz")
