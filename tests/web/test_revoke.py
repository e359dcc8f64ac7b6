"""Revoking a role (issue 16, point 5.3) on the users page and on the command line; the API's
``DELETE /api/v1/admin/users/U/grants/C`` is tested in test_api.py. The user's login sessions
see the change at their next request; the page needs the admin role, the CSRF token and a
recent password confirmation like every other user-management action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from weerbaar.cli import main
from weerbaar.services import accounts
from weerbaar.store import Store

from .support import DRAFT, age_confirmations, form_fields

Client = Callable[[str], TestClient]
USERS = "/admin/users"


def revoke_form(admin: TestClient, user: str, cycle: str) -> dict[str, str]:
    """The users page's form that revokes ``user``'s grant on ``cycle``, as a browser sends it."""
    page = admin.get(USERS)
    assert page.status_code == 200
    fields = form_fields(page.text, f"revoke-{user}-{cycle}")
    assert fields["cycle"] == cycle, fields
    return fields


def roles(store: Store, name: str) -> dict[str, str]:
    from tests.operator_support import OPERATOR

    found = next(u for u in accounts.list_users(store, OPERATOR) if u.username == name)
    return {k: v.value for k, v in found.roles.items()}


def test_the_users_page_revokes_a_role(client_for: Client, store: Store) -> None:
    admin, vic = client_for("admin"), client_for("vic")
    assert vic.get(f"/cycles/{DRAFT}/scenarios").status_code == 200
    page = admin.get(USERS)
    assert "Intrekken" in page.text or "Revoke" in page.text
    response = admin.post(f"{USERS}/vic/revoke", data=revoke_form(admin, "vic", DRAFT),
                          follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"{USERS}?saved=1")
    assert roles(store, "vic") == {}
    # vic's login session sees it at the next request
    assert vic.get(f"/cycles/{DRAFT}/scenarios").status_code == 403
    assert 'action="/admin/users/vic/revoke"' not in admin.get(USERS).text


def test_the_page_names_a_grant_that_is_not_there(client_for: Client) -> None:
    admin = client_for("admin")
    form = revoke_form(admin, "ann", "*")
    response = admin.post(f"{USERS}/ann/revoke", data={**form, "cycle": DRAFT})
    assert response.status_code == 404 and "has no role on cycle" in response.text
    response = admin.post(f"{USERS}/ann/revoke", data={**form, "cycle": "a b"})
    assert response.status_code == 422 and "not a cycle key" in response.text
    response = admin.post(f"{USERS}/ann/revoke", data={"csrf_token": form["csrf_token"]})
    assert response.status_code == 422  # no cycle named


def test_the_page_needs_admin_csrf_and_a_recent_confirmation(client_for: Client,
                                                             store: Store,
                                                             anon: TestClient) -> None:
    admin = client_for("admin")
    form = revoke_form(admin, "ann", "*")
    cora = client_for("cora")
    cora_form = {"csrf_token": cora.headers["X-CSRF-Token"], "cycle": "*"}
    assert cora.post(f"{USERS}/ann/revoke", data=cora_form).status_code == 403
    response = anon.post(f"{USERS}/ann/revoke", data={"cycle": "*"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert admin.post(f"{USERS}/ann/revoke", data={**form, "csrf_token": "x"}).status_code == 403
    age_confirmations(store)
    response = admin.post(f"{USERS}/ann/revoke", data=form, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303,
                                                                     f"/reauth?next={USERS}")
    assert roles(store, "ann") == {"*": "analyst"}  # nothing was revoked


def test_the_command_line(store: Store, db_path: Any,
                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "revoke", "vic", "--cycle", DRAFT, "--db", str(db_path)]) == 0
    assert f"vic has no role on {DRAFT} any more (roles left: none)" in capsys.readouterr().out
    assert roles(store, "vic") == {}
    assert main(["users", "revoke", "vic", "--cycle", DRAFT, "--db", str(db_path)]) == 3
    assert "has no role on cycle" in capsys.readouterr().err
    assert main(["users", "revoke", "nobody", "--cycle", "*", "--db", str(db_path)]) == 3
    assert main(["users", "revoke", "ann", "--db", str(db_path)]) == 2  # --cycle is required
    assert main(["users", "revoke", "ann", "--cycle", "*", "--db", str(db_path)]) == 0
    assert "every cycle (*)" in capsys.readouterr().out
