"""Authentication before the body (issue 16, point 5.5): every write to the JSON API except
logging in answers 401 to a client without a login, whatever it sends — a valid body, one of
the wrong shape, malformed JSON, no body, one over the size limit — before the body is read.
And a 422 for a request that does not fit its route never repeats what was sent (FastAPI's own
answer carries the submitted ``input``: for a missing field the whole body, passwords too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from weerbaar.store import Store
from weerbaar.web import WebSettings, create_app
from weerbaar.web.app import OPEN_WRITES

from .support import DRAFT, api_routes

API = "/api/v1"
CANARY = "kanarie-9f27c4e1"  # sent in every way that makes a request not fit its route
WRITES = ("POST", "PUT", "PATCH", "DELETE")
# a value for every kind of path parameter (whether it exists does not matter before login)
PATH_VALUES = {"cycle": DRAFT, "scenario": "trade-war", "theme": "cbrn", "measure": "m-1",
               "session_id": "1", "username": "ann", "profile_id": "gra-2019"}
NOT_LOGGED_IN = {"error": "NotAuthenticated", "detail": "log in first"}


def filled(path: str, values: dict[str, str] | None = None) -> str:
    given = {**PATH_VALUES, **(values or {})}
    return re.sub(r"\{(\w+)\}", lambda m: given.get(m.group(1), "x1"), path)


def writes(app: Any) -> list[tuple[str, str]]:
    found = sorted((m, p) for m, p in api_routes(app) if m in WRITES and p not in OPEN_WRITES)
    assert len(found) > 15
    return found


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return writes(create_app(None))  # type: ignore[arg-type]  # routes only


BODIES: dict[str, dict[str, Any]] = {
    "none": {},
    "empty object": {"json": {}},
    "wrong shape": {"json": [CANARY, {"x": CANARY}]},
    "a string": {"json": CANARY},
    "malformed JSON": {"content": b'{"password": "' + CANARY.encode() + b'", ',
                       "headers": {"Content-Type": "application/json"}},
    "not JSON at all": {"content": CANARY.encode(), "headers": {"Content-Type": "text/plain"}},
    "a form": {"data": {"password": CANARY}},
}


def test_the_open_writes_are_logging_in() -> None:
    assert {f"{API}/login", f"{API}/login/second-factor"} == OPEN_WRITES


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_every_api_write_without_a_login_is_401_whatever_the_body(
        anon: TestClient, routes: list[tuple[str, str]], kind: str) -> None:
    for method, path in routes:
        response = anon.request(method, filled(path), **BODIES[kind])
        assert response.status_code == 401, (method, path, response.text)
        assert response.json() == NOT_LOGGED_IN, (method, path)
        assert CANARY not in response.text


def test_an_ended_or_forged_session_is_no_login(anon: TestClient,
                                                routes: list[tuple[str, str]]) -> None:
    anon.cookies.set("weerbaar_session", "forged-token")
    for method, path in routes:
        response = anon.request(method, filled(path), content=b"{")
        assert (response.status_code, response.json()) == (401, NOT_LOGGED_IN), (method, path)


def test_a_body_over_the_size_limit_without_a_login_is_401(store: Store,
                                                          routes: list[tuple[str, str]]) -> None:
    app = create_app(store, WebSettings(max_body_bytes=64 * 1024))
    with TestClient(app) as anon:
        for method, path in routes[:5]:
            response = anon.request(method, filled(path), content=b"x" * (65 * 1024))
            assert response.status_code == 401, (method, path)
        # logged in, the limit answers (413) before anything reads the body
        assert anon.post(f"{API}/login", json={"username": "ann", "password":
                         "pw-correct-horse-3"}).status_code == 200
        assert anon.put(f"{API}/cycles/{DRAFT}/scenarios/trade-war",
                        content=b"x" * (65 * 1024)).status_code == 413


def test_logging_in_is_not_behind_the_login(anon: TestClient) -> None:
    response = anon.post(f"{API}/login", content=b'{"username": "' + CANARY.encode() + b'"',
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and CANARY not in response.text
    response = anon.post(f"{API}/login", json={"username": CANARY})  # no password
    assert response.status_code == 422 and CANARY not in response.text
    assert response.json()["detail"][0]["loc"] == ["body", "password"]


def test_reads_are_answered_as_before(anon: TestClient) -> None:
    assert anon.get(f"{API}/cycles").status_code == 401
    assert anon.get(f"{API}/openapi.json").status_code == 200
    assert anon.get("/health").status_code == 200


# --- nothing sent comes back in a 422 -------------------------------------------------------------


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _wrong(schema: dict[str, Any]) -> list[Any]:
    """Values of the wrong type or length that carry the canary, for a property."""
    kinds = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
    out: list[Any] = []
    if kinds & {"string"}:
        out.append({"nested": CANARY})
        limit = schema.get("maxLength") or next(
            (s.get("maxLength") for s in schema.get("anyOf", []) if s.get("maxLength")), None)
        if limit is not None:
            out.append(CANARY * (limit // len(CANARY) + 1))
    if kinds & {"integer", "number", "boolean", "array", "object"}:
        out.append(CANARY)
    return out


def bodies_of(document: dict[str, Any], method: str, path: str) -> Iterator[Any]:
    """Request bodies that do not fit the operation and carry the canary."""
    operation = document["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    yield CANARY  # a string where an object belongs
    yield [CANARY]
    if content is None:
        return
    schema = _schema(document, content["schema"])
    properties = schema.get("properties", {})
    if schema.get("required"):  # every required field missing: FastAPI's input is the body
        yield {"unexpected": CANARY, "password": CANARY}
    for name, prop in properties.items():
        for value in _wrong(_schema(document, prop)):
            yield {name: value}


@pytest.fixture
def analyst(client_for: Callable[[str], TestClient]) -> TestClient:
    return client_for("ann")


def fits_the_declared_shape(body: Any) -> bool:
    return (isinstance(body, dict) and set(body) == {"detail"} and isinstance(body["detail"], list)
            and all(set(p) == {"loc", "msg", "type"} for p in body["detail"]))


def test_no_422_repeats_what_was_sent(app: Any, analyst: TestClient) -> None:
    document = app.openapi()
    seen = 0
    for method, path in sorted(api_routes(app)):
        operation = document["paths"][path][method.lower()]
        if method == "GET" or path in OPEN_WRITES or "requestBody" not in operation:
            continue  # a write without a body (logging out, ...) has no body to refuse
        answered = set()
        for body in bodies_of(document, method, path):
            response = analyst.request(method, filled(path), json=body)
            answered.add(response.status_code)
            if response.status_code == 422:
                seen += 1
                assert CANARY not in response.text, (method, path, body, response.text)
                if "error" not in response.json():  # not one of weerbaar's own errors
                    assert fits_the_declared_shape(response.json()), response.text
        assert 422 in answered, (method, path, answered)
    assert seen > 50


@pytest.mark.parametrize("target", [
    f"{API}/sessions/{CANARY}",  # a path parameter that is not a number
    f"{API}/cycles/{DRAFT}/scenarios/trade-war/diff?a={CANARY}&b=1",
    f"{API}/cycles/{DRAFT}/scenarios/trade-war/diff?a=1&b=9{CANARY}",
])
def test_no_422_repeats_a_path_or_query_value(analyst: TestClient, target: str) -> None:
    response = analyst.get(target)
    assert response.status_code == 422, response.text
    assert CANARY not in response.text
    assert fits_the_declared_shape(response.json()) or response.json()["error"]


def test_a_page_form_that_does_not_fit_repeats_nothing(anon: TestClient) -> None:
    response = anon.post("/login", data={"username": CANARY, "password": "x",
                                         "next": "/" + CANARY * 200})
    assert response.status_code == 422 and CANARY not in response.text


def test_a_validators_message_keeps_its_sense_without_the_value(analyst: TestClient) -> None:
    measure = {"id": "m-dates", "title": "Dates", "start": "2031-05-06", "end": "2030-01-02"}
    response = analyst.post(f"{API}/cycles/{DRAFT}/measures", json=measure)
    assert response.status_code == 422
    assert "2031-05-06" not in response.text and "2030-01-02" not in response.text
    assert "is before start" in response.text
