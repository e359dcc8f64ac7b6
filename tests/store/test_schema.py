"""Migrations, the refusal to work on an outdated schema, and SQLite's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from tests.store.conftest import Databases

from weerbaar.store import PendingMigrations, Store, list_cycles, open_store, status, upgrade


def test_new_database_is_refused_until_upgraded(databases: Databases) -> None:
    url = databases.url()
    with pytest.raises(PendingMigrations, match="weerbaar db upgrade"):
        open_store(url)
    raw = open_store(url, check_schema=False)
    before = status(raw.engine)
    assert before.current is None and before.pending == ("0001",)
    after = upgrade(raw.engine)
    assert after.up_to_date and after.current == after.head
    raw.dispose()
    store = open_store(url)
    assert list_cycles(store) == []
    store.dispose()


def test_sqlite_runs_with_foreign_keys_and_wal(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "w.db"), check_schema=False)
    upgrade(store.engine)
    with store.read() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor = 'mallory'",
    "DELETE FROM audit_log",
    "UPDATE revisions SET reason = 'rewritten'",
    "DELETE FROM revisions",
])
def test_history_tables_are_append_only(store: Store, statement: str) -> None:
    from weerbaar.domain import CycleKind
    from weerbaar.io import load_workspace
    from weerbaar.store import import_workspace

    import_workspace(store, load_workspace("example:nvs-2019"), key="c", kind=CycleKind.STRATEGY,
                     actor="t")
    with pytest.raises(DBAPIError, match="append-only"), store.transaction() as conn:
        conn.execute(text(statement))
