"""The real server (``weerbaar serve`` in a subprocess) killed with SIGKILL in the middle of a
stream of writes, then restarted on the same database: every write it acknowledged is there,
the audit chain is intact, every versioned document has exactly its revisions, and the server
serves again. On a SQLite file and on PostgreSQL (WEERBAAR_TEST_PG; skipped when unset or
``off``, each run in its own schema, dropped afterwards).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from weerbaar.services import accounts
from weerbaar.services.cycles import load_examples
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit, get, history, open_store, upgrade
from weerbaar.store.schema import measures, reviews, revisions, scenarios

from .support import DRAFT, PASSWORDS

AS_TEST = Viewer.operator("test")

PG = os.environ.get("WEERBAAR_TEST_PG", "")
WRITERS = 4
KILL_AFTER = 30  # acknowledged writes before the kill (or 6 s, whichever comes first)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``weerbaar serve`` on a free loopback port; ``kill()`` sends SIGKILL."""

    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "weerbaar.cli", "serve", "--db", url, "--host",
                 "127.0.0.1", "--port", str(self.port)], stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, f"the server stopped: {log.read_text()}"
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"the server did not start: {log.read_text()}"
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def client(base: str) -> httpx.Client:
    session = httpx.Client(base_url=base, timeout=15)
    response = session.post("/api/v1/login", json={"username": "ann",
                                                    "password": PASSWORDS["ann"]})
    response.raise_for_status()
    session.headers["X-CSRF-Token"] = response.json()["csrf"]
    return session


@dataclass
class Acknowledged:
    """What the server said it stored (2xx), by the writers."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    measures: list[str] = field(default_factory=list)
    edits: list[tuple[str, int, str]] = field(default_factory=list)  # scenario, revision, mark
    failures: list[str] = field(default_factory=list)  # connection errors (after the kill)
    unexpected: list[str] = field(default_factory=list)  # 5xx and other surprises

    @property
    def count(self) -> int:
        return len(self.measures) + len(self.edits)


def writer(base: str, number: int, scenario: str, stop: threading.Event,
           acked: Acknowledged) -> None:
    """Add measures and edit one scenario, alternately, until stopped or cut off."""
    try:
        session = client(base)
        current = session.get(f"/api/v1/cycles/{DRAFT}/scenarios/{scenario}").json()
        revision, scores = current["revision"], current["input"]
        n = 0
        while not stop.is_set():
            n += 1
            mark = f"kill-{number}-{n}"
            if n % 2:
                response = session.post(f"/api/v1/cycles/{DRAFT}/measures", json={
                    "id": mark, "title": f"Measure {mark}", "scenarios": [scenario],
                    "status": "planned", "effect": {"likelihood": 0.5}})
                if response.status_code == 201:
                    with acked.lock:
                        acked.measures.append(mark)
                    continue
            else:
                scores = {**scores, "likelihood": {"ev": "C" if n % 4 else "D", "ll": "B",
                                                   "ul": "E", "reasoning": mark}}
                response = session.put(f"/api/v1/cycles/{DRAFT}/scenarios/{scenario}", json={
                    "scenario": scores, "expected_revision": revision, "reason": mark})
                if response.status_code == 200:
                    revision = response.json()["revision"]
                    with acked.lock:
                        acked.edits.append((scenario, revision, mark))
                    continue
            with acked.lock:
                acked.unexpected.append(f"{response.status_code} {response.text[:200]}")
            return
    except httpx.HTTPError as exc:  # the server was killed: the request was not acknowledged
        with acked.lock:
            acked.failures.append(type(exc).__name__)


def hammer_and_kill(server: Server) -> Acknowledged:
    acked = Acknowledged()
    listed = client(server.base).get(f"/api/v1/cycles/{DRAFT}/scenarios").json()
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(server.base, n, listed[n]["id"], stop,
                                                     acked)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 6
    while acked.count < KILL_AFTER and time.monotonic() < deadline and not acked.unexpected:
        time.sleep(0.02)
    server.kill()  # mid-stream: the writers are still sending
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    return acked


def check_consistency(store: Store, acked: Acknowledged) -> None:
    for mark in acked.measures:
        assert get(store, DRAFT, "measure", mark).item.title == f"Measure {mark}"
    by_scenario: dict[str, list[tuple[int, str]]] = {}
    for scenario, revision, mark in acked.edits:
        by_scenario.setdefault(scenario, []).append((revision, mark))
    for scenario, done in by_scenario.items():
        stored = {r.number: r for r in history(store, DRAFT, "scenario", scenario)}
        for revision, mark in done:
            assert stored[revision].reason == mark
            assert mark in json.dumps(stored[revision].snapshot)
        assert get(store, DRAFT, "scenario", scenario).revision >= max(r for r, _ in done)
    with store.read() as conn:
        assert audit.verify(conn) == []
        for table, entity in ((scenarios, "scenario"), (measures, "measure"),
                              (reviews, "review")):
            counted = (select(revisions.c.entity_id, func.count().label("n"),
                              func.max(revisions.c.number).label("top"))
                       .where(revisions.c.entity_type == entity)
                       .group_by(revisions.c.entity_id).subquery())
            rows = conn.execute(select(table.c.id, table.c.revision, counted.c.n, counted.c.top)
                                .outerjoin(counted, counted.c.entity_id == table.c.id)).all()
            for key, revision, n, top in rows:
                assert (n, top) == (revision, revision), (entity, key, revision, n, top)
            orphans = conn.execute(select(func.count()).select_from(revisions).where(
                revisions.c.entity_type == entity,
                revisions.c.entity_id.not_in(select(table.c.id)))).scalar_one()
            assert orphans == 0, entity


def serves_again(server: Server, acked: Acknowledged) -> None:
    session = client(server.base)
    listed = {m["id"] for m in session.get(f"/api/v1/cycles/{DRAFT}/measures").json()}
    assert set(acked.measures) <= listed
    response = session.post(f"/api/v1/cycles/{DRAFT}/measures", json={
        "id": "after-restart", "title": "After the restart", "status": "planned"})
    assert response.status_code == 201, response.text
    assert session.get("/").status_code == 200


def run(url: str, folder: Path) -> None:
    log = folder / "server.log"
    first = Server(url, log)
    try:
        acked = hammer_and_kill(first)
    finally:
        first.stop()
    assert not acked.unexpected, acked.unexpected
    assert acked.count >= 10, f"too few writes acknowledged before the kill: {acked.count}"
    assert acked.failures, "the kill did not cut off any writer (not mid-stream)"
    if url.startswith("postgresql"):
        time.sleep(0.5)  # the server notices the dead client and rolls back
    second = Server(url, log)
    try:
        store = open_store(url)
        try:
            check_consistency(store, acked)
        finally:
            store.dispose()
        serves_again(second, acked)
    finally:
        second.stop()


def test_sigkill_during_writes_on_sqlite(template_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite"
    shutil.copyfile(template_db, db)
    run(str(db), tmp_path)


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG or PG == "off":
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    base = PG.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"wb_kill_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    try:
        store = open_store(url, check_schema=False)
        try:
            upgrade(store.engine)
            load_examples(store, AS_TEST)
            accounts.add_user(store, AS_TEST, "ann", PASSWORDS["ann"])
            accounts.grant(store, AS_TEST, "ann", "analyst")
        finally:
            store.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


@pytest.mark.postgresql
def test_sigkill_during_writes_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    run(pg_url, tmp_path)
