"""Known answers for claims of docs/security.md that no other test checked (each named there):
the security headers, CSRF on every write, the documented defaults, the session token and its
cookie, details of the login throttle, a fresh confirmation after a password change, what a 422
repeats, a write without the audit key, the headers a proxy may not set, two-factor login (the
pending step's cookie, recovery-code hashes, a code used twice at once, throttling per client,
the audit of turning it off) and the API documentation's script.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.operator_support import OPERATOR

from weerbaar.services import accounts as auth
from weerbaar.services import two_factor
from weerbaar.store import Store, audit
from weerbaar.store import logins as attempts_log
from weerbaar.store.accounts import token_digest
from weerbaar.store.core import utcnow
from weerbaar.store.schema import users, web_sessions
from weerbaar.web import WebSettings, create_app
from weerbaar.web.app import OPEN_WRITES
from weerbaar.web.deps import CHALLENGE_COOKIE, COOKIE

from .support import CSRF, DRAFT, PASSWORDS, _walk, age, age_confirmations
from .test_fuzz_limits import from_schema
from .test_pages import login_form, text

API = "/api/v1"
WRONG = {"error": "NotAuthenticated", "detail": "wrong user name or password"}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
PATH_VALUES = {"cycle": DRAFT, "scenario": "trade-war", "theme": "cbrn", "measure": "m-1",
               "session_id": "1", "username": "ann", "profile_id": "gra-2019"}


def filled(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "x1"), path)


def required_only(document: dict[str, Any], node: dict[str, Any]) -> Any:
    """A value of the schema's shape with only the required properties of each object."""
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "properties" in node:
        return {k: required_only(document, v) for k, v in node["properties"].items()
                if k in node.get("required", ())}
    if node.get("format") == "date":
        return "2024-01-01"
    return from_schema(document, node)


def login(client: TestClient, name: str, password: str | None = None) -> Any:
    return client.post(f"{API}/login",
                       json={"username": name, "password": password or PASSWORDS[name]})


@pytest.fixture
def strict(store: Store) -> Iterator[Callable[..., TestClient]]:
    """Clients of an app with small limits (3 failures per user name, 6 per client)."""
    app = create_app(store, WebSettings(login_max_failures=3, login_max_failures_client=6))
    clients: list[TestClient] = []

    def make(address: str = "10.0.0.1") -> TestClient:
        client = TestClient(app, client=(address, 40000))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# --- headers and CSRF ---------------------------------------------------------------------------


def test_pages_and_answers_carry_the_security_headers(anon: TestClient,
                                                      client_for: Callable[[str], TestClient]
                                                      ) -> None:
    ann = client_for("ann")
    for response in (anon.get("/login"), ann.get("/"), ann.get(f"/cycles/{DRAFT}/scenarios"),
                     ann.get(f"{API}/me"), anon.get(f"{API}/me")):
        policy = dict(part.strip().split(" ", 1) for part in
                      response.headers["content-security-policy"].split(";"))
        assert policy["script-src"] == "'self'"  # no inline script, no eval
        assert policy["frame-ancestors"] == "'none'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        if response.headers["content-type"].startswith("text/html"):
            inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
            assert inline == [], inline


def test_every_write_needs_the_csrf_token(client_for: Callable[[str], TestClient]) -> None:
    """Every API write but logging in (no session yet) and every page form, the login form
    too, refuse a request without the right CSRF token."""
    admin = client_for("admin")
    routes = sorted((m, p) for p, methods in _walk(admin.app.routes)  # type: ignore[attr-defined]
                    for m in methods if m in WRITES)
    api = [(m, p) for m, p in routes if p.startswith("/api/") and p not in OPEN_WRITES]
    pages = [(m, p) for m, p in routes if not p.startswith("/api/")]
    assert len(api) > 15 and len(pages) > 10
    document = admin.app.openapi()  # type: ignore[attr-defined]
    for method, path in api:
        content = document["paths"][path][method.lower()].get("requestBody", {}).get(
            "content", {}).get("application/json")
        body = {} if content is None else required_only(document, content["schema"])
        response = admin.request(method, filled(path), json=body, headers={CSRF: ""})
        assert response.status_code == 403 and "CSRF" in response.text, (method, path)
    # the login steps (before any session) check a token of their own cookie
    forged = {"csrf_token": "forged", "username": "ann", "password": PASSWORDS["ann"],
              "code": "123456"}
    for method, path in pages:
        response = admin.request(method, filled(path), data=forged, follow_redirects=False)
        assert response.status_code == 403 and "CSRF" in response.text, (method, path)
    assert admin.get(f"{API}/me").status_code == 200  # nothing of it ended the session


# --- the documented defaults --------------------------------------------------------------------


def test_the_documented_defaults() -> None:
    settings = WebSettings.from_env({})
    assert (settings.login_max_failures, settings.login_max_failures_client,
            settings.login_window_minutes, settings.login_lockout_minutes) == (5, 20, 15, 15)
    assert (settings.session_hours, settings.session_idle_minutes,
            settings.reauth_minutes) == (12, 30, 5)
    assert settings.max_body_bytes == 2_097_152 and not settings.secure_cookies
    policy = settings.policy
    assert policy.keep_attempts == timedelta(days=1) and policy.prune_every == 600
    assert policy.session == timedelta(hours=12) and policy.idle == timedelta(minutes=30)


# --- logins -------------------------------------------------------------------------------------


def test_passwords_are_argon2_hashes_and_old_weak_ones_keep_working(
        store: Store, anon: TestClient) -> None:
    with store.read() as conn:
        stored = conn.execute(select(users.c.password_hash)
                              .where(users.c.username == "ann")).scalar_one()
    assert stored.startswith("$argon2id$")
    # a password set before the policy (too short and too common now) still logs in
    weak = auth._HASHER.hash("secret")
    with store.transaction() as conn:
        conn.execute(update(users).where(users.c.username == "ann").values(password_hash=weak))
    assert login(anon, "ann", "secret").status_code == 200


def test_a_disabled_account_answers_like_a_wrong_password(
        client_for: Callable[[str], TestClient], anon: TestClient) -> None:
    admin = client_for("admin")
    assert admin.put(f"{API}/admin/users/ann/status", json={"disabled": True}).status_code == 200
    disabled = login(anon, "ann")
    wrong = login(anon, "cora", "not-her-password-at-all")
    assert (disabled.status_code, disabled.json()) == (wrong.status_code, wrong.json()) == (
        401, WRONG)
    form = login_form(anon)
    page = anon.post("/login", data={**form, "username": "ann", "password": PASSWORDS["ann"]},
                     follow_redirects=False)
    assert page.status_code == 401 and "Onjuiste gebruikersnaam of wachtwoord" in text(page.text)


def test_a_successful_login_does_not_clear_the_clients_failures(
        strict: Callable[..., TestClient]) -> None:
    client = strict("10.0.4.1")
    for name in ("u1", "u1", "u2", "u2"):
        assert login(client, name, "wrong-password-here").json() == WRONG
    assert login(client, "ann").status_code == 200  # clears ann's failures, not the client's
    for name in ("u3", "u3"):
        login(client, name, "wrong-password-here")  # the client's sixth failure
    assert login(client, "cora").json() == WRONG  # locked out: a right password is refused
    assert login(strict("10.0.4.2"), "cora").status_code == 200


def test_guessing_during_a_lock_out_keeps_it_going(strict: Callable[..., TestClient],
                                                   store: Store) -> None:
    client = strict()
    for _ in range(3):
        login(client, "ann", "wrong-password-here")
    age(store, "login_attempts", "at", 10)
    assert login(client, "ann").status_code == 401  # refused, and counted as a failure
    age(store, "login_attempts", "at", 10)  # 20 minutes after the three, 10 after the last
    assert login(client, "ann").status_code == 401
    age(store, "login_attempts", "at", 16)  # one that waits gets in again
    assert login(client, "ann").status_code == 200


def test_an_attempt_counts_as_failed_from_its_start(store: Store) -> None:
    limits = attempts_log.Limits(user=3)
    started = [attempts_log.start_attempt(store, "ann", "10.0.5.1", limits) for _ in range(3)]
    assert all(locks == [] for _, locks in started)  # three guesses in flight, none finished
    _, locks = attempts_log.start_attempt(store, "ann", "10.0.5.1", limits)
    assert [lock.scope for lock in locks] == ["user"]
    attempts_log.succeeded(store, started[0][0])
    assert [ok for *_, ok in attempts_log.attempts(store, username="ann")][-4:] == [
        True, False, False, False]


def test_parallel_attempts_on_sqlite_are_serialised(store: Store) -> None:
    """Check and record are one transaction: of 12 parallel attempts at a limit of 3, exactly
    3 find no lock-out."""
    limits = attempts_log.Limits(user=3)
    found: list[bool] = []
    barrier = threading.Barrier(12)

    def attempt() -> None:
        barrier.wait()
        _, locks = attempts_log.start_attempt(store, "ann", "10.0.6.1", limits)
        found.append(not locks)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 12 and found.count(True) == 3


def test_pruning_runs_at_most_every_ten_minutes(store: Store) -> None:
    auth.housekeeping(store, force=True)
    attempts_log.start_attempt(store, "x", "10.9.9.9", attempts_log.Limits(),
                               utcnow() - timedelta(days=2))
    auth.housekeeping(store)  # within ten minutes of the last prune: nothing happens
    assert [name for _, name, *_ in attempts_log.attempts(store)] == ["x"]
    auth.housekeeping(store, auth.Policy(prune_every=0))
    assert attempts_log.attempts(store) == []


# --- login sessions -----------------------------------------------------------------------------


def test_a_session_token_has_256_bits_and_only_its_sha256_is_stored(anon: TestClient,
                                                                    store: Store) -> None:
    token = login(anon, "ann").cookies["weerbaar_session"]
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) == 32
    with store.read() as conn:
        stored = list(conn.execute(select(web_sessions.c.token_hash)).scalars())
    assert stored == [token_digest(token)] and token not in stored


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_secure_with_secure_cookies(store: Store, secure: bool) -> None:
    with TestClient(create_app(store, WebSettings(secure_cookies=secure))) as client:
        cookie = login(client, "ann").headers["set-cookie"].lower()
    attributes = {part.strip().split("=")[0] for part in cookie.split(";")}
    assert {"httponly", "samesite"} <= attributes and "samesite=strict" in cookie
    assert ("secure" in attributes) is secure


def test_a_lock_out_entry_names_the_failures_and_its_end(strict: Callable[..., TestClient],
                                                        store: Store) -> None:
    client = strict("10.0.7.1")
    for _ in range(5):  # three failures start the lock-out; two refusals are not written
        login(client, "ann", "wrong-password-here")
    with store.read() as conn:
        (entry,) = [e for e in audit.entries(conn) if e.action == "lockout"]
    assert entry.detail is not None
    assert (entry.entity_key, entry.detail["failures"], entry.detail["client"]) == (
        "ann", 3, "10.0.7.1")
    until = datetime.fromisoformat(entry.detail["until"]).replace(tzinfo=None)
    started = entry.at.replace(tzinfo=None)
    # 15 minutes from the last failure, stored to the second (the entry is written just after)
    assert timedelta(minutes=14, seconds=57) <= until - started <= timedelta(minutes=15, seconds=1)


# --- password changes ---------------------------------------------------------------------------


def test_changing_the_own_password_counts_as_a_fresh_confirmation(
        client_for: Callable[[str], TestClient], store: Store) -> None:
    admin = client_for("admin")
    age_confirmations(store)
    new_user = {"username": "newbie", "password": "a-long-enough-password"}
    assert admin.post(f"{API}/admin/users", json=new_user).status_code == 403
    changed = admin.post(f"{API}/password", json={"current": PASSWORDS["admin"],
                                                  "new": "a-fresh-password-of-the-boss"})
    assert changed.status_code == 200
    admin.headers[CSRF] = changed.json()["csrf"]
    assert admin.post(f"{API}/admin/users", json=new_user).status_code == 201


# --- authentication first, nothing echoed -------------------------------------------------------


def test_an_own_error_quotes_at_most_40_characters_of_a_value(
        client_for: Callable[[str], TestClient]) -> None:
    ann = client_for("ann")
    path = f"{API}/cycles/{DRAFT}/scenarios/trade-war"
    found = ann.get(path).json()
    scores = found["input"]
    scores["impact"]["1.2"]["ev"] = "Q" + "x" * 98 + "Z"  # 100 characters, within the limit
    response = ann.put(path, json={"scenario": scores, "expected_revision": found["revision"]})
    assert response.status_code == 422 and response.json()["error"] == "InvalidInput"
    detail = response.json()["detail"]
    assert "impact.1.2.ev" in detail and "is not a class" in detail
    quoted = re.search(r"'(Qx*)[^']*' is not a class", detail)
    assert quoted is not None and 1 <= len(quoted.group(1)) <= 40, detail
    assert "Z" not in detail.split("impact.1.2.ev", 1)[1]


def test_a_key_in_a_problems_loc_is_cut_to_100_characters(
        client_for: Callable[[str], TestClient]) -> None:
    measure = {"id": "m-loc", "title": "Loc", "effect": {"likelihood": 1.0,
                                                         "criteria": {"k" * 500: "many"}}}
    response = client_for("ann").post(f"{API}/cycles/{DRAFT}/measures", json=measure)
    assert response.status_code == 422, response.text
    keys = [part for problem in response.json()["detail"] for part in problem["loc"]
            if isinstance(part, str) and part.startswith("kkk")]
    assert keys and all(key == "k" * 100 for key in keys), response.text


# --- the audit trail ----------------------------------------------------------------------------


def test_without_the_audit_key_a_write_is_refused_with_500(
        client_for: Callable[[str], TestClient], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Any) -> None:
    ann = client_for("ann")
    path = f"{API}/cycles/{DRAFT}/scenarios/trade-war"
    found = ann.get(path).json()
    scores = found["input"]
    scores["likelihood"] = {"ev": "D", "ll": "C", "ul": "E", "reasoning": "raised in a test"}
    monkeypatch.delenv("WEERBAAR_AUDIT_KEY")
    monkeypatch.setenv("WEERBAAR_AUDIT_KEY_FILE", str(tmp_path / "nowhere" / "audit.key"))
    response = ann.put(path, json={"scenario": scores, "expected_revision": found["revision"]})
    assert response.status_code == 500, response.text
    assert response.json()["error"] == "AuditChainBroken"
    assert response.json()["detail"].startswith(
        "the audit log cannot be signed: no audit key: set WEERBAAR_AUDIT_KEY")
    assert ann.get(path).json()["revision"] == found["revision"]  # nothing was written


# --- the client address and trusted proxies -----------------------------------------------------


def test_forwarded_and_x_real_ip_are_never_read(store: Store) -> None:
    app = create_app(store, WebSettings(trusted_proxies="10.0.0.1"))
    with TestClient(app, client=("10.0.0.1", 40000)) as proxy:
        proxy.post(f"{API}/login", json={"username": "ann", "password": "wrong-password-here"},
                   headers={"Forwarded": "for=203.0.113.7", "X-Real-IP": "203.0.113.8"})
        proxy.post(f"{API}/login", json={"username": "ann", "password": "wrong-password-here"},
                   headers={"X-Forwarded-For": "203.0.113.9"})  # the header that is read
    assert [client for _, _, client, _ in attempts_log.attempts(store)] == [
        "10.0.0.1", "203.0.113.9"]


# --- two-factor login ---------------------------------------------------------------------------

CLARA, CLARA_PASSWORD = "clara", "pw-for-the-confidential-one"


@pytest.fixture
def clara(store: Store) -> str:
    """clara, cleared for confidential on the draft cycle, under the default requirement."""
    two_factor.set_requirement(store, OPERATOR, "confidential")
    auth.add_user(store, OPERATOR, CLARA, CLARA_PASSWORD, must_change_password=False)
    auth.grant(store, OPERATOR, CLARA, "analyst", cycle=DRAFT, clearance="confidential")
    return CLARA


def enrolled_client(app: Any) -> tuple[TestClient, str, list[str]]:
    client = TestClient(app)
    answer = login(client, CLARA, CLARA_PASSWORD)
    client.headers[CSRF] = answer.json()["csrf"]
    secret = client.post(f"{API}/account/two-factor/setup").json()["secret"]
    done = client.post(f"{API}/account/two-factor/confirm",
                       json={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.text
    return client, secret, done.json()["recovery_codes"]


def test_a_forced_password_change_comes_before_the_enrolment(store: Store, anon: TestClient,
                                                             clara: str) -> None:
    auth.reset_password(store, OPERATOR, clara, "set-by-the-admin-for-her")
    answer = login(anon, clara, "set-by-the-admin-for-her")
    assert answer.status_code == 200 and answer.json()["two_factor_enrolment_required"] is True
    anon.headers[CSRF] = answer.json()["csrf"]
    refused = anon.get(f"{API}/cycles")
    assert (refused.status_code, refused.json()["error"]) == (403, "PasswordChangeRequired")
    assert anon.get("/", follow_redirects=False).headers["location"] == (
        "/account/password?next=/")
    changed = anon.post(f"{API}/password", json={"current": "set-by-the-admin-for-her",
                                                 "new": "her-own-long-passphrase"})
    assert changed.status_code == 200
    anon.headers[CSRF] = changed.json()["csrf"]
    refused = anon.get(f"{API}/cycles")
    assert (refused.status_code, refused.json()["error"]) == (403, "TwoFactorEnrolmentRequired")


def test_only_argon2_hashes_of_the_recovery_codes_are_stored(app: Any, store: Store,
                                                              clara: str) -> None:
    _, secret, codes = enrolled_client(app)
    with store.read() as conn:
        stored = conn.execute(select(users.c.recovery_codes, users.c.totp_secret)
                              .where(users.c.username == clara)).one()
    text_stored = str(stored.recovery_codes)
    assert text_stored.count("$argon2") == 10
    assert not any(code in text_stored or code.replace("-", "") in text_stored for code in codes)
    assert stored.totp_secret == secret  # the secret itself is stored as it is (to compute codes)
    assert len(base64.b32decode(secret)) * 8 == 160


def test_the_pending_second_step_cookie_and_its_hash(app: Any, store: Store, clara: str) -> None:
    _, secret, _ = enrolled_client(app)
    client = TestClient(app)
    first = login(client, CLARA, CLARA_PASSWORD)
    assert (first.status_code, first.json()["error"]) == (401, "SecondFactorRequired")
    assert COOKIE not in first.cookies  # no session yet
    cookie = first.headers["set-cookie"].lower()
    assert cookie.startswith(CHALLENGE_COOKIE) and "httponly" in cookie
    assert "samesite=strict" in cookie
    token = first.cookies[CHALLENGE_COOKIE]

    def stored() -> Any:
        with store.read() as conn:
            return conn.execute(select(users.c.login_challenge)
                                .where(users.c.username == CLARA)).scalar_one()

    assert stored() == token_digest(token)
    other = TestClient(app)
    other.cookies.set(COOKIE, "planted-before-the-login")
    second = login(other, CLARA, CLARA_PASSWORD)  # a new password step replaces the first
    assert stored() == token_digest(second.cookies[CHALLENGE_COOKIE]) != token_digest(token)
    stale = client.post(f"{API}/login/second-factor", json={"code": "000000"})
    assert stale.status_code == 401 and "log in again" in stale.json()["detail"]
    # completed: a new session exactly as a password-only login makes
    done = other.post(f"{API}/login/second-factor",
                      json={"code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert done.status_code == 200, done.text
    assert done.cookies[COOKIE] != "planted-before-the-login" and done.json()["csrf"]
    assert stored() is None


def test_a_code_used_twice_at_once_logs_in_once(app: Any, store: Store, clara: str) -> None:
    _, secret, _ = enrolled_client(app)
    pending = auth.login(store, CLARA, CLARA_PASSWORD)
    assert isinstance(pending, auth.PendingLogin)
    typed = pyotp.TOTP(secret).at(time.time() + 30)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def use() -> None:
        barrier.wait()
        try:
            found = two_factor.complete_login(store, pending.token, typed)
            results.append("session" if found is not None else "refused")
        except Exception as error:  # a completed step: NotAuthenticated
            results.append(type(error).__name__)

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[-1] == "session" and results.count("session") == 1, results


def test_turning_it_off_is_written_to_the_audit_log(app: Any, store: Store) -> None:
    client = TestClient(app)
    answer = login(client, "ann", PASSWORDS["ann"])  # ann is not required to have it
    client.headers[CSRF] = answer.json()["csrf"]
    secret = client.post(f"{API}/account/two-factor/setup").json()["secret"]
    assert client.post(f"{API}/account/two-factor/confirm",
                       json={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert client.delete(f"{API}/account/two-factor").status_code == 200
    with store.read() as conn:
        found = [(e.actor, e.entity_key, e.detail) for e in audit.entries(conn)
                 if e.action == "two-factor"]
    assert [(actor, key) for actor, key, _ in found] == [("ann", "ann"), ("ann", "ann")]
    assert found[0][2] is not None and found[0][2].get("enrolled") is True
    assert found[1][2] is not None and found[1][2].get("enrolled") is not True


def test_wrong_codes_count_for_the_client_address_too(store: Store, clara: str) -> None:
    app = create_app(store, WebSettings(login_max_failures=50, login_max_failures_client=3))
    _, secret, _ = enrolled_client(app)
    now = {pyotp.TOTP(secret).at(time.time() + 30 * s) for s in range(-2, 3)}
    wrong = next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in now)
    guesser = TestClient(app, client=("10.0.8.1", 40000))
    assert login(guesser, CLARA, CLARA_PASSWORD).status_code == 401  # the code is asked for
    for _ in range(3):
        assert guesser.post(f"{API}/login/second-factor", json={"code": wrong}).status_code == 401
    assert login(guesser, "ann").json() == WRONG  # the address is locked out
    assert login(TestClient(app, client=("10.0.8.2", 40000)), "ann").status_code == 200


# --- the API documentation ----------------------------------------------------------------------


def test_the_api_docs_have_no_validator_badge_and_no_address_bar(anon: TestClient) -> None:
    script = anon.get("/static/api-docs.js")
    assert script.status_code == 200
    assert re.search(r"validatorUrl:\s*null", script.text)  # nothing is sent to swagger.io
    assert "StandaloneLayout" not in script.text and "Topbar" not in script.text
    assert re.search(r'layout:\s*"BaseLayout"', script.text)  # the layout without the top bar
