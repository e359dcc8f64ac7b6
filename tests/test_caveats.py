"""Caveats travel with the results: every JSON output of the command line and every API answer
with results carries ``illustrative`` and the run's ``caveats`` (issue 18, point 2); every
results table says them under it, on the command line and on the web pages.

The example cycles are illustrative and rest on provisional method values; a workspace without
``illustrative: true`` is the case where the flag must be false (so the checks can fail).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.conftest import WORKSPACE_HEAD
from tests.operator_support import OPERATOR
from tests.web.support import DRAFT, FROZEN, PASSWORDS, build_database

from weerbaar.cli import main
from weerbaar.cli.options import out as console
from weerbaar.domain import CycleKind
from weerbaar.services.caveats import (
    ILLUSTRATIVE,
    METHOD_VALUE,
    PARENT_WITHHELD,
    PREFERENCE,
    SCENARIO_VALUE,
    run_caveats,
)
from weerbaar.services.cycles import import_cycle
from weerbaar.store import Store, open_store
from weerbaar.web import create_app

PLAIN = "plain"  # a cycle imported from a workspace that is not illustrative
PLAIN_WORKSPACE = WORKSPACE_HEAD + """\
  - id: flood
    title: Overstroming
    theme: nd
    type: hazard
    impact: {"2.1": "400 fatalities", "3.1": "EUR 13 bn", "5.1": C}
    likelihood: {probability: 0.02}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("caveats")
    workspace = folder / "plain.yaml"
    workspace.write_text(PLAIN_WORKSPACE, encoding="utf-8")
    db = build_database(folder / "template.sqlite")
    store = open_store(str(db))
    try:
        import_cycle(store, OPERATOR, str(workspace), key=PLAIN, kind=CycleKind.RISK_ANALYSIS)
    finally:
        store.dispose()
    return {"db": db, "workspace": workspace}


@pytest.fixture
def wide() -> Iterator[None]:
    """A wide console, so table cells and captions are not wrapped."""
    before = console.width
    console.width = 240
    yield
    console.width = before


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def codes(payload: dict[str, Any]) -> list[str]:
    return [c["code"] for c in payload["caveats"]]


def named_values(payload: dict[str, Any]) -> set[str]:
    return {item for c in payload["caveats"] if c["code"] in (METHOD_VALUE, SCENARIO_VALUE)
            for item in c["items"]}


def assert_example(payload: dict[str, Any]) -> None:
    """The example's answer: illustrative, and naming the provisional values it rests on."""
    assert payload["illustrative"] is True
    assert codes(payload)[0] == ILLUSTRATIVE
    named = named_values(payload)
    assert "thresholds of criterion 3.1" in named, payload["caveats"]
    assert "aggregation method weighted_sum" in named
    for caveat in payload["caveats"]:
        assert set(caveat) == {"code", "message", "concerns", "items", "status", "source",
                               "count"}
        assert caveat["message"]
        if caveat["code"] in (METHOD_VALUE, SCENARIO_VALUE):
            assert caveat["status"] in ("provisional", "unknown")


def assert_plain(payload: dict[str, Any]) -> None:
    """A workspace that is not illustrative: no such flag, the weak values still named."""
    assert payload["illustrative"] is False
    assert ILLUSTRATIVE not in codes(payload)
    assert "thresholds of criterion 3.1" in named_values(payload)


# -- the command line's JSON -----------------------------------------------------------------

COMMANDS = {  # name: (arguments for the example, for the plain workspace, where the rows are)
    "assess": (["assess", "example:midterm-2021"], ["assess", "{workspace}"], "results"),
    "assess cycle": (["assess", f"cycle:{DRAFT}", "--db", "{db}"],
                     ["assess", f"cycle:{PLAIN}", "--db", "{db}"], "results"),
    "analyse": (["analyse", "example:midterm-2021", "--samples", "200"],
                ["analyse", "{workspace}", "--samples", "200"], "results"),
    "priorities": (["priorities", DRAFT, "--db", "{db}"], ["priorities", PLAIN, "--db", "{db}"],
                   "scenarios"),
    "measures list": (["measures", "list", DRAFT, "--db", "{db}"],
                      ["measures", "list", PLAIN, "--db", "{db}"], "measures"),
    "gaps": (["gaps", DRAFT, "--db", "{db}"], ["gaps", PLAIN, "--db", "{db}"], "gaps"),
    "cycle compare": (["cycle", "compare", DRAFT, "--db", "{db}"],
                      ["cycle", "compare", FROZEN, PLAIN, "--db", "{db}"], "items"),
}


def _args(template: list[str], files: dict[str, Path]) -> list[str]:
    return [a.format(db=files["db"], workspace=files["workspace"]) for a in template]


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_json_output_carries_the_caveats(capsys: pytest.CaptureFixture[str],
                                               files: dict[str, Path], name: str) -> None:
    example, plain, rows = COMMANDS[name]
    payload = json.loads(cli(capsys, *_args(example, files), "--json"))
    assert_example(payload)
    assert isinstance(payload[rows], list)
    other = json.loads(cli(capsys, *_args(plain, files), "--json"))
    if name == "cycle compare":  # compared with the illustrative example: illustrative too
        assert other["illustrative"] is True and ILLUSTRATIVE in codes(other)
        return
    assert_plain(other)


def test_json_caveats_speak_the_asked_language(capsys: pytest.CaptureFixture[str],
                                               files: dict[str, Path]) -> None:
    dutch = json.loads(cli(capsys, "priorities", DRAFT, "--db", str(files["db"]), "--json",
                           "--lang", "nl"))
    english = json.loads(cli(capsys, "priorities", DRAFT, "--db", str(files["db"]), "--json"))
    assert codes(dutch) == codes(english)
    assert dutch["caveats"][0]["message"] == "Illustratieve scores: geen officiële beoordeling."
    assert english["caveats"][0]["message"] == "Illustrative scores: not an official assessment."
    assert any("drempels van criterium 3.1" in c["message"] for c in dutch["caveats"])


def test_a_provisional_preference_profile_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads(cli(capsys, "assess", "example:midterm-2021", "--json",
                             "--profile-weights", "physical-emphasis"))
    found = [c for c in payload["caveats"] if c["code"] == PREFERENCE]
    assert [c["items"] for c in found] == [["physical-emphasis"]]
    assert found[0]["status"] in ("provisional", "unknown")
    plain = json.loads(cli(capsys, "assess", "example:midterm-2021", "--json"))
    assert PREFERENCE not in codes(plain)  # the equal weights are not provisional


def test_analyse_with_sensitivity_names_the_weak_preference_profiles(
        capsys: pytest.CaptureFixture[str]) -> None:
    payload = json.loads(cli(capsys, "analyse", "example:midterm-2021", "--samples", "200",
                             "--sensitivity", "--sobol-samples", "64", "--json"))
    compared = [c for c in payload["caveats"] if c["code"] == "provisional-preferences"]
    assert compared and compared[0]["items"] == payload["sensitivity"]["preferences"][
        "provisional"]


@pytest.mark.parametrize("args", [
    ["assess", "example:midterm-2021"],
    ["priorities", DRAFT, "--db", "{db}"],
    ["measures", "list", DRAFT, "--db", "{db}"],
    ["gaps", DRAFT, "--db", "{db}"],
    ["cycle", "compare", DRAFT, "--db", "{db}"],
    ["analyse", "example:midterm-2021", "--samples", "200"],
])
def test_every_results_table_says_its_caveats_under_it(
        capsys: pytest.CaptureFixture[str], files: dict[str, Path], wide: None,
        args: list[str]) -> None:
    text = cli(capsys, *_args(args, files))
    lines = [line.strip() for line in text.splitlines()]
    bottom = max(i for i, line in enumerate(lines) if line.startswith("└"))
    under = lines[bottom + 1:]
    assert "Illustrative scores: not an official assessment." in under
    assert any("thresholds of criterion 3.1 (status: provisional)" in line for line in under)
    dutch = cli(capsys, *_args(args, files), "--lang", "nl")
    assert "Illustratieve scores: geen officiële beoordeling." in dutch


def test_a_plain_workspace_table_has_no_illustrative_note(
        capsys: pytest.CaptureFixture[str], files: dict[str, Path], wide: None) -> None:
    text = cli(capsys, "assess", str(files["workspace"]))
    assert "Illustrative" not in text
    assert "thresholds of criterion 3.1 (status: provisional)" in text


def test_parent_withheld_and_merging_are_said_once() -> None:
    found = run_caveats(illustrative=True, parent_withheld=True)
    assert [c.code for c in found.caveats] == [ILLUSTRATIVE, PARENT_WITHHELD]
    assert found.with_parent_withheld().caveats == found.caveats
    merged = run_caveats(illustrative=False, parent_withheld=True).merged(found)
    assert merged.illustrative and [c.code for c in merged.caveats] == [ILLUSTRATIVE,
                                                                         PARENT_WITHHELD]
    assert not run_caveats(illustrative=False).merged(run_caveats(illustrative=False)).caveats


# -- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(files: dict[str, Path], tmp_path: Path) -> Iterator[TestClient]:
    copy = tmp_path / "web.sqlite"
    copy.write_bytes(files["db"].read_bytes())
    store: Store = open_store(str(copy))
    try:
        with TestClient(create_app(store)) as client:  # type: ignore[arg-type]
            response = client.post("/api/v1/login",
                                   json={"username": "ann", "password": PASSWORDS["ann"]})
            assert response.status_code == 200, response.text
            yield client
    finally:
        store.dispose()


OBJECT_ROUTES = ["/cycles/{cycle}", "/cycles/{cycle}/diagram", "/cycles/{cycle}/priorities",
                 "/cycles/{cycle}/compare", "/cycles/{cycle}/scenarios/flood"]
LIST_ROUTES = ["/cycles/{cycle}/scenarios", "/cycles/{cycle}/measures"]


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_every_api_answer_with_results_carries_the_caveats(api: TestClient, route: str) -> None:
    if route.endswith("/flood"):  # a scenario of the example
        route = route.replace("flood", "trade-war")
    body = api.get("/api/v1" + route.format(cycle=DRAFT)).json()
    assert_example(body)
    plain = api.get("/api/v1" + route.format(cycle=PLAIN).replace("trade-war", "flood"))
    assert plain.status_code == 200, plain.text
    assert_plain(plain.json())


def test_api_caveats_speak_the_asked_language(api: TestClient) -> None:
    body = api.get(f"/api/v1/cycles/{DRAFT}/priorities?lang=nl").json()
    assert body["caveats"][0]["message"] == "Illustratieve scores: geen officiële beoordeling."
    assert body["scenarios"] and body["themes"]  # the answer's own fields are kept
    assert api.get(f"/api/v1/cycles/{DRAFT}/priorities?lang=de").status_code == 422


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_list_answers_carry_the_caveats_as_headers(api: TestClient, route: str) -> None:
    response = api.get("/api/v1" + route.format(cycle=DRAFT))
    assert isinstance(response.json(), list)  # the list keeps its shape
    assert response.headers["Weerbaar-Illustrative"] == "true"
    listed = response.headers["Weerbaar-Caveats"].split(",")
    assert listed[0] == ILLUSTRATIVE and SCENARIO_VALUE in listed
    plain = api.get("/api/v1" + route.format(cycle=PLAIN))
    assert plain.headers["Weerbaar-Illustrative"] == "false"
    assert ILLUSTRATIVE not in plain.headers["Weerbaar-Caveats"].split(",")


def test_the_openapi_document_shows_the_caveats(api: TestClient) -> None:
    document = api.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"illustrative", "caveats"} <= set(schemas["Caveated"]["required"])
    paths = document["paths"]
    for route in ("/api/v1/cycles/{cycle}/priorities", "/api/v1/cycles/{cycle}/compare",
                  "/api/v1/cycles/{cycle}"):
        answer = paths[route]["get"]["responses"]["200"]["content"]["application/json"]
        assert answer["schema"]["$ref"].endswith("/Caveated"), route
    diagram = paths["/api/v1/cycles/{cycle}/diagram"]["get"]["responses"]["200"]
    assert diagram["content"]["application/json"]["schema"]["required"] == ["illustrative",
                                                                             "caveats"]
    for route in ("/api/v1/cycles/{cycle}/scenarios", "/api/v1/cycles/{cycle}/measures"):
        headers = paths[route]["get"]["responses"]["200"]["headers"]
        assert {"Weerbaar-Illustrative", "Weerbaar-Caveats"} <= set(headers), route


@pytest.mark.parametrize("page", ["/?cycle={cycle}", "/cycles/{cycle}/scenarios",
                                  "/cycles/{cycle}/measures", "/cycles/{cycle}/compare"])
def test_the_result_pages_say_the_caveats_under_the_table(api: TestClient, page: str) -> None:
    html = api.get(page.format(cycle=DRAFT) + ("&" if "?" in page else "?") + "lang=nl").text
    assert 'id="caveats"' in html and 'data-illustrative="true"' in html
    assert "Kanttekeningen bij deze resultaten" in html
    assert "Illustratieve scores: geen officiële beoordeling." in html
    if page.endswith("compare"):
        return  # the plain cycle has no parent to compare with
    plain = api.get(page.format(cycle=PLAIN) + ("&" if "?" in page else "?") + "lang=en").text
    assert 'data-illustrative="false"' in plain
    assert "Illustrative scores" not in plain
