"""Browser tests of the workbench's integrity: no edit loses, drops or silently overwrites data.

Two users in two browser contexts edit the same scenario and the same review: the second save
is stale and shows both versions side by side per field, takes what only the other changed,
and asks for an explicit choice where both changed the same field; the browser will not submit
until every choice is made. A probability likelihood survives a save of another field; clearing
part of a score is an error at the field that keeps what was typed; deleting a score asks for
confirmation. Waits are on state (locators, the page's load event), never on time.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import test_browser as base
from .support import DRAFT

pytestmark = pytest.mark.browser

# the fixtures of test_browser.py (a server of this module's own, the browser, the contexts)
server = base.server
browser = base.browser
browsing = base.browsing
Browsing = base.Browsing
expect = base.expect
submit = base.submit

SCENARIO = "power-outage-national"  # likelihood as a probability within five years
EDIT = f"/cycles/{DRAFT}/scenarios/{SCENARIO}/edit"
API = f"/api/v1/cycles/{DRAFT}/scenarios/{SCENARIO}"
SAVE = "main form.score > button[type=submit]"


def stored(page: Any) -> dict[str, Any]:
    response = page.request.get(API)
    assert response.ok, response.text()
    body: dict[str, Any] = response.json()
    return body


def test_a_stale_save_merges_and_asks_for_each_conflicting_field(browsing: Browsing) -> None:
    ann, cora = browsing.page("ann"), browsing.page("cora")
    ann.goto(EDIT)
    cora.goto(EDIT)
    expect(ann.locator("#likelihood-probability")).to_have_value("0.015")
    before = stored(ann)["revision"]

    cora.fill("#likelihood-probability", "0.02")
    cora.fill('[id="5.1-reasoning"]', "Cora: eerder herstel dan gedacht.")
    submit(cora, SAVE)
    cora.wait_for_url("**saved=1")

    ann.fill("#likelihood-probability", "0.03")  # both changed this one: a conflict
    ann.fill('[id="2.1-ev"]', "50 fatalities")  # only ann changed this one
    submit(ann, SAVE)
    conflict = ann.locator("section.conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator("tbody tr")).to_have_count(1)
    expect(conflict).to_contain_text("0.03")
    expect(conflict).to_contain_text("0.02")
    # what only cora changed is taken into ann's form; ann's own change is kept
    expect(ann.locator('[id="5.1-reasoning"]')).to_have_value("Cora: eerder herstel dan gedacht.")
    expect(ann.locator('[id="2.1-ev"]')).to_have_value("50 fatalities")
    assert stored(ann)["revision"] == before + 1  # cora's save only

    # the choice is required: the browser does not submit without it
    ann.click(SAVE)
    expect(conflict).to_be_visible()
    assert ann.evaluate("() => document.querySelector('main form.score').checkValidity()") \
        is False
    assert stored(ann)["revision"] == before + 1

    conflict.locator('input[value="theirs"]').check()
    submit(ann, SAVE)
    ann.wait_for_url("**saved=1")
    after = stored(ann)
    assert after["revision"] == before + 2
    assert after["input"]["likelihood"]["probability"] == 0.02
    assert after["input"]["impact"]["2.1"]["ev"] == "50 fatalities"
    assert after["input"]["impact"]["5.1"]["reasoning"] == "Cora: eerder herstel dan gedacht."
    browsing.check()


def test_a_stale_review_save_never_overwrites_their_text(browsing: Browsing) -> None:
    path = f"/cycles/{DRAFT}/reviews/vital-infrastructure"
    ann, cora = browsing.page("ann"), browsing.page("cora")
    ann.goto(path)
    cora.goto(path)
    cora.fill("#threat-text", "Cora's version of the threat.")
    submit(cora, "main form.stack > button[type=submit]")
    expect(cora.locator("#threat-text")).to_have_value("Cora's version of the threat.")

    ann.fill("#threat-text", "Ann's version of the threat.")
    ann.fill("#resilience-text", "Ann's resilience.")
    submit(ann, "main form.stack > button[type=submit]")
    conflict = ann.locator("section.conflict")
    expect(conflict.locator("tbody tr")).to_have_count(1)
    expect(conflict).to_contain_text("Cora's version")
    conflict.locator('input[value="mine"]').check()
    submit(ann, "main form.stack > button[type=submit]")
    ann.wait_for_url("**saved=1")
    expect(ann.locator("#threat-text")).to_have_value("Ann's version of the threat.")
    expect(ann.locator("#resilience-text")).to_have_value("Ann's resilience.")
    browsing.check()


def test_probability_likelihood_survives_and_partial_input_keeps_what_was_typed(
        browsing: Browsing) -> None:
    ann = browsing.page("ann")
    ann.goto(f"/cycles/{DRAFT}/scenarios/emergency-number-outage/edit")
    path = f"/api/v1/cycles/{DRAFT}/scenarios/emergency-number-outage"
    before = ann.request.get(path).json()
    assert "probability" in before["input"]["likelihood"]
    expect(ann.locator("#likelihood-probability")).not_to_have_value("")

    ann.fill('[id="1.2-reasoning"]', "Ann typed this reasoning.")
    ann.fill('[id="2.2-ev"]', "")  # part of a score cleared
    submit(ann, SAVE)
    expect(ann.locator('[id="2.2-ev"]')).to_have_attribute("aria-invalid", "true")
    expect(ann.locator('[id="1.2-reasoning"]')).to_have_value("Ann typed this reasoning.")
    assert ann.request.get(path).json()["revision"] == before["revision"]

    ann.fill('[id="2.2-ev"]', before["input"]["impact"]["2.2"]["ev"]
             if isinstance(before["input"]["impact"]["2.2"], dict)
             else before["input"]["impact"]["2.2"])
    submit(ann, SAVE)
    ann.wait_for_url("**saved=1")
    after = ann.request.get(path).json()
    assert after["revision"] == before["revision"] + 1
    assert after["input"]["likelihood"] == before["input"]["likelihood"]  # kept as it was
    browsing.check()


def test_deleting_a_score_asks_for_confirmation(browsing: Browsing) -> None:
    ann = browsing.page("ann")
    path = f"/cycles/{DRAFT}/scenarios/trade-war/edit"
    api = f"/api/v1/cycles/{DRAFT}/scenarios/trade-war"
    ann.goto(path)
    before = ann.request.get(api).json()
    assert "6.4" in before["input"]["impact"]
    ann.check('[id="6.4-delete"]')
    submit(ann, SAVE)
    confirm = ann.locator("section.confirm")
    expect(confirm).to_contain_text("6.4")
    assert ann.request.get(api).json()["revision"] == before["revision"]
    submit(ann, "section.confirm button[type=submit]")
    ann.wait_for_url("**saved=1")
    after = ann.request.get(api).json()
    assert after["revision"] == before["revision"] + 1 and "6.4" not in after["input"]["impact"]
    browsing.check()
