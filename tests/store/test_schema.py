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
    assert before.current is None and before.pending[0] == "0001"
    assert before.pending[-1] == before.head
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


def test_upgrade_keeps_data_from_an_older_schema(databases: Databases) -> None:
    """A database created at the first schema and holding data upgrades without loss."""
    url = databases.url()
    raw = open_store(url, check_schema=False)
    upgrade(raw.engine, "0001")
    with raw.transaction() as conn:
        conn.execute(text(
            "INSERT INTO method_profiles (id, profile_id, version, content_hash, document, "
            "stored_at) VALUES (1, 'p', '1', 'h', '{}', '2026-01-01 00:00:00')"))
        conn.execute(text(
            "INSERT INTO cycles (id, key, kind, profile_pk, language, illustrative, status, "
            "created_at, created_by) VALUES (1, 'old', 'strategy', 1, 'nl', false, 'draft', "
            "'2026-01-01 00:00:00', 't')"))
        conn.execute(text("INSERT INTO themes (id, cycle_id, key, position, kind, name_nl) "
                          "VALUES (1, 1, 'th', 0, 'threat', 'Thema')"))
    with pytest.raises(PendingMigrations):
        open_store(url)
    state = upgrade(raw.engine)
    assert state.up_to_date
    with raw.read() as conn:
        row = conn.execute(text("SELECT key, name_nl, lead_ministry FROM themes")).one()
    assert tuple(row) == ("th", "Thema", None)
    raw.dispose()
