"""Limits through the web application, known answers: the request size limit (413), text
lengths, slugs, user names, revision numbers and natural-unit values (422 naming the field),
the password policy in the page's language, and users made by an administrator choosing their
own password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from weerbaar.store import Store
from weerbaar.web import WebSettings, create_app

from .support import CSRF, DRAFT, PASSWORDS
from .test_pages import csrf_of, form_values, text

Client = Callable[[str], TestClient]
API = "/api/v1"
MEASURES = f"{API}/cycles/{DRAFT}/measures"
SCENARIO = f"{API}/cycles/{DRAFT}/scenarios/trade-war"
REVIEW = f"{API}/cycles/{DRAFT}/reviews/multilateral-institutions"
LIMIT = 2 * 1024 * 1024
TOO_LARGE = ("the request is too large: at most 2,097,152 bytes (2 MiB) may be sent")


def problem(response: Any, status: int = 422) -> tuple[list[Any], str]:
    """The location and message of FastAPI's first validation problem."""
    assert response.status_code == status, response.text[:500]
    first = response.json()["detail"][0]
    return first["loc"], first["msg"]


def detail(response: Any, status: int, kind: str = "InvalidInput") -> str:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert body["error"] == kind, body
    return str(body["detail"])


def measure(client: TestClient, **change: Any) -> dict[str, Any]:
    found: dict[str, Any] = client.get(MEASURES).json()[0]
    return {**found, "id": "new-measure", **change}


# --- the size of a request ----------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_in_the_api(client_for: Client, store: Store) -> None:
    ann = client_for("ann")
    huge = measure(ann, title="x" * (30 * 1024 * 1024))  # the 30 MB title of the issue
    response = ann.post(MEASURES, json=huge)
    assert response.status_code == 413
    assert response.json() == {"error": "HTTPError", "detail": TOO_LARGE}
    assert response.headers["X-Frame-Options"] == "DENY"  # the security headers as everywhere
    assert all(m["id"] != "new-measure" for m in ann.get(MEASURES).json())


def test_a_streamed_body_over_the_limit_is_413(client_for: Client) -> None:
    ann = client_for("ann")
    chunks = iter([b" " * 65536] * (LIMIT // 65536 + 1))  # no Content-Length: counted
    response = ann.post(MEASURES, content=chunks, headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()) == (413, {"error": "HTTPError",
                                                             "detail": TOO_LARGE})


def test_a_form_over_the_limit_is_an_error_page(client_for: Client) -> None:
    ann = client_for("ann")
    page = ann.get(f"/cycles/{DRAFT}/reviews/multilateral-institutions?lang=en")
    form = {**form_values(page.text), "summary-text": "x" * (LIMIT + 10)}
    response = ann.post(f"/cycles/{DRAFT}/reviews/multilateral-institutions", data=form)
    assert response.status_code == 413 and "text/html" in response.headers["content-type"]
    assert "(413)" in response.text and TOO_LARGE in text(response.text)


def test_the_limit_is_a_setting(store: Store) -> None:
    small = create_app(store, WebSettings(max_body_bytes=64 * 1024))
    with TestClient(small) as client:
        login = client.post(f"{API}/login", json={"username": "ann",
                                                  "password": PASSWORDS["ann"]})
        client.headers[CSRF] = login.json()["csrf"]
        body = measure(client, description="d" * 70_000)
        answer = client.post(MEASURES, json=body)
        assert answer.status_code == 413 and "65,536 bytes" in answer.json()["detail"]
        body = measure(client, description="d" * 30_000)  # within the size, over the length
        loc, msg = problem(client.post(MEASURES, json=body))
        assert loc == ["body", "description"] and "at most 20,000 characters" in msg


def test_the_limit_from_the_environment_is_checked() -> None:
    from weerbaar.errors import InvalidInput

    assert WebSettings.from_env({"WEERBAAR_MAX_BODY_BYTES": "5000000"}).max_body_bytes == 5_000_000
    with pytest.raises(InvalidInput, match="max_body_bytes must be at least 65536"):
        WebSettings.from_env({"WEERBAAR_MAX_BODY_BYTES": "10"})


# --- texts and ids ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "where", "message"), [
    ({"id": "../../etc/passwd"}, ["body", "id"], "'…' is not an id"),  # never echoed
    ({"id": "a" * 101}, ["body", "id"], "is not an id"),
    ({"title": "t" * 501}, ["body", "title"], "at most 500 characters (this has 501)"),
    ({"description": "d" * 20_001}, ["body", "description"], "at most 20,000 characters"),
    ({"themes": ["../x"]}, ["body", "themes", 0], "is not an id"),
    ({"owner": "o" * 201}, ["body", "owner"], "at most 200 characters"),
])
def test_a_measure_within_the_limits(client_for: Client, change: dict[str, Any],
                                     where: list[Any], message: str) -> None:
    ann = client_for("ann")
    loc, msg = problem(ann.post(MEASURES, json=measure(ann, **change)))
    assert loc == where and message in msg


def test_a_review_text_over_its_limit(client_for: Client) -> None:
    cora = client_for("cora")
    found = cora.get(REVIEW).json()
    review = {**found["review"], "verdict_reasoning": "r" * 20_001}
    loc, msg = problem(cora.put(REVIEW, json={"review": review,
                                              "expected_revision": found["revision"]}))
    assert loc == ["body", "review", "verdict_reasoning"] and "at most 20,000" in msg
    loc, _ = problem(cora.put(REVIEW, json={"review": found["review"], "reason": "x" * 2001,
                                            "expected_revision": found["revision"]}))
    assert loc == ["body", "reason"]


def test_a_scenario_title_and_a_natural_value_through_the_api(client_for: Client) -> None:
    ann = client_for("ann")
    found = ann.get(SCENARIO).json()
    scores = {**found["input"], "title": "t" * 501}
    message = detail(ann.put(SCENARIO, json={"scenario": scores,
                                             "expected_revision": found["revision"]}), 422)
    assert message == "request, key title: at most 500 characters (this has 501)"
    impact = {**found["input"]["impact"], "2.1": "9" * 5000 + " fatalities"}
    message = detail(ann.put(SCENARIO, json={"scenario": {**found["input"], "impact": impact},
                                             "expected_revision": found["revision"]}), 422)
    assert message == "request, key impact.2.1: at most 100 characters (this has 5,011)"
    impact["2.1"] = {"ev": "1000000000000000000 fatalities"}
    message = detail(ann.put(SCENARIO, json={"scenario": {**found["input"], "impact": impact},
                                             "expected_revision": found["revision"]}), 422)
    assert message.startswith("request, key impact.2.1.ev: '1000000000000000000 fatalities': "
                              "1e+18 is out of range: at most 1e+15")


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("revision", [2**63 - 1, 2**63, 2**31, -1])
def test_a_revision_number_beyond_the_store_is_422(client_for: Client, revision: int) -> None:
    ann = client_for("ann")
    found = ann.get(SCENARIO).json()
    loc, _ = problem(ann.put(SCENARIO, json={"scenario": found["input"],
                                             "expected_revision": revision}))
    assert loc == ["body", "expected_revision"]
    review = ann.get(REVIEW).json()
    loc, _ = problem(ann.put(REVIEW, json={"review": review["review"],
                                           "expected_revision": revision}))
    assert loc == ["body", "expected_revision"]


def test_revision_numbers_of_a_diff(client_for: Client) -> None:
    vic = client_for("vic")
    for a in (2**31, 2**63, 0, -1):
        loc, _ = problem(vic.get(f"{SCENARIO}/diff?a={a}&b=1"))
        assert loc == ["query", "a"]


@pytest.mark.parametrize("revision", ["9223372036854775807", "2147483648", "-1", "1e3", "٣"])
def test_the_form_revision_beyond_the_store_is_422(client_for: Client, revision: str) -> None:
    ann = client_for("ann")
    url = f"/cycles/{DRAFT}/scenarios/trade-war/edit"
    form = {**form_values(ann.get(url).text), "expected_revision": revision}
    response = ann.post(url, data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "expected_revision" in text(response.text) or "revisie" in text(response.text)


def test_a_form_field_over_its_limit_is_named(client_for: Client) -> None:
    cora = client_for("cora")
    url = f"/cycles/{DRAFT}/reviews/multilateral-institutions"
    form = {**form_values(cora.get(url).text), "reason": "r" * 2001}
    response = cora.post(url, data=form, follow_redirects=False)
    assert response.status_code == 422
    assert "key reason: the field has at most 2,000 characters (this has 2,001)" in text(
        response.text)


def test_a_page_parameter_out_of_bounds_is_an_error_page(anon: TestClient) -> None:
    token = csrf_of(anon.get("/login").text)
    response = anon.post("/login", data={"username": "x" * 60_000, "password": "p",
                                         "csrf_token": token})
    assert response.status_code == 422 and "text/html" in response.headers["content-type"]
    assert "username" in text(response.text)


# --- user names and passwords -------------------------------------------------------------------


def test_user_names_through_the_api(client_for: Client) -> None:
    admin = client_for("admin")
    users = f"{API}/admin/users"
    add = {"password": "a-long-enough-password"}
    assert "a user 'ann' exists already (user names are unique regardless of case" in detail(
        admin.post(users, json={**add, "username": "ANN"}), 409, "Conflict")
    loc, _ = problem(admin.post(users, json={**add, "username": "x" * 5000}))
    assert loc == ["body", "username"]
    message = detail(admin.post(users, json={**add, "username": "x" * 65}), 422)
    assert message.startswith("key username: ") and "is not a valid user name" in message
    assert "(expected 1 to 64 letters" in message
    assert admin.get(users).status_code == 200 and "x" * 65 not in admin.get(users).text


@pytest.mark.parametrize(("password", "words"), [
    ("aaaaaaaaaaaa", "too predictable"),
    ("123456789012", "too predictable"),
    ("abcdefghijkl", "too predictable"),
    ("Password1234", "too common"),
    ("newbie-is-my-name", "must not contain the user name"),
    ("x" * 300, "at most 256 characters"),
])
def test_the_password_policy_through_the_api(client_for: Client, password: str,
                                             words: str) -> None:
    admin = client_for("admin")
    message = detail(admin.post(f"{API}/admin/users", json={"username": "newbie",
                                                             "password": password}), 422)
    assert message.startswith("key password: ") and words in message


def test_the_password_policy_is_explained_in_the_page_language(client_for: Client) -> None:
    ann = client_for("ann")
    page = ann.get("/account/password")
    values = {**form_values(page.text, "password-form"), "current": PASSWORDS["ann"],
              "new": "aaaaaaaaaaaa", "repeat": "aaaaaaaaaaaa"}
    dutch = ann.post("/account/password", data=values)
    assert dutch.status_code == 422
    assert "Dit wachtwoord is te voorspelbaar (herhaalde of opeenvolgende tekens)." in text(
        dutch.text)
    english = ann.post("/account/password?lang=en", data={**values, "new": "Password1234",
                                                          "repeat": "Password1234"})
    assert "This password is too common; choose another one." in text(english.text)
    assert "not a common password" in text(english.text)  # the policy under the field


def test_the_admin_page_explains_a_refused_password(client_for: Client, store: Store) -> None:
    admin = client_for("admin")
    page = admin.get("/admin/users")
    assert page.status_code == 200
    response = admin.post("/admin/users", data={
        "csrf_token": csrf_of(page.text), "username": "newbie", "password": "newbie-2026-xyz"})
    assert response.status_code == 422
    assert "Een wachtwoord mag de gebruikersnaam niet bevatten." in text(response.text)


def test_a_user_made_by_an_administrator_chooses_their_own_password(
        client_for: Client, anon: TestClient) -> None:
    admin = client_for("admin")
    made = admin.post(f"{API}/admin/users", json={"username": "newbie",
                                                   "password": "a-long-enough-password"})
    assert made.status_code == 201
    login = anon.post(f"{API}/login", json={"username": "newbie",
                                            "password": "a-long-enough-password"})
    assert login.status_code == 200
    assert anon.get(f"{API}/me").json()["must_change_password"] is True
    assert anon.get(f"{API}/cycles").status_code == 403  # the gate: change it first
