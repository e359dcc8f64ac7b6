"""Database URLs and engines: SQLite by default (foreign keys on, WAL), PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from weerbaar.errors import InvalidInput


def default_database_path(env: dict[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/weerbaar/weerbaar.db`` (``~/.local/share/weerbaar/weerbaar.db``)."""
    env = dict(os.environ) if env is None else env
    base = Path(env["XDG_DATA_HOME"]) if env.get("XDG_DATA_HOME") else Path.home() / ".local/share"
    return base / "weerbaar" / "weerbaar.db"


def normalise_url(target: str | Path) -> str:
    """Accept a file path (SQLite) or a database URL; use psycopg 3 for PostgreSQL."""
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        url = make_url(text)
    except ArgumentError:
        raise InvalidInput(f"not a database URL: {text!r}", location=["database"],
                           expected="a file path or postgresql://user@host/db") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername.startswith("sqlite") or url.drivername.startswith("postgresql")):
        raise InvalidInput(f"unsupported database {url.drivername!r}", location=["database"],
                           expected="SQLite (a file path) or PostgreSQL (postgresql://...)")
    return url.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


READ_ONLY = "weerbaar_read_only"  # execution option set by Store.read()


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock at once (``BEGIN IMMEDIATE``); readers begin a deferred
    transaction, which in WAL mode reads one consistent snapshot without taking the write lock:
    readers neither wait for each other or for a writer, nor make a writer wait."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY)
                         else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for a normalised URL. SQLite parent folders are created on demand."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy issue BEGIN itself so a transaction covers reads and writes (pysqlite
        # otherwise defers BEGIN until the first write).
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)
