"""Two-factor login in the browser (issue 16, point 6): a user cleared for confidential logs in,
is held to the enrolment, sets it up by reading the key from the page and typing the code of
the app (computed with pyotp), sees the recovery codes once, and at the next login types a code
in the second step.

The server, the browser and the request/script-error checks are those of ``test_browser.py``
(``weerbaar serve`` on loopback, Debian's Chromium at ``WEERBAAR_CHROMIUM``), on a copy of the
test database with the default requirement (confidential and higher) and the user ``clara``
cleared for confidential. Every wait is on state, never on time.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from tests.operator_support import OPERATOR

from weerbaar.services import accounts, two_factor
from weerbaar.store import open_store

from . import test_browser as base
from .support import DRAFT

pytestmark = pytest.mark.browser

# the fixtures of test_browser.py (a server of this module's own, the browser, the contexts)
server = base.server
browser = base.browser
browsing = base.browsing
Browsing = base.Browsing
shot = base.shot
CLARA, PASSWORD = "clara", "pw-for-the-confidential-one"


@pytest.fixture(scope="module")
def template_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test database with the default requirement and ``clara`` (what ``server`` copies)."""
    path = tmp_path_factory.mktemp("two-factor-browser") / "template.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    try:
        two_factor.set_requirement(store, OPERATOR, "confidential")
        accounts.add_user(store, OPERATOR, CLARA, PASSWORD, must_change_password=False)
        accounts.grant(store, OPERATOR, CLARA, "analyst", cycle=DRAFT, clearance="confidential")
    finally:
        store.dispose()
    return path


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def log_in(page: Any) -> None:
    page.goto("/login")
    page.fill("#username", CLARA)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def test_enrolment_and_a_login_with_a_code(browsing: Browsing) -> None:
    page = browsing.page()
    log_in(page)
    # held to the enrolment, wherever she goes
    expect(page.locator("#two-factor-required")).to_be_visible()
    assert urlsplit(page.url).path == "/account/two-factor"
    page.goto(f"/cycles/{DRAFT}/scenarios")
    page.wait_for_url(lambda url: urlsplit(url).path == "/account/two-factor"
                      and f"next=/cycles/{DRAFT}/scenarios" in url)
    with page.expect_event("load"):
        page.click("#setup-form button[type=submit]")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    shot(page, "tf01-enrolment")
    totp = pyotp.TOTP(secret)
    wrong = next(c for c in ("000000", "111111") if c not in
                 {totp.at(time.time() + 30 * s) for s in (-1, 0, 1)})
    page.fill("#totp-code", wrong)
    with page.expect_event("load"):
        page.click("#confirm-form button[type=submit]")
    expect(page.locator("#two-factor-error")).to_be_visible()
    page.fill("#totp-code", totp.now())
    with page.expect_event("load"):
        page.click("#confirm-form button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "tf02-recovery-codes")
    page.click("#continue")
    page.wait_for_url(f"**/cycles/{DRAFT}/scenarios")
    expect(page.locator("main h1")).to_be_visible()
    # the next login asks for the code
    with page.expect_event("load"):
        page.click("header form button[type=submit]")  # log out
    log_in(page)
    assert urlsplit(page.url).path == "/login/second-factor"
    page.fill("#code", totp.at(time.time() + 30))  # the enrolment used this step's code
    shot(page, "tf03-second-factor")
    with page.expect_event("load"):
        page.click("#second-factor-form button[type=submit]")
    assert urlsplit(page.url).path == "/"
    expect(page.locator("header .who")).to_have_text(CLARA)
    browsing.check()
