"""Login throttling, login sessions (fixation, idle and absolute expiry, logout, password
changes) and the re-authentication of administrators' actions, through the API and the pages.

Time passing is simulated by moving the stored timestamps into the past (``support.age``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from weerbaar.errors import InvalidInput
from weerbaar.services import accounts as auth
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, audit
from weerbaar.store import logins as attempts_log
from weerbaar.store.core import utcnow
from weerbaar.store.schema import login_attempts, web_sessions
from weerbaar.web import WebSettings, create_app

from .support import PASSWORDS, age, age_confirmations
from .test_pages import csrf_of, login_form, text

API = "/api/v1"
WRONG = {"error": "NotAuthenticated", "detail": "wrong user name or password"}
SETTINGS = WebSettings(login_max_failures=3, login_max_failures_client=6)


@pytest.fixture
def strict(store: Store) -> Iterator[Callable[..., TestClient]]:
    """Clients of an app with small limits (3 failures per user name, 6 per client), each
    from its own address (``strict("10.0.0.7")``)."""
    app = create_app(store, SETTINGS)
    clients: list[TestClient] = []

    def make(address: str = "10.0.0.1") -> TestClient:
        client = TestClient(app, client=(address, 40000))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def login(client: TestClient, name: str, password: str | None = None) -> Any:
    return client.post(f"{API}/login",
                       json={"username": name, "password": password or PASSWORDS[name]})


def lockouts(store: Store) -> list[audit.AuditEntry]:
    with store.read() as conn:
        return [e for e in audit.entries(conn) if e.action == "lockout"]


def sessions(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(web_sessions)).scalar_one())


# --- login throttling --------------------------------------------------------------------------


def test_a_user_name_is_locked_after_n_failures_with_the_wrong_password_answer(
        strict: Callable[..., TestClient], store: Store) -> None:
    client = strict()
    for _ in range(3):
        response = login(client, "ann", "wrong-password-here")
        assert (response.status_code, response.json()) == (401, WRONG)
    locked = login(client, "ann")  # the right password, during the lock-out
    assert (locked.status_code, locked.json()) == (401, WRONG)
    assert "weerbaar_session" not in locked.cookies
    assert login(strict("10.0.0.2"), "ann").status_code == 401  # from anywhere
    assert login(client, "cora").status_code == 200  # other users are not affected
    entries = lockouts(store)
    assert len(entries) == 1  # one audit entry when the lock-out starts, not one per refusal
    assert entries[0].entity_type == "user" and entries[0].entity_key == "ann"
    assert entries[0].detail is not None and entries[0].detail["failures"] == 3
    recorded = attempts_log.attempts(store, username="ann")
    assert [ok for *_, ok in recorded] == [False] * 5  # every attempt recorded


def test_unknown_user_names_are_throttled_alike(strict: Callable[..., TestClient],
                                                store: Store) -> None:
    answers = {}
    for name in ("ann", "nobody"):
        client = strict(f"10.0.1.{len(answers)}")
        answers[name] = [(r.status_code, r.json(), dict(r.cookies)) for r in
                         (login(client, name, "wrong-password-here") for _ in range(4))]
    assert answers["ann"] == answers["nobody"] == [(401, WRONG, {})] * 4
    assert [e.entity_key for e in lockouts(store)] == ["ann", "nobody"]


def test_a_refused_login_costs_as_much_as_a_wrong_password(
        strict: Callable[..., TestClient]) -> None:
    """The password is verified (argon2) even when the answer is already known: unknown user,
    locked user name and wrong password take about the same time."""
    client = strict()

    def timed(name: str, password: str) -> float:
        start = time.perf_counter()
        assert login(client, name, password).status_code == 401
        return time.perf_counter() - start

    wrong = [timed("ann", "wrong-password-here") for _ in range(3)]  # now locked
    locked = [timed("ann", PASSWORDS["ann"]) for _ in range(3)]
    unknown = [timed(f"nobody{n}", "wrong-password-here") for n in range(3)]
    base = statistics.median(wrong)
    for other in (locked, unknown):
        assert 0.4 * base < statistics.median(other) < 2.5 * base, (wrong, locked, unknown)


def test_the_lock_out_ends(strict: Callable[..., TestClient], store: Store) -> None:
    client = strict()
    for _ in range(4):
        login(client, "ann", "wrong-password-here")
    assert login(client, "ann").status_code == 401
    age(store, "login_attempts", "at", 14)  # the last failure is 14 minutes old: still locked
    assert login(client, "ann").status_code == 401
    age(store, "login_attempts", "at", 16)
    assert login(client, "ann").status_code == 200


def test_a_successful_login_clears_the_failures_of_the_user_name(
        strict: Callable[..., TestClient]) -> None:
    client = strict()
    for _ in range(2):  # 4 failures in all: without the clearing, the third locks ann out
        login(client, "ann", "wrong-password-here")
        login(client, "ann", "wrong-password-here")
        assert login(client, "ann").status_code == 200


def test_a_client_is_locked_after_m_failures_across_user_names(
        strict: Callable[..., TestClient], store: Store) -> None:
    guesser = strict("10.0.2.1")
    for n in range(6):
        assert login(guesser, f"user{n}", "wrong-password-here").json() == WRONG
    assert login(guesser, "ann").json() == WRONG  # a right password from that client
    assert login(strict("10.0.2.2"), "ann").status_code == 200  # another client
    (entry,) = lockouts(store)
    assert (entry.entity_type, entry.entity_key) == ("client", "10.0.2.1")
    assert entry.detail is not None and entry.detail["scope"] == "client"


def test_the_login_page_answers_a_lock_out_like_a_wrong_password(
        store: Store, strict: Callable[..., TestClient]) -> None:
    client = strict()
    pages = []
    for password in ["wrong-password-here"] * 3 + [PASSWORDS["ann"]]:
        form = login_form(client)
        response = client.post("/login", data={**form, "username": "ann", "password": password},
                               follow_redirects=False)
        pages.append((response.status_code, "Onjuiste gebruikersnaam of wachtwoord" in
                      text(response.text), "weerbaar_session" in response.cookies))
    assert pages == [(401, True, False)] * 4


def test_old_attempts_and_expired_sessions_are_pruned(client_for: Callable[[str], TestClient],
                                                      store: Store) -> None:
    client_for("ann")
    client_for("cora")
    now = utcnow()
    attempts_log.start_attempt(store, "x", "10.9.9.9", attempts_log.Limits(),
                               now - timedelta(days=2))
    assert len(attempts_log.attempts(store)) == 3
    age(store, "web_sessions", "last_seen_at", 31)  # idle for longer than 30 minutes
    client_for("ann")  # a new login: the one live session
    auth.housekeeping(store, force=True)
    assert [name for _, name, *_ in attempts_log.attempts(store)] == ["ann", "cora", "ann"]
    assert sessions(store) == 1


def test_settings_come_from_the_environment() -> None:
    settings = WebSettings.from_env({"WEERBAAR_LOGIN_MAX_FAILURES": "7",
                                     "WEERBAAR_SESSION_IDLE_MINUTES": "0",
                                     "WEERBAAR_SECURE_COOKIES": "yes",
                                     "WEERBAAR_REAUTH_MINUTES": "2", "OTHER": "x"})
    assert settings.login_max_failures == 7 and settings.secure_cookies
    assert settings.policy.idle is None and settings.policy.reauth == timedelta(minutes=2)
    assert settings.policy.limits.user == 7 and settings.policy.limits.client == 20
    assert WebSettings.from_env({"WEERBAAR_REAUTH_MINUTES": "2"},
                                reauth_minutes=3).reauth_minutes == 3
    with pytest.raises(InvalidInput, match="WEERBAAR_LOGIN_WINDOW_MINUTES"):
        WebSettings.from_env({"WEERBAAR_LOGIN_WINDOW_MINUTES": "soon"})
    with pytest.raises(InvalidInput, match="at least 1"):
        WebSettings.from_env({"WEERBAAR_LOGIN_MAX_FAILURES": "0"})


def test_lock_rules() -> None:
    limits = attempts_log.Limits(user=3, window=timedelta(minutes=15),
                                 lockout=timedelta(minutes=15))
    now = utcnow()

    def at(*minutes_ago: float) -> list[Any]:
        return [now - timedelta(minutes=m) for m in sorted(minutes_ago)]

    assert attempts_log.locked_until(at(1, 2), 3, limits, now) is None
    assert attempts_log.locked_until(at(1, 2, 3), 3, limits, now) == (now + timedelta(
        minutes=14), 3)
    assert attempts_log.locked_until(at(1, 2, 20), 3, limits, now) is None  # not in one window
    assert attempts_log.locked_until(at(16, 17, 18), 3, limits, now) is None  # lock-out over
    # an earlier burst still locks although the newest failure alone would not
    assert attempts_log.locked_until(at(1, 14, 20, 28), 3, limits, now) == (
        now + timedelta(minutes=1), 3)


# --- login sessions ----------------------------------------------------------------------------


def test_every_login_gets_a_new_token_and_ends_the_one_it_replaces(
        anon: TestClient, client_for: Callable[[str], TestClient], store: Store) -> None:
    """Session fixation: a token planted in the browser before the login (even a valid one)
    is not the token after it, and no longer works."""
    planted = client_for("vic").cookies["weerbaar_session"]
    anon.cookies.set("weerbaar_session", planted)
    assert anon.get(f"{API}/me").json()["username"] == "vic"
    response = login(anon, "ann")
    token = response.cookies["weerbaar_session"]
    assert token != planted
    assert anon.get(f"{API}/me").json()["username"] == "ann"
    victim = TestClient(anon.app)
    victim.cookies.set("weerbaar_session", planted)
    assert victim.get(f"{API}/me").status_code == 401
    anon.cookies.set("weerbaar_session", "chosen-by-an-attacker")
    assert login(anon, "ann").cookies["weerbaar_session"] not in (token, "chosen-by-an-attacker")


def test_the_login_form_also_replaces_the_token(anon: TestClient) -> None:
    anon.cookies.set("weerbaar_session", "chosen-by-an-attacker")
    form = login_form(anon)
    response = anon.post("/login", data={**form, "username": "ann",
                                         "password": PASSWORDS["ann"]}, follow_redirects=False)
    assert response.status_code == 303
    assert response.cookies["weerbaar_session"] != "chosen-by-an-attacker"


def test_two_logins_are_two_sessions(client_for: Callable[[str], TestClient]) -> None:
    one, two = client_for("ann"), client_for("ann")
    assert one.cookies["weerbaar_session"] != two.cookies["weerbaar_session"]
    assert one.get(f"{API}/me").status_code == two.get(f"{API}/me").status_code == 200


def test_an_idle_session_expires(client_for: Callable[[str], TestClient], store: Store) -> None:
    ann = client_for("ann")
    age(store, "web_sessions", "last_seen_at", 29)
    assert ann.get(f"{API}/me").status_code == 200  # and the activity is recorded
    age(store, "web_sessions", "last_seen_at", 29)
    assert ann.get(f"{API}/me").status_code == 200
    age(store, "web_sessions", "last_seen_at", 31)
    assert ann.get(f"{API}/me").status_code == 401
    assert ann.get("/", follow_redirects=False).headers["location"] == "/login?next=/"


def test_activity_is_written_at_most_once_a_minute(client_for: Callable[[str], TestClient],
                                                   store: Store) -> None:
    ann = client_for("ann")

    def seen() -> Any:
        with store.read() as conn:
            return conn.execute(select(web_sessions.c.last_seen_at)).scalar_one()

    first = seen()
    ann.get(f"{API}/me")
    assert seen() == first
    age(store, "web_sessions", "last_seen_at", 1.5)
    ann.get(f"{API}/me")
    assert seen() > first


def test_the_idle_limit_is_a_setting(store: Store) -> None:
    client = TestClient(create_app(store, WebSettings(session_idle_minutes=0)))
    assert login(client, "ann").status_code == 200
    age(store, "web_sessions", "last_seen_at", 600)
    assert client.get(f"{API}/me").status_code == 200  # 0: no idle expiry


def test_a_session_ends_at_its_absolute_expiry(client_for: Callable[[str], TestClient],
                                               store: Store) -> None:
    ann = client_for("ann")
    age(store, "web_sessions", "expires_at", 12 * 60 + 1)
    assert ann.get(f"{API}/me").status_code == 401


def test_logout_deletes_the_session(client_for: Callable[[str], TestClient],
                                    store: Store) -> None:
    ann = client_for("ann")
    token = ann.cookies["weerbaar_session"]
    assert sessions(store) == 1
    assert ann.post(f"{API}/logout").status_code == 200
    assert sessions(store) == 0
    replay = TestClient(ann.app)
    replay.cookies.set("weerbaar_session", token)
    assert replay.get(f"{API}/me").status_code == 401


def test_a_password_change_ends_every_session(client_for: Callable[[str], TestClient],
                                              store: Store) -> None:
    one, two, cora = client_for("ann"), client_for("ann"), client_for("cora")
    changed = auth.change_password(store, Viewer.of(auth.acc.get_user(store, "ann"), channel="api"),
                                   PASSWORDS["ann"], "another-long-password")
    assert changed is not None  # the one new login session (see test_password_change.py)
    assert one.get(f"{API}/me").status_code == two.get(f"{API}/me").status_code == 401
    assert cora.get(f"{API}/me").status_code == 200
    assert attempts_log.sessions_of(store, "ann") == 1


# --- re-authentication: API and pages -----------------------------------------------------------


def test_logging_in_counts_as_a_recent_confirmation(client_for: Callable[[str], TestClient]
                                                    ) -> None:
    admin = client_for("admin")
    assert admin.post(f"{API}/admin/users", json={
        "username": "newbie", "password": "a-long-enough-password"}).status_code == 201


def test_a_confirmation_lasts_the_configured_minutes(client_for: Callable[[str], TestClient],
                                                     store: Store) -> None:
    admin = client_for("admin")
    age_confirmations(store, 4)
    assert admin.put(f"{API}/admin/users/ann/status", json={"disabled": True}).status_code == 200
    age_confirmations(store, 2)
    response = admin.put(f"{API}/admin/users/ann/status", json={"disabled": False})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("reauthentication required")
    assert admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]}).status_code == 200
    assert admin.put(f"{API}/admin/users/ann/status",
                     json={"disabled": False}).status_code == 200


def test_confirmations_are_throttled(strict: Callable[..., TestClient], store: Store) -> None:
    admin = strict()
    assert login(admin, "admin").status_code == 200
    admin.headers["X-CSRF-Token"] = admin.get(f"{API}/me").json()["csrf"]
    age_confirmations(store)
    for _ in range(3):
        assert admin.post(f"{API}/reauth", json={"password": "guess-guess-guess"}).json()[
            "detail"] == "wrong password"
    response = admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]})
    assert (response.status_code, response.json()["detail"]) == (403, "wrong password")
    assert [e.entity_key for e in lockouts(store)] == ["admin"]


def test_reauth_is_audited(client_for: Callable[[str], TestClient], store: Store) -> None:
    client_for("admin").post(f"{API}/reauth", json={"password": PASSWORDS["admin"]})
    with store.read() as conn:
        assert [e.actor for e in audit.entries(conn) if e.action == "reauth"] == ["admin"]


def admin_page(client: TestClient, store: Store) -> str:
    """Log in through the form, let the confirmation age, and confirm through the prompt."""
    form = login_form(client)
    client.post("/login", data={**form, "username": "admin", "password": PASSWORDS["admin"]})
    age_confirmations(store)
    first = client.get("/admin/users", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/reauth?next=/admin/users"
    prompt = client.get(first.headers["location"])
    assert prompt.status_code == 200 and 'name="password"' in prompt.text
    wrong = client.post("/reauth", data={"password": "not-the-password", "next": "/admin/users",
                                         "csrf_token": csrf_of(prompt.text)},
                        follow_redirects=False)
    assert wrong.status_code == 403 and "Onjuist wachtwoord" in text(wrong.text)
    done = client.post("/reauth", data={"password": PASSWORDS["admin"], "next": "/admin/users",
                                        "csrf_token": csrf_of(prompt.text)},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/users"
    page = client.get("/admin/users")
    assert page.status_code == 200
    return page.text


def test_the_users_page_asks_for_the_password_first(anon: TestClient, store: Store) -> None:
    page = admin_page(anon, store)
    assert "ann" in text(page) and "analyst" in text(page)
    assert 'href="/admin/users"' in page  # the header links to it for administrators


def test_user_management_with_the_pages(anon: TestClient, store: Store) -> None:
    csrf = csrf_of(admin_page(anon, store))

    def post(path: str, **data: str) -> Any:
        return anon.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)

    added = post("/admin/users", username="newbie", password="a-long-enough-password",
                 display_name="New Bie")
    assert added.status_code == 303 and added.headers["location"] == "/admin/users?saved=1"
    assert post("/admin/users/newbie/grant", role="analyst", cycle="*").status_code == 303
    assert post("/admin/users/ann/status", disabled="1").status_code == 303
    assert post("/admin/users/cora/password", password="a-new-one-for-her-1").status_code == 303
    page = text(anon.get("/admin/users").text)
    assert "New Bie" in page and "*: analyst" in page and "geblokkeerd" in page
    fresh = TestClient(anon.app)
    assert login(fresh, "newbie", "a-long-enough-password").status_code == 200
    assert login(TestClient(anon.app), "ann").status_code == 401
    assert login(TestClient(anon.app), "cora", "a-new-one-for-her-1").status_code == 200
    again = post("/admin/users", username="newbie", password="a-long-enough-password")
    assert again.status_code == 409 and "exists already" in text(again.text)
    short = post("/admin/users/ann/password", password="short")
    assert short.status_code == 422 and "minstens 12 tekens nodig" in text(short.text)  # translated
    assert post("/admin/users/nobody/status", disabled="1").status_code == 404
    forged = anon.post("/admin/users/ann/status", data={"csrf_token": "forged", "disabled": "0"})
    assert forged.status_code == 403 and "CSRF" in forged.text


def test_page_actions_without_a_recent_confirmation_go_to_the_prompt(
        anon: TestClient, store: Store) -> None:
    csrf = csrf_of(admin_page(anon, store))
    age_confirmations(store)
    response = anon.post("/admin/users/ann/status", data={"csrf_token": csrf, "disabled": "1"},
                         follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/reauth?next=/admin/users"
    assert not any(u.disabled for u in auth.acc.list_users(store))


def test_the_users_page_is_for_administrators(client_for: Callable[[str], TestClient],
                                              anon: TestClient) -> None:
    assert client_for("cora").get("/admin/users").status_code == 403
    assert 'href="/admin/users"' not in client_for("cora").get("/").text
    assert anon.get("/admin/users", follow_redirects=False).headers["location"].startswith(
        "/login")
    assert anon.get("/reauth", follow_redirects=False).headers["location"].startswith("/login")


def test_the_prompt_returns_only_to_this_site(client_for: Callable[[str], TestClient]) -> None:
    admin = client_for("admin")
    page = admin.get("/reauth?next=//evil.example/")
    response = admin.post("/reauth", data={"password": PASSWORDS["admin"], "next": "//evil.example",
                                           "csrf_token": csrf_of(page.text)},
                          follow_redirects=False)
    assert response.headers["location"] == "/"


def test_login_attempt_keys_are_clipped(store: Store) -> None:
    attempt, found = attempts_log.start_attempt(store, "u" * 500, "c" * 500,
                                                attempts_log.Limits())
    assert attempt > 0 and found == []
    with store.read() as conn:
        assert conn.execute(select(func.max(func.length(login_attempts.c.username)))
                            ).scalar_one() == 100
