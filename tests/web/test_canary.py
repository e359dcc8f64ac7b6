"""Canaries on every route: nothing above a reader's clearance, or in a cycle they hold no role
on, appears in any answer, header, file or error.

The routes are discovered from the application's router (pages and API, every method), not
kept by hand: a new route is covered the day it is added. Each is asked with every value its
path and query parameters can take here (the example cycles, a child cycle cloned from the
draft, hidden and visible ids, every report format and language, searches for the canary
words), by users whose grants differ per cycle:

- ``low``: viewer cleared to *internal* on the parent, the child and the frozen grandparent;
- ``childonly``: analyst cleared to *secret* on the child only (no role on its parent);
- ``lowparent``: viewer cleared to *secret* on the child, *internal* on the parent;
- nobody (not logged in).

The content is the marked database of test_need_to_know (a confidential scenario, a secret
expert score, a secret measure, a confidential review and signal, a secret revision), cloned
into the child, and then, in the parent only, a word in a visible scenario and a word in a
secret one. Answers are searched as text, inside the XML of DOCX/XLSX/ODF files and in the
text of PDFs.
"""

from __future__ import annotations

import html
import io
import itertools
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from defusedxml import ElementTree
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.domain import CycleKind
from weerbaar.services import accounts
from weerbaar.services.cycles import clone_cycle
from weerbaar.store import get, open_store, save
from weerbaar.web import create_app

from .support import DRAFT, FROZEN
from .test_need_to_know import (
    EVIDENCE_THEME,
    HIDDEN_REVIEW,
    HIDDEN_SCENARIO,
    PUBLIC_SCENARIO,
    REVISED,
    SECRET_MEASURE,
    SECRETS,
    Marked,
    _mark,
    password,
)

CHILD = "canary-child"
PARENT_WORD = "Tapuitvondst"  # a visible scenario of the parent, added after the clone
PARENT_SECRET_WORD = "Roerdompdossier"  # a secret scenario of the parent, after the clone
PARENT_SCENARIO = "lone-actor-attack"
PARENT_SECRET_SCENARIO = "cyber-sabotage-energy"
REASON_WORD = "Kwartelkoning"  # the reason of a revision of the parent made while secret
FORBIDDEN: dict[str | None, tuple[str, ...]] = {
    "low": (*SECRETS, PARENT_SECRET_WORD, REASON_WORD),
    "childonly": (PARENT_WORD, PARENT_SECRET_WORD),
    "lowparent": (PARENT_SECRET_WORD, REASON_WORD),
    None: (*SECRETS, PARENT_WORD, PARENT_SECRET_WORD, REASON_WORD),
}
GRANTS = {  # user: [(cycle, role, clearance)]
    "childonly": [(CHILD, "analyst", "secret")],
    "lowparent": [(CHILD, "viewer", "secret"), (DRAFT, "viewer", "internal")],
}


@pytest.fixture(scope="module")
def canaried(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Marked]:
    path = tmp_path_factory.mktemp("canary") / "canary.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    try:
        marked = _mark(store, path)
        clone_cycle(store, OPERATOR, DRAFT, CHILD, kind=CycleKind.MIDTERM_REVIEW)
        for key, word, marking in ((PARENT_SCENARIO, PARENT_WORD, None),
                                   (PARENT_SECRET_SCENARIO, PARENT_SECRET_WORD, "secret")):
            stored = get(store, DRAFT, "scenario", key)
            save(store, DRAFT, stored.item.model_copy(update={
                "narrative": f"{stored.item.narrative} {word}.", "marking": marking}),
                expected_revision=stored.revision, actor="test", reason=f"reden {word}")
        stored = get(store, DRAFT, "scenario", PARENT_SCENARIO)  # secret for one revision
        secret = save(store, DRAFT, stored.item.model_copy(update={"marking": "secret"}),
                      expected_revision=stored.revision, actor="test",
                      reason=f"reden {REASON_WORD}")
        save(store, DRAFT, stored.item, expected_revision=secret, actor="test",
             reason="weer open")
        accounts.grant(store, OPERATOR, "low", "viewer", cycle=CHILD, clearance="internal")
        for name, grants in GRANTS.items():
            accounts.add_user(store, OPERATOR, name, password(name), must_change_password=False)
            for cycle, role, clearance in grants:
                accounts.grant(store, OPERATOR, name, role, cycle=cycle, clearance=clearance)
    finally:
        store.dispose()
    return path, marked


def log_in(client: TestClient, name: str) -> None:
    answer = client.post("/api/v1/login", json={"username": name, "password": password(name)})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf"]


@pytest.fixture(scope="module")
def site(canaried: tuple[Path, Marked]) -> Iterator[dict[str | None, TestClient]]:
    store = open_store(str(canaried[0]))
    app = create_app(store)
    made: dict[str | None, TestClient] = {None: TestClient(app)}
    for name in ("low", "childonly", "lowparent"):
        made[name] = TestClient(app)
        log_in(made[name], name)
    yield made
    for client in made.values():
        client.close()
    store.dispose()


@pytest.fixture
def clients(site: dict[str | None, TestClient]) -> dict[str | None, TestClient]:
    """The logged-in clients (logged in again where a route asked before ended the login)."""
    for name, client in site.items():
        if name is not None and client.get("/api/v1/me").status_code == 401:
            log_in(client, name)
    return site


# --- the routes, from the router ---------------------------------------------------------------


def _walk(routes: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif getattr(route, "dependant", None) is not None:
            yield prefix + route.path, route


def _query_names(dependant: Any) -> set[str]:
    names = {q.alias for q in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def all_routes() -> list[tuple[str, str, Any]]:
    store = open_store("sqlite://", check_schema=False)
    try:
        app = create_app(store)
        found = [(method, path, route) for path, route in _walk(app.routes)
                 for method in sorted(getattr(route, "methods", None) or ())
                 if method != "HEAD" and not path.startswith("/static")]
    finally:
        store.dispose()
    assert len(found) > 60, "the route walk does not match this FastAPI"
    return found


ROUTES = all_routes()


def path_values(marked: Marked) -> dict[str, list[str]]:
    return {
        "cycle": [DRAFT, CHILD, FROZEN],
        "scenario": [HIDDEN_SCENARIO, PUBLIC_SCENARIO, REVISED, PARENT_SCENARIO,
                     PARENT_SECRET_SCENARIO],
        "theme": [HIDDEN_REVIEW, EVIDENCE_THEME],
        "measure": [SECRET_MEASURE],
        "session_id": [str(marked.hidden_session), str(marked.shown_session)],
        "profile_id": ["gra-2019"],
        "username": ["low"],
    }


QUERY_VALUES: dict[str, list[str]] = {
    "a": ["1"], "b": ["3"], "base": [FROZEN, DRAFT, CHILD],
    "format": ["html", "xlsx", "docx", "pdf", "odt", "ods"],
    "kind": ["review", "analysis"], "lang": ["nl", "en"], "cycle": [DRAFT, CHILD],
    "q": [w for w in (*SECRETS, PARENT_WORD, PARENT_SECRET_WORD) if " " not in w],
}


def urls(path: str, route: Any, marked: Marked) -> Iterator[str]:
    values = path_values(marked)
    names = [p.alias for p in route.dependant.path_params]
    for combination in itertools.product(*(values.get(n, ["x"]) for n in names)):
        concrete = path
        for name, value in zip(names, combination, strict=True):
            concrete = concrete.replace("{" + name + "}", value)
        yield concrete
        asked = _query_names(route.dependant) & set(QUERY_VALUES)
        for name in sorted(asked):
            for value in QUERY_VALUES[name]:
                query = {name: value}
                if name in ("a", "b"):
                    query = {"a": "1", "b": "3"}
                elif name in ("kind", "lang") and "format" in asked:  # one format is enough
                    query["format"] = "html"
                yield f"{concrete}?{urlencode(query)}"


# --- what an answer shows --------------------------------------------------------------------


def shown(response: Any) -> str:
    """Everything an answer carries, as text: headers, the body, and inside office files and
    PDFs their text."""
    parts = [f"{k}: {v}" for k, v in response.headers.items()]
    body: bytes = response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            parts += odf_text(archive)
    elif body[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        parts += [page.extract_text() or "" for page in reader.pages]
        parts.append(str(reader.metadata or ""))
    else:
        text = body.decode("utf-8", "replace")
        parts += [text, html.unescape(text)]
    return "\n".join(parts)


def odf_text(archive: zipfile.ZipFile) -> list[str]:
    """The text of an OpenDocument package (ODT, ODS) as a reader sees it: the text nodes of
    its content, styles (page headers and footers) and metadata joined, so a word split over
    elements (a span, a line break) is found too."""
    names = archive.namelist()
    if "mimetype" not in names or not archive.read("mimetype").startswith(
            b"application/vnd.oasis.opendocument"):
        return []
    return [" ".join(" ".join(ElementTree.fromstring(archive.read(name)).itertext()).split())
            for name in ("content.xml", "styles.xml", "meta.xml") if name in names]


def leaks(text: str, words: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [w for w in words if w.lower() in lowered]


def body_for(method: str, path: str, client: TestClient) -> dict[str, Any]:
    """A request body that reaches the rules: the current document sent back against a stale
    revision where there is one (a 409 answer carries the current document), else nothing."""
    if method == "GET":
        return {}
    if path.startswith("/api/"):
        for kind, key in (("scenarios", "scenario"), ("reviews", "review"),
                          ("measures", "measure")):
            if f"/{kind}/" in path and method == "PUT":
                current = client.get(path)
                if current.status_code == 200:
                    doc = current.json()
                    sent = doc.get("input", doc.get(key))
                    return {"json": {key: sent, "expected_revision": 1}}
        return {"json": {}}
    return {"data": {"csrf_token": client.headers.get("X-CSRF-Token", ""),
                     "expected_revision": "1"}}


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES],
                         ids=[f"{m} {p}" for m, p, _ in ROUTES])
def test_no_route_shows_anything_above_the_readers_clearance(
        canaried: tuple[Path, Marked], clients: dict[str | None, TestClient], method: str,
        path: str) -> None:
    route = next(r for m, p, r in ROUTES if (m, p) == (method, path))
    marked = canaried[1]
    asked = 0
    for user, client in clients.items():
        for url in urls(path, route, marked):
            if method != "GET" and "?" in url:
                continue
            response = client.request(method, url, follow_redirects=False,
                                      **body_for(method, url, client))
            assert response.status_code < 500, f"{user} {method} {url}: {response.text[:300]}"
            asked_for = url.lower()  # an answer may repeat what was asked (an id, a query)
            if FROZEN in url:  # the scenario is marked in the draft only: open in nvs-2019
                asked_for += HIDDEN_SCENARIO
            found = [w for w in leaks(shown(response), FORBIDDEN[user])
                     if w.lower() not in asked_for]
            assert not found, f"{user} {method} {url} ({response.status_code}) shows {found}"
            asked += 1
    assert asked >= len(clients)


def test_the_canaries_are_there_for_those_cleared(clients: dict[str | None, TestClient],
                                                  canaried: tuple[Path, Marked]) -> None:
    """The words are really in the answers of the users allowed to see them (else the test
    above could pass on an empty database)."""
    parent = clients["lowparent"].get(f"/api/v1/cycles/{DRAFT}/scenarios/{PARENT_SCENARIO}")
    assert PARENT_WORD in parent.text
    child = clients["childonly"].get(f"/api/v1/cycles/{CHILD}/scenarios/{HIDDEN_SCENARIO}")
    assert child.status_code == 200 and leaks(child.text, SECRETS)
    report = clients["childonly"].get(f"/cycles/{CHILD}/report?format=html")
    assert report.status_code == 200 and leaks(shown(report), SECRETS)
    for fmt in ("odt", "ods"):  # the OpenDocument text is read, not only the raw XML
        report = clients["childonly"].get(f"/cycles/{CHILD}/report?format={fmt}")
        assert report.status_code == 200, report.text[:300]
        with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
            assert leaks(" ".join(odf_text(archive)), SECRETS), fmt


def test_who_saved_a_revision_holding_hidden_scores_is_not_shown(
        clients: dict[str | None, TestClient]) -> None:
    """The current revision of trade-war holds a secret expert score: a reader cleared to
    internal learns neither who saved it nor when; one cleared to secret does."""
    low = clients["low"].get(f"/api/v1/cycles/{DRAFT}/scenarios/{PUBLIC_SCENARIO}").json()
    assert low["updated_by"] is None and low["updated_at"] is None
    high = clients["childonly"].get(f"/api/v1/cycles/{CHILD}/scenarios/{PUBLIC_SCENARIO}")
    assert high.json()["updated_by"] and high.json()["updated_at"]


def test_a_parent_without_a_role_is_left_out_and_said_without_naming_it(
        clients: dict[str | None, TestClient]) -> None:
    child_only = clients["childonly"]
    compared = child_only.get(f"/api/v1/cycles/{CHILD}/compare").json()
    assert compared["parent_withheld"] is True and compared["base"] is None
    assert DRAFT not in str(compared)
    diagram = child_only.get(f"/api/v1/cycles/{CHILD}/diagram").json()
    assert diagram["parent_withheld"] is True and DRAFT not in str(diagram)
    page = child_only.get(f"/cycles/{CHILD}/compare").text
    assert 'class="notice" role="status"' in page
    # with a role on the parent, it is compared and not said to be withheld
    both = clients["lowparent"].get(f"/api/v1/cycles/{CHILD}/compare").json()
    assert both["parent_withheld"] is False and both["base"] == DRAFT
