"""Web fixtures: a temporary SQLite database with the example cycles and one user per role.

The database is built once per test session (migrations, example cycles, argon2 hashes are the
slow part) and copied for every test, so each test starts from the same state and may write.
The users are listed in ``support.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from weerbaar.store import Store, open_store
from weerbaar.web import create_app

from .support import PASSWORDS, build_database


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_database(tmp_path_factory.mktemp("web-template") / "template.sqlite")


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template database for this test."""
    target = tmp_path / "web.sqlite"
    shutil.copyfile(template_db, target)
    return target


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    opened = open_store(str(db_path))
    yield opened
    opened.dispose()


@pytest.fixture
def app(store: Store) -> object:
    return create_app(store)


@pytest.fixture
def anon(app: object) -> Iterator[TestClient]:
    with TestClient(app) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
def client_for(app: object) -> Iterator[Callable[[str], TestClient]]:
    """``client_for("ann")``: a client logged in through the API, with its CSRF header set."""
    clients: list[TestClient] = []

    def make(name: str) -> TestClient:
        client = TestClient(app)  # type: ignore[arg-type]
        response = client.post("/api/v1/login",
                               json={"username": name, "password": PASSWORDS[name]})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf"]
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
