"""Store fixtures: every store test runs on SQLite and on the PostgreSQL server.

PostgreSQL tests use the database named by WEERBAAR_TEST_PG (scripts/test sets
postgresql://postgres@127.0.0.1:5432/test); each test gets its own schema, dropped afterwards.
Set WEERBAAR_TEST_PG=off to run without PostgreSQL (those tests are then reported as skipped).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from weerbaar.store import Store, open_store, upgrade

PG = os.environ.get("WEERBAAR_TEST_PG", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pg_enabled() -> bool:
    return bool(PG) and PG != "off"


def _pg_url(schema: str) -> str:
    base = PG.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


class Databases:
    """Makes fresh, upgraded databases of one backend for a test, and cleans them up."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend, self.tmp_path = backend, tmp_path
        self.stores: list[Store] = []
        self.schemas: list[str] = []

    def url(self) -> str:
        if self.backend == "sqlite":
            return str(self.tmp_path / f"db-{len(self.stores) + len(self.schemas)}.sqlite")
        schema = f"wb_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://", 1))
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        self.schemas.append(schema)
        return _pg_url(schema)

    def new(self, *, upgraded: bool = True) -> Store:
        url = self.url()
        store = open_store(url, check_schema=False)
        if upgraded:
            upgrade(store.engine)
        self.stores.append(store)
        return store

    def close(self) -> None:
        for store in self.stores:
            store.dispose()
        if self.schemas:
            admin = create_engine(PG.replace("postgresql://", "postgresql+psycopg://", 1))
            with admin.begin() as conn:
                for schema in self.schemas:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            admin.dispose()


@pytest.fixture(params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    if request.param == "postgresql" and not pg_enabled():
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    dbs = Databases(request.param, tmp_path)
    yield dbs
    dbs.close()


@pytest.fixture
def store(databases: Databases) -> Store:
    return databases.new()


@pytest.fixture
def make_store(databases: Databases) -> Callable[..., Store]:
    return databases.new
