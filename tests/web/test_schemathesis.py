"""Property-based tests of the JSON API from its own OpenAPI document (Schemathesis).

Every operation under /api/v1 gets a bounded number of generated requests, each sent as the
analyst ``ann`` (session cookie and ``X-CSRF-Token`` header on every call), against a copy of the
web tests' database. Path parameters are often the example cycles' real keys and ids, and
request bodies often mutations of real ones, so requests get past the 404 and reach the code
behind it. No answer may be a server error, and every answer must match the response schema the
OpenAPI document declares for its status code. Generation is derandomized: CI runs the same
requests every time.
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
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from weerbaar.store import Store
from weerbaar.web import create_app

from .support import CSRF, DRAFT, FROZEN, PASSWORDS, api_routes

# WEERBAAR_FUZZ_SCALE=20 runs twenty times the requests with fresh random inputs (a longer hunt)
SCALE = int(os.environ.get("WEERBAAR_FUZZ_SCALE", "1"))
EXAMPLES = 25 * SCALE
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
KNOWN = {
    "cycle": [DRAFT, FROZEN],
    "scenario": ["trade-war", "flooding-coast", "cyber-attack-vital"],
    "theme": ["multilateral-institutions", "joint-research-programme", "state-threats"],
    "profile_id": ["gra-2019", "nrb-2008", "rnv-2022"],
    "session_id": [1, 2],
    "username": ["ann", "vic", "nobody"],
}


@pytest.fixture
def analyst(app: Any) -> Iterator[dict[str, str]]:
    """The session cookie and CSRF token of the analyst ``ann``."""
    with TestClient(app) as client:
        response = client.post("/api/v1/login", json={"username": "ann", "password": PASSWORDS["ann"]})
        assert response.status_code == 200, response.text
        yield {"cookie": response.cookies["weerbaar_session"], "csrf": response.json()["csrf"]}


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the OpenAPI document (which needs no database)."""
    document = create_app(cast(Store, None)).openapi()
    return sorted((method.upper(), path) for path, item in document["paths"].items()
                  for method in item if method in ("get", "put", "post", "patch", "delete"))


OPERATIONS = _operations()


def _schema(app: Any) -> Any:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)

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
def test_api_answers_without_server_errors(app: Any, analyst: dict[str, str], method: str,
                                           path: str) -> None:
    operation = _schema(app)[path][method]
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
