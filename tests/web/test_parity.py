"""Page and API share every decision: every use case both faces offer, run through the page and
through the API by every role at every clearance, gets the same decision (allowed, 401, 403,
404, 409 or 422).

A page that redirects to the login form counts as 401; a form that redirects after a save (or a
page that renders) counts as allowed. A write runs on a fresh copy of the database for each face,
so the page's save does not make the API's stale.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.domain import ReviewPart
from weerbaar.services import accounts
from weerbaar.services.reviews import get_review
from weerbaar.services.scenarios import get_scenario
from weerbaar.services.strategy_text import get_strategy_text
from weerbaar.store import Store, get, open_store, save
from weerbaar.store import expert_sessions as sessions
from weerbaar.web import create_app
from weerbaar.web.deps import COOKIE
from weerbaar.web.forms import typed_scores

from .support import CSRF, DRAFT, FROZEN

ROLES = ("viewer", "expert", "analyst", "coordinator", "admin")
CLEARANCES = ("internal", "confidential")
IDENTITIES = ("nobody", *(f"{role}-{clearance}" for role in ROLES for clearance in CLEARANCES))
PASSWORD = "parity-password-long-enough"
NEW_PASSWORD = "another-parity-password"
SHOWN = "trade-war"  # an unmarked scenario: internal
OTHER = "heatwave-drought"  # an unmarked scenario without a session
HIDDEN = "flooding-coast"  # marked confidential here
THEME = "multilateral-institutions"
SHOWN_SESSION, HIDDEN_SESSION = "shown", "hidden"
LOGINS: dict[str, tuple[str, str]] = {}  # identity: (session token, CSRF token)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    form: dict[str, str] | None = None  # a page's form (the CSRF token is added)
    json: Any = None  # an API body


@dataclass(frozen=True)
class Case:
    """One use case: the page's request and the API's, built from the database's state."""

    name: str
    page: Callable[[Store, dict[str, int]], Call]
    api: Callable[[Store, dict[str, int]], Call]
    writes: bool = False
    expected: dict[str, int] = field(default_factory=dict)  # identity (prefix): decision


def _marked_database(template: Path, target: Path) -> dict[str, int]:
    shutil.copyfile(template, target)
    store = open_store(str(target))
    try:
        stored = get(store, DRAFT, "scenario", HIDDEN)
        save(store, DRAFT, stored.item.model_copy(update={"marking": "confidential"}),
             expected_revision=stored.revision, actor="test")
        for role in ROLES:
            for clearance in CLEARANCES:
                name = f"{role}-{clearance}"
                accounts.add_user(store, OPERATOR, name, PASSWORD, is_admin=role == "admin",
                                  must_change_password=False)
                accounts.grant(store, OPERATOR, name, role, clearance=clearance)
        experts = [f"{role}-{c}" for role in ROLES for c in CLEARANCES]
        shown = sessions.open_session(store, DRAFT, SHOWN, facilitator="cora", experts=experts)
        hidden = sessions.open_session(store, DRAFT, HIDDEN, facilitator="cora", experts=experts)
        for name in IDENTITIES[1:]:  # logged in once: every copy of the database has the sessions
            found = accounts.login(store, name, PASSWORD)
            assert found is not None
            LOGINS[name] = (found.token, found.csrf)
        return {SHOWN_SESSION: shown.id, HIDDEN_SESSION: hidden.id}
    finally:
        store.dispose()


@pytest.fixture(scope="module")
def parity_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("parity") / "parity.sqlite"
    return path, _marked_database(template_db, path)


class Site:
    """One database served by one app, with a logged-in client per identity."""

    def __init__(self, path: Path) -> None:
        self.store = open_store(str(path))
        self.app = create_app(self.store)
        self.clients: dict[str, TestClient] = {}

    def client(self, identity: str) -> TestClient:
        if identity not in self.clients:
            client = TestClient(self.app)
            if identity != "nobody":
                token, csrf = LOGINS[identity]
                client.cookies.set(COOKIE, token)
                client.headers[CSRF] = csrf
            self.clients[identity] = client
        return self.clients[identity]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.store.dispose()


@pytest.fixture(scope="module")
def shared_site(parity_db: tuple[Path, dict[str, int]]) -> Iterator[Site]:
    site = Site(parity_db[0])
    yield site
    site.close()


def decision_of_page(response: Any) -> int:
    if response.status_code == 303:
        location = response.headers["location"]
        if location.startswith("/login"):
            return 401
        # the password prompt, the password form or the two-factor enrolment: refused until then
        return 403 if location.startswith(("/reauth", "/account/password",
                                           "/account/two-factor")) else 200
    return 200 if response.status_code < 300 else int(response.status_code)


def decision_of_api(response: Any) -> int:
    return 200 if response.status_code < 300 else int(response.status_code)


def send(site: Site, identity: str, call: Call) -> Any:
    client = site.client(identity)
    if call.form is not None:
        form = {**call.form, "csrf_token": client.headers.get(CSRF, "")}
        return client.request(call.method, call.path, data=form, follow_redirects=False)
    return client.request(call.method, call.path, json=call.json, follow_redirects=False)


# --- the requests of each use case ---------------------------------------------------------------


def _scenario_input(store: Store, key: str, cycle: str = DRAFT) -> tuple[dict[str, Any], int]:
    record = get_scenario(store, OPERATOR, cycle, key)
    return record.input, record.stored.revision


def _score_form(store: Store, key: str, cycle: str = DRAFT, *, revision_offset: int = 0,
                change: dict[str, str] | None = None) -> Call:
    scores, revision = _scenario_input(store, key, cycle)
    form = {**typed_scores(scores), "expected_revision": str(revision - revision_offset),
            **(change or {})}
    return Call("POST", f"/cycles/{cycle}/scenarios/{key}/edit", form=form)


def _score_body(store: Store, key: str, cycle: str = DRAFT, *, revision_offset: int = 0,
                change: dict[str, str] | None = None) -> Call:
    scores, revision = _scenario_input(store, key, cycle)
    if change:
        impact = dict(scores["impact"])
        for field_name, value in change.items():
            criterion, _, bound = field_name.rpartition("-")
            entry = impact[criterion]
            entry = dict(entry) if isinstance(entry, dict) else {"ev": entry}
            entry[bound] = value
            impact[criterion] = entry
        scores = {**scores, "impact": impact}
    return Call("PUT", f"/api/v1/cycles/{cycle}/scenarios/{key}",
                json={"scenario": scores, "expected_revision": revision - revision_offset})


def _review_form(store: Store, change: dict[str, str] | None = None) -> Call:
    record = get_review(store, OPERATOR, DRAFT, THEME)
    review = record.review
    form = {f"{p.value}-text": review.section(p).text for p in ReviewPart}
    form.update({f"{p.value}-evidence": "\n".join(f"{e.kind.value}:{e.ref}"
                                                 for e in review.section(p).evidence)
                 for p in ReviewPart})
    form.update({"comprehensive": review.comprehensive.answer.value,
                 "comprehensive-reasoning": review.comprehensive.reasoning or "",
                 "more_resilient": review.more_resilient.answer.value,
                 "more_resilient-reasoning": review.more_resilient.reasoning or "",
                 "verdict": review.verdict.value if review.verdict else "",
                 "verdict-reasoning": review.verdict_reasoning or "",
                 "expected_revision": str(record.revision), **(change or {})})
    return Call("POST", f"/cycles/{DRAFT}/reviews/{THEME}", form=form)


def _review_body(store: Store, change: dict[str, str] | None = None) -> Call:
    record = get_review(store, OPERATOR, DRAFT, THEME)
    review = record.review.model_dump(mode="json")
    if change and "verdict-reasoning" in change:
        review["verdict_reasoning"] = change["verdict-reasoning"]
    return Call("PUT", f"/api/v1/cycles/{DRAFT}/reviews/{THEME}",
                json={"review": review, "expected_revision": record.revision})


def _strategy_text_form(store: Store, *, revision_offset: int = 0) -> Call:
    """The page's form changing the introduction of the draft cycle's strategy text (the
    example holds the seed's); fields the form leaves out keep their value."""
    record = get_strategy_text(store, OPERATOR, DRAFT)
    return Call("POST", f"/cycles/{DRAFT}/strategy-text", form={
        "expected_revision": str(record.revision - revision_offset),
        "introduction-heading": "Inleiding", "introduction-text": "Een inleiding."})


def _strategy_text_body(store: Store, *, revision_offset: int = 0) -> Call:
    """The same change through the API, which takes the whole text."""
    record = get_strategy_text(store, OPERATOR, DRAFT)
    assert record.text is not None and record.text.introduction is not None
    text = record.text.model_dump(mode="json")
    text["introduction"]["text"] = "Een inleiding."
    return Call("PUT", f"{API}/cycles/{DRAFT}/strategy-text", json={
        "expected_revision": record.revision - revision_offset, "strategy_text": text})


def _get(path: str) -> Callable[[Store, dict[str, int]], Call]:
    return lambda store, ids: Call("GET", path.format(**{k: str(v) for k, v in ids.items()}))


API = "/api/v1"
SCENARIOS = f"/cycles/{DRAFT}/scenarios"
SESSION_SCORES = {"2.1-ev": "B", "2.1-ll": "A", "2.1-ul": "C"}

READS = [
    Case("the cycles", _get("/"), _get(f"{API}/cycles")),
    Case("a cycle's diagram", _get(f"/?cycle={DRAFT}"), _get(f"{API}/cycles/{DRAFT}/diagram")),
    Case("the scenarios", _get(SCENARIOS), _get(f"{API}{SCENARIOS}")),
    Case("a scenario", _get(f"{SCENARIOS}/{SHOWN}"), _get(f"{API}{SCENARIOS}/{SHOWN}")),
    Case("a marked scenario", _get(f"{SCENARIOS}/{HIDDEN}"), _get(f"{API}{SCENARIOS}/{HIDDEN}")),
    Case("a missing scenario", _get(f"{SCENARIOS}/nope"), _get(f"{API}{SCENARIOS}/nope")),
    Case("two revisions compared", _get(f"{SCENARIOS}/{SHOWN}?a=1&b=2"),
         _get(f"{API}{SCENARIOS}/{SHOWN}/diff?a=1&b=2")),
    Case("a revision that does not exist", _get(f"{SCENARIOS}/{SHOWN}?a=1&b=9"),
         _get(f"{API}{SCENARIOS}/{SHOWN}/diff?a=1&b=9")),
    Case("a theme review", _get(f"/cycles/{DRAFT}/reviews/{THEME}"),
         _get(f"{API}/cycles/{DRAFT}/reviews/{THEME}")),
    Case("a theme that does not exist", _get(f"/cycles/{DRAFT}/reviews/nope"),
         _get(f"{API}/cycles/{DRAFT}/reviews/nope")),
    Case("the measures", _get(f"/cycles/{DRAFT}/measures"),
         _get(f"{API}/cycles/{DRAFT}/measures")),
    Case("the comparison with the parent", _get(f"/cycles/{DRAFT}/compare"),
         _get(f"{API}/cycles/{DRAFT}/compare")),
    Case("a comparison with a named cycle", _get(f"/cycles/{FROZEN}/compare?base={DRAFT}"),
         _get(f"{API}/cycles/{FROZEN}/compare?base={DRAFT}")),
    Case("a search", _get(f"/cycles/{DRAFT}/search?q=overstroming"),
         _get(f"{API}/cycles/{DRAFT}/search?q=overstroming")),
    Case("a scenario of an unknown cycle", _get("/cycles/nope/scenarios"),
         _get(f"{API}/cycles/nope/scenarios")),
    Case("the scenarios of the frozen cycle", _get(f"/cycles/{FROZEN}/scenarios"),
         _get(f"{API}/cycles/{FROZEN}/scenarios")),
    Case("the method profiles", _get("/profiles"), _get(f"{API}/profiles")),
    Case("a method profile", _get("/profiles/gra-2019"), _get(f"{API}/profiles/gra-2019")),
    Case("an unknown method profile", _get("/profiles/nope"), _get(f"{API}/profiles/nope")),
    Case("an expert session", _get("/sessions/{shown}"), _get(f"{API}/sessions/{{shown}}")),
    Case("a session on a marked scenario", _get("/sessions/{hidden}"),
         _get(f"{API}/sessions/{{hidden}}")),
    Case("an unknown language", _get(f"{SCENARIOS}?lang=de"),
         _get(f"{API}/cycles/{DRAFT}/diagram?lang=de")),
    Case("the strategy text", _get(f"/cycles/{DRAFT}/strategy-text"),
         _get(f"{API}/cycles/{DRAFT}/strategy-text")),
]

WRITES = [
    Case("a scenario saved unchanged", lambda s, _: _score_form(s, SHOWN),
         lambda s, _: _score_body(s, SHOWN), writes=True),
    Case("a scenario saved against a stale revision",
         lambda s, _: _score_form(s, SHOWN, revision_offset=1),
         lambda s, _: _score_body(s, SHOWN, revision_offset=1), writes=True),
    Case("a scenario with an invalid class", lambda s, _: _score_form(s, SHOWN, change={
        "2.1-ev": "Z"}), lambda s, _: _score_body(s, SHOWN, change={"2.1-ev": "Z"}),
        writes=True),
    Case("a marked scenario saved", lambda s, _: _score_form(s, HIDDEN),
         lambda s, _: _score_body(s, HIDDEN), writes=True),
    Case("a scenario of the frozen cycle saved", lambda s, _: _score_form(s, SHOWN, FROZEN),
         lambda s, _: _score_body(s, SHOWN, FROZEN), writes=True),
    Case("a review saved unchanged", lambda s, _: _review_form(s),
         lambda s, _: _review_body(s), writes=True),
    Case("a strategy text's introduction changed", lambda s, _: _strategy_text_form(s),
         lambda s, _: _strategy_text_body(s), writes=True),
    Case("a strategy text changed against a stale revision",
         lambda s, _: _strategy_text_form(s, revision_offset=1),
         lambda s, _: _strategy_text_body(s, revision_offset=1), writes=True),
    Case("a strategy text of the frozen cycle added",
         lambda s, _: Call("POST", f"/cycles/{FROZEN}/strategy-text", form={
             "expected_revision": "0", "conclusion-text": "Een slotwoord."}),
         lambda s, _: Call("PUT", f"{API}/cycles/{FROZEN}/strategy-text", json={
             "expected_revision": 0, "strategy_text": {"conclusion": {
                 "heading": "", "text": "Een slotwoord."}}}), writes=True),
    Case("a review's verdict reasoning changed",
         lambda s, _: _review_form(s, {"verdict-reasoning": "anders beargumenteerd"}),
         lambda s, _: _review_body(s, {"verdict-reasoning": "anders beargumenteerd"}),
         writes=True),
    Case("an expert session opened",  # SHOWN has an open session: one per scenario
         lambda s, _: Call("POST", f"/cycles/{DRAFT}/sessions",
                           form={"scenario": OTHER, "experts": "eva"}),
         lambda s, _: Call("POST", f"{API}/cycles/{DRAFT}/sessions",
                           json={"scenario": OTHER, "experts": ["eva"]}), writes=True),
    Case("a second session opened on a scenario",
         lambda s, _: Call("POST", f"/cycles/{DRAFT}/sessions",
                           form={"scenario": SHOWN, "experts": "eva"}),
         lambda s, _: Call("POST", f"{API}/cycles/{DRAFT}/sessions",
                           json={"scenario": SHOWN, "experts": ["eva"]}), writes=True),
    Case("a session opened on a marked scenario",
         lambda s, _: Call("POST", f"/cycles/{DRAFT}/sessions",
                           form={"scenario": HIDDEN, "experts": "eva"}),
         lambda s, _: Call("POST", f"{API}/cycles/{DRAFT}/sessions",
                           json={"scenario": HIDDEN, "experts": ["eva"]}), writes=True),
    Case("an expert's scores submitted",
         lambda s, ids: Call("POST", f"/sessions/{ids[SHOWN_SESSION]}/submit",
                             form=SESSION_SCORES),
         lambda s, ids: Call("POST", f"{API}/sessions/{ids[SHOWN_SESSION]}/submissions",
                             json={"impact": {"2.1": {"ev": "B", "ll": "A", "ul": "C"}}}),
         writes=True),
    Case("an expert's draft saved",
         lambda s, ids: Call("POST", f"/sessions/{ids[SHOWN_SESSION]}/submit",
                             form={"2.1-ev": "B", "action": "draft"}),
         lambda s, ids: Call("PUT", f"{API}/sessions/{ids[SHOWN_SESSION]}/draft",
                             json={"fields": {"2.1-ev": "B"}}), writes=True),
    Case("a session cancelled",
         lambda s, ids: Call("POST", f"/sessions/{ids[SHOWN_SESSION]}/cancel", form={}),
         lambda s, ids: Call("POST", f"{API}/sessions/{ids[SHOWN_SESSION]}/cancel", json={}),
         writes=True),
    Case("an account added",
         lambda s, _: Call("POST", "/admin/users", form={"username": "newbie",
                                                         "password": PASSWORD}),
         lambda s, _: Call("POST", f"{API}/admin/users", json={"username": "newbie",
                                                               "password": PASSWORD}),
         writes=True),
    Case("a role granted",
         lambda s, _: Call("POST", "/admin/users/eva/grant",
                           form={"role": "analyst", "cycle": DRAFT}),
         lambda s, _: Call("POST", f"{API}/admin/users/eva/grants",
                           json={"role": "analyst", "cycle": DRAFT}), writes=True),
    Case("a role revoked",
         lambda s, _: Call("POST", "/admin/users/eva/revoke", form={"cycle": "*"}),
         lambda s, _: Call("DELETE", f"{API}/admin/users/eva/grants/*"), writes=True),
    Case("an account disabled",
         lambda s, _: Call("POST", "/admin/users/eva/status", form={"disabled": "1"}),
         lambda s, _: Call("PUT", f"{API}/admin/users/eva/status", json={"disabled": True}),
         writes=True),
    Case("a password set by an administrator",
         lambda s, _: Call("POST", "/admin/users/eva/password", form={"password": PASSWORD}),
         lambda s, _: Call("PUT", f"{API}/admin/users/eva/password",
                           json={"password": PASSWORD}), writes=True),
    Case("a user's two-factor login reset",
         lambda s, _: Call("POST", "/admin/users/eva/two-factor", form={}),
         lambda s, _: Call("DELETE", f"{API}/admin/users/eva/two-factor"), writes=True),
    Case("one's own password changed",
         lambda s, _: Call("POST", "/account/password", form={
             "current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}),
         lambda s, _: Call("POST", f"{API}/password",
                           json={"current": PASSWORD, "new": NEW_PASSWORD}), writes=True),
    Case("one's own password changed with a wrong current one",
         lambda s, _: Call("POST", "/account/password", form={
             "current": "not-the-password", "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}),
         lambda s, _: Call("POST", f"{API}/password",
                           json={"current": "not-the-password", "new": NEW_PASSWORD}),
         writes=True),
    Case("a session closed with the agreed scores",
         lambda s, ids: Call("POST", f"/sessions/{ids[SHOWN_SESSION]}/close", form={
             **typed_scores(_scenario_input(s, SHOWN)[0]),
             "expected_revision": str(_scenario_input(s, SHOWN)[1])}),
         lambda s, ids: Call("POST", f"{API}/sessions/{ids[SHOWN_SESSION]}/close", json={
             "scenario": {k: v for k, v in _scenario_input(s, SHOWN)[0].items()
                          if k in ("impact", "likelihood")},
             "expected_revision": _scenario_input(s, SHOWN)[1]}), writes=True),
]


def _decide(site: Site, identity: str, case: Case, ids: dict[str, int],
            face: str) -> tuple[int, str]:
    call = (case.page if face == "page" else case.api)(site.store, ids)
    response = send(site, identity, call)
    decision = (decision_of_page if face == "page" else decision_of_api)(response)
    return decision, response.text[:300]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("case", READS, ids=lambda c: c.name)
def test_reads_decide_alike(shared_site: Site, parity_db: tuple[Path, dict[str, int]],
                            case: Case, identity: str) -> None:
    ids = parity_db[1]
    page, page_text = _decide(shared_site, identity, case, ids, "page")
    api, api_text = _decide(shared_site, identity, case, ids, "api")
    assert page == api, f"page {page} ({page_text!r}) but API {api} ({api_text!r})"


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: c.name)
def test_writes_decide_alike(parity_db: tuple[Path, dict[str, int]], tmp_path: Path,
                             case: Case, identity: str) -> None:
    path, ids = parity_db
    decisions = {}
    for face in ("page", "api"):
        copy = tmp_path / f"{face}.sqlite"
        shutil.copyfile(path, copy)
        site = Site(copy)
        try:
            decisions[face] = _decide(site, identity, case, ids, face)
        finally:
            site.close()
    (page, page_text), (api, api_text) = decisions["page"], decisions["api"]
    assert page == api, f"page {page} ({page_text!r}) but API {api} ({api_text!r})"


# Known answers: the decisions themselves, so that "the same" cannot mean "the same mistake".
EXPECTED = {
    ("a scenario", "nobody"): 401, ("a scenario", "viewer-internal"): 200,
    ("a marked scenario", "viewer-internal"): 404,
    ("a marked scenario", "viewer-confidential"): 200,
    ("a marked scenario", "admin-internal"): 404,
    ("a scenario saved unchanged", "viewer-confidential"): 403,
    ("a scenario saved unchanged", "expert-internal"): 403,
    ("a scenario saved unchanged", "analyst-internal"): 200,
    ("a scenario saved against a stale revision", "analyst-internal"): 409,
    ("a scenario with an invalid class", "analyst-internal"): 422,
    ("a marked scenario saved", "analyst-internal"): 404,
    ("a marked scenario saved", "analyst-confidential"): 200,
    ("a scenario of the frozen cycle saved", "coordinator-confidential"): 403,
    ("a review saved unchanged", "analyst-internal"): 200,
    ("a review's verdict reasoning changed", "analyst-confidential"): 403,
    ("a review's verdict reasoning changed", "coordinator-internal"): 200,
    ("the strategy text", "nobody"): 401,
    ("the strategy text", "viewer-internal"): 200,
    ("a strategy text's introduction changed", "nobody"): 401,
    ("a strategy text's introduction changed", "viewer-confidential"): 403,
    ("a strategy text's introduction changed", "expert-internal"): 403,
    ("a strategy text's introduction changed", "analyst-internal"): 200,
    ("a strategy text changed against a stale revision", "analyst-internal"): 409,
    ("a strategy text of the frozen cycle added", "analyst-confidential"): 403,
    ("an expert session opened", "analyst-confidential"): 403,
    ("an expert session opened", "coordinator-internal"): 200,
    ("a second session opened on a scenario", "coordinator-internal"): 409,
    ("a second session opened on a scenario", "analyst-internal"): 403,
    ("an expert's draft saved", "expert-internal"): 200,
    ("an expert's draft saved", "viewer-confidential"): 403,
    ("a session cancelled", "coordinator-internal"): 200,
    ("a session cancelled", "analyst-confidential"): 403,
    ("a session cancelled", "expert-internal"): 403,
    ("a session cancelled", "nobody"): 401,
    ("a session opened on a marked scenario", "coordinator-internal"): 404,
    ("an expert's scores submitted", "viewer-confidential"): 403,
    ("an expert's scores submitted", "expert-internal"): 200,
    ("a session closed with the agreed scores", "analyst-internal"): 403,
    ("a session closed with the agreed scores", "coordinator-internal"): 200,
    ("a session on a marked scenario", "expert-internal"): 404,
    ("a session on a marked scenario", "expert-confidential"): 200,
    ("a missing scenario", "admin-confidential"): 404,
    ("a revision that does not exist", "viewer-internal"): 404,
    ("a scenario of an unknown cycle", "coordinator-internal"): 404,
    ("an unknown method profile", "viewer-internal"): 404,
    ("an unknown language", "viewer-internal"): 422,
    ("the cycles", "nobody"): 401,
    ("an account added", "coordinator-confidential"): 403,
    ("an account added", "admin-internal"): 200,
    ("a role granted", "analyst-internal"): 403,
    ("a role granted", "admin-confidential"): 200,
    ("a role revoked", "admin-internal"): 200,
    ("a role revoked", "coordinator-confidential"): 403,
    ("a role revoked", "nobody"): 401,
    ("an account disabled", "admin-internal"): 200,
    ("a password set by an administrator", "viewer-internal"): 403,
    ("a user's two-factor login reset", "admin-internal"): 200,
    ("a user's two-factor login reset", "coordinator-confidential"): 403,
    ("a user's two-factor login reset", "nobody"): 401,
    ("one's own password changed", "viewer-internal"): 200,
    ("one's own password changed", "nobody"): 401,
    ("one's own password changed with a wrong current one", "expert-internal"): 403,
}


@pytest.mark.parametrize(("case_name", "identity"), sorted(EXPECTED))
def test_the_shared_decision_is_the_right_one(shared_site: Site,
                                              parity_db: tuple[Path, dict[str, int]],
                                              tmp_path: Path, case_name: str,
                                              identity: str) -> None:
    case = next(c for c in READS + WRITES if c.name == case_name)
    path, ids = parity_db
    if case.writes:
        copy = tmp_path / "api.sqlite"
        shutil.copyfile(path, copy)
        site = Site(copy)
        try:
            decision, text = _decide(site, identity, case, ids, "api")
        finally:
            site.close()
    else:
        decision, text = _decide(shared_site, identity, case, ids, "api")
    assert decision == EXPECTED[(case_name, identity)], text
