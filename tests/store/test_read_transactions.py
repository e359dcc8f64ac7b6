"""Read transactions (``Store.read``) do not take the write lock: a long read (a dashboard loading
a 200-scenario cycle) must not make writers wait, nor wait for other readers. On SQLite the read
sees one snapshot throughout."""

from __future__ import annotations

import threading

from weerbaar.store import Store, audit
from weerbaar.store.accounts import add_user


def test_a_writer_does_not_wait_for_an_open_read(store: Store) -> None:
    failures: list[BaseException] = []

    def write() -> None:
        try:
            add_user(store, "writer", "not-a-real-hash", actor="test")
        except BaseException as exc:  # reported below
            failures.append(exc)

    with store.read() as conn:
        before = audit.head(conn)
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=5)
        assert not writer.is_alive(), "the writer waited for the reader"
        assert not failures, failures
        if store.dialect == "sqlite":
            assert audit.head(conn) == before  # the reader keeps its snapshot
    with store.read() as conn:
        assert audit.head(conn)[1] == before[1] + 1


def test_readers_run_side_by_side(store: Store) -> None:
    with store.read() as first, store.read() as second:
        assert audit.head(first) == audit.head(second)
