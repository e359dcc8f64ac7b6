"""`weerbaar audit verify` detects a modified, deleted or reordered audit entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from weerbaar.cli import main
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, open_store, upgrade
from weerbaar.store import audit as audit_log

AS_T = Viewer.operator("t")

TAMPER = {
    "modified": ["UPDATE audit_log SET actor = 'mallory' WHERE id = 3"],
    "deleted": ["DELETE FROM audit_log WHERE id = 3"],
    "reordered": [
        "UPDATE audit_log SET id = -1 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 4",
        "UPDATE audit_log SET id = 4 WHERE id = -1",
    ],
    "truncated": ["DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)"],
}


def _drop_guards(store: Store) -> None:
    """What an attacker with database access would do first."""
    with store.transaction() as conn:
        if store.dialect == "sqlite":
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_append_only ON audit_log"))


@pytest.mark.parametrize("how", list(TAMPER))
def test_verify_detects_tampering(store: Store, how: str) -> None:
    load_examples(store, AS_T)
    with store.read() as conn:
        assert audit_log.verify(conn) == []
    _drop_guards(store)
    with store.transaction() as conn:
        for statement in TAMPER[how]:
            conn.execute(text(statement))
    with store.read() as conn:
        problems = audit_log.verify(conn)
    assert problems, how


def test_cli_verify_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.db")
    store = open_store(db, check_schema=False)
    upgrade(store.engine)
    load_examples(store, AS_T)
    assert main(["audit", "verify", "--db", db]) == 0
    assert "chain intact" in capsys.readouterr().out
    export = tmp_path / "audit.jsonl"
    assert main(["audit", "export", "--out", str(export), "--db", db]) == 0
    rows = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert rows and all(len(r["hash"]) == 64 for r in rows)
    _drop_guards(store)
    with store.transaction() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'x' WHERE id = 2"))
    store.dispose()
    capsys.readouterr()
    assert main(["audit", "verify", "--db", db]) == 9
    assert "entry 2" in capsys.readouterr().err
