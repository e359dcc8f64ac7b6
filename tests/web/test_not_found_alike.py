"""Missing and inaccessible look alike (issue 16, point 5.2): for every route with an id in its
path — API and pages, reads and writes — asking for something that exists but that the user may
not see gets the same status and the same body (but for the id) as asking for something that
does not exist. So an answer tells nobody whether an id exists, nor (for an expert session's
number, which names no cycle) in which cycle it is.

- expert sessions: on a scenario above the reader's clearance, or in a cycle the reader holds
  no role on: 404 ``no expert session N``, as for a number that was never given out — also for
  writes that need a role the reader lacks (the role is checked only for sessions they may see);
- scenarios and measures above the reader's clearance: 404 worded as for a missing key;
- a theme review above the reader's clearance: answered as for a theme without a review (the
  themes of a cycle are no secret to those with a role on it; a missing theme is 404 for
  everyone);
- a cycle the reader holds no role on: refused alike, 403 naming the key they asked for, whether
  or not that cycle exists (only those with a role on every cycle get 404 for a missing one);
- user management for a non-administrator: 403 alike, whether or not the user exists.

Profiles (package data, the same for everyone) have nothing inaccessible.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.domain import Measure, MeasureEffect
from weerbaar.services import accounts
from weerbaar.store import Store, add, get, open_store, save
from weerbaar.store import expert_sessions as sessions
from weerbaar.web import create_app

from .support import DRAFT, FROZEN

API = "/api/v1"
HIDDEN_SCENARIO = "terror-attack-multiple"  # marked confidential here
HIDDEN_REVIEW = "cbrn"  # marked confidential here
NO_REVIEW = "infectious-diseases"  # its review is deleted here: a theme without a review
SECRET_MEASURE = "m-geheim"  # marked secret here
MISSING_SESSION = "987654"
MISSING = "no-such-thing"
USERS = {  # name: {cycle: (role, clearance)}
    "low": {DRAFT: ("viewer", "internal")},
    "lowan": {DRAFT: ("analyst", "internal")},
    "outsider": {FROZEN: ("coordinator", "secret")},  # no role on the draft cycle
    "cora2": {"*": ("coordinator", "secret")},  # not an administrator
}


def password(name: str) -> str:
    return f"pw-alike-{sum(map(ord, name))}-long"


@dataclass(frozen=True)
class Marked:
    path: Path
    hidden_session: int  # on the confidential scenario
    shown_session: int  # on a visible scenario of the draft cycle


@pytest.fixture(scope="module")
def marked(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Marked:
    path = tmp_path_factory.mktemp("alike") / "alike.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    try:
        for kind, key in (("scenario", HIDDEN_SCENARIO), ("review", HIDDEN_REVIEW)):
            stored = get(store, DRAFT, kind, key)
            save(store, DRAFT, stored.item.model_copy(update={"marking": "confidential"}),
                 expected_revision=stored.revision, actor="test")
        add(store, DRAFT, Measure(id=SECRET_MEASURE, title="Geheim", marking="secret",
                                  themes=("multilateral-institutions",),
                                  effect=MeasureEffect(likelihood=1.0)), actor="test")
        for name, grants in USERS.items():
            accounts.add_user(store, OPERATOR, name, password(name), must_change_password=False)
            for cycle, (role, clearance) in grants.items():
                accounts.grant(store, OPERATOR, name, role, cycle=cycle, clearance=clearance)
        _delete_review(store, NO_REVIEW)
        hidden = sessions.open_session(store, DRAFT, HIDDEN_SCENARIO, facilitator="cora",
                                       experts=["eva"])
        shown = sessions.open_session(store, DRAFT, "lone-actor-attack", facilitator="cora",
                                      experts=["eva"])
        return Marked(path, hidden.id, shown.id)
    finally:
        store.dispose()


def _delete_review(store: Store, theme: str) -> None:
    from sqlalchemy import delete, select

    from weerbaar.store.schema import cycles, reviews

    with store.transaction() as conn:
        cycle = conn.execute(select(cycles.c.id).where(cycles.c.key == DRAFT)).scalar_one()
        row = conn.execute(select(reviews.c.id).where(reviews.c.cycle_id == cycle,
                                                      reviews.c.key == theme)).scalar_one()
        conn.execute(delete(reviews).where(reviews.c.id == row))  # its revisions stay


class Site:
    def __init__(self, path: Path) -> None:
        self.store = open_store(str(path))
        self.app = create_app(self.store)
        self.clients: dict[str, tuple[TestClient, str]] = {}

    def __call__(self, name: str) -> tuple[TestClient, str]:
        if name not in self.clients:
            client = TestClient(self.app)
            response = client.post(f"{API}/login",
                                   json={"username": name, "password": password(name)})
            assert response.status_code == 200, response.text
            csrf = response.json()["csrf"]
            client.headers["X-CSRF-Token"] = csrf
            self.clients[name] = (client, csrf)
        return self.clients[name]

    def close(self) -> None:
        for client, _ in self.clients.values():
            client.close()
        self.store.dispose()


@pytest.fixture
def site(marked: Marked, tmp_path: Path) -> Iterator[Site]:
    """An app on a copy of the marked database (the cases write, or try to)."""
    path = tmp_path / "site.sqlite"
    shutil.copyfile(marked.path, path)
    made = Site(path)
    yield made
    made.close()


# --- the routes and the cases -----------------------------------------------------------------


def _walk(routes: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        else:
            yield prefix + getattr(route, "path", ""), route


def routes_with_ids() -> list[tuple[str, str]]:
    """(METHOD, path) of every route with a parameter in its path (pages and API)."""
    app = create_app(None)  # type: ignore[arg-type]  # routes only
    found = sorted((method, path) for path, route in _walk(app.routes)
                   for method in (getattr(route, "methods", None) or ())
                   if method != "HEAD" and "{" in path and not path.startswith("/static"))
    assert len(found) > 40, "the route walk does not match this FastAPI"
    return found


ROUTES = routes_with_ids()


@dataclass(frozen=True)
class Case:
    """Who asks, and the values of the path's parameters for the inaccessible and the missing
    thing (the parameter that differs is ``varies``)."""

    user: str
    varies: str
    hidden: str
    missing: str
    fixed: tuple[tuple[str, str], ...] = ()


def cases(path: str, marked: Marked) -> list[Case]:
    names = re.findall(r"\{(\w+)\}", path)
    draft = (("cycle", DRAFT),)
    if "profile_id" in names:
        return []  # package data: the same for everyone
    if "session_id" in names:
        return [Case("low", "session_id", str(marked.hidden_session), MISSING_SESSION),
                Case("outsider", "session_id", str(marked.shown_session), MISSING_SESSION)]
    if "username" in names:
        return [Case("cora2", "username", "ann", MISSING, draft if "cycle" in names else ())]
    if "scenario" in names:
        return [Case(user, "scenario", HIDDEN_SCENARIO, MISSING, draft)
                for user in ("low", "lowan")]
    if "theme" in names:  # a hidden review is a theme without one
        return [Case(user, "theme", HIDDEN_REVIEW, NO_REVIEW, draft) for user in ("low", "lowan")]
    if "measure" in names:
        return [Case(user, "measure", SECRET_MEASURE, MISSING, draft)
                for user in ("low", "lowan")]
    if names == ["cycle"]:
        return [Case("outsider", "cycle", DRAFT, MISSING)]
    raise AssertionError(f"no case for {path}: add one")


def body_for(method: str, path: str, key: str) -> dict[str, Any]:
    """A request body of the right shape for the API write ``path`` about ``key``."""
    if method in ("GET", "DELETE") or not path.startswith(API):
        return {}
    if path.endswith("/draft"):
        return {"json": {"fields": {"1.2-ev": "C"}}}
    if path.endswith("/submissions"):
        return {"json": {"impact": {"1.2": "C"}}}
    if path.endswith("/close"):
        return {"json": {"scenario": {}, "expected_revision": 1}}
    if path.endswith("/cancel"):
        return {"json": {"reason": "test"}}
    if path.endswith("/sessions"):
        return {"json": {"scenario": "trade-war", "experts": ["eva"]}}
    if "/scenarios/" in path:
        return {"json": {"scenario": {"id": key}, "expected_revision": 1}}
    if "/reviews/" in path:
        return {"json": {"review": {"theme": key}, "expected_revision": 1}}
    if path.endswith("/measures"):
        return {"json": {"id": "m-new", "title": "New"}}
    if "/measures/" in path:
        return {"json": {"measure": {"id": key, "title": "Changed"}, "expected_revision": 1}}
    if path.endswith("/strategy-text"):
        return {"json": {"strategy_text": {}, "expected_revision": 1}}
    if path.endswith("/threat-level"):
        return {"json": {"entry": {"level": 2, "period": "test"}, "expected_revision": 1}}
    if path.endswith("/grants"):
        return {"json": {"role": "viewer"}}
    if path.endswith("/status"):
        return {"json": {"disabled": True}}
    if path.endswith("/password"):
        return {"json": {"password": "a-long-enough-new-password"}}
    return {"json": {}}


def ask(site: Site, method: str, path: str, case: Case, value: str) -> tuple[int, str]:
    client, csrf = site(case.user)
    values = {**dict(case.fixed), case.varies: value}
    target = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    if target.endswith("/diff"):
        target += "?a=1&b=2"
    elif target.endswith("/search"):
        target += "?q=zoekwoord"
    options = body_for(method, path, value)
    if method == "POST" and not path.startswith(API):
        options = {"data": {"csrf_token": csrf, "expected_revision": "1"}}
    response = client.request(method, target, follow_redirects=False, **options)
    return response.status_code, response.text


def same_but_the_id(text: str, ids: tuple[str, ...]) -> str:
    for value in sorted(ids, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", "<ID>", text)
    return text


def test_every_route_with_an_id_has_a_case(marked: Marked) -> None:
    covered = [(m, p) for m, p in ROUTES if cases(p, marked)]
    assert len(covered) == len([p for _, p in ROUTES if "{profile_id}" not in p])


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_missing_and_inaccessible_answer_alike(site: Site, marked: Marked, method: str,
                                               path: str) -> None:
    for case in cases(path, marked):
        hidden = ask(site, method, path, case, case.hidden)
        missing = ask(site, method, path, case, case.missing)
        ids = (case.hidden, case.missing)
        assert hidden[0] == missing[0], (case, hidden, missing)
        if case.varies == "theme" and not path.startswith(API):
            continue  # the page shows the theme's name and ministry (no secret)
        assert same_but_the_id(hidden[1], ids) == same_but_the_id(missing[1], ids), (
            case, hidden[1][:2000], missing[1][:2000])
        assert hidden[0] in ((200, 403, 404, 409) if case.varies == "theme" else (403, 404)), (
            case, hidden)  # a theme without a review has an empty one (revision 0)
        if case.varies == "session_id":  # a session's number never tells its cycle
            assert DRAFT not in hidden[1] or not path.startswith(API), (case, hidden)


@pytest.mark.parametrize("user", ["low", "outsider"])
def test_a_session_number_names_no_cycle(site: Site, marked: Marked, user: str) -> None:
    client, _ = site(user)
    number = marked.hidden_session if user == "low" else marked.shown_session
    for method, target, options in (
            ("GET", f"{API}/sessions/{number}", {}),
            ("PUT", f"{API}/sessions/{number}/draft", {"json": {"fields": {}}}),
            ("POST", f"{API}/sessions/{number}/cancel", {"json": {}})):
        response = client.request(method, target, **options)
        assert response.status_code == 404, (method, target, response.text)
        assert response.json() == {"error": "NotFound",
                                   "detail": f"no expert session {number}"}


def test_a_visible_session_still_names_the_missing_role(site: Site, marked: Marked) -> None:
    client, _ = site("low")  # a viewer sees the session, but takes no part
    response = client.put(f"{API}/sessions/{marked.shown_session}/draft",
                          json={"fields": {}})
    assert response.status_code == 403
    assert "expert role" in response.json()["detail"]
