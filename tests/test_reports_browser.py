"""The HTML report in the system's headless Chromium (Playwright, no browser download): the
interactive risk diagram draws one point per scenario, shows a tooltip on hover, and the page
makes no request but for its own file. Screenshots of the HTML and the first PDF pages go to
test-artifacts/ for people to look at.

Chromium is found at WEERBAAR_CHROMIUM (default /usr/bin/chromium); without it these tests are
skipped, except in CI (CI=true), where they fail.

Every wait is a wait on state (Playwright's auto-waiting ``expect`` on locators), never on time;
``TIMEOUT_MS`` only bounds those waits.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from tests.report_helpers import ARTIFACTS, example_reports, example_workspace, path_of

from weerbaar.domain import Language
from weerbaar.methods.assessment import assess
from weerbaar.methods.registry import get_profile

pytestmark = pytest.mark.browser
TIMEOUT_MS = 20_000
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = os.environ.get("WEERBAAR_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        message = f"Chromium not found at {chromium} (set WEERBAAR_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        yield browser
        browser.close()


def expect(target: Any) -> Any:
    """Playwright's auto-waiting assertion (retries until the state holds or ``TIMEOUT_MS``)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def placed_scenarios() -> list[str]:
    ws = example_workspace()
    return [r.id for r in assess(ws.scenarios, get_profile(ws.profile)).results
            if r.impact_position is not None and r.likelihood_position is not None]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_html_diagram_in_chromium(browser: Any, lang: Language) -> None:
    path = path_of(example_reports(lang), "html")
    url = path.resolve().as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    expect(page.locator("html[data-diagram-ready]")).to_have_count(1)  # the script has run
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-html-{lang}.png"))
    points = page.locator("#fig-risk-diagram [data-scenario]")
    expect(points).to_have_count(len(placed_scenarios()))
    ids = points.evaluate_all("els => els.map(e => e.dataset.scenario)")
    assert sorted(ids) == sorted(placed_scenarios())
    box = page.locator("#fig-risk-diagram svg").bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 250  # it renders
    first = points.first
    first.scroll_into_view_if_needed()
    first.hover()
    tooltip = page.locator("#tooltip")
    title = first.get_attribute("data-title")
    assert title
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(title, use_inner_text=True)
    page.locator("#fig-risk-diagram").screenshot(path=str(ARTIFACTS / f"report-diagram-{lang}.png"))
    first.click()  # highlights the scenario and its table rows
    scenario = first.get_attribute("data-scenario")
    expect(page.locator(f'tr.selected[data-row="{scenario}"]')).not_to_have_count(0)
    assert [u for u in requests if not u.startswith("data:")] == [url]
    page.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_first_pages_as_png(lang: Language) -> None:
    pdf = pdfium.PdfDocument(str(path_of(example_reports(lang), "pdf")))
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        for index in range(2):
            image = pdf[index].render(scale=1.5).to_pil()
            target = ARTIFACTS / f"report-pdf-{lang}-page-{index + 1}.png"
            image.save(target)
            assert image.width > 800 and target.stat().st_size > 10_000
    finally:
        pdf.close()
