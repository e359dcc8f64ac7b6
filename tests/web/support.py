"""Shared by the web tests: the test database, its users and small helpers.

Users (password: ``PASSWORDS[name]``):

- ``admin``: administrator
- ``cora``: coordinator on every cycle (facilitates expert sessions, gives verdicts)
- ``ann``: analyst on every cycle
- ``eva``, ``ed``: experts on every cycle
- ``vic``: viewer on midterm-2021 only

Two-factor login is required of nobody in this database (see ``build_database``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from tests.operator_support import OPERATOR

from weerbaar.services import accounts, two_factor
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
# none holds its user name (the password policy refuses that)
PASSWORDS = {name: f"pw-correct-horse-{i}" for i, name in enumerate(("admin", *USERS), 1)}


def build_database(path: Path) -> Path:
    """An upgraded SQLite database at ``path`` with the example cycles and the test users."""
    store = open_store(str(path), check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, OPERATOR)
        accounts.add_user(store, OPERATOR, "admin", PASSWORDS["admin"], is_admin=True,
                          must_change_password=False)
        for name, (role, cycle) in USERS.items():
            accounts.add_user(store, OPERATOR, name, PASSWORDS[name], must_change_password=False)
            accounts.grant(store, OPERATOR, name, role, cycle=cycle)
        # tests that are not about two-factor login grant clearances up to secret and log in
        # with the password alone: nobody is required to have it here (test_two_factor.py
        # and test_browser_two_factor.py put the default back)
        two_factor.set_requirement(store, OPERATOR, None)
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


class _FormParser(HTMLParser):
    """What a browser submits for one form: named inputs (checkboxes and radios only when
    checked, no buttons), textareas (the newline right after the tag dropped, as HTML does) and
    the selected option of each select (the first when none is selected)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # inside the form when > 0
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.textarea: str | None = None
        self.text: list[str] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self.in_main = True
        if tag == "form" and not self.done and self.in_main and (
                self.form_id is None or a.get("id") == self.form_id):
            self.depth = 1
            return
        if not self.depth or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind in ("checkbox", "radio")
                                                 else "")))
        elif tag == "textarea":
            self.textarea, self.text = a["name"], []
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea is not None:
            body = "".join(self.text)
            self.fields.append((self.textarea, body[1:] if body.startswith("\n") else body))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, s in self.options if s] or [v for v, _ in self.options[:1]]
            if chosen:
                self.fields.append((self.select, chosen[-1]))
            self.select = None
        elif tag == "form" and self.depth:
            self.depth, self.done = 0, True


def form_fields(page: str, form_id: str | None = None) -> dict[str, str]:
    """The fields a browser would submit for the first form in the page's ``<main>`` (or the
    form with id ``form_id``), unchanged."""
    parser = _FormParser(form_id)
    parser.feed(page)
    return dict(parser.fields)
