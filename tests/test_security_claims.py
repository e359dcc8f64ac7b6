"""Known answers for claims of docs/security.md outside the web app: the dependency lock, the
password policy, the fuzz settings and the audit key, anchors and backups."""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from sqlalchemy import select

from weerbaar.errors import AuditChainBroken
from weerbaar.services.audit import anchor_audit
from weerbaar.services.cycles import load_examples
from weerbaar.services.passwords import MAX_PASSWORD, password_problem
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit, open_store, upgrade
from weerbaar.store.backup import backup, restore

ROOT = Path(__file__).resolve().parents[1]


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed_closure(root: str, extras: set[str]) -> dict[str, str]:
    """Every distribution that ``root[extras]`` needs, directly or not: name -> installed
    version (what ``pip install -e '.[test]'`` installed)."""
    found: dict[str, str] = {}
    todo: list[tuple[str, set[str]]] = [(root, extras)]
    while todo:
        name, wanted = todo.pop()
        dist = metadata.distribution(name)
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not any(marker.evaluate({"extra": e})
                                              for e in wanted or {""}):
                continue
            key = _name(requirement.name)
            if key not in found:
                try:
                    found[key] = metadata.distribution(requirement.name).version
                except metadata.PackageNotFoundError:
                    continue  # not installed: nothing to pin
                todo.append((requirement.name, set(requirement.extras)))
    found.pop(_name(root), None)
    return found


def _locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"requirements.lock: {line!r} is not pinned with =="
            pins[_name(name)] = version.strip()
    return pins


def test_requirements_lock_pins_every_installed_package() -> None:
    installed = _installed_closure("weerbaar", {"test"})
    assert len(installed) > 50
    locked = _locked()
    assert {name: version for name, version in installed.items()
            if locked.get(name) != version} == {}


def test_the_audit_script_audits_the_lock_strictly() -> None:
    script = (ROOT / "scripts" / "audit-deps").read_text(encoding="utf-8")
    assert re.search(r"pip-audit\" --requirement \"\$LOCK\" --no-deps --disable-pip --strict",
                     script)


@pytest.mark.parametrize(("password", "rule"), [
    ("My-Name-Is-ANNABEL-x", "user-name"),
    ("the-AnNaBeL-of-2026", "user-name"),
    ("WeerBaar-rocks-2026", "service-name"),
    ("my-name-is-bel-and-more", None),  # a part of the name is not the name
])
def test_names_in_a_password_are_found_ignoring_case(password: str, rule: str | None) -> None:
    problem = password_problem(password, username="annabel")
    assert (problem.rule if problem else None) == rule


def test_a_check_takes_well_under_a_millisecond() -> None:
    passwords = ["correct horse battery staple", "a-long-enough-password", "Dragon2024!x",
                 "k" * 100 + "-correct-horse-" + "z" * (MAX_PASSWORD - 115)]
    for password in passwords:
        password_problem(password, username="someone")  # the list is loaded once
    start = time.perf_counter()
    for _ in range(100):
        for password in passwords:
            password_problem(password, username="someone")
    assert (time.perf_counter() - start) / (100 * len(passwords)) < 0.001


def test_the_fuzz_examples_are_fixed_unless_scaled() -> None:
    """CI sends the same inputs every time; ``WEERBAAR_FUZZ_SCALE=20`` twenty times as many,
    freshly random."""
    show = ("import tests.test_fuzz_importers as m; "
            "print(m.FUZZ.derandomize, m.FUZZ.database, m.FUZZ.max_examples)")
    found = {}
    for scale in ("", "20"):
        env = {k: v for k, v in os.environ.items() if k != "WEERBAAR_FUZZ_SCALE"}
        if scale:
            env["WEERBAAR_FUZZ_SCALE"] = scale
        found[scale] = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=env,
                                      capture_output=True, text=True, check=True).stdout.split()
    assert found == {"": ["True", "None", "60"], "20": ["False", "None", "1200"]}


# --- the audit trail ----------------------------------------------------------------------------


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[Store]:
    """A SQLite database with the example cycles and two read-log entries."""
    store = open_store(str(tmp_path / "audited.db"), check_schema=False)
    upgrade(store.engine)
    load_examples(store, Viewer.operator("t"))
    with store.transaction() as conn:
        audit.append_many(conn, [{
            "at": datetime(2026, 12, 5, 10, i), "actor": "ann", "action": "read",
            "entity_type": "scenario", "entity_key": f"s{i}", "cycle_key": "midterm-2021",
            "revision": 1, "detail": {"channel": "page"}} for i in range(2)], chain=audit.READS)
    yield store
    store.dispose()


def test_db_upgrade_creates_the_key_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from weerbaar.cli import main

    path = tmp_path / "keys" / "audit.key"
    monkeypatch.delenv("WEERBAAR_AUDIT_KEY")
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY_FILE", str(path))
    db = str(tmp_path / "new.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    said = " ".join(capsys.readouterr().out.split())
    found = re.search(r"created the audit key ([0-9a-f]{16}) in (\S+): keep a copy away from "
                      r"the database", said)
    assert found is not None, said
    assert found.group(2) == str(path) and re.fullmatch(r"[0-9a-f]{64}",
                                                         path.read_text().strip())
    assert found.group(1) not in path.read_text()  # the id reveals nothing of the key
    assert main(["db", "upgrade", "--db", db]) == 0  # later upgrades name the key in use
    assert f"audit key {found.group(1)} ({path})" in " ".join(capsys.readouterr().out.split())
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY", "another-audit-key-" + "1" * 40)
    main(["db", "upgrade", "--db", db])
    said = " ".join(capsys.readouterr().out.split())
    assert found.group(1) in said and "not" in said, said  # not the database's key


def test_an_anchor_holds_hashes_and_counts_only(audited: Store) -> None:
    anchor = anchor_audit(audited, Viewer.operator("t")).to_dict()
    assert set(anchor) == {"format", "database", "created_at", "key_id", "hmac", "chains"}
    assert {name: set(chain) for name, chain in anchor["chains"].items()} == {
        "audit_log": {"count", "hash", "unsigned_count"},
        "read_log": {"count", "hash", "unsigned_count"}}
    document = json.dumps(anchor)
    assert os.environ["WEERBAAR_AUDIT_KEY"] not in document
    assert "midterm-2021" not in document and "ann" not in document  # no content, no names


def test_a_backup_holds_the_hmacs_but_never_the_key(audited: Store, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    file = tmp_path / "backup.json.gz"
    backup(audited, file)
    content = gzip.decompress(file.read_bytes()).decode("utf-8")
    key = os.environ["WEERBAAR_AUDIT_KEY"]
    assert key not in content
    with audited.read() as conn:
        macs = list(conn.execute(select(audit.CHANGES.log.c.hmac)).scalars())
    assert macs and all(mac in content for mac in macs[:5])
    # a restored database needs the key of the database it came from
    target = open_store(str(tmp_path / "restored.db"), check_schema=False)
    try:
        upgrade(target.engine)
        restore(target, file)
        monkeypatch.setenv("WEERBAAR_AUDIT_KEY", "another-audit-key-" + "1" * 40)
        with pytest.raises(AuditChainBroken, match="nothing was written: key mismatch"):
            _note(target)
        monkeypatch.setenv("WEERBAAR_AUDIT_KEY", key)
        _note(target)
    finally:
        target.dispose()


def _note(store: Store) -> None:
    with store.transaction() as conn:
        audit.append(conn, at=datetime(2026, 12, 6), actor="t", action="note",
                     entity_type="cycle", entity_key="x", cycle_key=None, revision=None,
                     detail=None)


def test_the_default_key_file_is_beside_the_default_database(tmp_path: Path) -> None:
    from weerbaar.store.engine import default_database_path

    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert audit.key_file(env).parent == default_database_path(env).parent == tmp_path / "weerbaar"
    moved = {**env, "WEERBAAR_AUDIT_KEY_FILE": str(tmp_path / "elsewhere" / "audit.key")}
    assert audit.key_file(moved) == tmp_path / "elsewhere" / "audit.key"
