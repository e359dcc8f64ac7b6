"""Expert sessions in the browser (issue 15, point 4): an expert saves a draft, reloads and sees
it, submits and revises; closing without submissions changes no score; cancelling; a field
error keeps every typed value.

The server, the browser and the request/script-error checks are those of ``test_browser.py``
(``weerbaar serve`` on loopback against a copy of the test database, Debian's Chromium at
``WEERBAAR_CHROMIUM``); this module gets its own server, so its sessions do not meet the ones
of that module. Every wait is on state (URLs, locators, answers), never on time; each test uses
its own scenario (a scenario has one open session at a time).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from . import test_browser as base
from .support import DRAFT

pytestmark = pytest.mark.browser

# the fixtures of test_browser.py (a server of this module's own, the browser, the contexts)
server = base.server
browser = base.browser
browsing = base.browsing
Browsing = base.Browsing
shot = base.shot


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def api(page: Any, path: str) -> Any:
    """A GET of the JSON API in the page's login session."""
    return page.evaluate(f"() => fetch('{path}').then(r => r.json())")


def open_session(cora: Any, scenario: str, experts: str) -> str:
    """Open a session through the list page; the session page's path."""
    cora.goto(f"/cycles/{DRAFT}/sessions")
    cora.select_option("#scenario", scenario)
    cora.fill("#experts", experts)
    cora.click("#open-form button[type=submit]")
    cora.wait_for_url("**/sessions/*")
    expect(cora.locator("#session-status")).to_have_text("open")
    return urlsplit(cora.url).path


def submit(page: Any, action: str, outcome: str) -> None:
    """Press the expert form's button ``action`` (draft or submit) and wait for its page."""
    page.click(f'#expert-form button[name="action"][value="{action}"]')
    page.wait_for_url(f"**?{outcome}")


def field(page: Any, form: str, name: str) -> Any:
    return page.locator(f'{form} [name="{name}"]')


def test_draft_reload_submit_and_revise(browsing: Browsing) -> None:
    cora, eva = browsing.page("cora"), browsing.page("eva")
    session = open_session(cora, "trade-war", "eva, ed")
    sid = session.rsplit("/", 1)[1]
    eva.goto(session)
    form = "#expert-form"
    field(eva, form, "1.2-ev").fill("C")
    field(eva, form, "1.2-reasoning").fill("first thoughts\nstill unsure")
    field(eva, form, "likelihood-probability").fill("0,05")
    submit(eva, "draft", "draft=saved")
    expect(eva.locator("#draft-state")).to_be_visible()
    eva.reload()
    expect(field(eva, form, "1.2-ev")).to_have_value("C")
    expect(field(eva, form, "1.2-reasoning")).to_have_value("first thoughts\nstill unsure")
    expect(field(eva, form, "likelihood-probability")).to_have_value("0,05")
    shot(eva, "s01-draft-reloaded")
    assert api(cora, f"/api/v1/sessions/{sid}")["submitted"] == []  # a draft is no submission

    field(eva, form, "1.2-ll").fill("B")
    field(eva, form, "1.2-ul").fill("D")
    field(eva, form, "likelihood-probability").fill("")  # a threat: classes, not probabilities
    field(eva, form, "likelihood-ev").fill("C")
    eva.check(f'{form} [name="likelihood-same"]')
    submit(eva, "submit", "submitted=1")
    expect(eva.locator("#own-state")).to_be_visible()
    expect(eva.locator("#session-status")).to_have_text("open")
    expect(eva.locator("#submissions")).to_contain_text("eva")
    expect(field(eva, form, "1.2-ul")).to_have_value("D")  # the form shows what she sent

    field(eva, form, "1.2-ev").fill("D")
    field(eva, form, "1.2-ll").fill("")
    field(eva, form, "1.2-ul").fill("")
    eva.check(f'{form} [name="1.2-same"]')
    submit(eva, "submit", "revised=1")
    shot(eva, "s02-revised")
    shown = api(cora, f"/api/v1/sessions/{sid}")["submissions"]
    assert [s["expert"] for s in shown] == ["eva"]
    assert shown[0]["score"]["impact"]["1.2"]["range"] == {"ev": 4.0, "ll": 4.0, "ul": 4.0}
    assert shown[0]["score"]["likelihood"]["range"] == {"ev": 3.0, "ll": 3.0, "ul": 3.0}

    cora.reload()
    cora.fill("#agree-form #reason", "agreed in the browser")
    cora.click("#agree-form button[type=submit]")
    cora.wait_for_url("**?closed=changed")
    expect(cora.locator("#session-status")).to_have_text("closed")
    experts = api(cora, f"/api/v1/cycles/{DRAFT}/scenarios/trade-war")["scenario"]["experts"]
    assert [e["expert"] for e in experts] == ["eva"]
    browsing.check()


def test_closing_without_submissions_changes_no_score(browsing: Browsing) -> None:
    cora = browsing.page("cora")
    path = f"/api/v1/cycles/{DRAFT}/scenarios/heatwave-drought"
    before = api(cora, path)
    session = open_session(cora, "heatwave-drought", "eva")
    expect(cora.locator("#no-submissions")).to_be_visible()
    cora.fill('#agree-form [name="1.2-ev"]', "E")  # ignored: nobody submitted
    cora.click("#agree-form button[type=submit]")
    cora.wait_for_url("**?closed=unchanged")
    expect(cora.locator("#session-status")).to_have_text("closed")
    expect(cora.locator("#session-outcome")).to_be_visible()
    shot(cora, "s03-closed-without-submissions")
    after = api(cora, path)
    assert after["revision"] == before["revision"] and after["scenario"] == before["scenario"]
    assert urlsplit(cora.url).path == session
    browsing.check()


def test_cancel_a_session(browsing: Browsing) -> None:
    cora, eva = browsing.page("cora"), browsing.page("eva")
    path = f"/api/v1/cycles/{DRAFT}/scenarios/wildfire-veluwe"
    before = api(cora, path)
    session = open_session(cora, "wildfire-veluwe", "eva")
    eva.goto(session)
    eva.fill('#expert-form [name="1.2-ev"]', "B")
    submit(eva, "draft", "draft=saved")
    cora.fill("#cancel-reason", "postponed")
    cora.click("#cancel-form button[type=submit]")
    cora.wait_for_url("**?cancelled=1")
    expect(cora.locator("#session-status")).to_have_text("cancelled")
    expect(cora.locator("#agree-form")).to_have_count(0)
    expect(cora.locator("#cancel-form")).to_have_count(0)
    shot(cora, "s04-cancelled")
    eva.reload()
    expect(eva.locator("#session-status")).to_have_text("cancelled")
    expect(eva.locator("#expert-form")).to_have_count(0)
    assert api(cora, path) == before
    browsing.check()


def test_a_field_error_keeps_every_typed_value(browsing: Browsing) -> None:
    cora, eva = browsing.page("cora"), browsing.page("eva")
    session = open_session(cora, "earthquake-groningen", "eva")
    eva.goto(session)
    form = "#expert-form"
    typed = {"1.2-ev": "C", "1.2-reasoning": "only the EV so far", "3.2-ev": "B",
             "3.2-ll": "A", "3.2-ul": "C", "likelihood-ev": "B", "likelihood-ll": "A",
             "likelihood-ul": "C", "likelihood-reasoning": "two\nlines"}
    for name, value in typed.items():
        field(eva, form, name).fill(value)
    eva.check(f'{form} [name="3.2-same"]')  # "same" with a different LL and UL: an error too
    with eva.expect_response(lambda r: r.request.method == "POST"
                             and r.url.endswith("/submit")) as answer:
        eva.click(f'{form} button[name="action"][value="submit"]')
    assert answer.value.status == 422
    expect(eva.locator("#expert-errors")).to_be_visible()
    for name, value in typed.items():
        expect(field(eva, form, name)).to_have_value(value)
    expect(field(eva, form, "3.2-same")).to_be_checked()
    for name in ("1.2-ll", "1.2-ul", "3.2-ll", "3.2-ul"):
        expect(field(eva, form, name)).to_have_attribute("aria-invalid", "true")
        expect(eva.locator(f'[id="x-{name}-err"]')).to_be_visible()
    expect(field(eva, form, "likelihood-ev")).not_to_have_attribute("aria-invalid", "true")
    shot(eva, "s05-field-errors")
    sid = session.rsplit("/", 1)[1]
    assert api(cora, f"/api/v1/sessions/{sid}")["submitted"] == []
    browsing.check()
