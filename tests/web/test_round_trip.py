"""Saving a form or an API document unchanged changes nothing.

For every scenario, review and measure of both example cycles (the frozen one through a draft
clone), and for generated scenarios in every representation the workspace format allows
(classes, half classes, natural units, probabilities within the horizon with limits, annual
probabilities, multi-line reasoning, markings), the scoring and review forms a
browser would submit unchanged and the API documents sent back unchanged leave the stored
content and its revision exactly as they were. Partial input is an error at the field, never a
deletion; deleting a score is explicit and confirmed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.operator_support import OPERATOR

from weerbaar.domain import CycleKind
from weerbaar.services import accounts
from weerbaar.services.cycles import clone_cycle
from weerbaar.services.reviews import list_reviews
from weerbaar.store import Store, get

from .support import DRAFT, FROZEN, form_fields

Client = Callable[[str], TestClient]
CLONE = "nvs-2019-copy"


@pytest.fixture
def cycles(store: Store) -> tuple[str, str]:
    """The draft example cycle and a draft copy of the frozen one; ann and cora cleared for
    everything in them (some example scenarios are marked confidential)."""
    clone_cycle(store, OPERATOR, FROZEN, CLONE, kind=CycleKind.STRATEGY)
    for name, role in (("ann", "analyst"), ("cora", "coordinator")):
        accounts.grant(store, OPERATOR, name, role, clearance="secret")
    return DRAFT, CLONE


def stored(store: Store, cycle: str, kind: str, key: str) -> tuple[int, Any]:
    found = get(store, cycle, kind, key)
    return found.revision, found.item.model_dump(mode="json")


def resubmit_score_form(client: TestClient, cycle: str, scenario: str) -> int:
    path = f"/cycles/{cycle}/scenarios/{scenario}/edit"
    page = client.get(path)
    assert page.status_code == 200, page.text
    response = client.post(path, data=form_fields(page.text), follow_redirects=False)
    assert response.status_code == 303, (scenario, response.text[:2000])
    return response.status_code


def api_scenario_unchanged(client: TestClient, cycle: str, scenario: str) -> None:
    path = f"/api/v1/cycles/{cycle}/scenarios/{scenario}"
    body = client.get(path).json()
    answer = client.put(path, json={"scenario": body["input"],
                                    "expected_revision": body["revision"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["revision"] == body["revision"]


def test_every_example_scenario_round_trips_through_the_form_and_the_api(
        store: Store, client_for: Client, cycles: tuple[str, str]) -> None:
    ann = client_for("ann")
    checked = 0
    for cycle in cycles:
        for scenario in [s["id"] for s in ann.get(f"/api/v1/cycles/{cycle}/scenarios").json()]:
            before = stored(store, cycle, "scenario", scenario)
            resubmit_score_form(ann, cycle, scenario)
            api_scenario_unchanged(ann, cycle, scenario)
            assert stored(store, cycle, "scenario", scenario) == before, scenario
            checked += 1
    assert checked == 31 + 28  # every scenario of midterm-2021 and nvs-2019


def test_every_example_review_and_measure_round_trips(
        store: Store, client_for: Client, cycles: tuple[str, str]) -> None:
    cora = client_for("cora")  # the coordinator's review form has the verdict fields too
    reviews = measures = 0
    for cycle in cycles:
        for theme in [t.id for t in list_reviews(store, OPERATOR, cycle).themes]:
            path = f"/cycles/{cycle}/reviews/{theme}"
            api = f"/api/v1{path}"
            if cora.get(api).json()["revision"] == 0:  # no review yet: saving adds none
                response = cora.post(path, data=form_fields(cora.get(path).text),
                                     follow_redirects=False)
                assert response.status_code == 303 and cora.get(api).json()["revision"] == 0
                continue
            before = stored(store, cycle, "review", theme)
            response = cora.post(path, data=form_fields(cora.get(path).text),
                                 follow_redirects=False)
            assert response.status_code == 303, (theme, response.text[:2000])
            body = cora.get(api).json()
            answer = cora.put(api, json={"review": body["review"],
                                         "expected_revision": body["revision"]})
            assert answer.status_code == 200 and answer.json()["revision"] == body["revision"]
            assert stored(store, cycle, "review", theme) == before, theme
            reviews += 1
        for measure in cora.get(f"/api/v1/cycles/{cycle}/measures").json():
            before = stored(store, cycle, "measure", measure["id"])
            api = f"/api/v1/cycles/{cycle}/measures/{measure['id']}"
            body = cora.get(api).json()
            answer = cora.put(api, json={"measure": body["measure"],
                                         "expected_revision": body["revision"]})
            assert answer.status_code == 200, answer.text
            assert answer.json()["revision"] == body["revision"]
            assert stored(store, cycle, "measure", measure["id"]) == before
            measures += 1
    assert reviews >= 2 * 9 and measures >= 2


# --- generated scenarios -------------------------------------------------------------------

CRITERIA = ("1.1", "1.2", "2.1", "2.2", "3.1", "4.1", "5.1", "6.4")
CLASSES = ("A", "B", "C", "D", "E")
IMPACT = ("X", *CLASSES)
TEXT = st.text(st.characters(categories=("L", "N", "P", "Zs"), include_characters="\n<>&\"'"),
               max_size=60)


@st.composite
def criterion(draw: st.DrawFn, cid: str) -> Any:
    low, mid, high = sorted(draw(st.lists(st.sampled_from(IMPACT), min_size=3, max_size=3)),
                            key=IMPACT.index)
    kind = draw(st.sampled_from(("class", "range", "natural")))
    if kind == "class":
        return mid
    entry: dict[str, Any]
    if kind == "natural" and cid == "2.1":
        n = sorted(draw(st.lists(st.integers(1, 50_000), min_size=3, max_size=3)))
        entry = {"ev": f"{n[1]} fatalities", "ll": f"{n[0]} fatalities",
                 "ul": f"{n[2]} fatalities"}
    else:
        entry = {"ev": mid, "ll": low, "ul": high}
    why = draw(TEXT)
    if why.strip():
        entry["reasoning"] = why
    return entry


@st.composite
def likelihood(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(("class", "range", "half", "probability", "annual")))
    why = draw(TEXT)
    out: dict[str, Any]
    if kind == "class":
        return draw(st.sampled_from(CLASSES))
    if kind == "range":
        low, mid, high = sorted(draw(st.lists(st.sampled_from(CLASSES), min_size=3,
                                              max_size=3)))
        out = {"ev": mid, "ll": low, "ul": high}
    elif kind == "half":
        low, mid, high = sorted(draw(st.lists(st.sampled_from(CLASSES[:-1]), min_size=3,
                                              max_size=3)))
        out = {"ev": f"{mid}-high", "ll": low, "ul": high if high > mid else f"{mid}-high"}
    elif kind == "probability":
        p = draw(st.floats(1e-5, 0.9))
        out = {"probability": p}
        if draw(st.booleans()):
            out.update(probability_low=p / 2, probability_high=min(1.0, p * 1.5))
    else:
        out = {"annual_probability": draw(st.floats(1e-6, 0.1))}
    if why.strip():
        out["reasoning"] = why
    return out


@st.composite
def scores(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(CRITERIA), min_size=1, max_size=len(CRITERIA),
                           unique=True))
    out: dict[str, Any] = {"impact": {c: draw(criterion(c)) for c in chosen}}
    if draw(st.booleans()):
        out["likelihood"] = draw(likelihood())
    out["marking"] = draw(st.sampled_from(("public", "internal")))
    return out


@pytest.fixture
def analyst(client_for: Client) -> TestClient:
    """ann (analyst on every cycle), logged in once for every generated example."""
    return client_for("ann")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scores())
def test_generated_scenarios_round_trip(store: Store, analyst: TestClient,
                                        generated: dict[str, Any]) -> None:
    ann = analyst
    scenario = PROBABLE  # a hazard: every likelihood representation applies
    path = f"/api/v1/cycles/{DRAFT}/scenarios/{scenario}"
    body = ann.get(path).json()
    document = {k: v for k, v in body["input"].items() if k not in ("impact", "likelihood")}
    document.update(generated)
    had = body["input"]
    delete = [f"impact.{c}" for c in had["impact"] if c not in generated["impact"]]
    if "likelihood" in had and "likelihood" not in generated:
        delete.append("likelihood")
    answer = ann.put(path, json={"scenario": document, "expected_revision": body["revision"],
                                 "delete": delete})
    assert answer.status_code == 200, answer.text
    before = stored(store, DRAFT, "scenario", scenario)
    resubmit_score_form(ann, DRAFT, scenario)
    api_scenario_unchanged(ann, DRAFT, scenario)
    assert stored(store, DRAFT, "scenario", scenario) == before


# --- partial input is an error, deletion is explicit -----------------------------------------

PROBABLE = "power-outage-national"  # its likelihood is a probability within five years


def test_the_form_shows_a_probability_likelihood_and_keeps_it(
        store: Store, client_for: Client) -> None:
    ann = client_for("ann")
    path = f"/cycles/{DRAFT}/scenarios/{PROBABLE}/edit"
    values = form_fields(ann.get(path).text)
    assert values["likelihood-probability"] == "0.015"
    assert values["likelihood-reasoning"].startswith("Midterm 2021")
    values["1.2-ev"] = values["1.2-ll"] = values["1.2-ul"] = "B"
    assert ann.post(path, data=values, follow_redirects=False).status_code == 303
    after = get(store, DRAFT, "scenario", PROBABLE).item
    assert after.likelihood is not None
    assert after.likelihood.conversions[0].entered == "probability 0.015"
    assert after.likelihood.reasoning and after.likelihood.reasoning.startswith("Midterm 2021")


@pytest.mark.parametrize("cleared", [
    ("likelihood-probability",),
    ("likelihood-probability", "likelihood-reasoning"),
    ("2.1-ev",),
    ("2.1-ev", "2.1-ll", "2.1-ul", "2.1-reasoning"),
])
def test_clearing_fields_is_an_error_at_the_field_and_stores_nothing(
        store: Store, client_for: Client, cleared: tuple[str, ...]) -> None:
    ann = client_for("ann")
    path = f"/cycles/{DRAFT}/scenarios/{PROBABLE}/edit"
    values = form_fields(ann.get(path).text)
    before = stored(store, DRAFT, "scenario", PROBABLE)
    for name in cleared:
        values[name] = ""
    response = ann.post(path, data=values, follow_redirects=False)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    kept = form_fields(response.text)
    assert all(kept[name] == "" for name in cleared)  # what was typed (cleared) stays
    assert stored(store, DRAFT, "scenario", PROBABLE) == before


def test_deleting_a_score_is_explicit_and_confirmed(store: Store, client_for: Client) -> None:
    ann = client_for("ann")
    path = f"/cycles/{DRAFT}/scenarios/{PROBABLE}/edit"
    values = form_fields(ann.get(path).text)
    revision, _ = stored(store, DRAFT, "scenario", PROBABLE)
    values["2.1-delete"] = "1"
    values["likelihood-delete"] = "1"
    asked = ann.post(path, data=values, follow_redirects=False)
    assert asked.status_code == 200 and 'name="confirm_deletion"' in asked.text
    assert stored(store, DRAFT, "scenario", PROBABLE)[0] == revision  # nothing yet
    confirmed = {**form_fields(asked.text), "confirm_deletion": "yes"}
    assert confirmed["2.1-delete"] == "1"  # the ticks are kept on the confirmation page
    done = ann.post(path, data=confirmed, follow_redirects=False)
    assert done.status_code == 303, re.findall(r"role=.alert.>(.*?)</", done.text, re.S)
    after = get(store, DRAFT, "scenario", PROBABLE).item
    assert "2.1" not in after.impact and after.likelihood is None
    assert "1.1" in after.impact


def test_the_api_refuses_a_document_that_leaves_a_score_out(
        store: Store, client_for: Client) -> None:
    ann = client_for("ann")
    path = f"/api/v1/cycles/{DRAFT}/scenarios/{PROBABLE}"
    body = ann.get(path).json()
    document = dict(body["input"])
    del document["likelihood"]
    document["impact"] = {k: v for k, v in document["impact"].items() if k != "2.1"}
    before = stored(store, DRAFT, "scenario", PROBABLE)
    refused = ann.put(path, json={"scenario": document, "expected_revision": body["revision"]})
    assert refused.status_code == 422 and "impact.2.1" in refused.json()["detail"]
    assert stored(store, DRAFT, "scenario", PROBABLE) == before
    deleted = ann.put(path, json={"scenario": document, "expected_revision": body["revision"],
                                  "delete": ["impact.2.1", "likelihood"]})
    assert deleted.status_code == 200 and deleted.json()["revision"] == body["revision"] + 1


def test_a_stale_api_save_answers_409_with_the_current_document(client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    path = f"/api/v1/cycles/{DRAFT}/scenarios/{PROBABLE}"
    body = ann.get(path).json()
    theirs = dict(body["input"], title="Cora's title")
    assert cora.put(path, json={"scenario": theirs,
                                "expected_revision": body["revision"]}).status_code == 200
    mine = dict(body["input"], title="Ann's title")
    stale = ann.put(path, json={"scenario": mine, "expected_revision": body["revision"]})
    assert stale.status_code == 409
    current = stale.json()["current"]
    assert current["revision"] == body["revision"] + 1 and current["updated_by"] == "cora"
    assert current["scenario"]["title"] == "Cora's title"


def test_the_api_refuses_a_review_or_measure_that_leaves_a_field_out(
        client_for: Client) -> None:
    cora = client_for("cora")
    review_path = f"/api/v1/cycles/{DRAFT}/reviews/multilateral-institutions"
    body = cora.get(review_path).json()
    review = dict(body["review"])
    assert review["verdict"] is not None
    del review["verdict"]
    refused = cora.put(review_path, json={"review": review,
                                          "expected_revision": body["revision"]})
    assert refused.status_code == 422 and "verdict" in refused.json()["detail"]
    sections = dict(body["review"]["sections"])
    part = next(iter(sections))
    del sections[part]
    refused = cora.put(review_path, json={"review": {**body["review"], "sections": sections},
                                          "expected_revision": body["revision"]})
    assert refused.status_code == 422 and part in refused.json()["detail"]
    assert cora.get(review_path).json()["revision"] == body["revision"]
    measure = cora.get(f"/api/v1/cycles/{DRAFT}/measures").json()[0]
    path = f"/api/v1/cycles/{DRAFT}/measures/{measure['id']}"
    current = cora.get(path).json()
    partial = {k: v for k, v in current["measure"].items() if k != "owner"}
    assert current["measure"]["owner"]
    refused = cora.put(path, json={"measure": partial,
                                   "expected_revision": current["revision"]})
    assert refused.status_code == 422 and "owner" in refused.json()["detail"]
    assert cora.get(path).json()["revision"] == current["revision"]


# --- generated reviews and measures ----------------------------------------------------------

PARTS = ("summary", "threat", "resilience", "approach")
REF = st.text(st.characters(categories=("L", "N"), include_characters="-_ ."), min_size=1,
              max_size=30).map(str.strip).filter(bool)


@st.composite
def reviews(draw: st.DrawFn) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for part in draw(st.lists(st.sampled_from(PARTS), unique=True)):
        links = draw(st.lists(st.tuples(st.sampled_from(("document", "scenario")), REF,
                                        st.one_of(st.none(), TEXT.filter(str.strip))),
                              max_size=3, unique_by=lambda x: (x[0], x[1])))
        sections[part] = {"text": draw(TEXT), "evidence": [
            {"kind": kind, "ref": ref, **({"note": note} if note else {})}
            for kind, ref, note in links]}

    def answer() -> dict[str, Any]:
        why = draw(TEXT)
        return {"answer": draw(st.sampled_from(("yes", "partly", "no", "open"))),
                "reasoning": why if why.strip() else None}

    verdict = draw(st.one_of(st.none(), st.sampled_from(("continue", "intensify", "adjust"))))
    reasoning = draw(TEXT.filter(str.strip)) if verdict else None
    return {"sections": sections, "comprehensive": answer(), "more_resilient": answer(),
            "verdict": verdict, "verdict_reasoning": reasoning,
            "marking": draw(st.sampled_from(("public", "internal")))}


@pytest.fixture
def coordinator(client_for: Client) -> TestClient:
    """cora (coordinator on every cycle), logged in once for every generated example."""
    return client_for("cora")


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(reviews())
def test_generated_reviews_round_trip(store: Store, coordinator: TestClient,
                                      generated: dict[str, Any]) -> None:
    theme = "multilateral-institutions"
    api = f"/api/v1/cycles/{DRAFT}/reviews/{theme}"
    body = coordinator.get(api).json()
    had = body["review"]["sections"]
    delete = [f"sections.{p}" for p in had if p not in generated["sections"]]
    answer = coordinator.put(api, json={"review": {**body["review"], **generated},
                                        "expected_revision": body["revision"],
                                        "delete": delete})
    assert answer.status_code == 200, answer.text
    before = stored(store, DRAFT, "review", theme)
    path = f"/cycles/{DRAFT}/reviews/{theme}"
    response = coordinator.post(path, data=form_fields(coordinator.get(path).text),
                                follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    after = stored(store, DRAFT, "review", theme)
    assert after == before, (generated, before[1], after[1])
    now = coordinator.get(api).json()
    again = coordinator.put(api, json={"review": now["review"],
                                       "expected_revision": now["revision"]})
    assert again.status_code == 200 and again.json()["revision"] == before[0]
    assert stored(store, DRAFT, "review", theme) == before


@st.composite
def measures(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1),
                                               max_value=date(2030, 1, 1))))
    end = None if start is None else draw(st.one_of(st.none(), st.dates(min_value=start,
                                                                        max_value=date(2035, 1, 1))))
    why = draw(TEXT)
    return {"title": draw(REF), "description": why if why.strip() else None,
            "owner": draw(st.one_of(st.none(), REF)),
            "partners": draw(st.lists(REF, max_size=3)),
            "capability": draw(st.one_of(st.none(), st.sampled_from(
                ("people", "material", "knowledge", "skills", "procedures")))),
            "phase": draw(st.one_of(st.none(), st.sampled_from(
                ("prevention", "preparation", "response", "aftercare")))),
            "status": draw(st.sampled_from(("planned", "running", "done", "stopped"))),
            "start": start and start.isoformat(), "end": end and end.isoformat(),
            "marking": draw(st.sampled_from(("public", "internal")))}


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(measures())
def test_generated_measures_round_trip(store: Store, coordinator: TestClient,
                                       generated: dict[str, Any]) -> None:
    first = coordinator.get(f"/api/v1/cycles/{DRAFT}/measures").json()[0]["id"]
    api = f"/api/v1/cycles/{DRAFT}/measures/{first}"
    body = coordinator.get(api).json()
    answer = coordinator.put(api, json={"measure": {**body["measure"], **generated},
                                        "expected_revision": body["revision"]})
    assert answer.status_code == 200, answer.text
    before = stored(store, DRAFT, "measure", first)
    now = coordinator.get(api).json()
    again = coordinator.put(api, json={"measure": now["measure"],
                                       "expected_revision": now["revision"]})
    assert again.status_code == 200 and again.json()["revision"] == before[0]
    assert stored(store, DRAFT, "measure", first) == before
