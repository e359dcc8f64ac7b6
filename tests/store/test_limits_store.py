"""The store's side of the limits, on SQLite and PostgreSQL: user names unique regardless of case
(migration 0006, which refuses a database holding names that differ only in case), and numbers
beyond what the database holds answered as invalid input (never a server error)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from tests.store.conftest import Databases

from weerbaar.domain import CycleKind
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.io import load_workspace
from weerbaar.store import Store, get, import_workspace, open_store, save, status, upgrade
from weerbaar.store import accounts as acc


def _user(conn: object, name: str) -> None:
    conn.execute(text(  # type: ignore[attr-defined]
        "INSERT INTO users (username, password_hash, is_admin, disabled, must_change_password, "
        "created_at) VALUES (:n, 'h', false, false, false, '2026-01-01 00:00:00')"),
        {"n": name})


def test_the_migration_refuses_names_that_differ_only_in_case(databases: Databases) -> None:
    url = databases.url()
    raw = open_store(url, check_schema=False)
    try:
        upgrade(raw.engine, "0005")
        with raw.transaction() as conn:
            for name in ("ann", "ANN", "bob", "Ann", "cora"):
                _user(conn, name)
        with pytest.raises(Conflict) as caught:
            upgrade(raw.engine)
        message = str(caught.value)
        assert "'ANN' and 'Ann' and 'ann'" in message and "bob" not in message
        assert "rename or remove all but one of each" in message
        assert status(raw.engine).current == "0005"  # nothing changed
        with raw.transaction() as conn:
            conn.execute(text("UPDATE users SET username = 'ann2' WHERE username = 'ANN'"))
            conn.execute(text("UPDATE users SET username = 'ann3' WHERE username = 'Ann'"))
        assert upgrade(raw.engine).up_to_date
        with pytest.raises(IntegrityError), raw.transaction() as conn:  # the index holds
            _user(conn, "BOB")
    finally:
        raw.dispose()


def test_adding_a_name_that_differs_only_in_case_is_a_conflict(store: Store) -> None:
    acc.add_user(store, "ann", "h", actor="t")
    with pytest.raises(Conflict, match="user names are unique regardless of case"):
        acc.add_user(store, "Ann", "h", actor="t")


@pytest.mark.parametrize("revision", [2**31, 2**63 - 1, 2**63])
def test_a_revision_beyond_the_database_is_invalid_input(store: Store, revision: int) -> None:
    """PostgreSQL's integer holds 2**31 - 1, SQLite's 2**63 - 1; beyond: InvalidInput (422)
    from the store itself, under the faces' own checks."""
    import_workspace(store, load_workspace("example:nvs-2019"), key="c",
                     kind=CycleKind.STRATEGY, actor="t")
    stored = get(store, "c", "scenario", "trade-war")
    changed = stored.item.model_copy(update={"title": "changed"})
    with pytest.raises((InvalidInput, Conflict)) as caught:
        save(store, "c", changed, expected_revision=revision, actor="t")
    if isinstance(caught.value, InvalidInput):
        assert "too large" in str(caught.value) or "does not fit" in str(caught.value)
    assert get(store, "c", "scenario", "trade-war").revision == stored.revision
