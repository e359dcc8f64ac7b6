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

from tests.operator_support import OPERATOR

from weerbaar.services import accounts
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
        load_examples(store, OPERATOR)
        accounts.add_user(store, OPERATOR, "admin", PASSWORDS["admin"], is_admin=True)
        for name, (role, cycle) in USERS.items():
            accounts.add_user(store, OPERATOR, name, PASSWORDS[name])
            accounts.grant(store, OPERATOR, name, role, cycle=cycle)
    finally:
        store.dispose()
    return path


def _walk(routes: Any, prefix: str = "") -> Any:
    """(path, methods) of every route, into included routers (newer FastAPI wraps each
    ``include_router`` in an object holding the original router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        else:
            yield prefix + getattr(route, "path", ""), getattr(route, "methods", None) or ()


def api_routes(app: Any) -> set[tuple[str, str]]:
    """(METHOD, path) of every route under /api/v1 except the OpenAPI document itself."""
    out = set()
    for path, methods in _walk(app.routes):
        if path.startswith("/api/v1/") and not path.endswith("openapi.json"):
            out |= {(m, path) for m in methods if m != "HEAD"}
    assert out, "no /api/v1 routes found: the route walk does not match this FastAPI"
    return out



def age(store: Any, table: str, column: str, minutes: float) -> None:
    """Move ``column`` of every row of ``table`` ``minutes`` into the past (as if that much
    time had passed)."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from weerbaar.store import schema

    found = getattr(schema, table)
    with store.transaction() as conn:
        rows = conn.execute(select(found.c.id, found.c[column])
                            .where(found.c[column].is_not(None))).all()
        for key, value in rows:
            conn.execute(update(found).where(found.c.id == key)
                         .values({column: value - timedelta(minutes=minutes)}))


def age_confirmations(store: Any, minutes: float = 6) -> None:
    """Make every login session's last password confirmation ``minutes`` older (the default
    re-authentication lasts 5 minutes)."""
    age(store, "web_sessions", "reauth_at", minutes)
