"""Changing one's own password (``POST /api/v1/password`` and the page ``/account/password``)
and the enforcement of ``must_change_password``: the first administrator's one-time password
and a password an administrator set for someone else have to be replaced before anything else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.services import accounts as auth
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit, open_store, upgrade
from weerbaar.store import logins as attempts_log
from weerbaar.web import WebSettings, create_app

from .support import CSRF, DRAFT, PASSWORDS
from .test_pages import csrf_of, form_values, login_form, text

AS_ADMIN = Viewer.operator("admin")

API = "/api/v1"
NEW = "a-fresh-password-of-hers"  # without the user name (password policy)
WRONG = {"error": "PermissionDenied", "detail": "wrong password"}
CHANGE_FIRST = {"error": "PasswordChangeRequired", "detail": "change your password first"}
Client = Callable[[str], TestClient]


def change(client: TestClient, current: str, new: str) -> Any:
    return client.post(f"{API}/password", json={"current": current, "new": new})


def password_entries(store: Store) -> list[audit.AuditEntry]:
    with store.read() as conn:
        return [e for e in audit.entries(conn) if e.action == "password"]


def login(client: TestClient, name: str, password: str) -> Any:
    response = client.post(f"{API}/login", json={"username": name, "password": password})
    if response.status_code == 200:
        client.headers[CSRF] = response.json()["csrf"]
    return response


# --- the API ------------------------------------------------------------------------------------


def test_changing_the_password_through_the_api(client_for: Client, anon: TestClient,
                                               store: Store) -> None:
    ann, other, cora = client_for("ann"), client_for("ann"), client_for("cora")
    old_token, old_csrf = ann.cookies["weerbaar_session"], ann.headers[CSRF]
    response = change(ann, PASSWORDS["ann"], NEW)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"] == "ann" and body["csrf"] != old_csrf
    new_token = response.cookies["weerbaar_session"]
    assert new_token != old_token
    # this session continues under the new token and CSRF token ...
    ann.headers[CSRF] = body["csrf"]
    me = ann.get(f"{API}/me")
    assert me.status_code == 200 and me.json()["csrf"] == body["csrf"]
    assert ann.post(f"{API}/reauth", json={"password": NEW}).status_code == 200
    # ... the old token, and every other session of ann, have ended; cora's has not
    replay = TestClient(anon.app)
    replay.cookies.set("weerbaar_session", old_token)
    assert replay.get(f"{API}/me").status_code == 401
    assert other.get(f"{API}/me").status_code == 401
    assert cora.get(f"{API}/me").status_code == 200
    assert attempts_log.sessions_of(store, "ann") == 1
    # the new password is the one that logs in
    assert login(TestClient(anon.app), "ann", PASSWORDS["ann"]).status_code == 401
    assert login(TestClient(anon.app), "ann", NEW).status_code == 200
    (entry,) = password_entries(store)
    assert (entry.actor, entry.entity_key) == ("ann", "ann")
    assert entry.detail == {"own": True, "sessions_ended": 2}


def test_the_change_needs_a_login_and_the_csrf_header(client_for: Client,
                                                      anon: TestClient) -> None:
    assert change(anon, PASSWORDS["ann"], NEW).status_code == 401
    ann = client_for("ann")
    del ann.headers[CSRF]
    response = change(ann, PASSWORDS["ann"], NEW)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert login(TestClient(anon.app), "ann", PASSWORDS["ann"]).status_code == 200  # unchanged


def test_a_wrong_current_password_is_refused_and_throttled(store: Store) -> None:
    """A wrong current password counts as a failed login; during the lock-out even the right
    one gets the same answer. The session itself goes on."""
    app = create_app(store, WebSettings(login_max_failures=3))
    ann = TestClient(app, client=("10.0.3.1", 40000))
    assert login(ann, "ann", PASSWORDS["ann"]).status_code == 200
    answers = [change(ann, f"guess-number-{n}", NEW) for n in range(3)]
    assert [(r.status_code, r.json()) for r in answers] == [(403, WRONG)] * 3
    locked = change(ann, PASSWORDS["ann"], NEW)
    assert (locked.status_code, locked.json()) == (403, WRONG)
    assert "weerbaar_session" not in locked.cookies
    with store.read() as conn:
        lockouts = [e.entity_key for e in audit.entries(conn) if e.action == "lockout"]
    assert lockouts == ["ann"]
    assert [ok for *_, ok in attempts_log.attempts(store, username="ann")] == [True] + [False] * 4
    assert login(TestClient(app), "ann", PASSWORDS["ann"]).status_code == 401  # locked as login
    assert ann.get(f"{API}/me").status_code == 200
    assert password_entries(store) == []


def test_the_new_password_must_meet_the_policy(client_for: Client, store: Store) -> None:
    ann = client_for("ann")
    short = change(ann, PASSWORDS["ann"], "too-short")
    assert short.status_code == 422
    assert short.json() == {"error": "InvalidInput",
                            "detail": "key new: a password needs at least 12 characters"}
    assert len(attempts_log.attempts(store, username="ann")) == 1  # the login: no attempt
    same = change(ann, PASSWORDS["ann"], PASSWORDS["ann"])
    assert same.status_code == 422
    assert same.json()["detail"] == "key new: the new password must differ from the current one"
    assert change(ann, PASSWORDS["ann"], "").status_code == 422
    assert ann.post(f"{API}/password", json={"new": NEW}).status_code == 422
    assert password_entries(store) == []
    assert ann.get(f"{API}/me").status_code == 200


# --- the page -----------------------------------------------------------------------------------


def page_login(client: TestClient, name: str, password: str) -> Any:
    form = login_form(client)
    return client.post("/login", data={**form, "username": name, "password": password},
                       follow_redirects=False)


def test_the_header_links_to_the_password_page(client_for: Client) -> None:
    ann = client_for("ann")
    assert 'href="/account/password">Wachtwoord wijzigen' in ann.get("/").text
    assert 'href="/account/password">Change password' in ann.get("/?lang=en").text


def test_changing_the_password_with_the_page(anon: TestClient, client_for: Client,
                                             store: Store) -> None:
    assert page_login(anon, "ann", PASSWORDS["ann"]).status_code == 303
    other = client_for("ann")
    form = anon.get(f"/account/password?next=/cycles/{DRAFT}/scenarios")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    shown = text(form.text)
    assert "Huidig wachtwoord" in shown and "Minstens 12 tekens" in shown
    assert "Kies eerst een nieuw wachtwoord" not in shown
    values = form_values(form.text, "password-form")
    assert values["next"] == f"/cycles/{DRAFT}/scenarios"

    def post(current: str, new: str, repeat: str | None = None) -> Any:
        return anon.post("/account/password", data={
            **values, "current": current, "new": new,
            "repeat": new if repeat is None else repeat}, follow_redirects=False)

    wrong = post("not-the-password", NEW)
    assert wrong.status_code == 403 and "Onjuist huidig wachtwoord" in text(wrong.text)
    differ = post(PASSWORDS["ann"], NEW, "something-else-entirely")
    assert differ.status_code == 422 and "wachtwoorden verschillen" in text(differ.text)
    short = post(PASSWORDS["ann"], "too-short")
    assert short.status_code == 422 and "minstens 12 tekens" in text(short.text)
    same = post(PASSWORDS["ann"], PASSWORDS["ann"])
    assert same.status_code == 422 and "moet verschillen" in text(same.text)
    forged = anon.post("/account/password", data={**values, "csrf_token": "forged",
                                                  "current": PASSWORDS["ann"], "new": NEW,
                                                  "repeat": NEW})
    assert forged.status_code == 403 and "CSRF" in forged.text
    old_token = anon.cookies["weerbaar_session"]
    done = post(PASSWORDS["ann"], NEW)
    assert done.status_code == 303
    assert done.headers["location"] == f"/cycles/{DRAFT}/scenarios"
    assert done.cookies["weerbaar_session"] != old_token
    assert anon.get(done.headers["location"]).status_code == 200  # with the new cookie
    assert other.get(f"{API}/me").status_code == 401
    assert attempts_log.sessions_of(store, "ann") == 1
    assert [e.actor for e in password_entries(store)] == ["ann"]
    assert page_login(TestClient(anon.app), "ann", NEW).status_code == 303


def test_the_password_page_in_english_and_only_for_users(anon: TestClient,
                                                         client_for: Client) -> None:
    assert anon.get("/account/password", follow_redirects=False).headers[
        "location"] == "/login?next=/account/password"
    ann = client_for("ann")
    page = ann.get("/account/password?lang=en")
    assert "Current password" in text(page.text) and "At least 12 characters" in text(page.text)
    values = form_values(page.text, "password-form")
    wrong = ann.post("/account/password", data={**values, "current": "not-the-password",
                                                "new": NEW, "repeat": NEW})
    assert wrong.status_code == 403 and "Wrong current password." in text(wrong.text)
    evil = ann.get("/account/password?next=//evil.example/")
    assert form_values(evil.text, "password-form")["next"] == "/"


# --- enforcement of must_change_password --------------------------------------------------------


@pytest.fixture
def reset_ann(client_for: Client, anon: TestClient) -> Iterator[TestClient]:
    """ann, logged in with a password an administrator has just set (to be changed)."""
    admin = client_for("admin")
    assert admin.put(f"{API}/admin/users/ann/password",
                     json={"password": "set-by-the-admin-1"}).status_code == 200
    client = TestClient(anon.app)
    assert login(client, "ann", "set-by-the-admin-1").status_code == 200
    yield client
    client.close()


def test_an_admin_reset_makes_the_user_change_the_password(reset_ann: TestClient,
                                                           store: Store) -> None:
    assert auth.acc.get_user(store, "ann").must_change_password
    me = reset_ann.get(f"{API}/me")
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    with store.read() as conn:
        entry = [e for e in audit.entries(conn) if e.action == "password"][-1]
    assert (entry.actor, entry.detail) == ("admin", {"must_change_password": True})


def test_pages_lead_to_the_password_form_until_it_is_changed(reset_ann: TestClient) -> None:
    ann = reset_ann
    for path, target in [("/", "/"), (f"/cycles/{DRAFT}/scenarios?x=1",
                                      f"/cycles/{DRAFT}/scenarios%3Fx%3D1"),
                         ("/profiles", "/profiles"), ("/reauth", "/reauth")]:
        response = ann.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == f"/account/password?next={target}"
    # a form submission goes to the form, then to the dashboard
    submitted = ann.post(f"/cycles/{DRAFT}/scenarios/trade-war/edit", data={},
                         follow_redirects=False)
    assert submitted.headers["location"] == "/account/password?next=/"
    # still reachable: the password form, the login page, static files
    form = ann.get("/account/password?next=/profiles")
    assert form.status_code == 200
    assert "Kies eerst een nieuw wachtwoord" in text(form.text)
    assert ann.get("/login").status_code == 200
    assert ann.get("/static/style.css").status_code == 200
    assert ann.get("/static-vendor/plotly.min.js").status_code == 200
    values = form_values(form.text, "password-form")
    done = ann.post("/account/password", data={**values, "current": "set-by-the-admin-1",
                                               "new": NEW, "repeat": NEW},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/profiles"
    assert ann.get("/", follow_redirects=False).status_code == 200  # released
    assert ann.get(f"{API}/me").json()["must_change_password"] is False


def test_the_api_refuses_everything_else_until_it_is_changed(reset_ann: TestClient,
                                                             store: Store) -> None:
    ann = reset_ann
    for method, path in [("GET", f"{API}/cycles"), ("GET", f"{API}/profiles"),
                         ("GET", f"{API}/cycles/{DRAFT}/scenarios/trade-war"),
                         ("POST", f"{API}/reauth")]:
        response = ann.request(method, path, json={"password": "set-by-the-admin-1"})
        assert (response.status_code, response.json()) == (403, CHANGE_FIRST), path
    assert ann.get(f"{API}/me").status_code == 200
    response = change(ann, "set-by-the-admin-1", NEW)
    assert response.status_code == 200
    ann.headers[CSRF] = response.json()["csrf"]
    assert ann.get(f"{API}/cycles").status_code == 200  # released
    assert not auth.acc.get_user(store, "ann").must_change_password
    assert ann.post(f"{API}/logout").status_code == 200


def test_logging_out_is_allowed_before_the_change(reset_ann: TestClient) -> None:
    assert reset_ann.post(f"{API}/logout").status_code == 200
    assert reset_ann.get(f"{API}/me").status_code == 401


def test_an_admin_setting_their_own_password_need_not_change_it(store: Store) -> None:
    auth.reset_password(store, AS_ADMIN, "admin", "my-own-new-password-7")
    assert not auth.acc.get_user(store, "admin").must_change_password


def test_the_first_administrator_must_change_the_one_time_password(tmp_path: Path) -> None:
    fresh = open_store(str(tmp_path / "fresh.sqlite"), check_schema=False)
    try:
        upgrade(fresh.engine)
        one_time = auth.ensure_admin(fresh, OPERATOR)
        assert one_time is not None and auth.ensure_admin(fresh, OPERATOR) is None
        with TestClient(create_app(fresh)) as admin:
            first = page_login(admin, "admin", one_time)
            assert first.status_code == 303
            landing = admin.get(first.headers["location"], follow_redirects=False)
            assert landing.headers["location"] == "/account/password?next=/"
            users = admin.get(f"{API}/admin/users")
            assert (users.status_code, users.json()) == (403, CHANGE_FIRST)
            admin.headers[CSRF] = admin.get(f"{API}/me").json()["csrf"]
            response = change(admin, one_time, "the-own-password-of-the-boss")
            assert response.status_code == 200
            admin.headers[CSRF] = response.json()["csrf"]
            assert admin.get(f"{API}/admin/users").status_code == 200
            assert admin.get("/admin/users").status_code == 200  # the change counts as reauth
            assert 'name="csrf_token" value="' + response.json()["csrf"] in admin.get(
                "/account/password").text
        assert not auth.acc.get_user(fresh, "admin").must_change_password
    finally:
        fresh.dispose()


def test_csrf_of_the_rotated_session_is_on_the_pages(client_for: Client) -> None:
    ann = client_for("ann")
    response = change(ann, PASSWORDS["ann"], NEW)
    assert csrf_of(ann.get("/").text) == response.json()["csrf"]
