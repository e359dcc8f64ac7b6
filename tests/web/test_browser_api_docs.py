"""The API documentation (issue 16, point 5.6): ``/api/docs`` is Swagger UI 5 from the installed
swagger-ui-py package, served by the application itself — the browser makes no request
outside the server and the content security policy has nothing to refuse — behind the login
unless ``WEERBAAR_API_DOCS`` says ``public`` (or ``off``: no page at all).

The browser test uses the server, browser and request/script-error checks of
``test_browser.py`` (``weerbaar serve`` on loopback, Debian's Chromium at
``WEERBAAR_CHROMIUM``), with a server of this module's own.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from weerbaar.errors import InvalidInput
from weerbaar.store import Store
from weerbaar.web import WebSettings, create_app
from weerbaar.web.app import SECURITY_HEADERS

from . import test_browser as base
from .support import PASSWORDS

# the fixtures of test_browser.py (a server of this module's own, the browser, the contexts)
server = base.server
browser = base.browser
browsing = base.browsing
Browsing = base.Browsing
shot = base.shot

DOCS = "/api/docs"


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.mark.browser
def test_the_api_docs_render_from_the_server_alone(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto(DOCS)
    assert "/login?next=/api/docs" in page.url  # behind the login (the default)
    page.fill("#username", "ann")
    page.fill("#password", PASSWORDS["ann"])
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**{DOCS}")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("weerbaar")
    operations = page.locator(".swagger-ui .opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() > 30
    operations.filter(has_text="/api/v1/cycles/{cycle}/scenarios/{scenario}").first.click()
    expect(page.locator(".swagger-ui .opblock.is-open")).to_have_count(1)
    shot(page, "api-docs")
    assert any("/static-vendor/swagger-ui/swagger-ui-bundle.js" in u for u in browsing.requests)
    assert any(u.endswith("/api/v1/openapi.json") for u in browsing.requests)
    browsing.check()  # no request left the server; no script error, no CSP refusal


# --- the setting ----------------------------------------------------------------------------


def docs_client(store: Store, mode: str) -> TestClient:
    return TestClient(create_app(store, WebSettings(api_docs=mode)))


def test_behind_the_login_by_default(store: Store, anon: TestClient,
                                     client_for: Any) -> None:
    response = anon.get(DOCS, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login?next=/api/docs")
    page = client_for("vic").get(DOCS)
    assert page.status_code == 200
    assert "/static-vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "<script>" not in page.text and "cdn" not in page.text.lower()
    assert page.headers["Content-Security-Policy"] == \
        SECURITY_HEADERS["Content-Security-Policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert anon.get(f"/static-vendor/swagger-ui/{asset}").status_code == 200
    assert anon.get("/static/api-docs.js").status_code == 200
    assert anon.get("/api/v1/openapi.json").status_code == 200  # the document itself is open


def test_public_and_off(store: Store) -> None:
    with docs_client(store, "public") as public:
        assert public.get(DOCS).status_code == 200
    with docs_client(store, "off") as off:
        assert off.get(DOCS).status_code == 404
        assert off.get("/static-vendor/swagger-ui/swagger-ui-bundle.js").status_code == 404
        assert off.get("/api/v1/openapi.json").status_code == 200


def test_the_setting_from_the_environment() -> None:
    assert WebSettings().api_docs == "login"
    assert WebSettings.from_env({"WEERBAAR_API_DOCS": "public"}).api_docs == "public"
    with pytest.raises(InvalidInput) as caught:
        WebSettings.from_env({"WEERBAAR_API_DOCS": "open"})
    assert caught.value.location == ["WEERBAAR_API_DOCS"]
