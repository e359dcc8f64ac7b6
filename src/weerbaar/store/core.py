"""The Store: one database, opened once, used through short transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError

from weerbaar.domain.limits import INT_MAX, stored_data
from weerbaar.errors import InvalidInput
from weerbaar.store.engine import READ_ONLY, default_database_path, make_engine, normalise_url
from weerbaar.store.migrate import require_current

Tx = Connection
"""The connection of one transaction (``Store.transaction()`` / ``Store.read()``), handed to the
repository functions that run inside the caller's transaction."""


@contextmanager
def _in_range() -> Iterator[None]:
    """A value the database cannot hold (a number beyond its integers: SQLite's 64 bits,
    PostgreSQL's 32-bit ``integer``; a text longer than its column) is invalid input, never a
    server error. The faces check the limits first (``weerbaar.domain.limits``); this is the
    net under them."""
    try:
        yield
    except OverflowError as exc:
        raise InvalidInput("a number is too large for the database",
                           expected=f"at most {INT_MAX}") from exc
    except DataError as exc:
        raise InvalidInput("a value does not fit the database (a number too large or a text "
                           "too long)") from exc


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way in SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


class Store:
    """A weerbaar database. Every public operation runs in one transaction: all or nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # Inside a transaction the domain models read rows as stored, without the limits on
    # input (domain/limits.py): content written before a limit existed stays readable. Input is
    # validated before it reaches the store.
    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with _in_range(), self.engine.begin() as conn, stored_data():
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction (rolled back at the end; on SQLite a deferred one that
        neither waits for nor blocks writers)."""
        with _in_range(), self.engine.connect() as conn, stored_data():
            conn.execution_options(**{READ_ONLY: True})
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(target: str | None = None, *, check_schema: bool = True) -> Store:
    """Open the database at ``target`` (a path or URL; default: the user's SQLite file).

    With ``check_schema`` (the default) a database with pending migrations is refused with a
    message naming ``weerbaar db upgrade``.
    """
    url = normalise_url(target if target is not None else default_database_path())
    store = Store(make_engine(url))
    if check_schema:
        try:
            require_current(store.engine, target)
        except Exception:
            store.dispose()
            raise
    return store
