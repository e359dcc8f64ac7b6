"""Limits under fire: every form and every API body of the application gets oversize texts,
numbers beyond what the store holds, NaN and infinity, and ids that are not slugs. Every answer
must be a 4xx (never a 5xx, never a success) and nothing may be stored (the audit chain's head
and the rows of every content table stay as they were).

The routes come from the app's own route table: an API write route is covered automatically
(its body is built from the OpenAPI document, or from a real body for the main ones); a page's
form needs an entry in ``PAGE_FORMS``, and a new form route without one fails
``test_every_write_route_is_covered``. Every route also gets a body over the size limit, once
with its length declared and (when it reads a body) once sent in chunks: 413.

Hostile values go to every field once (deterministic), and hypothesis adds a few random
combinations per route (derandomized: CI sends the same requests every time).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from weerbaar.services import accounts
from weerbaar.store import Store, audit, open_store, schema
from weerbaar.store import expert_sessions as sessions
from weerbaar.web import create_app
from weerbaar.web.deps import COOKIE

from .support import CSRF, DRAFT, PASSWORDS, _walk
from .test_pages import form_values

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
LIMIT = 2 * 1024 * 1024  # WebSettings().max_body_bytes
SCENARIO, THEME = "trade-war", "multilateral-institutions"
BIG_NUMBER = "9" * 5000  # 10**5000 - 1 written out: sent as a JSON number in the raw body
_BIG = "__big_number__"

HUGE = "x" * 1_000_000  # a 1 MB field
LONG = "t" * 100_000  # a 100 kB title
NOT_SLUGS = ["../../etc/passwd", "..", "a/b", "-leading", "has space", "x" * 101, "é"]
INTEGERS: list[Any] = [2**63 - 1, 2**63, 2**31, -1, _BIG, BIG_NUMBER]
FLOATS: list[Any] = [math.nan, math.inf, -math.inf, 1e308, -1.0]
VALUES = [LONG, "9" * 5000 + " fatalities", "1e400 fatalities", "9" * 20 + " fatalities",
          "nan", "inf fatalities", "A" * 101]
HOSTILE: dict[str, list[Any]] = {
    "text": [HUGE, LONG],
    "id": [LONG, *NOT_SLUGS],
    "int": INTEGERS,
    "float": FLOATS,
    "bool": [2**63, LONG],
    "value": VALUES,
}
ID_KEYS = {"id", "theme", "themes", "scenario", "scenarios", "risk_category", "cycle",
           "username"}
INT_KEYS = {"expected_revision"}
VALUE_KEYS = {"ev", "ll", "ul"}
FORM_VALUE = re.compile(r"-(ev|ll|ul)$")


# --- the database, its logged-in users and a snapshot of what it holds --------------------------


@dataclass
class Site:
    store: Store
    app: Any
    ids: dict[str, Any]
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, name: str) -> TestClient:
        if name not in self.clients:
            client = TestClient(self.app)
            if name != "nobody":
                token, csrf = self.ids["logins"][name]
                client.cookies.set(COOKIE, token)
                client.headers[CSRF] = csrf
            self.clients[name] = client
        return self.clients[name]


@pytest.fixture(scope="module")
def site(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One copy of the web tests' database for the whole module: nothing may change it."""
    path = tmp_path_factory.mktemp("fuzz-limits") / "fuzz.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    opened = sessions.open_session(store, DRAFT, SCENARIO, facilitator="cora",
                                   experts=["eva", "ed"])
    logins = {}
    for name in ("admin", "ann", "cora", "eva", "ed", "vic"):
        found = accounts.login(store, name, PASSWORDS[name])  # counts as a confirmation
        assert found is not None
        logins[name] = (found.token, found.csrf)
    app = create_app(store)
    made = Site(store, app, {"logins": logins, "session_id": opened.id})
    ann = made.client("ann")
    made.ids["measure"] = ann.get(f"/api/v1/cycles/{DRAFT}/measures").json()[0]["id"]
    submitted = made.client("eva").post(f"/api/v1/sessions/{opened.id}/submissions", json={
        "impact": {"2.1": {"ev": "B", "ll": "A", "ul": "C"}}})  # so closing reads the scores
    assert submitted.status_code == 200, submitted.text
    yield made
    for client in made.clients.values():
        client.close()
    store.dispose()


CONTENT = [t for t in schema.TABLES if t.name not in ("read_log", "read_head")]


def holdings(store: Store) -> tuple[Any, dict[str, int]]:
    """The audit chain's head and the number of rows of every content table."""
    with store.read() as conn:
        return audit.head(conn), {t.name: int(conn.execute(
            select(func.count()).select_from(t)).scalar() or 0) for t in CONTENT}


# --- the routes ---------------------------------------------------------------------------------


def write_routes(app: Any) -> set[tuple[str, str]]:
    """(METHOD, path) of every route that takes a form or a body."""
    return {(m, path) for path, methods in _walk(app.routes) for m in methods if m in WRITES}


def who(path: str) -> str:
    """The user whose request gets past the role checks to the input's validation."""
    if path in ("/login", "/api/v1/login"):
        return "nobody"
    if path.startswith(("/admin/", "/api/v1/admin/")):
        return "admin"
    if "/submit" in path or path.endswith(("/draft", "/submissions")):
        return "eva"
    if "session" in path or "/reviews/" in path or path.endswith("reauth"):
        return "cora"
    if path in ("/account/password", "/api/v1/password"):
        return "ed"
    return "ann"


def concrete(site: Site, path: str) -> str:
    known = {"cycle": DRAFT, "scenario": SCENARIO, "theme": THEME, "username": "eva",
             "measure": site.ids["measure"], "session_id": site.ids["session_id"]}
    return re.sub(r"\{(\w+)\}", lambda m: str(known[m.group(1)]), path)


# --- page forms: the base form of each (every hostile request changes one or more fields) -------

Form = dict[str, str]


def _page_form(path: str) -> Callable[[Site], Form]:
    def base(site: Site) -> Form:
        response = site.client(who(path)).get(concrete(site, path))
        assert response.status_code == 200, response.text[:300]
        return form_values(response.text)
    return base


PAGE_FORMS: dict[tuple[str, str], Callable[[Site], Form]] = {
    ("POST", "/login"): lambda s: {"username": "ann", "password": PASSWORDS["ann"], "next": "/"},
    ("POST", "/logout"): lambda s: {},
    ("POST", "/cycles/{cycle}/scenarios/{scenario}/edit"):
        _page_form("/cycles/{cycle}/scenarios/{scenario}/edit"),
    ("POST", "/cycles/{cycle}/sessions"): lambda s: {"scenario": SCENARIO, "experts": "eva"},
    ("POST", "/sessions/{session_id}/submit"): lambda s: {"2.1-ev": "B", "2.1-ll": "A",
                                                          "2.1-ul": "C"},
    ("POST", "/sessions/{session_id}/close"): lambda s: {"2.1-ev": "B", "expected_revision": "2",
                                                         "reason": "agreed"},
    ("POST", "/sessions/{session_id}/cancel"): lambda s: {"reason": "not needed"},
    ("POST", "/cycles/{cycle}/reviews/{theme}"): _page_form("/cycles/{cycle}/reviews/{theme}"),
    ("POST", "/cycles/{cycle}/strategy-text"): _page_form("/cycles/{cycle}/strategy-text"),
    ("POST", "/reauth"): lambda s: {"password": PASSWORDS["cora"], "next": "/"},
    ("POST", "/admin/users"): lambda s: {"username": "newbie",
                                         "password": "a-long-enough-password",
                                         "display_name": "New Bie"},
    ("POST", "/admin/users/{username}/grant"): lambda s: {"role": "analyst", "cycle": DRAFT,
                                                          "clearance": "internal"},
    ("POST", "/admin/users/{username}/status"): lambda s: {"disabled": "1"},
    ("POST", "/admin/users/{username}/revoke"): lambda s: {"cycle": DRAFT},
    ("POST", "/admin/users/{username}/password"): lambda s: {
        "password": "a-long-enough-password"},
    ("POST", "/account/password"): lambda s: {
        "current": PASSWORDS["ed"], "new": "another-long-password", "repeat":
        "another-long-password", "next": "/"},
    ("POST", "/login/second-factor"): lambda s: {"code": "123456", "next": "/"},
    ("POST", "/account/two-factor/setup"): lambda s: {"next": "/"},
    ("POST", "/account/two-factor/confirm"): lambda s: {"code": "123456", "next": "/"},
    ("POST", "/account/two-factor/disable"): lambda s: {},
    ("POST", "/admin/users/{username}/two-factor"): lambda s: {},
}
# fields of a page's form that hold a revision number or an id; every other one is text
FORM_KINDS = {"expected_revision": "int", "scenario": "id", "cycle": "id", "username": "id"}


def form_kind(name: str) -> str:
    return "value" if FORM_VALUE.search(name) else FORM_KINDS.get(name, "text")


def form_mutations(base: Form) -> list[Form]:
    """Every field once with a hostile value (taking turns through the values of its kind),
    every hostile revision number, and one oversize field the form does not have."""
    out: list[Form] = []
    turn = 0
    for name in sorted(base):
        if name == "csrf_token":
            continue
        kind = form_kind(name)
        values = HOSTILE[kind]
        chosen = values if kind == "int" else [values[turn % len(values)]]
        turn += 1
        out += [{**base, name: _form_text(v)} for v in chosen]
    if base.keys() - {"username", "password", "next"}:  # not the login form: FastAPI's
        out.append({**base, "an-extra-field": HUGE})  # parameters ignore other fields
    return out


def _form_text(value: Any) -> str:
    return BIG_NUMBER if value == _BIG else str(value)


# --- API bodies: from a real body or from the OpenAPI document ----------------------------------

Leaf = tuple[tuple[str | int, ...], str]  # where in the body, and its kind


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = document["components"]["schemas"][name]
    return node


def from_schema(document: dict[str, Any], node: dict[str, Any], depth: int = 0) -> Any:
    """A plausible value for a JSON schema (every property of an object, the first branch of
    a union that is not null)."""
    node = _resolve(document, node)
    if depth > 8:
        return None
    for union in ("anyOf", "oneOf", "allOf"):
        if union in node:
            branches = [b for b in node[union] if _resolve(document, b).get("type") != "null"]
            return from_schema(document, branches[0], depth + 1) if branches else None
    if "enum" in node:
        return node["enum"][0]
    if "const" in node:
        return node["const"]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = {k: from_schema(document, v, depth + 1)
                 for k, v in node.get("properties", {}).items()}
        extra = node.get("additionalProperties")
        if not props and isinstance(extra, dict):
            props = {"2.1": from_schema(document, extra, depth + 1)}
        return props
    if kind == "array":
        return [from_schema(document, node.get("items", {}), depth + 1)]
    return {"string": SCENARIO, "integer": 1, "number": 1.0, "boolean": True}.get(kind, "B")


def real_bodies(site: Site) -> dict[tuple[str, str], Any]:
    """Real bodies of the main writes, so hostile values reach the code behind the model."""
    ann = site.client("ann")
    cycle = f"/api/v1/cycles/{DRAFT}"
    scenario = ann.get(f"{cycle}/scenarios/{SCENARIO}").json()
    review = ann.get(f"{cycle}/reviews/{THEME}").json()
    measure = ann.get(f"{cycle}/measures").json()[0]
    found: dict[tuple[str, str], Any] = {}
    one = ann.get(f"{cycle}/measures/{measure['id']}")
    if one.status_code == 200:  # a whole measure and its revision
        found[("PUT", "/api/v1/cycles/{cycle}/measures/{measure}")] = {
            "measure": one.json()["measure"], "expected_revision": one.json()["revision"],
            "reason": "why"}
    return found | {
        ("PUT", "/api/v1/cycles/{cycle}/scenarios/{scenario}"):
            {"scenario": scenario["input"], "expected_revision": scenario["revision"],
             "reason": "why"},
        ("PUT", "/api/v1/cycles/{cycle}/reviews/{theme}"):
            {"review": review["review"], "expected_revision": review["revision"],
             "reason": "why"},
        ("POST", "/api/v1/cycles/{cycle}/measures"): {**measure, "id": "new-measure"},
        ("POST", "/api/v1/sessions/{session_id}/close"):
            {"scenario": {k: v for k, v in scenario["input"].items()
                          if k in ("impact", "likelihood")},
             "expected_revision": scenario["revision"], "reason": "agreed"},
        ("POST", "/api/v1/sessions/{session_id}/submissions"):
            {"impact": {"2.1": {"ev": "B", "ll": "A", "ul": "C", "reasoning": "why"}},
             "likelihood": "C"},
        ("POST", "/api/v1/cycles/{cycle}/sessions"): {"scenario": SCENARIO, "experts": ["eva"]},
        ("POST", "/api/v1/login"): {"username": "ann", "password": PASSWORDS["ann"]},
        ("POST", "/api/v1/reauth"): {"password": PASSWORDS["cora"]},
        ("POST", "/api/v1/password"): {"current": PASSWORDS["ed"],
                                       "new": "another-long-password"},
        ("POST", "/api/v1/admin/users"): {"username": "newbie",
                                          "password": "a-long-enough-password",
                                          "display_name": "New Bie", "admin": False},
        ("POST", "/api/v1/admin/users/{username}/grants"):
            {"role": "analyst", "cycle": DRAFT, "clearance": "internal"},
        ("PUT", "/api/v1/admin/users/{username}/password"):
            {"password": "a-long-enough-password"},
    }


def leaves(body: Any, path: tuple[str | int, ...] = ()) -> list[Leaf]:
    """Every value of a body with its kind (a list of ids counts as ids)."""
    if isinstance(body, dict):
        found: list[Leaf] = []
        for key, value in body.items():
            found += leaves(value, (*path, key))
        return found
    if isinstance(body, list):
        return [leaf for i, v in enumerate(body) for leaf in leaves(v, (*path, i))]
    return [(path, _kind(path, body))]


def _kind(path: tuple[str | int, ...], value: Any) -> str:
    names = [p for p in path if isinstance(p, str)]
    last = names[-1] if names else ""
    if isinstance(value, bool):
        return "bool"
    if last in INT_KEYS or (isinstance(value, int) and not isinstance(value, bool)):
        return "int"
    if isinstance(value, float):
        return "float"
    if last in VALUE_KEYS or (len(names) >= 2 and names[-2] == "impact"
                              and path[-1] == last) or last == "likelihood":
        return "value"
    if last in ID_KEYS:
        return "id"
    return "text"


def replaced(body: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(body, dict):
        return {**body, str(head): replaced(body[head], rest, value)}
    copy = list(body)
    copy[int(head)] = replaced(copy[int(head)], rest, value)
    return copy


# values a route ignores: the address names the scenario, not the body
IGNORED = {("PUT", "/api/v1/cycles/{cycle}/scenarios/{scenario}"): {("scenario", "id")},
           ("POST", "/api/v1/sessions/{session_id}/close"): {("scenario", "id")}}


def body_mutations(body: Any) -> list[tuple[str, Any]]:
    """Every value once with a hostile value (taking turns through its kind's values), and
    every hostile number for revision numbers: (what was changed, the body)."""
    out: list[tuple[str, Any]] = []
    for turn, (path, kind) in enumerate(leaves(body)):
        values = HOSTILE[kind]
        chosen = values if kind == "int" and path[-1:] and path[-1] in INT_KEYS else \
            [values[turn % len(values)]]
        out += [(f"{path}={str(v)[:40]!r}", replaced(body, path, v)) for v in chosen]
    return out


def encoded(body: Any) -> bytes:
    """JSON as a client may send it: NaN and Infinity literals, 5,000-digit numbers."""
    return json.dumps(body, allow_nan=True).replace(f'"{_BIG}"', BIG_NUMBER).encode()


# --- sending and judging ------------------------------------------------------------------------


def _login_token(client: TestClient) -> str:
    page = client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def send_form(site: Site, method: str, path: str, form: Form) -> Any:
    client = site.client(who(path))
    token = _login_token(client) if path == "/login" else client.headers.get(CSRF, "")
    return client.request(method, concrete(site, path), data={**form, "csrf_token": token},
                          follow_redirects=False)


def send_body(site: Site, method: str, path: str, body: Any) -> Any:
    return site.client(who(path)).request(
        method, concrete(site, path), content=encoded(body),
        headers={"Content-Type": "application/json"}, follow_redirects=False)


def refused(response: Any, what: str) -> None:
    assert 400 <= response.status_code < 500, (
        f"{what}: {response.status_code} {response.text[:400]!r}")


@pytest.fixture(scope="module")
def openapi(site: Site) -> dict[str, Any]:
    document: dict[str, Any] = site.app.openapi()
    return document


def api_base(site: Site, openapi: dict[str, Any], method: str,
             path: str) -> Any | None:
    """The route's base body: a real one, else one built from its schema; None: no body."""
    real = real_bodies(site).get((method, path))
    if real is not None:
        return real
    operation = openapi["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return None if content is None else from_schema(openapi, content["schema"])


def _routes(kind: str) -> list[tuple[str, str]]:
    app = create_app(None)  # type: ignore[arg-type]  # the route table needs no database
    found = sorted(write_routes(app))
    return [r for r in found if r[1].startswith("/api/") == (kind == "api")]


API_ROUTES, PAGE_ROUTES = _routes("api"), _routes("page")


# --- the tests ----------------------------------------------------------------------------------


def test_every_write_route_is_covered(site: Site) -> None:
    """A page's form route needs a base form in PAGE_FORMS; the API's are covered by their
    OpenAPI bodies (and every one is in the document)."""
    routes = write_routes(site.app)
    pages = {r for r in routes if not r[1].startswith("/api/")}
    assert not pages - set(PAGE_FORMS), f"form routes without a generator: {pages - set(PAGE_FORMS)}"
    documented = {(m.upper(), p) for p, item in site.app.openapi()["paths"].items() for m in item}
    assert {r for r in routes if r[1].startswith("/api/")} <= documented


@pytest.mark.parametrize(("method", "path"), PAGE_ROUTES, ids=[f"{m} {p}" for m, p in PAGE_ROUTES])
def test_page_forms_refuse_hostile_input(site: Site, method: str, path: str) -> None:
    before = holdings(site.store)
    base = PAGE_FORMS[(method, path)](site)
    for form in form_mutations(base):
        changed = {k: v[:40] for k, v in form.items() if base.get(k) != v}
        refused(send_form(site, method, path, form), f"{method} {path} {changed}")

    @settings(max_examples=8, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def combinations(data: st.DataObject) -> None:
        names = [n for n in base if n != "csrf_token"] or ["reason"]
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        form = dict(base)
        for name in chosen:
            form[name] = _form_text(data.draw(st.sampled_from(HOSTILE[form_kind(name)])))
        refused(send_form(site, method, path, form), f"{method} {path} {chosen}")

    combinations()
    assert holdings(site.store) == before


@pytest.mark.parametrize(("method", "path"), API_ROUTES, ids=[f"{m} {p}" for m, p in API_ROUTES])
def test_api_bodies_refuse_hostile_input(site: Site, openapi: dict[str, Any], method: str,
                                         path: str) -> None:
    before = holdings(site.store)
    base = api_base(site, openapi, method, path)
    if base is None:  # the route takes no body (the size limit below covers what is sent)
        operation = openapi["paths"][path][method.lower()]
        assert "requestBody" not in operation, f"{method} {path} takes a body: generate one"
        return
    ignored = IGNORED.get((method, path), set())
    spots = [leaf for leaf in leaves(base) if leaf[0] not in ignored]
    for what, body in body_mutations(base):
        if not any(what.startswith(f"{where}=") for where in ignored):
            refused(send_body(site, method, path, body), f"{method} {path} {what}")

    @settings(max_examples=8, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def combinations(data: st.DataObject) -> None:
        chosen = data.draw(st.lists(st.sampled_from(spots), min_size=1, max_size=3,
                                    unique_by=lambda leaf: leaf[0]))
        body = base
        for where, kind in chosen:
            body = replaced(body, where, data.draw(st.sampled_from(HOSTILE[kind])))
        refused(send_body(site, method, path, body), f"{method} {path} {chosen}")

    if spots:
        combinations()
    assert holdings(site.store) == before


@pytest.mark.parametrize(("method", "path"), API_ROUTES + PAGE_ROUTES,
                         ids=[f"{m} {p}" for m, p in API_ROUTES + PAGE_ROUTES])
def test_bodies_over_the_size_limit_are_413(site: Site, openapi: dict[str, Any], method: str,
                                            path: str) -> None:
    before = holdings(site.store)
    client = site.client(who(path))
    api = path.startswith("/api/")
    kind = "application/json" if api else "application/x-www-form-urlencoded"
    declared = client.request(method, concrete(site, path), content=b"x" * (LIMIT + 1),
                              headers={"Content-Type": kind}, follow_redirects=False)
    assert declared.status_code == 413, declared.text[:300]
    reads_body = not api or api_base(site, openapi, method, path) is not None
    if reads_body:  # a route that reads no body never reads the excess
        chunks = iter([b"y" * 65536] * (LIMIT // 65536 + 2))
        streamed = client.request(method, concrete(site, path), content=chunks,
                                  headers={"Content-Type": kind}, follow_redirects=False)
        assert streamed.status_code == 413, streamed.text[:300]
    assert holdings(site.store) == before


@pytest.mark.parametrize("path", ["/api/v1/cycles/{cycle}/scenarios/{scenario}",
                                  "/api/v1/cycles/{cycle}/reviews/{theme}"])
@pytest.mark.parametrize("key", ["..", "a%2Fb", "x" * 5000, "%2e%2e"])
def test_hostile_ids_in_the_address_are_4xx(site: Site, openapi: dict[str, Any], path: str,
                                            key: str) -> None:
    before = holdings(site.store)
    body = api_base(site, openapi, "PUT", path)
    target = concrete(site, path).replace(SCENARIO, key).replace(THEME, key)
    response = site.client("cora").put(target, json=body, follow_redirects=False)
    refused(response, target[:80])
    assert holdings(site.store) == before
