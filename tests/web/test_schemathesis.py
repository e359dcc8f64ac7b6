"""Property-based tests of the JSON API from its own OpenAPI document (Schemathesis).

Every operation under /api/v1 gets a bounded number of generated requests (positive and negative
ones), each sent as the analyst ``ann`` (the administrator for the user-management operations)
with the session cookie and the ``X-CSRF-Token`` header on every call, against a copy of the web
tests' database. Path parameters are often the example cycles' real keys and ids, and request
bodies often (mutated) real ones, so requests get past the 404 and reach the code behind it. No
answer may be a server error, and every answer's status code, content type and body must be the
ones the OpenAPI document declares. Generation is derandomized: CI sends the same requests every
time; ``WEERBAAR_FUZZ_SCALE=N`` sends N times as many, with fresh random inputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.test_fuzz_importers import _mutate

from weerbaar.store import Store
from weerbaar.web import create_app

from .support import CSRF, DRAFT, FROZEN, PASSWORDS, api_routes

SCALE = int(os.environ.get("WEERBAAR_FUZZ_SCALE", "1"))
EXAMPLES = 25 * SCALE
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]
KNOWN = {
    "cycle": [DRAFT, FROZEN],
    "scenario": ["trade-war", "election-interference", "power-outage-national"],
    "theme": ["multilateral-institutions", "joint-research-programme", "state-threats"],
    "profile_id": ["gra-2019", "nrb-2008", "rnv-2022"],
    "session_id": [1, 2],
    "username": ["ann", "vic", "nobody"],
}


def _user(path: str) -> str:
    return "admin" if path.startswith(("/api/v1/admin/", "/api/v1/reauth")) else "ann"


@pytest.fixture
def analyst(app: Any, request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The session cookie and CSRF token of the analyst ``ann`` (or of the administrator, for the
    operation's path), and real request bodies."""
    name = _user(request.node.callspec.params.get("path", ""))
    with TestClient(app) as client:
        response = client.post("/api/v1/login", json={"username": name, "password": PASSWORDS[name]})
        assert response.status_code == 200, response.text
        cycle = f"/api/v1/cycles/{DRAFT}"
        scenario = client.get(f"{cycle}/scenarios/trade-war").json()
        review = client.get(f"{cycle}/reviews/multilateral-institutions").json()
        measure = client.get(f"{cycle}/measures").json()[0]
        bodies = {
            ("PUT", "/api/v1/cycles/{cycle}/scenarios/{scenario}"):
                {"scenario": scenario["input"], "expected_revision": scenario["revision"]},
            ("PUT", "/api/v1/cycles/{cycle}/reviews/{theme}"):
                {"review": review["review"], "expected_revision": review["revision"]},
            ("POST", "/api/v1/cycles/{cycle}/measures"): {**measure, "id": "new-measure"},
        }
        yield {"cookie": response.cookies["weerbaar_session"], "csrf": response.json()["csrf"],
               "bodies": bodies}


@st.composite
def _mutated(draw: st.DrawFn, body: dict[str, Any]) -> dict[str, Any]:
    """A real request body, possibly with a few values replaced, deleted or added."""
    return body if draw(st.booleans()) else dict(_mutate(body, draw))


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the OpenAPI document (which needs no database)."""
    document = create_app(cast(Store, None)).openapi()
    return sorted((method.upper(), path) for path, item in document["paths"].items()
                  for method in item if method in ("get", "put", "post", "patch", "delete"))


OPERATIONS = _operations()


def _schema(app: Any, analyst: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    bodies = analyst["bodies"]

    @schema.hook
    def map_headers(context: Any, headers: dict[str, Any] | None) -> dict[str, Any]:
        """The analyst's CSRF token, also where the operation declares the header (generated
        values would only test the CSRF check, over and over)."""
        return {**(headers or {}), CSRF: analyst["csrf"]}

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> Any:
        """For the writes, half of the bodies are real ones, some of them mutated."""
        real = bodies.get((context.operation.method.upper(), context.operation.path))
        return st.just(body) if real is None else st.one_of(st.just(body), _mutated(real))

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
        """Half of the requests name things that exist, so they reach the code behind the 404."""
        if not path_parameters:
            return st.just(path_parameters)
        known = {name: st.sampled_from(KNOWN[name]) for name in path_parameters if name in KNOWN}
        return st.one_of(st.just(path_parameters),
                         st.fixed_dictionaries(known).map(lambda k: {**path_parameters, **k}))

    return schema


def test_every_api_route_is_tested(app: Any) -> None:
    assert set(OPERATIONS) == api_routes(app)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_without_server_errors(app: Any, analyst: dict[str, Any], method: str,
                                           path: str) -> None:
    operation = _schema(app, analyst)[path][method]
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                         operation.as_strategy(GenerationMode.NEGATIVE))
    headers = {CSRF: analyst["csrf"]}
    cookies = {"weerbaar_session": analyst["cookie"]}

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=SCALE == 1, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def answers(case: Any) -> None:
        case.call_and_validate(headers=headers, cookies=cookies,
                               checks=CHECKS)

    answers()


def test_session_numbers_beyond_the_database_range(client_for: Any) -> None:
    """Found by this test: a session number over 2**63 was a 500 (SQLite cannot bind it)."""
    cora = client_for("cora")
    huge = 2**63
    assert cora.get(f"/api/v1/sessions/{huge}").status_code == 422
    assert cora.post(f"/api/v1/sessions/{huge}/submissions", json={}).status_code == 422
    assert cora.post(f"/api/v1/sessions/{huge}/close",
                     json={"scenario": {}, "expected_revision": 1}).status_code == 422
    assert cora.get(f"/api/v1/sessions/{2**31}").status_code == 422  # the declared range
    assert cora.get(f"/sessions/{huge}").status_code == 404  # the page: no such session
