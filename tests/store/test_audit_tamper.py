"""The audit trail is tamper-evident beyond the database: HMACs with a key kept outside it,
guards against TRUNCATE and a rewound head, and anchors (issue 16, point 4).

Each tampering is done the way an attacker with write access to the database (but not the audit
key) would: first dropping the guards (triggers), then changing rows and recomputing what can be
recomputed without the key. The known answers: what ``verify`` reports without an anchor, and
with one. Both chains (the audit log and the read log), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError
from tests.store.conftest import Databases, pg_enabled

from weerbaar.cli import main
from weerbaar.errors import AuditChainBroken, InvalidInput, PermissionDenied
from weerbaar.services.audit import anchor_audit, load_anchor, verify_audit
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit, open_store, upgrade
from weerbaar.store.audit import CHANGES, READS, AuditAnchor, Chain

AS_T = Viewer.operator("t")
CHAINS = [pytest.param(CHANGES, id="audit_log"), pytest.param(READS, id="read_log")]
OTHER_KEY = "another-audit-key-" + "1" * 40
ROOT = Path(__file__).resolve().parents[2]


# -- helpers ---------------------------------------------------------------------------------


def populate(store: Store, reads: int = 6) -> None:
    """The example cycles (about 200 entries in the audit log) and ``reads`` read-log entries."""
    load_examples(store, AS_T)
    add_reads(store, reads)


def add_reads(store: Store, n: int, actor: str = "ann") -> None:
    with store.transaction() as conn:
        audit.append_many(conn, [{
            "at": datetime(2026, 12, 5, 10, i), "actor": actor, "action": "read",
            "entity_type": "scenario", "entity_key": f"s{i}", "cycle_key": "midterm-2021",
            "revision": 1, "detail": {"channel": "page"}} for i in range(n)], chain=READS)


def add_change(store: Store, actor: str = "t") -> None:
    with store.transaction() as conn:
        audit.append(conn, at=datetime(2026, 12, 6), actor=actor, action="note",
                     entity_type="test", entity_key="k")


def drop_guards(store: Store) -> None:
    """What an attacker with the database's owner rights does first."""
    with store.transaction() as conn:
        if store.dialect == "sqlite":
            for name in ("audit_log_no_update", "audit_log_no_delete", "read_log_no_update",
                         "read_log_no_delete", "audit_head_no_delete", "audit_head_forward_only",
                         "read_head_no_delete", "read_head_forward_only"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        else:
            for name, table in (("audit_log_append_only", "audit_log"),
                                ("read_log_append_only", "read_log"),
                                ("audit_head_forward_only", "audit_head"),
                                ("read_head_forward_only", "read_head")):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            for table in ("audit_log", "read_log", "revisions", "audit_head", "read_head"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))


def head_row(store: Store, chain: Chain) -> dict[str, Any]:
    with store.read() as conn:
        return dict(conn.execute(select(chain.head).where(chain.head.c.id == 1)).mappings().one())


def set_head(store: Store, chain: Chain, row: dict[str, Any]) -> None:
    with store.transaction() as conn:
        conn.execute(update(chain.head).where(chain.head.c.id == 1)
                     .values({k: v for k, v in row.items() if k != "id"}))


def problems(store: Store, anchor: AuditAnchor | None = None) -> list[str]:
    with store.read() as conn:
        return audit.check(conn, audit.load_key(), anchor=anchor)[0]


def delete_last(store: Store, chain: Chain) -> dict[str, Any]:
    """Delete the last entry of ``chain``; returns it."""
    with store.transaction() as conn:
        last = dict(conn.execute(select(chain.log).order_by(chain.log.c.id.desc()).limit(1))
                    .mappings().one())
        conn.execute(chain.log.delete().where(chain.log.c.id == last["id"]))
    return last


def recompute(store: Store, chain: Chain, *, sign_with: str | None = None,
              strip: bool = False) -> None:
    """Recompute every hash of ``chain`` and its head, as someone without the audit key can:
    the HMACs are left as they were, signed with a key of the attacker's, or removed."""
    forged = audit.AuditKey(sign_with.encode(), "attacker") if sign_with else None
    with store.transaction() as conn:
        rows = conn.execute(select(chain.log).order_by(chain.log.c.id)).mappings().all()
        prev = audit.GENESIS
        for r in rows:
            digest = audit.entry_hash(prev, audit.canonical(r))
            values: dict[str, Any] = {"prev_hash": prev, "hash": digest}
            if forged is not None:
                values["hmac"] = audit.entry_mac(forged, chain, digest)
            if strip:
                values["hmac"] = None
            conn.execute(update(chain.log).where(chain.log.c.id == r["id"]).values(values))
            prev = digest
        head = conn.execute(select(chain.head)).mappings().one()
        values = {"last_hash": prev, "count": len(rows)}
        if forged is not None:
            values["hmac"] = audit.head_mac(forged, chain, len(rows), prev,
                                            int(head["unsigned_count"]))
        conn.execute(update(chain.head).where(chain.head.c.id == 1).values(values))


def forge(store: Store, chain: Chain) -> int:
    """Change the actor of the third entry (to blame someone else); returns its id."""
    with store.transaction() as conn:
        target = conn.execute(select(chain.log.c.id).order_by(chain.log.c.id).offset(2)
                              .limit(1)).scalar_one()
        conn.execute(update(chain.log).where(chain.log.c.id == target).values(actor="mallory"))
    return int(target)


def prefixed(chain: Chain, found: list[str]) -> list[str]:
    """The problems of ``chain`` (the read log's carry the prefix ``read log``)."""
    if chain is READS:
        return [p.removeprefix("read log ") for p in found if p.startswith("read log ")]
    return [p for p in found if not p.startswith("read log ")]


# -- a valid database ------------------------------------------------------------------------


def test_a_valid_database_verifies_clean_with_its_anchor(store: Store) -> None:
    populate(store)
    assert problems(store) == []
    anchor = anchor_audit(store, AS_T)
    changes, reads = anchor.chains["audit_log"], anchor.chains["read_log"]
    assert changes.count > 100 and reads.count == 6
    assert changes.unsigned_count == reads.unsigned_count == 0
    # the chains continue after the anchor: still a valid prefix
    add_change(store)
    add_reads(store, 2)
    again = AuditAnchor.from_json(anchor.to_json(), "anchor.json")
    assert again == anchor
    check = verify_audit(store, AS_T, anchor=again)
    assert (check.changes, check.reads) == (changes.count + 1, 8)
    assert check.unsigned_changes == check.unsigned_reads == 0
    assert check.key_id == audit.load_key().id  # type: ignore[union-attr]
    assert check.anchor == anchor
    # every entry and each head carries its HMAC
    with store.read() as conn:
        for chain in (CHANGES, READS):
            assert all(len(r.hmac) == 64 for r in conn.execute(select(chain.log)))
            assert len(conn.execute(select(chain.head.c.hmac)).scalar_one()) == 64


def test_an_empty_database_anchors_and_verifies(store: Store) -> None:
    anchor = anchor_audit(store, AS_T)
    assert {n: (p.count, p.hash) for n, p in anchor.chains.items()} == {
        "audit_log": (0, audit.GENESIS), "read_log": (0, audit.GENESIS)}
    populate(store, reads=1)
    assert verify_audit(store, AS_T, anchor=anchor).reads == 1


def test_only_administrators_verify_and_anchor(store: Store) -> None:
    for use_case in (verify_audit, anchor_audit):
        with pytest.raises(PermissionDenied):
            use_case(store, Viewer.nobody(channel="api"))


# -- the guards --------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", CHAINS)
def test_the_heads_only_move_forward(store: Store, chain: Chain) -> None:
    populate(store)
    table = chain.head.name
    for statement in (f"DELETE FROM {table}",
                      f"UPDATE {table} SET count = count - 1",
                      f"UPDATE {table} SET last_hash = '{'1' * 64}'",
                      f"UPDATE {table} SET unsigned_count = count",
                      f"UPDATE {table} SET key_id = 'aaaaaaaaaaaaaaaa'",
                      f"DELETE FROM {chain.log.name}"):  # SQLite's TRUNCATE
        with pytest.raises(DBAPIError, match="append-only"), store.transaction() as conn:
            conn.execute(text(statement))
    assert problems(store) == []
    add_reads(store, 1)
    add_change(store)  # the append path still moves them forward
    assert problems(store) == []


@pytest.fixture
def pg_store(tmp_path: Path) -> Iterator[Store]:
    """A PostgreSQL database only (SQLite has no TRUNCATE: its DELETE fires the row
    triggers, tested above)."""
    if not pg_enabled():
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    dbs = Databases("postgresql", tmp_path)
    yield dbs.new()
    dbs.close()


@pytest.mark.postgresql
@pytest.mark.parametrize("table", ["audit_log", "read_log", "revisions", "audit_head",
                                   "read_head", "cycles CASCADE"])
def test_truncate_is_refused_on_postgresql(pg_store: Store, table: str) -> None:
    store = pg_store
    populate(store)
    with pytest.raises(DBAPIError, match="append-only: TRUNCATE refused"), \
            store.transaction() as conn:
        conn.execute(text(f"TRUNCATE {table}"))
    assert problems(store) == []


# -- tampering, and what finds it ------------------------------------------------------------


@pytest.mark.parametrize("chain", CHAINS)
def test_deleting_the_last_entry_and_rewinding_the_head(store: Store, chain: Chain) -> None:
    populate(store)
    anchor = anchor_audit(store, AS_T)
    drop_guards(store)
    last = delete_last(store, chain)
    head = head_row(store, chain)
    set_head(store, chain, {**head, "count": head["count"] - 1, "last_hash": last["prev_hash"]})
    # the head's HMAC gives it away ...
    found = prefixed(chain, problems(store))
    assert found == ["the chain's head does not carry its HMAC: it was changed outside "
                     "weerbaar (rewound, or its count of unsigned entries changed)"]
    # ... and the anchor names what happened
    found = prefixed(chain, problems(store, anchor))
    assert any(f"recorded {head['count']} entries, the {chain.name} holds "
               f"{head['count'] - 1}: entries were deleted from the end" in p for p in found)


@pytest.mark.parametrize("chain", CHAINS)
def test_rewinding_to_a_saved_head_needs_the_anchor(store: Store, chain: Chain) -> None:
    """An attacker who copied the head row before the last entries were written can put it
    back after deleting them: every remaining HMAC is genuine. Only an anchor taken after those
    entries shows it (the known limit of a key alone)."""
    populate(store)
    saved = head_row(store, chain)
    for _ in range(3):
        add_change(store) if chain is CHANGES else add_reads(store, 1)
    anchor = anchor_audit(store, AS_T)
    drop_guards(store)
    for _ in range(3):
        delete_last(store, chain)
    set_head(store, chain, saved)
    assert problems(store) == []  # without the anchor nothing can tell
    found = prefixed(chain, problems(store, anchor))
    assert len(found) == 1 and "deleted from the end or the log was truncated" in found[0]
    with pytest.raises(AuditChainBroken, match="against the anchor") as caught:
        verify_audit(store, AS_T, anchor=anchor)
    assert any("deleted from the end" in p for p in caught.value.problems)


@pytest.mark.parametrize("chain", CHAINS)
def test_truncating_after_dropping_the_triggers(store: Store, chain: Chain) -> None:
    saved = head_row(store, chain)  # the empty head, as signed by the migration
    populate(store)
    anchor = anchor_audit(store, AS_T)
    drop_guards(store)
    with store.transaction() as conn:
        statement = (f"TRUNCATE {chain.log.name}" if store.dialect == "postgresql"
                     else f"DELETE FROM {chain.log.name}")
        conn.execute(text(statement))
    # the head left as it was: it no longer matches the (empty) log
    assert any("does not match its last entry (0 entries" in p
               for p in prefixed(chain, problems(store)))
    # the head put back to the empty one: only the anchor shows the truncation
    set_head(store, chain, saved)
    assert problems(store) == []
    count = anchor.chains[chain.log.name].count
    found = prefixed(chain, problems(store, anchor))
    assert found == [f"the anchor of {anchor.created_at} recorded {count} entries, the "
                     f"{chain.name} holds 0: entries were deleted from the end or the log was "
                     "truncated"]


@pytest.mark.parametrize("how", ["kept", "own key", "stripped"])
@pytest.mark.parametrize("chain", CHAINS)
def test_a_forged_entry_with_the_chain_recomputed(store: Store, chain: Chain, how: str) -> None:
    populate(store)
    anchor = anchor_audit(store, AS_T)
    with store.read() as conn:
        total = len(audit.entries(conn, chain=chain))
    drop_guards(store)
    forged = forge(store, chain)
    assert any(f"entry {forged}: content does not match its hash" in p
               for p in prefixed(chain, problems(store)))
    recompute(store, chain, sign_with=OTHER_KEY if how == "own key" else None,
              strip=how == "stripped")
    found = prefixed(chain, problems(store))
    # every hash is consistent again; the HMACs are not
    assert not any("content does not match" in p or "does not follow" in p for p in found)
    if how == "stripped":
        assert found[0].startswith("entries ") and found[0].endswith(
            f"({total} entries): no HMAC, though written after migration 0008 (forged, or the "
            "HMAC removed)")
    elif how == "own key":  # every entry re-signed with a wrong key
        assert found[0].endswith(f"({total} entries): the HMAC does not match (forged, or the "
                                 "hashes recomputed without the audit key)")
    else:  # from the forged entry on (the first two keep their hashes and HMACs)
        with store.read() as conn:
            last_id = conn.execute(select(chain.log.c.id).order_by(chain.log.c.id.desc())
                                   .limit(1)).scalar_one()
        assert found[0] == (f"entries {forged} to {last_id} ({total - 2} entries): the HMAC "
                            "does not match (forged, or the hashes recomputed without the "
                            "audit key)")
    assert found[-1].startswith("the chain's head does not carry its HMAC")
    with_anchor = prefixed(chain, problems(store, anchor))
    assert any("up to the anchor was changed" in p for p in with_anchor)


@pytest.mark.parametrize("chain", CHAINS)
def test_pretending_entries_predate_the_signatures(store: Store, chain: Chain) -> None:
    """Stripping the HMACs and moving the head's count of unsigned entries up: the head's
    HMAC covers that count, and the anchor records it."""
    populate(store)
    anchor = anchor_audit(store, AS_T)
    drop_guards(store)
    recompute(store, chain, strip=True)
    head = head_row(store, chain)
    set_head(store, chain, {**head, "unsigned_count": head["count"]})
    found = prefixed(chain, problems(store))
    assert found == ["the chain's head does not carry its HMAC: it was changed outside "
                     "weerbaar (rewound, or its count of unsigned entries changed)"]
    found = prefixed(chain, problems(store, anchor))
    assert any(f"the head counts {head['count']} entries from before migration 0008, the "
               "anchor 0: the head was changed" in p for p in found)


def test_a_changed_anchor_file_is_refused(store: Store) -> None:
    populate(store)
    data = anchor_audit(store, AS_T).to_dict()
    data["chains"]["audit_log"]["count"] -= 5  # to hide the last five entries
    anchor = AuditAnchor.from_json(json.dumps(data), "anchor.json")
    assert problems(store, anchor)[0] == (f"the anchor of {anchor.created_at} does not match "
                                          "its HMAC: the anchor file was altered")


@pytest.mark.parametrize("document, where", [
    ("{", "anchor.json, line 1: not JSON"),
    ("[]", "anchor.json: missing or of the wrong type"),
    ('{"format": "weerbaar.audit-anchor/1", "database": "d", "created_at": "t", '
     '"key_id": "k", "hmac": "h", "chains": {"audit_log": {"count": -1, "hash": "x", '
     '"unsigned_count": 0}}}', "anchor.json, key chains.audit_log: not a chain position"),
    ('{"format": "x"}', "anchor.json, key format: unknown format 'x'"),
])
def test_a_malformed_anchor_file_is_invalid_input(document: str, where: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        AuditAnchor.from_json(document, "anchor.json")
    assert str(caught.value).startswith(where)


# -- the key ---------------------------------------------------------------------------------


def test_a_key_mismatch_is_reported_clearly(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    populate(store)
    anchor = anchor_audit(store, AS_T)
    right = audit.load_key()
    assert right is not None
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY", OTHER_KEY)
    wrong = audit.load_key()
    assert wrong is not None and wrong.id != right.id
    found = problems(store, anchor)
    assert found == [
        f"key mismatch: the anchor of {anchor.created_at} is signed with the audit key "
        f"{right.id}, but the key in use (WEERBAAR_AUDIT_KEY) is {wrong.id}",
        f"key mismatch: the audit log is signed with the audit key {right.id}, but the key in "
        f"use (WEERBAAR_AUDIT_KEY) is {wrong.id}; use this database's key (WEERBAAR_AUDIT_KEY "
        "or WEERBAAR_AUDIT_KEY_FILE); no HMAC was checked",
        f"read log key mismatch: the read log is signed with the audit key {right.id}, but the "
        f"key in use (WEERBAAR_AUDIT_KEY) is {wrong.id}; use this database's key "
        "(WEERBAAR_AUDIT_KEY or WEERBAAR_AUDIT_KEY_FILE); no HMAC was checked"]
    # nothing is written with the wrong key: the chain stays verifiable
    before = head_row(store, CHANGES)
    with pytest.raises(AuditChainBroken, match="nothing was written: key mismatch"):
        add_change(store)
    assert head_row(store, CHANGES) == before
    with pytest.raises(AuditChainBroken, match="no anchor made"):
        anchor_audit(store, AS_T)


def test_without_a_key_nothing_is_signed_or_verified(store: Store, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    populate(store)
    monkeypatch.delenv("WEERBAAR_AUDIT_KEY")
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY_FILE", str(tmp_path / "nowhere" / "audit.key"))
    with pytest.raises(AuditChainBroken, match=r"cannot be signed: no audit key: set "
                       r"WEERBAAR_AUDIT_KEY .*nowhere/audit\.key"):
        add_change(store)
    with pytest.raises(AuditChainBroken) as caught:
        verify_audit(store, AS_T)
    assert caught.value.problems[0].startswith("no audit key: set WEERBAAR_AUDIT_KEY")
    assert "the HMACs were not checked" in caught.value.problems[0]


def test_upgrade_creates_the_key_file(databases: Databases, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "keys" / "audit.key"
    monkeypatch.delenv("WEERBAAR_AUDIT_KEY")
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY_FILE", str(path))
    store = databases.new()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    key = audit.load_key()
    assert key is not None and key.source == str(path) and len(path.read_text().strip()) == 64
    assert head_row(store, CHANGES)["key_id"] == head_row(store, READS)["key_id"] == key.id
    populate(store, reads=1)
    assert problems(store) == []
    state = upgrade(store.engine)  # a second upgrade keeps the key
    assert state.audit_key == f"audit key {key.id} ({path})"
    assert audit.load_key() == key


def test_the_default_key_file_and_its_checks(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    assert audit.key_file(env) == tmp_path / "data" / "weerbaar" / "audit.key"
    assert audit.load_key(env) is None
    key, created = audit.ensure_key(env)
    assert created and key == audit.ensure_key(env)[0] and not audit.ensure_key(env)[1]
    audit.key_file(env).chmod(0o644)
    with pytest.raises(InvalidInput, match=r"may be read or written by other users.*chmod 600"):
        audit.load_key(env)
    with pytest.raises(InvalidInput, match="too short"):
        audit.load_key({"WEERBAAR_AUDIT_KEY": "short"})
    assert "secret" not in repr(audit.load_key({"WEERBAAR_AUDIT_KEY": "secret" * 6}))


def test_a_database_from_before_the_signatures(databases: Databases) -> None:
    """Entries written before migration 0008 carry no HMAC: reported as unsigned, checked by
    their hashes; a forged one is still found (the later HMACs and the head's cover it)."""
    store = databases.new(upgraded=False)
    upgrade(store.engine, "0007")
    prev = audit.GENESIS
    with store.transaction() as conn:  # what weerbaar wrote before 0008
        for i in range(3):
            entry = {"at": datetime(2026, 1, 1, 0, i), "actor": "old", "action": "create",
                     "entity_type": "cycle", "entity_key": f"c{i}", "cycle_key": None,
                     "revision": None, "detail": {"n": i}}
            digest = audit.entry_hash(prev, audit.canonical(entry))
            conn.execute(text("INSERT INTO audit_log (at, actor, action, entity_type, "
                              "entity_key, cycle_key, revision, detail, prev_hash, hash) VALUES "
                              "(:at, :actor, :action, :entity_type, :entity_key, :cycle_key, "
                              ":revision, :detail, :prev, :hash)"),
                         {**entry, "detail": json.dumps(entry["detail"]), "prev": prev,
                          "hash": digest})
            prev = digest
        conn.execute(text("UPDATE audit_head SET last_hash = :h, count = 3"), {"h": prev})
    upgrade(store.engine)
    check = verify_audit(store, AS_T)
    assert (check.changes, check.unsigned_changes, check.reads, check.unsigned_reads) == \
        (3, 3, 0, 0)
    add_change(store)
    check = verify_audit(store, AS_T)
    assert (check.changes, check.unsigned_changes) == (4, 3)
    anchor = anchor_audit(store, AS_T)
    assert anchor.chains["audit_log"].unsigned_count == 3
    drop_guards(store)
    with store.transaction() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE entity_key = 'c1'"))
    recompute(store, CHANGES)
    found = problems(store, anchor)
    assert any(p.startswith("entry 4: the HMAC does not match") for p in found)
    assert any("head does not carry its HMAC" in p for p in found)
    assert any("up to the anchor was changed" in p for p in found)


# -- through the command line ----------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path) -> Iterator[Store]:
    """A SQLite file (``tmp_path / "cli.db"``) with the example cycles and three reads, for the
    command line."""
    store = open_store(str(tmp_path / "cli.db"), check_schema=False)
    upgrade(store.engine)
    populate(store, reads=3)
    yield store
    store.dispose()


def test_cli_anchor_and_verify(cli_store: Store, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    store = cli_store
    db = str(tmp_path / "cli.db")
    anchor = tmp_path / "anchor.json"
    assert main(["audit", "anchor", "--out", str(anchor), "--db", db]) == 0
    assert f"wrote {anchor}" in capsys.readouterr().out
    assert main(["audit", "anchor", "--out", str(anchor), "--db", db]) == 2  # not overwritten
    capsys.readouterr()
    assert main(["audit", "anchor", "--db", db]) == 0  # printed, for a pipe
    printed = AuditAnchor.from_json(capsys.readouterr().out, "stdout")
    assert printed.chains == load_anchor(anchor).chains
    assert main(["audit", "verify", "--anchor", str(anchor), "--db", db]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "chain intact, HMACs valid" in said and "read log: 3 entries" in said
    assert "are as anchored, and the chains continue validly from them" in said
    # an attacker deletes the last three reads and puts back a head copied before them
    saved = head_row(store, READS)
    add_reads(store, 3, actor="ann-again")
    assert main(["audit", "anchor", "--out", str(tmp_path / "later.json"), "--db", db]) == 0
    drop_guards(store)
    for _ in range(3):
        delete_last(store, READS)
    set_head(store, READS, saved)
    capsys.readouterr()
    assert main(["audit", "verify", "--db", db]) == 0  # the older anchor cannot tell either
    assert main(["audit", "verify", "--anchor", str(anchor), "--db", db]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", str(tmp_path / "later.json"), "--db", db]) == 9
    said = " ".join(capsys.readouterr().err.split())
    assert "read log the anchor of" in said and "recorded 6 entries, the read log holds 3" in said
    assert "error: audit log of" in said and "1 problem(s)" in said


def test_cli_reports_a_recomputed_chain_and_a_bad_anchor(cli_store: Store,
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    store = cli_store
    db = str(tmp_path / "cli.db")
    anchor = tmp_path / "anchor.json"
    assert main(["audit", "anchor", "--out", str(anchor), "--db", db]) == 0
    drop_guards(store)
    forged = forge(store, CHANGES)
    recompute(store, CHANGES)
    capsys.readouterr()
    assert main(["audit", "verify", "--db", db]) == 9
    said = " ".join(capsys.readouterr().err.split())
    assert f"entries {forged} to " in said and "the HMAC does not match" in said
    assert main(["audit", "anchor", "--out", str(tmp_path / "no.json"), "--db", db]) == 9
    assert not (tmp_path / "no.json").exists()
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", str(anchor), "--db", db]) == 9
    assert "up to the anchor was changed" in " ".join(capsys.readouterr().err.split())
    junk = tmp_path / "junk.json"
    junk.write_text("not an anchor", encoding="utf-8")
    assert main(["audit", "verify", "--anchor", str(junk), "--db", db]) == 2
    assert "junk.json, line 1: not JSON" in " ".join(capsys.readouterr().err.split())
    assert main(["audit", "verify", "--anchor", str(tmp_path / "missing.json"), "--db", db]) == 2


def test_cli_in_a_subprocess_exits_9_on_a_truncated_log(cli_store: Store,
                                                        tmp_path: Path) -> None:
    store = cli_store
    db = str(tmp_path / "cli.db")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def weerbaar(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "weerbaar.cli", *args, "--db", db], env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    anchor = tmp_path / "anchor.json"
    assert weerbaar("audit", "anchor", "--out", str(anchor)).returncode == 0
    drop_guards(store)
    with store.transaction() as conn:
        conn.execute(text("DELETE FROM audit_log"))
        conn.execute(text("UPDATE audit_head SET count = 0, last_hash = :g"),
                     {"g": audit.GENESIS})
    done = weerbaar("audit", "verify", "--anchor", str(anchor))
    assert done.returncode == 9, done.stderr
    said = " ".join(done.stderr.split())
    assert "the audit log holds 0: entries were deleted from the end or the log was truncated" \
        in said
    assert "the chain's head does not carry its HMAC" in said
