"""Two-factor login (issue 16, point 6): TOTP codes (RFC 6238) and recovery codes, through the
API and the pages, with known answers.

- a wrong code is refused, the right one (computed with pyotp from the secret) logs in, and a
  code works once;
- a recovery code works once;
- a user cleared for confidential without two-factor login is held to the enrolment: every
  other page redirects there and every other API call answers 403 until it is done;
- enrolment (QR code, the key as text, a code to confirm, the recovery codes once) needs a
  recent password confirmation; turning it off too, and is refused while it is required;
- administrators reset it (page, API, command line), which ends the user's sessions;
- wrong codes are throttled like wrong passwords, and a right password does not reset that;
- the requirement (service, command line) and migration 0009 on SQLite and PostgreSQL.

The web tests' database requires two-factor login of nobody (``support.build_database``); the
fixtures here put the default back: from ``confidential`` on.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from tests.operator_support import OPERATOR

from weerbaar.cli import main
from weerbaar.domain import ClassificationScheme, Role, User
from weerbaar.errors import InvalidInput, NotAuthenticated
from weerbaar.services import accounts, two_factor
from weerbaar.store import Store, audit, open_store, upgrade
from weerbaar.store import logins as attempts_log
from weerbaar.web import WebSettings, create_app
from weerbaar.web.deps import CHALLENGE_COOKIE, COOKIE

from .support import CSRF, DRAFT, PASSWORDS, age, age_confirmations
from .test_pages import csrf_of, form_values, login_form

API = "/api/v1"
CLARA = "clara"  # cleared for confidential: must have two-factor login
CLARA_PASSWORD = "pw-for-the-confidential-one"
SETTINGS = WebSettings(login_max_failures=3, login_max_failures_client=50)
ENROL_FIRST = "TwoFactorEnrolmentRequired"


def code(secret: str, steps: int = 0) -> str:
    """The code of the app ``steps`` time steps from now."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def wrong_code(secret: str) -> str:
    """A six-digit code that is none of the codes accepted now."""
    near = {code(secret, s) for s in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(1_000_000)) if c not in near)


@pytest.fixture
def site(store: Store) -> Iterator[Callable[[], TestClient]]:
    """The default requirement (confidential and higher), ``clara`` cleared for confidential on
    the draft cycle, and an app with a login limit of 3 failures; ``site()`` is a new client."""
    two_factor.set_requirement(store, OPERATOR, "confidential")
    accounts.add_user(store, OPERATOR, CLARA, CLARA_PASSWORD, must_change_password=False)
    accounts.grant(store, OPERATOR, CLARA, "analyst", cycle=DRAFT, clearance="confidential")
    app = create_app(store, SETTINGS)
    clients: list[TestClient] = []

    def make() -> TestClient:
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def password_step(client: TestClient, name: str, password: str) -> Any:
    response = client.post(f"{API}/login", json={"username": name, "password": password})
    if response.status_code == 200:
        client.headers[CSRF] = response.json()["csrf"]
    return response


def second_step(client: TestClient, typed: str) -> Any:
    response = client.post(f"{API}/login/second-factor", json={"code": typed})
    if response.status_code == 200:
        client.headers[CSRF] = response.json()["csrf"]
    return response


def enrol(client: TestClient) -> tuple[str, list[str]]:
    """Set up two-factor login through the API: the secret and the recovery codes."""
    started = client.post(f"{API}/account/two-factor/setup")
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    confirmed = client.post(f"{API}/account/two-factor/confirm", json={"code": code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]


def enrolled(site: Callable[[], TestClient], name: str = CLARA,
             password: str = CLARA_PASSWORD) -> tuple[str, list[str]]:
    client = site()
    assert password_step(client, name, password).status_code == 200
    return enrol(client)


def entries(store: Store, action: str) -> list[audit.AuditEntry]:
    with store.read() as conn:
        return [e for e in audit.entries(conn) if e.action == action]


# --- logging in with the second factor ----------------------------------------------------------


def test_the_password_alone_gives_no_session_and_a_wrong_code_is_refused(
        site: Callable[[], TestClient]) -> None:
    secret, _ = enrolled(site)
    client = site()
    first = password_step(client, CLARA, CLARA_PASSWORD)
    assert first.status_code == 401
    assert first.json()["error"] == "SecondFactorRequired"
    assert COOKIE not in first.cookies and first.cookies.get(CHALLENGE_COOKIE)
    assert client.get(f"{API}/me").status_code == 401  # nothing granted yet
    wrong = second_step(client, wrong_code(secret))
    assert (wrong.status_code, wrong.json()) == (401, {"error": "NotAuthenticated",
                                                       "detail": "wrong code"})
    assert client.get(f"{API}/cycles").status_code == 401
    right = second_step(client, code(secret, 1))  # the enrolment used this step's code
    assert right.status_code == 200, right.text
    assert right.json()["user"] == CLARA and "recovery_codes_left" not in right.json()
    me = client.get(f"{API}/me").json()
    assert me["two_factor"] is True and me["two_factor_enrolment_required"] is False
    assert client.get(f"{API}/cycles/{DRAFT}/scenarios").status_code == 200


def test_a_code_works_once(site: Callable[[], TestClient]) -> None:
    secret, _ = enrolled(site)
    typed = code(secret, 1)
    first = site()
    password_step(first, CLARA, CLARA_PASSWORD)
    assert second_step(first, typed).status_code == 200
    again = site()
    assert password_step(again, CLARA, CLARA_PASSWORD).status_code == 401
    assert second_step(again, typed).status_code == 401  # replayed: refused
    assert second_step(again, code(secret)).status_code == 401  # an earlier step: refused too


def test_a_recovery_code_works_once(site: Callable[[], TestClient], store: Store) -> None:
    _, codes = enrolled(site)
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    client = site()
    password_step(client, CLARA, CLARA_PASSWORD)
    used = second_step(client, codes[3].upper().replace("-", " "))  # as typed, any case
    assert used.status_code == 200, used.text
    assert used.json()["recovery_codes_left"] == 9
    again = site()
    password_step(again, CLARA, CLARA_PASSWORD)
    assert second_step(again, codes[3]).status_code == 401
    assert second_step(again, codes[4]).status_code == 200
    assert again.get(f"{API}/account/two-factor").json()["recovery_codes_left"] == 8
    assert [e.detail for e in entries(store, "recovery-code")] == [{"left": 9}, {"left": 8}]


def test_the_login_pages_ask_for_the_code(site: Callable[[], TestClient]) -> None:
    secret, codes = enrolled(site)
    client = site()
    form = login_form(client, f"/cycles/{DRAFT}/scenarios")
    answer = client.post("/login", data={**form, "username": CLARA, "password": CLARA_PASSWORD},
                         follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/login/second-factor?next=/cycles/{DRAFT}/scenarios"
    assert COOKIE not in client.cookies
    step = client.get(answer.headers["location"])
    assert step.status_code == 200 and "Tweestapsverificatie" in step.text
    values = form_values(step.text, "second-factor-form")
    assert values["next"] == f"/cycles/{DRAFT}/scenarios"
    wrong = client.post("/login/second-factor", data={**values, "code": wrong_code(secret)},
                        follow_redirects=False)
    assert wrong.status_code == 401 and "Verkeerde code." in wrong.text
    values = form_values(wrong.text, "second-factor-form")
    done = client.post("/login/second-factor", data={**values, "code": code(secret, 1)},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/cycles/{DRAFT}/scenarios"
    assert client.cookies.get(COOKIE) and not client.cookies.get(CHALLENGE_COOKIE)
    assert client.get(f"/cycles/{DRAFT}/scenarios").status_code == 200
    # a recovery code on the page
    other = site()
    form = login_form(other)
    other.post("/login", data={**form, "username": CLARA, "password": CLARA_PASSWORD})
    values = form_values(other.get("/login/second-factor").text, "second-factor-form")
    done = other.post("/login/second-factor", data={**values, "code": codes[0]},
                      follow_redirects=False)
    assert done.status_code == 303 and other.get("/").status_code == 200


def test_no_second_step_without_the_password_step_or_after_it_expired(
        site: Callable[[], TestClient], store: Store) -> None:
    secret, _ = enrolled(site)
    client = site()
    late = second_step(client, code(secret, 1))
    assert late.status_code == 401 and "log in again" in late.json()["detail"]
    assert client.get("/login/second-factor", follow_redirects=False).headers[
        "location"].startswith("/login?")
    password_step(client, CLARA, CLARA_PASSWORD)
    age(store, "users", "login_challenge_until", 6)  # five minutes to type the code
    expired = second_step(client, code(secret, 1))
    assert expired.status_code == 401 and "log in again" in expired.json()["detail"]
    page = site()
    page.cookies.set(CHALLENGE_COOKIE, "not-a-pending-login")
    values = form_values(page.get("/login/second-factor").text, "second-factor-form")
    answer = page.post("/login/second-factor", data={**values, "code": code(secret, 1)})
    assert answer.status_code == 401
    assert "Uw inlog heeft te lang op de code gewacht" in answer.text


def test_wrong_codes_are_throttled_like_wrong_passwords(site: Callable[[], TestClient],
                                                        store: Store) -> None:
    secret, _ = enrolled(site)
    client = site()
    password_step(client, CLARA, CLARA_PASSWORD)
    for _ in range(3):  # the limit of this app
        assert second_step(client, wrong_code(secret)).status_code == 401
    refused = second_step(client, code(secret, 1))  # right, but locked out: the same answer
    assert (refused.status_code, refused.json()["detail"]) == (401, "wrong code")
    # the right password again does not reset the count of wrong codes
    again = site()
    assert password_step(again, CLARA, CLARA_PASSWORD).status_code == 401
    assert second_step(again, code(secret, 1)).status_code == 401
    locks = [e for e in entries(store, "lockout") if e.entity_key == f"{CLARA}#2fa"]
    assert len(locks) == 1 and locks[0].detail["failures"] == 3
    assert attempts_log.attempts(store, username=f"{CLARA}#2fa")[-1][3] is False
    age(store, "login_attempts", "at", 16)  # the lock-out is over
    assert second_step(again, code(secret, 1)).status_code == 200


def test_the_password_prompt_asks_for_the_password_only(
        site: Callable[[], TestClient]) -> None:
    secret, _ = enrolled(site)
    client = site()
    password_step(client, CLARA, CLARA_PASSWORD)
    second_step(client, code(secret, 1))
    assert client.post(f"{API}/reauth", json={"password": CLARA_PASSWORD}).status_code == 200


# --- the requirement: held to the enrolment until it is done ----------------------------------


GATED_PAGES = ["/", f"/cycles/{DRAFT}/scenarios", f"/cycles/{DRAFT}/measures", "/profiles"]
GATED_API = [("GET", f"{API}/cycles"), ("GET", f"{API}/cycles/{DRAFT}/scenarios"),
             ("GET", f"{API}/profiles"), ("POST", f"{API}/cycles/{DRAFT}/measures")]


def test_a_user_cleared_for_confidential_is_held_to_the_enrolment(
        site: Callable[[], TestClient], store: Store) -> None:
    client = site()
    answer = password_step(client, CLARA, CLARA_PASSWORD)
    assert answer.status_code == 200 and answer.json()["two_factor_enrolment_required"] is True
    for path in GATED_PAGES:
        redirect = client.get(path, follow_redirects=False)
        assert redirect.status_code == 303, path
        assert redirect.headers["location"].startswith("/account/two-factor?next="), path
    for method, path in GATED_API:
        refused = client.request(method, path, json={})
        assert refused.status_code == 403, path
        assert refused.json()["error"] == ENROL_FIRST, path
    assert client.get(f"{API}/me").json()["two_factor_enrolment_required"] is True
    # the enrolment page: the QR code and the key as text, then a code
    page = client.get(f"/account/two-factor?next=/cycles/{DRAFT}/scenarios")
    assert page.status_code == 200 and 'id="totp-qr"' not in page.text
    assert "Uw machtiging vereist tweestapsverificatie" in page.text
    started = client.post("/account/two-factor/setup", data=form_values(page.text, "setup-form"),
                          follow_redirects=False)
    assert started.status_code == 303
    page = client.get(started.headers["location"])
    assert "<svg" in page.text and 'id="totp-qr"' in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    assert len(secret) == 32
    values = form_values(page.text, "confirm-form")
    wrong = client.post("/account/two-factor/confirm", data={**values, "code": wrong_code(secret)})
    assert wrong.status_code == 422 and "Verkeerde code" in wrong.text
    assert client.get(f"{API}/cycles").status_code == 403  # still not enrolled
    done = client.post("/account/two-factor/confirm", data={**values, "code": code(secret)})
    assert done.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.text)
    assert len(shown) == 10
    assert f'href="/cycles/{DRAFT}/scenarios" id="continue"' in done.text
    assert done.headers["cache-control"] == "no-store"
    for path in GATED_PAGES:
        assert client.get(path).status_code == 200, path
    assert client.get(f"{API}/cycles").status_code == 200
    # shown once: neither the page nor the API shows the secret or the codes again
    again = client.get("/account/two-factor").text
    assert secret[:8] not in again.replace(" ", "") and shown[0] not in again
    assert "Tweestapsverificatie staat aan." in again and "herstelcodes: 10" in again
    status = client.get(f"{API}/account/two-factor").json()
    assert status == {"enrolled": True, "required": True, "enrolled_at": status["enrolled_at"],
                      "recovery_codes_left": 10, "setting_up": False}
    # the next login asks for the code
    assert password_step(site(), CLARA, CLARA_PASSWORD).status_code == 401
    assert [e.detail["enrolled"] for e in entries(store, "two-factor")] == [True]


def test_the_gate_lets_through_the_enrolment_the_password_prompt_and_logging_out(
        site: Callable[[], TestClient], store: Store) -> None:
    client = site()
    password_step(client, CLARA, CLARA_PASSWORD)
    assert client.get(f"{API}/account/two-factor").status_code == 200
    assert client.get("/reauth?next=/account/two-factor").status_code == 200
    assert client.get("/account/password").status_code == 200
    age_confirmations(store)  # the login's confirmation is over: the set-up needs another
    refused = client.post(f"{API}/account/two-factor/setup")
    assert (refused.status_code, refused.json()["error"]) == (403, "ReauthenticationRequired")
    page = client.get("/account/two-factor")
    prompt = client.post("/account/two-factor/setup", data=form_values(page.text, "setup-form"),
                         follow_redirects=False)
    assert prompt.headers["location"] == "/reauth?next=/account/two-factor"
    reauth = client.get(prompt.headers["location"])
    assert "Tweestapsverificatie instellen of uitzetten" in reauth.text
    assert client.post(f"{API}/reauth", json={"password": CLARA_PASSWORD}).status_code == 200
    enrol(client)
    assert client.get(f"{API}/cycles").status_code == 200
    assert client.post(f"{API}/logout").status_code == 200


def test_a_grant_of_confidential_sends_a_logged_in_user_to_the_enrolment(
        site: Callable[[], TestClient], store: Store) -> None:
    client = site()
    password_step(client, "ann", PASSWORDS["ann"])  # internal: not required
    assert client.get(f"{API}/cycles").status_code == 200
    accounts.grant(store, OPERATOR, "ann", "analyst", cycle=DRAFT, clearance="secret")
    refused = client.get(f"{API}/cycles")
    assert (refused.status_code, refused.json()["error"]) == (403, ENROL_FIRST)


def test_turning_it_off_needs_a_confirmation_and_is_refused_when_required(
        site: Callable[[], TestClient], store: Store) -> None:
    ann = site()
    password_step(ann, "ann", PASSWORDS["ann"])
    enrol(ann)  # voluntarily: ann is not required to
    assert ann.get(f"{API}/account/two-factor").json()["required"] is False
    age_confirmations(store)
    assert ann.delete(f"{API}/account/two-factor").status_code == 403
    assert ann.post(f"{API}/reauth", json={"password": PASSWORDS["ann"]}).status_code == 200
    off = ann.delete(f"{API}/account/two-factor")
    assert off.status_code == 200 and off.json()["was_on"] is True
    assert password_step(site(), "ann", PASSWORDS["ann"]).status_code == 200  # password only
    clara = site()
    password_step(clara, CLARA, CLARA_PASSWORD)
    enrol(clara)
    refused = clara.delete(f"{API}/account/two-factor")
    assert refused.status_code == 403 and "requires two-factor" in refused.json()["detail"]
    page = clara.get("/account/two-factor")
    assert 'id="disable-form"' not in page.text
    forced = clara.post("/account/two-factor/disable", data={"csrf_token": csrf_of(page.text)})
    assert forced.status_code == 403


def test_setting_up_again_keeps_the_old_secret_until_the_new_one_is_confirmed(
        site: Callable[[], TestClient]) -> None:
    client = site()
    password_step(client, CLARA, CLARA_PASSWORD)
    _, old_codes = enrol(client)
    new = client.post(f"{API}/account/two-factor/setup").json()
    assert new["uri"].startswith("otpauth://totp/weerbaar:clara?") and "issuer=weerbaar" in new["uri"]
    assert client.get(f"{API}/account/two-factor").json()["setting_up"] is True
    login = site()
    password_step(login, CLARA, CLARA_PASSWORD)
    assert second_step(login, old_codes[0]).status_code == 200  # the old ones still work
    stale = client.post(f"{API}/account/two-factor/confirm", json={"code": wrong_code(new["secret"])})
    assert stale.status_code == 422 and stale.json()["error"] == "InvalidInput"
    done = client.post(f"{API}/account/two-factor/confirm", json={"code": code(new["secret"])})
    assert done.status_code == 200
    later = site()
    password_step(later, CLARA, CLARA_PASSWORD)
    assert second_step(later, old_codes[1]).status_code == 401  # replaced
    assert second_step(later, done.json()["recovery_codes"][0]).status_code == 200
    nothing = client.post(f"{API}/account/two-factor/confirm", json={"code": "123456"})
    assert nothing.status_code == 409


# --- administrators reset it ------------------------------------------------------------------


def test_an_administrator_resets_it_through_the_api(site: Callable[[], TestClient],
                                                    store: Store) -> None:
    clara = site()
    password_step(clara, CLARA, CLARA_PASSWORD)
    enrol(clara)
    ann = site()
    password_step(ann, "ann", PASSWORDS["ann"])
    assert ann.delete(f"{API}/admin/users/{CLARA}/two-factor").status_code == 403
    admin = site()
    password_step(admin, "admin", PASSWORDS["admin"])
    assert admin.delete(f"{API}/admin/users/nobody-here/two-factor").status_code == 404
    assert site().delete(f"{API}/admin/users/{CLARA}/two-factor").status_code == 401
    age_confirmations(store)
    stale = admin.delete(f"{API}/admin/users/{CLARA}/two-factor")
    assert (stale.status_code, stale.json()["error"]) == (403, "ReauthenticationRequired")
    admin.post(f"{API}/reauth", json={"password": PASSWORDS["admin"]})
    missing_csrf = admin.delete(f"{API}/admin/users/{CLARA}/two-factor", headers={CSRF: "x"})
    assert missing_csrf.status_code == 403
    reset = admin.delete(f"{API}/admin/users/{CLARA}/two-factor")
    assert reset.status_code == 200 and reset.json()["was_on"] is True
    assert clara.get(f"{API}/me").status_code == 401  # her sessions ended
    again = site()
    answer = password_step(again, CLARA, CLARA_PASSWORD)  # the password alone, then enrolment
    assert answer.status_code == 200 and answer.json()["two_factor_enrolment_required"]
    users = {u["username"]: u for u in admin.get(f"{API}/admin/users").json()}
    assert users[CLARA]["two_factor"] is False
    detail = entries(store, "two-factor")[-1].detail
    assert detail["reset"] is True and detail["was_on"] is True and detail["sessions_ended"] == 1


def test_an_administrator_resets_it_on_the_users_page(site: Callable[[], TestClient],
                                                      store: Store) -> None:
    clara = site()
    password_step(clara, CLARA, CLARA_PASSWORD)
    enrol(clara)
    admin = site()
    form = login_form(admin)
    admin.post("/login", data={**form, "username": "admin", "password": PASSWORDS["admin"]})
    page = admin.get("/admin/users")
    assert f'action="/admin/users/{CLARA}/two-factor"' in page.text
    assert 'action="/admin/users/ann/two-factor"' not in page.text  # off: nothing to reset
    token = csrf_of(page.text)
    age_confirmations(store)
    prompt = admin.post(f"/admin/users/{CLARA}/two-factor", data={"csrf_token": token},
                        follow_redirects=False)
    assert prompt.headers["location"] == "/reauth?next=/admin/users"
    admin.post("/reauth", data={"csrf_token": token, "password": PASSWORDS["admin"]})
    done = admin.post(f"/admin/users/{CLARA}/two-factor", data={"csrf_token": token},
                      follow_redirects=False)
    assert done.status_code == 303
    assert f'action="/admin/users/{CLARA}/two-factor"' not in admin.get("/admin/users").text
    assert clara.get(f"{API}/me").status_code == 401


def test_the_command_line_resets_it_and_sets_the_requirement(
        site: Callable[[], TestClient], db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    enrolled(site)
    assert main(["users", "reset-2fa", CLARA, "--db", str(db_path)]) == 0
    assert "two-factor login of clara reset" in capsys.readouterr().out
    assert main(["users", "list", "--db", str(db_path)]) == 0
    assert main(["users", "reset-2fa", "nobody-here", "--db", str(db_path)]) == 3
    assert main(["users", "two-factor", "--db", str(db_path)]) == 0
    assert "everyone cleared for confidential or higher" in capsys.readouterr().out
    assert main(["users", "two-factor", "--from", "secret", "--admins", "--db",
                 str(db_path)]) == 0
    shown = capsys.readouterr().out
    assert "cleared for secret or higher" in shown and "administrators" in shown
    assert main(["users", "two-factor", "--from", "geheim", "--db", str(db_path)]) == 2
    assert main(["users", "two-factor", "--from", "off", "--no-admins", "--db",
                 str(db_path)]) == 0
    assert "nobody for their clearance" in capsys.readouterr().out
    answer = password_step(site(), CLARA, CLARA_PASSWORD)
    assert answer.json()["two_factor_enrolment_required"] is False


# --- the requirement as a rule ----------------------------------------------------------------


def _user(roles: dict[str, Role], clearances: dict[str, str], admin: bool = False) -> User:
    return User(id=1, username="u", roles=roles, clearances=clearances, is_admin=admin)


@pytest.mark.parametrize(("roles", "clearances", "admin", "required_from", "admins", "due"), [
    ({DRAFT: Role.VIEWER}, {}, False, "confidential", False, False),  # the default: internal
    ({DRAFT: Role.VIEWER}, {DRAFT: "confidential"}, False, "confidential", False, True),
    ({DRAFT: Role.VIEWER, "*": Role.VIEWER}, {"*": "secret"}, False, "confidential", False, True),
    ({DRAFT: Role.VIEWER}, {DRAFT: "secret"}, False, None, False, False),  # off
    ({DRAFT: Role.VIEWER}, {DRAFT: "confidential"}, False, "secret", False, False),
    ({DRAFT: Role.VIEWER}, {DRAFT: "public"}, False, "public", False, True),
    ({DRAFT: Role.VIEWER}, {DRAFT: "unknown"}, False, "secret", False, True),  # fail closed
    ({DRAFT: Role.VIEWER}, {}, False, "unknown", False, True),  # fail closed
    ({}, {}, False, "public", False, False),  # no role: nothing to protect
    ({}, {}, True, "confidential", False, False),
    ({}, {}, True, "confidential", True, True),  # administrators, when asked
    ({"*": Role.ADMIN}, {}, False, None, True, True),
])
def test_who_must_have_two_factor_login(roles: dict[str, Role], clearances: dict[str, str],
                                        admin: bool, required_from: str | None, admins: bool,
                                        due: bool) -> None:
    requirement = two_factor.Requirement(required_from, admins, stored=True)
    assert two_factor.is_required(_user(roles, clearances, admin), ClassificationScheme(),
                                  requirement) is due


def test_the_requirement_setting(store: Store) -> None:
    assert two_factor.requirement(store, OPERATOR).required_from is None  # the tests' database
    with pytest.raises(InvalidInput, match="unknown marking") as caught:
        two_factor.set_requirement(store, OPERATOR, "geheim")
    assert caught.value.location == ["required_from"]
    found = two_factor.set_requirement(store, OPERATOR, "secret", admins=True)
    assert found.to_dict() == {"required_from": "secret", "admins": True, "default": False}
    assert entries(store, "settings")[-1].detail == {"required_from": "secret", "admins": True}


def test_codes_within_one_step_of_the_clock_only() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    now = 1_800_000_000.0
    step = int(now) // 30
    totp = pyotp.TOTP(secret)
    for offset in (-2, -1, 0, 1, 2):
        found = two_factor.matching_step(secret, totp.generate_otp(step + offset), now=now)
        assert found == (step + offset if abs(offset) <= 1 else None), offset
    assert two_factor.matching_step(secret, totp.generate_otp(step), after=step, now=now) is None
    assert two_factor.matching_step(secret, f" {totp.generate_otp(step)[:3]} "
                                    f"{totp.generate_otp(step)[3:]}", now=now) == step
    assert two_factor.matching_step(secret, "12345", now=now) is None
    assert two_factor.matching_step(secret, "１２３４５６", now=now) is None  # not ASCII digits


def test_the_service_completes_no_login_without_a_pending_step(store: Store) -> None:
    with pytest.raises(NotAuthenticated, match="log in again"):
        two_factor.complete_login(store, None, "123456")
    with pytest.raises(NotAuthenticated, match="log in again"):
        two_factor.complete_login(store, "made-up", "123456")


# --- migration 0009 ---------------------------------------------------------------------------


COLUMNS = {"totp_secret", "totp_pending", "totp_enrolled_at", "totp_last_step",
           "recovery_codes", "login_challenge", "login_challenge_until"}


def test_migration_0009_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    targets = [f"sqlite:///{tmp_path / 'm.sqlite'}"]
    pg = os.environ.get("WEERBAAR_TEST_PG", "")
    schema = "wb_two_factor_" + os.urandom(4).hex()
    if pg and pg != "off":
        base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in base else "?"
        targets.append(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        for url in targets:
            store = open_store(url, check_schema=False)
            try:
                upgrade(store.engine, "0008")
                with store.engine.begin() as conn:  # an account of before 0009
                    conn.execute(text(
                        "INSERT INTO users (username, password_hash, is_admin, disabled, "
                        "must_change_password, created_at) VALUES ('ann', 'x', false, false, "
                        "false, '2026-12-01 00:00:00')"))
                assert not COLUMNS & {c["name"] for c in inspect(store.engine).get_columns("users")}
                upgrade(store.engine)
                found = {c["name"] for c in inspect(store.engine).get_columns("users")}
                assert found >= COLUMNS
                assert accounts.list_users(store, OPERATOR)[0].two_factor is False
                config = Config()
                config.set_main_option("script_location", str(
                    Path(__import__("weerbaar.store", fromlist=["x"]).__file__).parent
                    / "migrations"))
                config.attributes["engine"] = store.engine
                command.downgrade(config, "0008")
                assert not COLUMNS & {c["name"] for c in inspect(store.engine).get_columns("users")}
                query = ("SELECT name FROM sqlite_master WHERE tbl_name = 'users'"
                         if url.startswith("sqlite") else
                         "SELECT indexname FROM pg_indexes WHERE tablename = 'users'")
                with store.engine.connect() as conn:  # the inspector skips expression indexes
                    indexes = set(conn.execute(text(query)).scalars())
                assert "uq_users_username_lower" in indexes  # kept (no copy of the table)
                upgrade(store.engine)
                assert [u.username for u in accounts.list_users(store, OPERATOR)] == ["ann"]
            finally:
                store.dispose()
    finally:
        if pg and pg != "off":
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()

