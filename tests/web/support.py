"""Shared by the web tests: the test database, its users and small helpers.

Users (password: ``PASSWORDS[name]``):

- ``admin``: administrator
- ``cora``: coordinator on every cycle (facilitates expert sessions, gives verdicts)
- ``ann``: analyst on every cycle
- ``eva``, ``ed``: experts on every cycle
- ``vic``: viewer on midterm-2021 only
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weerbaar.services import auth
from weerbaar.services.cycles import load_examples
from weerbaar.store import open_store, upgrade

DRAFT = "midterm-2021"
FROZEN = "nvs-2019"
CSRF = "X-CSRF-Token"
USERS: dict[str, tuple[str, str]] = {  # name: (role, cycle)
    "cora": ("coordinator", "*"),
    "ann": ("analyst", "*"),
    "eva": ("expert", "*"),
    "ed": ("expert", "*"),
    "vic": ("viewer", DRAFT),
}
PASSWORDS = {name: f"pw-{name}-correct-horse" for name in ("admin", *USERS)}


def build_database(path: Path) -> Path:
    """An upgraded SQLite database at ``path`` with the example cycles and the test users."""
    store = open_store(str(path), check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, actor="test")
        auth.add_user(store, "admin", PASSWORDS["admin"], actor="test", is_admin=True)
        for name, (role, cycle) in USERS.items():
            auth.add_user(store, name, PASSWORDS[name], actor="test")
            auth.grant(store, name, role, cycle=cycle, actor="test")
    finally:
        store.dispose()
    return path


def api_routes(app: Any) -> set[tuple[str, str]]:
    """(METHOD, path) of every route under /api/v1 except the OpenAPI document itself."""
    out = set()
    for route in app.routes:
        path = getattr(route, "path", "")
        if path.startswith("/api/v1/") and not path.endswith("openapi.json"):
            out |= {(m, path) for m in getattr(route, "methods", ()) if m != "HEAD"}
    return out
