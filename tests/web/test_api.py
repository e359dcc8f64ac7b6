"""The JSON API under /api/v1: every endpoint's success and error cases, and the OpenAPI document.

Error conventions: 401 not logged in, 403 wrong role / CSRF header missing or wrong / frozen
cycle / not invited, 404 unknown cycle, scenario, theme, session or profile, 409 stale revision
or a second submission, 422 invalid input (the detail names the key path).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from .support import CSRF, DRAFT, FROZEN, PASSWORDS, age_confirmations, api_routes

Client = Callable[[str], TestClient]
API = "/api/v1"
SCENARIO = f"{API}/cycles/{DRAFT}/scenarios/trade-war"
THREAT_THEME = "multilateral-institutions"
GENERIC_THEME = "joint-research-programme"
REVIEW = f"{API}/cycles/{DRAFT}/reviews/{THREAT_THEME}"


def error(response: Any, status: int, kind: str | None = None) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    if kind is not None:
        assert body["error"] == kind, body
    return str(body["detail"])


def scenario_state(client: TestClient) -> tuple[dict[str, Any], int]:
    body = client.get(SCENARIO).json()
    return body["input"], body["revision"]


def raised_likelihood(scores: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(scores)
    out["likelihood"] = {"ev": "D", "ll": "C", "ul": "E", "reasoning": "raised in a test"}
    return out


def point(client: TestClient, scenario: str = "trade-war") -> dict[str, Any]:
    points = client.get(f"{API}/cycles/{DRAFT}/diagram").json()["points"]
    return next(p for p in points if p["id"] == scenario)


# --- login, logout, me -------------------------------------------------------------------------


def test_login_sets_the_session_cookie_and_returns_the_csrf_token(anon: TestClient) -> None:
    response = anon.post(f"{API}/login", json={"username": "ann", "password": PASSWORDS["ann"]})
    assert response.status_code == 200
    assert response.json()["user"] == "ann" and response.json()["csrf"]
    assert "weerbaar_session" in response.cookies
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert anon.get(f"{API}/me").json()["username"] == "ann"


@pytest.mark.parametrize("username,password", [("ann", "wrong-password-here"),
                                               ("nobody", "wrong-password-here")])
def test_login_failure_says_the_same_for_unknown_user_and_wrong_password(
        anon: TestClient, username: str, password: str) -> None:
    response = anon.post(f"{API}/login", json={"username": username, "password": password})
    assert error(response, 401) == "wrong user name or password"
    assert "weerbaar_session" not in response.cookies


def test_login_body_is_validated(anon: TestClient) -> None:
    response = anon.post(f"{API}/login", json={"username": "", "password": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "username"]


def test_me_names_the_user_roles_and_csrf(client_for: Client) -> None:
    body = client_for("vic").get(f"{API}/me").json()
    assert body["username"] == "vic" and body["admin"] is False
    assert body["roles"] == {DRAFT: "viewer"} and body["csrf"]
    assert client_for("admin").get(f"{API}/me").json()["admin"] is True


def test_me_needs_a_login(anon: TestClient) -> None:
    error(anon.get(f"{API}/me"), 401, "NotAuthenticated")


def test_logout_ends_the_session(client_for: Client) -> None:
    ann = client_for("ann")
    assert ann.post(f"{API}/logout").json() == {"status": "logged out"}
    error(ann.get(f"{API}/me"), 401)


def test_logout_needs_the_csrf_header(client_for: Client) -> None:
    ann = client_for("ann")
    error(ann.post(f"{API}/logout", headers={CSRF: ""}), 403, "PermissionDenied")
    assert ann.get(f"{API}/me").status_code == 200  # still logged in


# --- profiles ----------------------------------------------------------------------------------


def test_profiles_list_and_one_profile(client_for: Client) -> None:
    ann = client_for("ann")
    listed = ann.get(f"{API}/profiles").json()
    assert {"gra-2019", "nrb-2008"} <= {p["id"] for p in listed}
    gra = next(p for p in listed if p["id"] == "gra-2019")
    assert gra["criteria"] == 16 and len(gra["hash"]) == 64
    body = ann.get(f"{API}/profiles/gra-2019").json()
    assert body["id"] == "gra-2019" and len(body["criteria"]) == 16


def test_unknown_profile_is_404(client_for: Client) -> None:
    assert "gra-2019" in error(client_for("ann").get(f"{API}/profiles/nope"), 404, "NotFound")


# --- cycles and their read-only views ----------------------------------------------------------


def test_cycles_lists_only_the_cycles_a_user_may_see(client_for: Client, anon: TestClient) -> None:
    assert [c["key"] for c in client_for("ann").get(f"{API}/cycles").json()] == [FROZEN, DRAFT]
    assert [c["key"] for c in client_for("vic").get(f"{API}/cycles").json()] == [DRAFT]
    error(anon.get(f"{API}/cycles"), 401)


def test_cycle(client_for: Client, anon: TestClient) -> None:
    ann = client_for("ann")
    body = ann.get(f"{API}/cycles/{DRAFT}").json()
    assert body["key"] == DRAFT and body["parent"] == FROZEN and body["status"] == "draft"
    assert ann.get(f"{API}/cycles/{FROZEN}").json()["status"] == "frozen"
    error(ann.get(f"{API}/cycles/nope"), 404, "NotFound")
    error(client_for("vic").get(f"{API}/cycles/{FROZEN}"), 403, "PermissionDenied")
    error(anon.get(f"{API}/cycles/{DRAFT}"), 401)


def test_diagram_has_every_example_scenario(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    body = vic.get(f"{API}/cycles/{DRAFT}/diagram").json()
    assert len(body["points"]) == 31 and len(body["residual"]) == 31
    # vic may not read the parent cycle: its positions are left out
    assert body["parent_key"] is None and body["parent"] == []
    parent = client_for("ann").get(f"{API}/cycles/{DRAFT}/diagram").json()
    assert parent["parent_key"] == FROZEN and parent["parent"]
    assert {"id", "x", "y", "x_range", "y_range", "theme", "type"} <= set(body["points"][0])
    assert len(body["x_ticks"]) == 5 and body["y_ticks"]
    english = vic.get(f"{API}/cycles/{DRAFT}/diagram?lang=en").json()
    dutch = vic.get(f"{API}/cycles/{DRAFT}/diagram?lang=nl").json()
    assert english["themes"][0]["name"] != dutch["themes"][0]["name"]
    error(vic.get(f"{API}/cycles/nope/diagram"), 403)  # vic's grant is on midterm-2021 only
    error(client_for("ann").get(f"{API}/cycles/nope/diagram"), 404)
    error(vic.get(f"{API}/cycles/{FROZEN}/diagram"), 403)
    error(anon.get(f"{API}/cycles/{DRAFT}/diagram"), 401)


def test_scenarios(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    body = vic.get(f"{API}/cycles/{DRAFT}/scenarios").json()
    assert len(body) == 31
    trade = next(s for s in body if s["id"] == "trade-war")
    assert trade["type"] == "threat" and trade["revision"] == 2
    assert trade["scores"]["likelihood"]["ev"] == "C-high"
    error(client_for("ann").get(f"{API}/cycles/nope/scenarios"), 404)
    error(vic.get(f"{API}/cycles/{FROZEN}/scenarios"), 403)
    error(anon.get(f"{API}/cycles/{DRAFT}/scenarios"), 401)


def test_scenario(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    body = vic.get(SCENARIO).json()
    assert body["revision"] == 2 and body["removed"] is False and body["updated_by"] == "test"
    assert body["scenario"]["id"] == "trade-war" and body["input"]["impact"]["1.2"]["ev"] == "B"
    error(vic.get(f"{API}/cycles/{DRAFT}/scenarios/nope"), 404, "NotFound")
    error(client_for("ann").get(f"{API}/cycles/nope/scenarios/trade-war"), 404)
    error(anon.get(SCENARIO), 401)


def test_history_and_diff(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    revisions = vic.get(f"{SCENARIO}/history").json()
    assert [r["revision"] for r in revisions] == [1, 2]
    assert revisions[1]["reason"].startswith("midterm review 2021")
    changes = vic.get(f"{SCENARIO}/diff?a=1&b=2").json()
    assert {"subject": "Likelihood", "aspect": "expected value", "before": "C",
            "after": "C-high"} in changes
    dutch = vic.get(f"{SCENARIO}/diff?a=1&b=2&lang=nl").json()
    assert {"subject": "Waarschijnlijkheid", "aspect": "verwachte waarde", "before": "C",
            "after": "C-high"} in dutch
    error(vic.get(f"{SCENARIO}/diff?a=1&b=2&lang=de"), 422, "InvalidInput")
    assert vic.get(f"{SCENARIO}/diff?a=2&b=2").json() == []
    error(vic.get(f"{SCENARIO}/diff?a=1&b=99"), 404, "NotFound")
    assert vic.get(f"{SCENARIO}/diff?a=1").status_code == 422  # b missing
    error(vic.get(f"{API}/cycles/{DRAFT}/scenarios/nope/history"), 404)
    error(vic.get(f"{API}/cycles/{DRAFT}/scenarios/nope/diff?a=1&b=2"), 404)
    error(anon.get(f"{SCENARIO}/history"), 401)
    error(anon.get(f"{SCENARIO}/diff?a=1&b=2"), 401)


def test_add_measure(client_for: Client, anon: TestClient) -> None:
    ann = client_for("ann")
    measure = {"id": "api-m", "title": "Nieuw", "scenarios": ["trade-war"], "status": "running",
               "effect": {"likelihood": 1}}
    response = ann.post(f"{API}/cycles/{DRAFT}/measures", json=measure)
    assert response.status_code == 201, response.text
    ids = [m["id"] for m in ann.get(f"{API}/cycles/{DRAFT}/measures").json()]
    assert "api-m" in ids
    error(ann.post(f"{API}/cycles/{DRAFT}/measures", json=measure), 409)
    bad = {**measure, "id": "api-x", "scenarios": ["nope"]}
    assert "nope" in error(ann.post(f"{API}/cycles/{DRAFT}/measures", json=bad), 422)
    error(client_for("vic").post(f"{API}/cycles/{DRAFT}/measures",
                                 json={**measure, "id": "v"}), 403)
    error(ann.post(f"{API}/cycles/{DRAFT}/measures", json={**measure, "id": "c"},
                   headers={CSRF: "wrong"}), 403)
    error(anon.post(f"{API}/cycles/{DRAFT}/measures", json=measure), 401)
    error(ann.post(f"{API}/cycles/{FROZEN}/measures", json={**measure, "id": "f"}), 403)


def test_measures(client_for: Client, anon: TestClient) -> None:
    body = client_for("vic").get(f"{API}/cycles/{DRAFT}/measures").json()
    assert body and {"id", "title", "themes", "effect"} <= set(body[0])
    error(client_for("ann").get(f"{API}/cycles/nope/measures"), 404)
    error(client_for("vic").get(f"{API}/cycles/{FROZEN}/measures"), 403)
    error(anon.get(f"{API}/cycles/{DRAFT}/measures"), 401)


def test_edit_measure(client_for: Client, anon: TestClient) -> None:
    ann, vic = client_for("ann"), client_for("vic")
    first = vic.get(f"{API}/cycles/{DRAFT}/measures").json()[0]["id"]
    path = f"{API}/cycles/{DRAFT}/measures/{first}"
    body = vic.get(path).json()
    assert body["measure"]["id"] == first and body["revision"] >= 1
    changed = {**body["measure"], "title": "Herzien"}
    saved = ann.put(path, json={"measure": changed, "expected_revision": body["revision"],
                                "reason": "title"})
    assert saved.status_code == 200 and saved.json()["revision"] == body["revision"] + 1
    assert vic.get(path).json()["measure"]["title"] == "Herzien"
    stale = ann.put(path, json={"measure": body["measure"],
                                "expected_revision": body["revision"]})
    assert stale.status_code == 409 and stale.json()["current"]["measure"]["title"] == "Herzien"
    error(vic.put(path, json={"measure": changed, "expected_revision": 2}), 403)
    error(ann.put(f"{API}/cycles/{DRAFT}/measures/other", json={
        "measure": changed, "expected_revision": 2}), 422)
    error(ann.get(f"{API}/cycles/{DRAFT}/measures/nope"), 404)
    error(anon.get(path), 401)
    error(anon.put(path, json={"measure": changed, "expected_revision": 2}), 401)
    error(ann.put(path, json={"measure": changed, "expected_revision": 2},
                  headers={CSRF: "wrong"}), 403)


def test_priorities(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    body = vic.get(f"{API}/cycles/{DRAFT}/priorities").json()
    assert body
    assert vic.get(f"{API}/cycles/{DRAFT}/priorities?cut=D").status_code == 200
    assert "not a class" in error(vic.get(f"{API}/cycles/{DRAFT}/priorities?cut=Z"), 422,
                                  "InvalidInput")
    error(client_for("ann").get(f"{API}/cycles/nope/priorities"), 404)
    error(anon.get(f"{API}/cycles/{DRAFT}/priorities"), 401)


def test_compare(client_for: Client, anon: TestClient) -> None:
    ann = client_for("ann")
    body = ann.get(f"{API}/cycles/{DRAFT}/compare").json()
    assert body["base"] == FROZEN and body["cycle"] == DRAFT
    changed = {i["key"] for i in body["items"] if i["status"] == "changed"}
    assert "trade-war" in changed
    assert ann.get(f"{API}/cycles/{DRAFT}/compare?base={FROZEN}").json()["base"] == FROZEN
    error(ann.get(f"{API}/cycles/{DRAFT}/compare?base=nope"), 404)
    error(ann.get(f"{API}/cycles/nope/compare"), 404)
    vic = client_for("vic")  # no right on the parent: nothing to compare with, and refused by name
    alone = vic.get(f"{API}/cycles/{DRAFT}/compare").json()
    assert alone["base"] is None and alone["items"] == []
    error(vic.get(f"{API}/cycles/{DRAFT}/compare?base={FROZEN}"), 403)
    error(anon.get(f"{API}/cycles/{DRAFT}/compare"), 401)


# --- PUT scenario ------------------------------------------------------------------------------


def test_put_scenario_saves_a_revision_and_moves_the_point(client_for: Client) -> None:
    ann = client_for("ann")
    before = point(ann)
    scores, revision = scenario_state(ann)
    response = ann.put(SCENARIO, json={"scenario": raised_likelihood(scores),
                                       "expected_revision": revision, "reason": "new intel"})
    assert response.status_code == 200 and response.json() == {"revision": revision + 1}
    after = point(ann)
    assert after["x"] > before["x"] and after["y"] == pytest.approx(before["y"])
    stored = ann.get(SCENARIO).json()
    assert stored["updated_by"] == "ann" and stored["input"]["likelihood"]["ev"] == "D"
    history = ann.get(f"{SCENARIO}/history").json()
    assert history[-1] == {**history[-1], "actor": "ann", "reason": "new intel"}


def test_diagram_follows_writes_made_outside_the_web_app(client_for: Client, store: Any) -> None:
    """The diagram is cached while the database is unchanged; a write by another program (the
    CLI, another server process) must show at once."""
    from weerbaar.store import get, save

    ann = client_for("ann")
    before = point(ann)
    stored = get(store, DRAFT, "scenario", "trade-war")
    likelihood = stored.item.likelihood
    assert likelihood is not None
    higher = likelihood.range.model_copy(update={"ev": 4.5, "ul": 5.0})
    moved = stored.item.model_copy(update={"likelihood": likelihood.model_copy(
        update={"range": higher})})
    save(store, DRAFT, moved, expected_revision=stored.revision, actor="cli", reason="direct")
    assert point(ann)["x"] == 4.5 != before["x"]
    assert ann.get(f"/?cycle={DRAFT}").status_code == 200


def test_api_answers_are_not_cached_by_browsers(client_for: Client) -> None:
    response = client_for("ann").get(f"{API}/cycles/{DRAFT}/diagram")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"] == "application/json"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_put_scenario_keeps_the_expert_scores(client_for: Client, store: Any) -> None:
    ann = client_for("ann")
    scores, revision = scenario_state(ann)
    experts = ann.get(SCENARIO).json()["scenario"]["experts"]
    ann.put(SCENARIO, json={"scenario": raised_likelihood(scores), "expected_revision": revision})
    assert ann.get(SCENARIO).json()["scenario"]["experts"] == experts


def test_put_scenario_stale_revision_is_409_and_the_first_write_stays(
        client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    scores, revision = scenario_state(ann)
    first = raised_likelihood(scores)
    assert cora.put(SCENARIO, json={"scenario": first, "expected_revision": revision}) \
        .status_code == 200
    second = copy.deepcopy(scores)
    second["likelihood"] = {"ev": "A", "ll": "A", "ul": "B"}
    detail = error(ann.put(SCENARIO, json={"scenario": second, "expected_revision": revision}),
                   409, "Conflict")
    assert f"revision {revision}" in detail and "nothing was overwritten" in detail
    stored = ann.get(SCENARIO).json()
    assert stored["revision"] == revision + 1 and stored["updated_by"] == "cora"
    assert stored["input"]["likelihood"]["ev"] == "D"


def test_put_scenario_invalid_class_names_the_key_path(client_for: Client) -> None:
    ann = client_for("ann")
    scores, revision = scenario_state(ann)
    bad = copy.deepcopy(scores)
    bad["impact"]["1.2"]["ev"] = "Q"
    detail = error(ann.put(SCENARIO, json={"scenario": bad, "expected_revision": revision}), 422,
                   "InvalidInput")
    assert "impact.1.2.ev" in detail and "'Q' is not a class" in detail
    assert ann.get(SCENARIO).json()["revision"] == revision


def test_put_scenario_body_is_validated(client_for: Client) -> None:
    ann = client_for("ann")
    scores, _ = scenario_state(ann)
    response = ann.put(SCENARIO, json={"scenario": scores, "expected_revision": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "expected_revision"]


@pytest.mark.parametrize("header", [None, "", "not-the-token"])
def test_put_scenario_needs_the_csrf_header(client_for: Client, header: str | None) -> None:
    ann = client_for("ann")
    scores, revision = scenario_state(ann)
    if header is None:
        del ann.headers[CSRF]
    else:
        ann.headers[CSRF] = header
    detail = error(ann.put(SCENARIO, json={"scenario": raised_likelihood(scores),
                                           "expected_revision": revision}), 403)
    assert "CSRF" in detail
    assert client_for("ann").get(SCENARIO).json()["revision"] == revision


@pytest.mark.parametrize("name", ["vic", "eva"])
def test_put_scenario_needs_the_analyst_role(client_for: Client, name: str) -> None:
    user = client_for(name)
    scores, revision = scenario_state(user)
    detail = error(user.put(SCENARIO, json={"scenario": raised_likelihood(scores),
                                            "expected_revision": revision}), 403)
    assert "analyst" in detail


def test_put_scenario_not_logged_in_is_401(client_for: Client, anon: TestClient) -> None:
    scores, revision = scenario_state(client_for("ann"))
    error(anon.put(SCENARIO, json={"scenario": scores, "expected_revision": revision}), 401)


def test_put_scenario_unknown_cycle_or_scenario_is_404(client_for: Client) -> None:
    ann = client_for("ann")
    scores, revision = scenario_state(ann)
    body = {"scenario": scores, "expected_revision": revision}
    error(ann.put(f"{API}/cycles/{DRAFT}/scenarios/nope", json=body), 404)
    error(ann.put(f"{API}/cycles/nope/scenarios/trade-war", json=body), 404)


def test_put_scenario_in_a_frozen_cycle_is_refused(client_for: Client) -> None:
    ann = client_for("ann")
    body = ann.get(f"{API}/cycles/{FROZEN}/scenarios/trade-war").json()
    detail = error(ann.put(f"{API}/cycles/{FROZEN}/scenarios/trade-war",
                           json={"scenario": raised_likelihood(body["input"]),
                                 "expected_revision": body["revision"]}), 403)
    assert "frozen" in detail


# --- reviews -----------------------------------------------------------------------------------


def review_state(client: TestClient, theme: str = THREAT_THEME) -> tuple[dict[str, Any], int]:
    body = client.get(f"{API}/cycles/{DRAFT}/reviews/{theme}").json()
    return body["review"], body["revision"]


def with_summary(review: dict[str, Any], text: str) -> dict[str, Any]:
    out = copy.deepcopy(review)
    out["sections"]["summary"] = {"text": text, "evidence": [{"kind": "scenario",
                                                              "ref": "trade-war"}]}
    return out


def test_review(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    review, revision = review_state(vic)
    assert revision == 2 and review["theme"] == THREAT_THEME and review["verdict"] == "continue"
    assert set(review["sections"]) == {"summary", "threat", "resilience", "approach"}
    assert "themes:" in error(vic.get(f"{API}/cycles/{DRAFT}/reviews/nope"), 404)
    error(client_for("ann").get(f"{API}/cycles/nope/reviews/{THREAT_THEME}"), 404)
    error(anon.get(REVIEW), 401)


def test_put_review_saves_a_part(client_for: Client) -> None:
    ann = client_for("ann")
    review, revision = review_state(ann)
    response = ann.put(REVIEW, json={"review": with_summary(review, "Short, new."),
                                     "expected_revision": revision, "reason": "rewrite"})
    assert response.status_code == 200 and response.json() == {"revision": revision + 1}
    saved, _ = review_state(ann)
    assert saved["sections"]["summary"]["text"] == "Short, new."
    assert saved["sections"]["summary"]["evidence"] == [{"kind": "scenario", "ref": "trade-war",
                                                         "note": None}]
    assert saved["verdict"] == "continue"


def test_put_review_stale_revision_is_409_and_the_first_write_stays(
        client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    review, revision = review_state(ann)
    assert cora.put(REVIEW, json={"review": with_summary(review, "Cora was first."),
                                  "expected_revision": revision}).status_code == 200
    detail = error(ann.put(REVIEW, json={"review": with_summary(review, "Ann was second."),
                                         "expected_revision": revision}), 409, "Conflict")
    assert "nothing was overwritten" in detail
    error(ann.put(REVIEW, json={"review": with_summary(review, "Ann again."),
                                "expected_revision": 0}), 409)
    saved, latest = review_state(ann)
    assert latest == revision + 1 and saved["sections"]["summary"]["text"] == "Cora was first."


def test_put_review_verdict_needs_the_coordinator(client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    review, revision = review_state(ann)
    changed = {**review, "verdict": "intensify", "verdict_reasoning": "the threat grew"}
    assert "coordinator" in error(ann.put(REVIEW, json={"review": changed,
                                                        "expected_revision": revision}), 403)
    assert cora.put(REVIEW, json={"review": changed, "expected_revision": revision}).json() == \
        {"revision": revision + 1}
    saved, _ = review_state(ann)
    assert saved["verdict"] == "intensify" and saved["verdict_reasoning"] == "the threat grew"


def test_put_review_verdict_needs_its_reasoning(client_for: Client) -> None:
    cora = client_for("cora")
    review, revision = review_state(cora)
    response = cora.put(REVIEW, json={"review": {**review, "verdict": "new",
                                                 "verdict_reasoning": None},
                                      "expected_revision": revision})
    assert response.status_code == 422
    assert "verdict needs its reasoning" in str(response.json()["detail"])


def test_put_review_unknown_verdict_is_422_at_its_key(client_for: Client) -> None:
    cora = client_for("cora")
    review, revision = review_state(cora)
    response = cora.put(REVIEW, json={"review": {**review, "verdict": "sufficient"},
                                      "expected_revision": revision})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "review", "verdict"]


def test_put_review_generic_instrument_gets_no_verdict(client_for: Client) -> None:
    cora = client_for("cora")
    review, revision = review_state(cora, GENERIC_THEME)
    assert review["verdict"] is None
    detail = error(cora.put(f"{API}/cycles/{DRAFT}/reviews/{GENERIC_THEME}",
                            json={"review": {**review, "verdict": "continue",
                                             "verdict_reasoning": "fine"},
                                  "expected_revision": revision}), 422, "InvalidInput")
    assert "generic" in detail
    assert review_state(cora, GENERIC_THEME) == (review, revision)


def test_put_review_for_another_theme_is_422(client_for: Client) -> None:
    ann = client_for("ann")
    review, revision = review_state(ann)
    detail = error(ann.put(f"{API}/cycles/{DRAFT}/reviews/polarisation",
                           json={"review": review, "expected_revision": revision}), 422)
    assert "review.theme" in detail


def test_put_review_errors(client_for: Client, anon: TestClient) -> None:
    ann = client_for("ann")
    review, revision = review_state(ann)
    body = {"review": with_summary(review, "x"), "expected_revision": revision}
    error(ann.put(f"{API}/cycles/{DRAFT}/reviews/nope", json={**body, "review": {
        **body["review"], "theme": "nope"}}), 404)
    error(client_for("vic").put(REVIEW, json=body), 403)
    error(client_for("eva").put(REVIEW, json=body), 403)
    error(anon.put(REVIEW, json=body), 401)
    del ann.headers[CSRF]
    assert "CSRF" in error(ann.put(REVIEW, json=body), 403)
    ann.headers[CSRF] = "wrong"
    error(ann.put(REVIEW, json=body), 403)
    frozen = client_for("cora").get(f"{API}/cycles/{FROZEN}/reviews/{THREAT_THEME}").json()
    assert "frozen" in error(client_for("cora").put(
        f"{API}/cycles/{FROZEN}/reviews/{THREAT_THEME}",
        json={"review": frozen["review"], "expected_revision": frozen["revision"]}), 403)
    assert review_state(ann) == (review, revision)


# --- expert sessions ---------------------------------------------------------------------------


def open_session(cora: TestClient, experts: list[str], scenario: str = "trade-war") -> int:
    response = cora.post(f"{API}/cycles/{DRAFT}/sessions",
                         json={"scenario": scenario, "experts": experts})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "open" and body["facilitator"] == "cora"
    assert body["experts"] == sorted(experts) and body["submitted"] == []
    return int(body["id"])


EVA = {"impact": {"1.2": "C", "3.2": {"ev": "D", "ll": "C", "ul": "E"}},
       "likelihood": {"ev": "D", "ll": "C", "ul": "D"}}
ED = {"impact": {"1.2": "A", "3.2": "C"}, "likelihood": "C"}


def test_expert_session_end_to_end(client_for: Client) -> None:
    cora, eva, ed = client_for("cora"), client_for("eva"), client_for("ed")
    sid = open_session(cora, ["eva", "ed"])
    assert eva.post(f"{API}/sessions/{sid}/submissions", json=EVA).json() == \
        {"status": "submitted"}
    # ed has not submitted: he sees nobody's scores, only who has submitted
    seen = ed.get(f"{API}/sessions/{sid}").json()
    assert seen["submitted"] == ["eva"] and seen["submissions"] == []
    # the facilitator sees every submission
    assert [s["expert"] for s in cora.get(f"{API}/sessions/{sid}").json()["submissions"]] == \
        ["eva"]
    # eva, having submitted, sees her own only (ed has not submitted yet)
    assert [s["expert"] for s in eva.get(f"{API}/sessions/{sid}").json()["submissions"]] == \
        ["eva"]
    assert ed.post(f"{API}/sessions/{sid}/submissions", json=ED).status_code == 200
    after = ed.get(f"{API}/sessions/{sid}").json()
    assert [s["expert"] for s in after["submissions"]] == ["eva", "ed"]
    eva_scores = after["submissions"][0]["score"]
    assert eva_scores["expert"] == "eva" and eva_scores["impact"]["3.2"]["range"]["ul"] == 5.0
    # a second submission replaces the first (revising until the session closes)
    assert eva.post(f"{API}/sessions/{sid}/submissions", json=ED).json() == \
        {"status": "revised"}
    revised = cora.get(f"{API}/sessions/{sid}").json()["submissions"]
    assert [s["expert"] for s in revised] == ["ed", "eva"]  # one each, eva's is the newest
    assert revised[1]["score"]["impact"]["3.2"]["range"] == {"ev": 3.0, "ll": 3.0, "ul": 3.0}
    # an incomplete row is refused at its field, and does not replace the submission
    detail = error(eva.post(f"{API}/sessions/{sid}/submissions",
                            json={"impact": {"1.2": {"ev": "E"}}}), 422, "InvalidInput")
    assert detail.startswith("key impact.1.2.ll: the lower limit (LL) is missing")
    assert cora.get(f"{API}/sessions/{sid}").json()["submissions"] == revised
    assert eva.post(f"{API}/sessions/{sid}/submissions", json=EVA).json() == \
        {"status": "revised"}
    # the facilitator closes with the agreed score: a revision with every expert's scores
    scores, revision = scenario_state(cora)
    agreed = raised_likelihood(scores)
    closed = cora.post(f"{API}/sessions/{sid}/close",
                       json={"scenario": agreed, "expected_revision": revision})
    assert closed.status_code == 200 and closed.json() == {
        "revision": revision + 1, "changed": True, "submitted": ["ed", "eva"]}
    stored = cora.get(SCENARIO).json()
    assert stored["revision"] == revision + 1 and stored["updated_by"] == "cora"
    assert stored["input"]["likelihood"]["ev"] == "D"
    assert [e["expert"] for e in stored["scenario"]["experts"]] == ["ed", "eva"]
    assert stored["input"]["experts"][1]["impact"]["3.2"] == {"ev": "D", "ll": "C", "ul": "E"}
    history = cora.get(f"{SCENARIO}/history").json()
    assert history[-1]["reason"] == f"agreed in expert session {sid}"
    session = eva.get(f"{API}/sessions/{sid}").json()
    assert session["status"] == "closed" and session["agreed_revision"] == revision + 1
    # once closed: no more submissions, no second close
    assert "closed" in error(ed.post(f"{API}/sessions/{sid}/submissions", json=ED), 409)
    assert "closed" in error(cora.post(f"{API}/sessions/{sid}/close", json={
        "scenario": agreed, "expected_revision": revision + 1}), 409)


def test_session_open_errors(client_for: Client, anon: TestClient) -> None:
    cora = client_for("cora")
    body = {"scenario": "trade-war", "experts": ["eva"]}
    assert "coordinator" in error(client_for("ann").post(f"{API}/cycles/{DRAFT}/sessions",
                                                         json=body), 403)
    error(client_for("eva").post(f"{API}/cycles/{DRAFT}/sessions", json=body), 403)
    error(anon.post(f"{API}/cycles/{DRAFT}/sessions", json=body), 401)
    error(cora.post(f"{API}/cycles/{DRAFT}/sessions", json={**body, "scenario": "nope"}), 404)
    error(cora.post(f"{API}/cycles/nope/sessions", json=body), 404)
    assert "frozen" in error(cora.post(f"{API}/cycles/{FROZEN}/sessions", json=body), 403)
    empty = cora.post(f"{API}/cycles/{DRAFT}/sessions", json={**body, "experts": []})
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"] == ["body", "experts"]
    # only existing users with the expert role (or higher) on the cycle: each refusal named
    detail = error(cora.post(f"{API}/cycles/{DRAFT}/sessions", json={
        **body, "experts": ["eva", "vic", "ghost", "ann"]}), 422, "RefusedExperts")
    assert detail == ("key experts: cannot invite ghost: no such user; vic: has only the viewer "
                      "role on this cycle (expected users with the expert role (or higher) on "
                      "the cycle)")
    # one open session per scenario: a second is a conflict naming the open one
    first = open_session(cora, ["eva", "ann"])
    again = cora.post(f"{API}/cycles/{DRAFT}/sessions", json=body)
    assert f"open expert session already (#{first})" in error(again, 409, "Conflict")
    assert again.json()["current"] == {"session": first}
    cora.headers[CSRF] = "wrong"
    assert "CSRF" in error(cora.post(f"{API}/cycles/{DRAFT}/sessions", json=body), 403)


def test_session_read_errors(client_for: Client, anon: TestClient) -> None:
    cora = client_for("cora")
    sid = open_session(cora, ["eva"])
    error(cora.get(f"{API}/sessions/999"), 404, "NotFound")
    error(anon.get(f"{API}/sessions/{sid}"), 401)
    assert client_for("vic").get(f"{API}/sessions/{sid}").json()["submissions"] == []


def test_submission_errors(client_for: Client, anon: TestClient) -> None:
    cora, eva, ed = client_for("cora"), client_for("eva"), client_for("ed")
    sid = open_session(cora, ["eva"])
    assert "not an expert in session" in error(
        ed.post(f"{API}/sessions/{sid}/submissions", json=ED), 403)  # not invited
    assert "expert" in error(client_for("vic").post(f"{API}/sessions/{sid}/submissions",
                                                    json=ED), 403)
    error(anon.post(f"{API}/sessions/{sid}/submissions", json=ED), 401)
    error(eva.post(f"{API}/sessions/999/submissions", json=ED), 404)
    detail = error(eva.post(f"{API}/sessions/{sid}/submissions",
                            json={"impact": {"1.2": "Q"}}), 422, "InvalidInput")
    assert "impact.1.2" in detail and "'Q' is not a class" in detail
    assert "9.9" in error(eva.post(f"{API}/sessions/{sid}/submissions",
                                   json={"impact": {"9.9": "A"}}), 422)
    # every scored criterion complete; at least one score
    assert "impact.1.2.ul" in error(eva.post(f"{API}/sessions/{sid}/submissions", json={
        "impact": {"1.2": {"ev": "C", "ll": "B"}}}), 422)
    assert "impact.1.2.ev" in error(eva.post(f"{API}/sessions/{sid}/submissions", json={
        "impact": {"1.2": {"ll": "B", "ul": "D"}}}), 422)
    assert "likelihood.ll" in error(eva.post(f"{API}/sessions/{sid}/submissions", json={
        "likelihood": {"ev": "C"}}), 422)
    assert "same means LL = UL = EV" in error(eva.post(f"{API}/sessions/{sid}/submissions",
        json={"impact": {"1.2": {"ev": "C", "ll": "B", "same": True}}}), 422)
    assert "at least one criterion or the likelihood" in error(
        eva.post(f"{API}/sessions/{sid}/submissions", json={"impact": {}}), 422)
    eva.headers[CSRF] = "wrong"
    assert "CSRF" in error(eva.post(f"{API}/sessions/{sid}/submissions", json=EVA), 403)
    # none of the refused attempts counted as a submission
    assert cora.get(f"{API}/sessions/{sid}").json()["submitted"] == []


def test_close_errors(client_for: Client, anon: TestClient) -> None:
    cora = client_for("cora")
    sid = open_session(cora, ["eva"])
    client_for("eva").post(f"{API}/sessions/{sid}/submissions", json=EVA)
    scores, revision = scenario_state(cora)
    body = {"scenario": raised_likelihood(scores), "expected_revision": revision}
    assert "coordinator" in error(client_for("ann").post(f"{API}/sessions/{sid}/close",
                                                         json=body), 403)
    error(client_for("eva").post(f"{API}/sessions/{sid}/close", json=body), 403)
    error(anon.post(f"{API}/sessions/{sid}/close", json=body), 401)
    error(cora.post(f"{API}/sessions/999/close", json=body), 404)
    # stale: somebody saved the scenario after the facilitator loaded it
    ann = client_for("ann")
    meanwhile = raised_likelihood(scores)
    meanwhile["likelihood"]["reasoning"] = "changed meanwhile"
    assert ann.put(SCENARIO, json={"scenario": meanwhile, "expected_revision": revision,
                                   "reason": "x"}).json()["revision"] == revision + 1
    assert "nothing was overwritten" in error(cora.post(f"{API}/sessions/{sid}/close",
                                                        json=body), 409)
    bad = copy.deepcopy(body)
    bad["expected_revision"] = revision + 1
    bad["scenario"]["impact"]["1.2"] = "Q"
    assert "impact.1.2" in error(cora.post(f"{API}/sessions/{sid}/close", json=bad), 422)
    cora.headers[CSRF] = "wrong"
    assert "CSRF" in error(cora.post(f"{API}/sessions/{sid}/close", json={
        **body, "expected_revision": revision + 1}), 403)
    assert client_for("eva").get(f"{API}/sessions/{sid}").json()["status"] == "open"


def test_session_draft(client_for: Client, anon: TestClient) -> None:
    cora, eva, ed = client_for("cora"), client_for("eva"), client_for("ed")
    sid = open_session(cora, ["eva"])
    typed = {"1.2-ev": "C", "1.2-reasoning": "half done", "likelihood-probability": "0,0"}
    saved = eva.put(f"{API}/sessions/{sid}/draft", json={"fields": typed})
    assert saved.status_code == 200 and saved.json()["saved_at"]
    assert eva.get(f"{API}/sessions/{sid}").json()["draft"]["fields"] == typed  # as typed
    # a draft is nobody else's business, and no submission
    assert cora.get(f"{API}/sessions/{sid}").json()["draft"] is None
    assert cora.get(f"{API}/sessions/{sid}").json()["submitted"] == []
    assert "not an expert in session" in error(
        ed.put(f"{API}/sessions/{sid}/draft", json={"fields": typed}), 403)
    error(client_for("vic").put(f"{API}/sessions/{sid}/draft", json={"fields": typed}), 403)
    error(anon.put(f"{API}/sessions/{sid}/draft", json={"fields": typed}), 401)
    error(eva.put(f"{API}/sessions/999/draft", json={"fields": typed}), 404)
    assert eva.put(f"{API}/sessions/{sid}/draft",
                   json={"fields": {"x": "y" * 10_001}}).status_code == 422
    eva.headers[CSRF] = "wrong"
    assert "CSRF" in error(eva.put(f"{API}/sessions/{sid}/draft", json={"fields": {}}), 403)
    client_for("cora").post(f"{API}/sessions/{sid}/cancel", json={})
    eva = client_for("eva")
    assert "cancelled" in error(eva.put(f"{API}/sessions/{sid}/draft", json={"fields": typed}),
                                409, "Conflict")


def test_session_cancel(client_for: Client, anon: TestClient) -> None:
    cora, eva = client_for("cora"), client_for("eva")
    sid = open_session(cora, ["eva"])
    assert eva.post(f"{API}/sessions/{sid}/submissions", json=EVA).status_code == 200
    before = scenario_state(cora)
    assert "coordinator or the session's facilitator" in error(
        client_for("ann").post(f"{API}/sessions/{sid}/cancel", json={}), 403)
    error(eva.post(f"{API}/sessions/{sid}/cancel", json={}), 403)
    error(anon.post(f"{API}/sessions/{sid}/cancel", json={}), 401)
    error(cora.post(f"{API}/sessions/999/cancel", json={}), 404)
    cancelled = cora.post(f"{API}/sessions/{sid}/cancel", json={"reason": "postponed"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert scenario_state(cora) == before  # nothing written to the scenario
    # a cancelled session takes nothing more, and a new one may be opened
    assert "cancelled" in error(eva.post(f"{API}/sessions/{sid}/submissions", json=EVA), 409)
    assert "cancelled" in error(cora.post(f"{API}/sessions/{sid}/cancel", json={}), 409)
    assert "cancelled" in error(cora.post(f"{API}/sessions/{sid}/close", json={
        "scenario": before[0], "expected_revision": before[1]}), 409)
    assert open_session(cora, ["eva"]) > sid
    cora.headers[CSRF] = "wrong"
    assert "CSRF" in error(cora.post(f"{API}/sessions/{sid}/cancel", json={}), 403)


# --- re-authentication and user management (admin; see also test_security.py) -----------------

USERS = f"{API}/admin/users"
NEW_USER = {"username": "newbie", "password": "a-long-enough-password", "display_name": "N"}


def test_reauth(client_for: Client, anon: TestClient, store: Any) -> None:
    admin = client_for("admin")
    age_confirmations(store)
    assert "reauthentication required" in error(admin.post(USERS, json=NEW_USER), 403,
                                                "ReauthenticationRequired")
    assert error(admin.post(f"{API}/reauth", json={"password": "not-the-password"}),
                 403) == "wrong password"
    response = admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]})
    assert response.status_code == 200 and response.json()["valid_minutes"] == 5
    assert admin.post(USERS, json=NEW_USER).status_code == 201
    assert error(anon.post(f"{API}/reauth", json={"password": "x"}), 401)
    admin.headers[CSRF] = "wrong"
    assert "CSRF" in error(admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]}),
                           403)
    assert admin.post(f"{API}/reauth", json={}).status_code == 422


def test_admin_users_list(client_for: Client, anon: TestClient) -> None:
    listed = {u["username"]: u for u in client_for("admin").get(USERS).json()}
    assert listed["ann"]["roles"] == {"*": "analyst"} and listed["admin"]["admin"]
    assert error(client_for("cora").get(USERS), 403)
    assert error(anon.get(USERS), 401)


def test_admin_add_user(client_for: Client, anon: TestClient, store: Any) -> None:
    admin = client_for("admin")
    response = admin.post(USERS, json=NEW_USER)
    assert response.status_code == 201 and response.json()["username"] == "newbie"
    assert anon.post(f"{API}/login", json={"username": "newbie",
                                           "password": NEW_USER["password"]}).status_code == 200
    anon.cookies.clear()
    assert "exists already" in error(admin.post(USERS, json=NEW_USER), 409)
    assert "12 characters" in error(admin.post(USERS, json={**NEW_USER, "username": "x",
                                                             "password": "short"}), 422)
    assert "not a valid user name" in error(admin.post(USERS, json={**NEW_USER,
                                                                    "username": "a b"}), 422)
    assert admin.post(USERS, json={"username": "y"}).status_code == 422
    assert error(client_for("cora").post(USERS, json=NEW_USER), 403)
    assert error(anon.post(USERS, json=NEW_USER), 401)
    age_confirmations(store)
    assert "reauthentication required" in error(admin.post(
        USERS, json={**NEW_USER, "username": "other"}), 403)
    admin.headers[CSRF] = "wrong"
    assert "CSRF" in error(admin.post(USERS, json={**NEW_USER, "username": "z"}), 403)


def test_admin_grant(client_for: Client, anon: TestClient, store: Any) -> None:
    admin = client_for("admin")
    response = admin.post(f"{USERS}/vic/grants", json={"role": "analyst", "cycle": DRAFT})
    assert response.status_code == 200 and response.json()["roles"] == {DRAFT: "analyst"}
    vic = client_for("vic")
    scores, revision = scenario_state(vic)
    assert vic.put(SCENARIO, json={"scenario": raised_likelihood(scores),
                                   "expected_revision": revision}).status_code == 200
    assert "no role" in error(admin.post(f"{USERS}/vic/grants", json={"role": "boss"}), 422)
    assert error(admin.post(f"{USERS}/nobody/grants", json={"role": "viewer"}), 404)
    assert error(admin.post(f"{USERS}/vic/grants", json={"role": "viewer",
                                                         "cycle": "no-such"}), 404)
    assert error(client_for("cora").post(f"{USERS}/vic/grants", json={"role": "admin"}), 403)
    assert error(anon.post(f"{USERS}/vic/grants", json={"role": "admin"}), 401)
    age_confirmations(store)
    assert "reauthentication required" in error(admin.post(
        f"{USERS}/vic/grants", json={"role": "admin"}), 403)
    assert client_for("vic").get(USERS).status_code == 403  # the refused grant did not happen


def test_admin_disable_and_enable(client_for: Client, anon: TestClient, store: Any) -> None:
    admin, ann = client_for("admin"), client_for("ann")
    response = admin.put(f"{USERS}/ann/status", json={"disabled": True})
    assert response.status_code == 200 and response.json()["disabled"] is True
    assert error(ann.get(f"{API}/me"), 401)  # the login session ended
    assert error(anon.post(f"{API}/login", json={"username": "ann",
                                                 "password": PASSWORDS["ann"]}), 401)
    assert admin.put(f"{USERS}/ann/status", json={"disabled": False}).json()["disabled"] is False
    assert client_for("ann").get(f"{API}/me").status_code == 200
    assert "your own account" in error(admin.put(f"{USERS}/admin/status",
                                                 json={"disabled": True}), 422)
    assert error(admin.put(f"{USERS}/nobody/status", json={"disabled": True}), 404)
    assert admin.put(f"{USERS}/ann/status", json={}).status_code == 422
    assert error(client_for("cora").put(f"{USERS}/ann/status", json={"disabled": True}), 403)
    assert error(anon.put(f"{USERS}/ann/status", json={"disabled": True}), 401)
    age_confirmations(store)
    assert "reauthentication required" in error(admin.put(f"{USERS}/ann/status",
                                                          json={"disabled": True}), 403)


def test_admin_reset_password(client_for: Client, anon: TestClient, store: Any) -> None:
    admin, ann = client_for("admin"), client_for("ann")
    new = "a-brand-new-password-for-her"
    assert admin.put(f"{USERS}/ann/password", json={"password": new}).status_code == 200
    assert error(ann.get(f"{API}/me"), 401)  # every login session of ann ended
    assert error(anon.post(f"{API}/login", json={"username": "ann",
                                                 "password": PASSWORDS["ann"]}), 401)
    assert anon.post(f"{API}/login", json={"username": "ann", "password": new}).status_code == 200
    anon.cookies.clear()
    assert "12 characters" in error(admin.put(f"{USERS}/ann/password",
                                              json={"password": "short"}), 422)
    assert error(admin.put(f"{USERS}/nobody/password", json={"password": new}), 404)
    assert error(client_for("cora").put(f"{USERS}/ann/password", json={"password": new}), 403)
    assert error(anon.put(f"{USERS}/ann/password", json={"password": new}), 401)
    age_confirmations(store)
    assert "reauthentication required" in error(admin.put(f"{USERS}/ann/password",
                                                          json={"password": new}), 403)


def test_admin_revoke(client_for: Client, anon: TestClient, store: Any) -> None:
    admin, vic = client_for("admin"), client_for("vic")
    assert vic.get(f"{API}/cycles/{DRAFT}").status_code == 200
    response = admin.delete(f"{USERS}/vic/grants/{DRAFT}")
    assert response.status_code == 200 and response.json()["roles"] == {}
    # the same login session sees the change at its next request
    assert f"cycle '{DRAFT}'" in error(vic.get(f"{API}/cycles/{DRAFT}"), 403)
    assert vic.get(f"{API}/cycles").json() == []
    assert "no role on cycle" in error(admin.delete(f"{USERS}/vic/grants/{DRAFT}"), 404)
    entry = store_audit(store)[-1]
    assert (entry.action, entry.entity_key, entry.cycle_key) == ("revoke", "vic", DRAFT)
    assert entry.detail == {"role": "viewer", "cycle": DRAFT, "clearance": None}
    # the all-cycles grant is one grant of its own: revoking it leaves the others alone
    admin.post(f"{USERS}/ann/grants", json={"role": "viewer", "cycle": FROZEN})
    ann = client_for("ann")
    assert admin.delete(f"{USERS}/ann/grants/*").json()["roles"] == {FROZEN: "viewer"}
    assert error(ann.put(SCENARIO, json={"scenario": {}, "expected_revision": 1}), 403)
    assert ann.get(f"{API}/cycles/{FROZEN}").status_code == 200
    assert "every cycle" in error(admin.delete(f"{USERS}/ann/grants/*"), 404)
    assert error(admin.delete(f"{USERS}/nobody/grants/{DRAFT}"), 404)
    assert "not a cycle key" in error(admin.delete(f"{USERS}/ann/grants/a b"), 422)
    assert error(client_for("cora").delete(f"{USERS}/ann/grants/{FROZEN}"), 403)
    assert error(anon.delete(f"{USERS}/ann/grants/{FROZEN}"), 401)
    age_confirmations(store)
    assert "reauthentication required" in error(admin.delete(f"{USERS}/ann/grants/{FROZEN}"),
                                                403, "ReauthenticationRequired")
    assert admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]}).status_code == 200
    admin.headers[CSRF] = "wrong"
    assert "CSRF" in error(admin.delete(f"{USERS}/ann/grants/{FROZEN}"), 403)
    assert client_for("ann").get(f"{API}/cycles/{FROZEN}").status_code == 200  # still granted


def store_audit(store: Any) -> list[Any]:
    from weerbaar.store import audit

    with store.read() as conn:
        return list(audit.entries(conn))


# --- coverage and the OpenAPI document ---------------------------------------------------------

TESTED = {
    ("POST", "/api/v1/login"), ("POST", "/api/v1/logout"), ("GET", "/api/v1/me"),
    ("GET", "/api/v1/profiles"), ("GET", "/api/v1/profiles/{profile_id}"),
    ("GET", "/api/v1/cycles"), ("GET", "/api/v1/cycles/{cycle}"),
    ("GET", "/api/v1/cycles/{cycle}/diagram"), ("GET", "/api/v1/cycles/{cycle}/scenarios"),
    ("GET", "/api/v1/cycles/{cycle}/scenarios/{scenario}"),
    ("PUT", "/api/v1/cycles/{cycle}/scenarios/{scenario}"),
    ("GET", "/api/v1/cycles/{cycle}/scenarios/{scenario}/history"),
    ("GET", "/api/v1/cycles/{cycle}/scenarios/{scenario}/diff"),
    ("GET", "/api/v1/cycles/{cycle}/reviews/{theme}"),
    ("PUT", "/api/v1/cycles/{cycle}/reviews/{theme}"),
    ("GET", "/api/v1/cycles/{cycle}/measures"), ("GET", "/api/v1/cycles/{cycle}/priorities"),
    ("POST", "/api/v1/cycles/{cycle}/measures"),
    ("GET", "/api/v1/cycles/{cycle}/measures/{measure}"),
    ("PUT", "/api/v1/cycles/{cycle}/measures/{measure}"),
    ("GET", "/api/v1/cycles/{cycle}/compare"), ("POST", "/api/v1/cycles/{cycle}/sessions"),
    ("GET", "/api/v1/sessions/{session_id}"),
    ("POST", "/api/v1/sessions/{session_id}/submissions"),
    ("POST", "/api/v1/sessions/{session_id}/close"),
    ("PUT", "/api/v1/sessions/{session_id}/draft"),
    ("POST", "/api/v1/sessions/{session_id}/cancel"),
    ("POST", "/api/v1/reauth"), ("GET", "/api/v1/admin/users"), ("POST", "/api/v1/admin/users"),
    ("POST", "/api/v1/admin/users/{username}/grants"),
    ("PUT", "/api/v1/admin/users/{username}/status"),
    ("PUT", "/api/v1/admin/users/{username}/password"),
    ("DELETE", "/api/v1/admin/users/{username}/grants/{cycle}"),
    ("GET", "/api/v1/cycles/{cycle}/search"),  # tests in test_need_to_know.py
    ("POST", "/api/v1/password"),  # tests in test_password_change.py
    # tests in test_two_factor.py
    ("POST", "/api/v1/login/second-factor"), ("GET", "/api/v1/account/two-factor"),
    ("POST", "/api/v1/account/two-factor/setup"), ("POST", "/api/v1/account/two-factor/confirm"),
    ("DELETE", "/api/v1/account/two-factor"), ("DELETE", "/api/v1/admin/users/{username}/two-factor"),
    # more in tests/test_threat_level_scope.py
    ("GET", "/api/v1/cycles/{cycle}/threat-level"), ("POST", "/api/v1/cycles/{cycle}/threat-level"),
    # more in tests/test_strategy_review_parts.py
    ("GET", "/api/v1/cycles/{cycle}/strategy-text"), ("PUT", "/api/v1/cycles/{cycle}/strategy-text"),
}


def test_strategy_text(client_for: Client, anon: TestClient) -> None:
    path = f"{API}/cycles/{DRAFT}/strategy-text"
    assert anon.get(path).status_code == 401
    # the example cycle holds the seed's introduction, conclusion and two instruments
    shown = client_for("vic").get(path).json()
    assert (shown["revision"], shown["marking"]) == (1, "internal")
    seed = shown["strategy_text"]
    assert seed["introduction"]["heading"] == "Inleiding"
    assert seed["introduction"]["text"].startswith("Nederland is een open, diverse")
    assert seed["conclusion"]["heading"] == "Slotwoord en vooruitblik"
    assert [i["id"] for i in seed["instruments"]] == ["crisis-management", GENERIC_THEME]
    text = {**seed, "introduction": {"heading": "Inleiding", "text": "Eerste alinea.\n\nTweede."}}
    body = {"strategy_text": text, "expected_revision": 1}
    assert client_for("vic").put(path, json=body).status_code == 403
    ann = client_for("ann")
    assert ann.put(path, json={**body, "expected_revision": 0}).status_code == 409  # it has one
    assert ann.put(path, json=body).json() == {"revision": 2}
    assert ann.put(path, json=body).status_code == 409  # revision 1 is stale now
    assert ann.put(path, json={**body, "expected_revision": 2}).json() == {"revision": 2}
    verdict = {**text, "instruments": [{**seed["instruments"][0], "verdict": "continue"},
                                       seed["instruments"][1]]}
    assert ann.put(path, json={**body, "strategy_text": verdict,
                               "expected_revision": 2}).status_code == 422
    read = client_for("vic").get(path).json()
    assert read["revision"] == 2 and read["strategy_text"] == {**seed, "introduction": {
        "heading": "Inleiding", "text": "Eerste alinea.\n\nTweede.", "footnotes": {}}}


def test_threat_level(client_for: Client, anon: TestClient) -> None:
    path = f"{API}/cycles/{DRAFT}/threat-level"
    assert anon.get(path).status_code == 401
    read = client_for("vic").get(path).json()
    assert read["current"] == 3 and [e["level"] for e in read["entries"]] == [4, 3]
    body = {"entry": {"level": 2, "period": "test"}, "expected_revision": read["revision"]}
    assert client_for("ann").post(path, json=body).status_code == 403
    cora = client_for("cora")
    assert cora.post(path, json=body).json() == {"revision": read["revision"] + 1}
    assert cora.post(path, json=body).status_code == 409
    assert client_for("vic").get(path).json()["current"] == 2


def test_every_api_endpoint_has_tests_here(app: Any) -> None:
    untested = api_routes(app) - TESTED
    assert not untested, f"API endpoints without tests in {__file__}: {sorted(untested)}"


def test_openapi_document_is_valid(anon: TestClient) -> None:
    response = anon.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    documented = {(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "put", "post", "delete", "patch")}
    assert documented == TESTED  # pages, static files and /health stay out of the schema
