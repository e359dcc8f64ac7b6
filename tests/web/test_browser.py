"""Browser tests: the real server (``weerbaar serve`` in a subprocess, loopback only) driven by
Playwright with Debian's Chromium — never a downloaded browser (no ``playwright install``).

Each step saves a screenshot to ``test-artifacts/web/NN-step.png`` at the repository root. Every
request the browser makes must go to the test server on 127.0.0.1 (no external network), and no
page may log a script error (a Content-Security-Policy violation counts).

Without Chromium (``WEERBAAR_CHROMIUM``, default /usr/bin/chromium) these tests are skipped on a
developer's machine and FAIL in CI (``CI`` set), where .ci/run installs it.

Every wait is a wait on state, never on time: Playwright's auto-waiting ``expect`` assertions on
locators (they retry until the page shows the state, across navigations), the browser's events
(``load`` of the page a form submission leads to, a download), the URL; a ``wait_for_function``
predicate is guarded against the element not being there (yet). A time is only ever the bound
of such a wait (``TIMEOUT_MS``), so a slow machine makes a test slower, not red.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .support import DRAFT, PASSWORDS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "web"
CHROMIUM = os.environ.get("WEERBAAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DASHBOARD = f"/?cycle={DRAFT}"
EDIT = f"/cycles/{DRAFT}/scenarios/trade-war/edit"
TIMEOUT_MS = 20_000
# the expert's "submit" (the form may also have a "save draft" button)
EXPERT_SUBMIT = '#expert-form button[type=submit]:not([value="draft"])'


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``weerbaar serve`` on a free loopback port against a copy of the test database."""
    folder = tmp_path_factory.mktemp("browser-server")
    db = folder / "web.sqlite"
    shutil.copyfile(template_db, db)
    port = free_port()
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "weerbaar.cli", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server stopped: {(folder / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not start: {(folder / 'server.log').read_text()}")
            # wait for the server to stop (it failed), then ask /health again
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set "
                    f"WEERBAAR_CHROMIUM)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=TIMEOUT_MS)  # as long as every other wait
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Browsing:
    """Browser contexts (one per user) that record every request and every script error."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base = browser, base
        self.requests: list[str] = []
        self.problems: list[str] = []
        self.contexts: list[Any] = []

    def page(self, user: str | None = None) -> Any:
        context = self.browser.new_context(base_url=self.base, accept_downloads=True,
                                           viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        if user is not None:
            log_in(page, user)
        return page

    def _console(self, message: Any) -> None:
        # the browser reports each 4xx response as a console error; those are expected here
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def check(self) -> None:
        server = urlsplit(self.base)
        external = sorted({u for u in self.requests if urlsplit(u).scheme not in ("data", "blob")
                           and urlsplit(u).netloc != server.netloc})
        assert not external, f"requests left the test server: {external}"
        assert self.requests, "no requests were recorded"
        assert not self.problems, self.problems

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any, server: str) -> Iterator[Browsing]:
    session = Browsing(browser, server)
    yield session
    session.close()


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertion (retries until the state holds or ``TIMEOUT_MS``)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def submit(page: Any, button: str) -> None:
    """Click a form's submit ``button`` and wait for the page the server answers with to have
    loaded: the new document's ``load`` event, so nothing is read from the old page or from a
    page still being parsed (the 303 after a POST keeps the same URL, so the URL cannot tell)."""
    with page.expect_event("load"):
        page.click(button)


def same(page: Any, *scores: str) -> None:
    """Tick "same" (LL = UL = EV) for these scores of the expert form: a point score."""
    for score in scores:
        page.check(f'#expert-form input[name="{score}-same"]')


def shot(page: Any, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, user: str, screenshot: str | None = None) -> None:
    page.goto("/login")
    page.fill("#username", user)
    page.fill("#password", PASSWORDS[user])
    if screenshot:
        shot(page, screenshot)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def diagram(page: Any) -> dict[str, Any]:
    """Open the dashboard and read what Plotly drew: traces with their points."""
    if urlsplit(page.url).path != "/":
        page.goto(DASHBOARD)
    page.wait_for_selector('#diagram[data-ready="1"]', state="attached")
    traces = page.evaluate("""() => document.getElementById("diagram").data.map(
        t => ({name: t.name, ids: t.customdata, x: t.x, y: t.y}))""")
    points = {pid: (t["x"][i], t["y"][i]) for t in traces for i, pid in enumerate(t["ids"])}
    return {"traces": traces, "points": points,
            "count": int(page.get_attribute("#diagram", "data-points")),
            "markers": page.locator("#diagram .scatterlayer .point").count()}


# --- the steps -----------------------------------------------------------------------------------


def test_log_in(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto("/")
    assert "/login" in page.url  # the dashboard asks for a login first
    log_in(page, "ann", screenshot="01-login")
    expect(page.locator("header .who")).to_have_text("ann")
    shot(page, "02-logged-in")
    browsing.check()


def test_dashboard_shows_every_example_scenario(browsing: Browsing) -> None:
    page = browsing.page("ann")
    drawn = diagram(page)
    expected = page.evaluate(f"""() => fetch("/api/v1/cycles/{DRAFT}/scenarios")
        .then(r => r.json()).then(all => all.map(s => s.id))""")
    assert len(expected) == 31
    assert drawn["count"] == 31 and drawn["markers"] == 31
    assert sorted(drawn["points"]) == sorted(expected)
    assert sum(len(t["ids"]) for t in drawn["traces"]) == 31
    shot(page, "03-dashboard-diagram")
    page.select_option("#f-type", "hazard")
    expect(page.locator("#diagram")).not_to_have_attribute("data-points", "31")
    hazards = int(page.get_attribute("#diagram", "data-points"))
    assert 0 < hazards < 31
    expect(page.locator("#diagram .scatterlayer .point")).to_have_count(hazards)
    shot(page, "04-dashboard-filtered")
    browsing.check()


def test_change_a_score_and_see_the_point_move(browsing: Browsing) -> None:
    page = browsing.page("ann")
    before = diagram(page)["points"]["trade-war"]
    page.goto(EDIT)
    assert page.input_value("#likelihood-ev") == "C-high"
    page.fill("#likelihood-ev", "D")
    page.fill("#likelihood-ul", "E")
    page.fill("#reason", "raised in the browser test")
    shot(page, "05-score-form")
    page.click("form.score button[type=submit]")
    page.wait_for_url("**/scenarios/trade-war?saved=1")
    expect(page.locator("main .notice")).to_have_count(1)
    shot(page, "06-score-saved")
    page.goto(DASHBOARD)
    after = diagram(page)["points"]["trade-war"]
    assert after[0] > before[0], (before, after)  # more likely: the point moves right
    assert after[1] == pytest.approx(before[1])
    shot(page, "07-point-moved")
    browsing.check()


def test_expert_session_end_to_end(browsing: Browsing) -> None:
    cora, eva, ed = browsing.page("cora"), browsing.page("eva"), browsing.page("ed")
    cora.goto(f"/cycles/{DRAFT}/sessions")
    cora.select_option("#scenario", "trade-war")
    cora.fill("#experts", "eva, ed")
    cora.click("main form button[type=submit]")
    cora.wait_for_url("**/sessions/*")
    session = urlsplit(cora.url).path
    session_id = session.rsplit("/", 1)[1]
    expect(cora.locator("#session-status")).to_have_text("open")
    shot(cora, "08-session-opened")

    ed.goto(session)
    ed.fill('#expert-form input[name="1.2-ev"]', "A")
    ed.fill('#expert-form input[name="likelihood-ev"]', "C")
    same(ed, "1.2", "likelihood")
    submit(ed, EXPERT_SUBMIT)
    expect(ed.locator("#submissions")).to_be_visible()
    shot(ed, "09-expert-ed-submitted")

    eva.goto(session)
    expect(eva.locator("#submitted")).to_contain_text("ed")
    expect(eva.locator("#submissions")).to_have_count(0)  # ed's scores stay hidden from eva
    shot(eva, "10-expert-eva-before-submitting")
    eva.fill('#expert-form input[name="1.2-ev"]', "C")
    eva.fill('#expert-form input[name="likelihood-ev"]', "D")
    same(eva, "1.2", "likelihood")
    submit(eva, EXPERT_SUBMIT)
    expect(eva.locator("#submissions")).to_be_visible()
    rows = eva.locator("#submissions tbody tr").all_inner_texts()
    assert any(r.startswith("ed") and "1.2" in r for r in rows)  # now she sees ed's ...
    assert any(r.startswith("eva") and "1.2" in r for r in rows)  # ... and her own
    shot(eva, "11-expert-eva-after-submitting")

    cora.reload()
    disagree = cora.locator("#spread tr.disagree").all_inner_texts()
    assert any(r.split()[:3] == ["1.2", "A", "C"] for r in disagree), disagree
    shot(cora, "12-facilitator-spread")
    form = "#agree-form"
    for field, value in {"1.2-ev": "B", "1.2-ll": "A", "1.2-ul": "C",
                         "1.2-reasoning": "agreed after discussion", "likelihood-ev": "D",
                         "likelihood-ll": "C", "likelihood-ul": "D"}.items():
        cora.fill(f'{form} input[name="{field}"]', value)
    cora.fill(f"{form} #reason", "expert session in the browser test")
    # the close posts and the server answers with the session page again: during that
    # navigation #session-status is briefly absent, so wait with a locator, which retries
    # in the new page (a wait_for_function reading getElementById(...).textContent threw on
    # null there)
    submit(cora, f"{form} button[type=submit]")
    expect(cora.locator("#session-status")).to_have_text("closed")
    shot(cora, "13-session-closed")

    cora.goto(f"/cycles/{DRAFT}/scenarios/trade-war")
    last = cora.locator("main table").nth(1).locator("tbody tr").last.inner_text()
    assert "cora" in last and "expert session in the browser test" in last
    experts = cora.evaluate(f"""() => fetch("/api/v1/cycles/{DRAFT}/scenarios/trade-war")
        .then(r => r.json()).then(s => s.scenario.experts.map(e => e.expert))""")
    assert experts == ["ed", "eva"]
    assert session_id
    shot(cora, "14-scenario-history")
    browsing.check()


def test_edit_a_theme_review_and_its_verdict(browsing: Browsing) -> None:
    cora = browsing.page("cora")
    path = f"/cycles/{DRAFT}/reviews/multilateral-institutions"
    cora.goto(path)
    assert cora.input_value("#verdict") == "continue"
    cora.fill("#threat-text", "The trade conflict escalated.\n\nThe WTO is still paralysed.")
    cora.select_option("#verdict", "intensify")
    cora.fill("#verdict-reasoning", "The approach does not keep up with the threat.")
    cora.fill("#reason", "review in the browser test")
    cora.click("main form button[type=submit]")
    cora.wait_for_url("**?saved=1")
    expect(cora.locator("#verdict")).to_have_value("intensify")
    assert cora.input_value("#threat-text").startswith("The trade conflict escalated.")
    assert cora.input_value("#verdict-reasoning") == \
        "The approach does not keep up with the threat."
    shot(cora, "15-review-edited")
    cora.goto(f"/cycles/{DRAFT}/reviews")
    expect(cora.locator("main table")).to_contain_text("intensify")
    browsing.check()


def test_download_the_docx_report(browsing: Browsing) -> None:
    page = browsing.page("ann")
    page.goto(DASHBOARD)
    link = page.locator("#report-links a", has_text="Word")
    with page.expect_download(timeout=120_000) as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == f"{DRAFT}-review-nl.docx"
    target = ARTIFACTS / download.suggested_filename
    download.save_as(str(target))
    with zipfile.ZipFile(io.BytesIO(target.read_bytes())) as docx:
        assert "word/document.xml" in docx.namelist()
        assert len(docx.read("word/document.xml")) > 10_000
    shot(page, "16-report-download")
    browsing.check()


def test_a_viewer_cannot_reach_the_analyst_form_or_the_api_writes(browsing: Browsing) -> None:
    page = browsing.page("vic")
    response = page.goto(EDIT)
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_contain_text("403")
    shot(page, "17-viewer-form-403")
    page.goto(DASHBOARD)
    csrf = page.get_attribute('header input[name="csrf_token"]', "value")
    assert csrf
    statuses = page.evaluate("""async ([cycle, csrf]) => {
        const url = "/api/v1/cycles/" + cycle + "/scenarios/trade-war";
        const current = await (await fetch(url)).json();
        const headers = {"Content-Type": "application/json", "X-CSRF-Token": csrf};
        const put = await fetch(url, {method: "PUT", headers, credentials: "same-origin",
            body: JSON.stringify({scenario: current.input, expected_revision: current.revision})});
        const open = await fetch("/api/v1/cycles/" + cycle + "/sessions", {method: "POST",
            headers, body: JSON.stringify({scenario: "trade-war", experts: ["eva"]})});
        const review = "/api/v1/cycles/" + cycle + "/reviews/multilateral-institutions";
        const rv = await (await fetch(review)).json();
        const put2 = await fetch(review, {method: "PUT", headers,
            body: JSON.stringify({review: rv.review, expected_revision: rv.revision})});
        const out = {get: 200, put: put.status, open: open.status, review: put2.status,
                     detail: (await put.json()).detail};
        const pre = document.createElement("pre");
        pre.id = "api-result";
        pre.textContent = JSON.stringify(out, null, 1);
        document.querySelector("main").prepend(pre);
        return out;
    }""", [DRAFT, csrf])
    assert statuses["put"] == 403 and "analyst" in statuses["detail"], statuses
    assert statuses["open"] == 403 and statuses["review"] == 403, statuses
    shot(page, "18-viewer-api-403")
    browsing.check()
