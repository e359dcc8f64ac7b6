"""The server-rendered pages: login, every page for the right role, the scoring form's messages,
conflicts, expert sessions, theme reviews, report downloads and frozen cycles."""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import DRAFT, FROZEN, PASSWORDS, form_fields

Client = Callable[[str], TestClient]
EDIT = f"/cycles/{DRAFT}/scenarios/trade-war/edit"
REVIEW = f"/cycles/{DRAFT}/reviews/multilateral-institutions"


def form_values(page: str, form_id: str | None = None) -> dict[str, str]:
    """The fields a browser submits for the first form in the page's main part (the header
    holds the logout form), or for the form with id ``form_id``."""
    return form_fields(page, form_id)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# --- login -------------------------------------------------------------------------------------


def login_form(client: TestClient, next_path: str = "/") -> dict[str, str]:
    response = client.get(f"/login?next={next_path}")
    assert response.status_code == 200
    return form_values(response.text)


def test_login_form_carries_a_csrf_token_and_its_cookie(anon: TestClient) -> None:
    response = anon.get("/login")
    values = form_values(response.text)
    assert values["csrf_token"] and response.cookies["weerbaar_login_csrf"] == values["csrf_token"]


def test_login_with_the_form(anon: TestClient) -> None:
    values = login_form(anon, "/cycles/midterm-2021/measures")
    response = anon.post("/login", data={**values, "username": "ann",
                                         "password": PASSWORDS["ann"]}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/cycles/midterm-2021/measures"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert anon.get("/").status_code == 200


def test_login_refuses_a_missing_or_wrong_csrf_token(anon: TestClient) -> None:
    values = login_form(anon)
    good = {"username": "ann", "password": PASSWORDS["ann"]}
    assert anon.post("/login", data={**good, "csrf_token": "forged"}).status_code == 403
    assert anon.post("/login", data={**good, "csrf_token": ""}).status_code in (403, 422)
    anon.cookies.clear()
    response = anon.post("/login", data={**good, "csrf_token": values["csrf_token"]})
    assert response.status_code == 403 and "CSRF" in response.text
    assert "weerbaar_session" not in anon.cookies


def test_login_failure_shows_one_message_for_unknown_user_and_wrong_password(
        anon: TestClient) -> None:
    messages = []
    for username, password in (("ann", "not-her-password"), ("nobody", "not-her-password")):
        values = login_form(anon)
        response = anon.post("/login", data={**values, "username": username,
                                             "password": password}, follow_redirects=False)
        assert response.status_code == 401
        alert = re.search(r'<p class="error" role="alert">(.*?)</p>', response.text)
        assert alert
        messages.append(alert.group(1))
        assert form_values(response.text)["username"] == username  # kept
        assert "weerbaar_session" not in anon.cookies
    assert messages[0] == messages[1]


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/",
                                    "https://evil.example/", "javascript:alert(1)"])
def test_login_does_not_redirect_off_site(anon: TestClient, target: str) -> None:
    values = login_form(anon)
    response = anon.post("/login", data={**values, "username": "ann",
                                         "password": PASSWORDS["ann"],
                                         "next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_pages_need_a_login(anon: TestClient) -> None:
    for path in ("/", f"/cycles/{DRAFT}/scenarios", EDIT, "/profiles"):
        response = anon.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_logout(client_for: Client) -> None:
    ann = client_for("ann")
    csrf = csrf_of(ann.get("/").text)
    assert ann.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    response = ann.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert ann.get("/", follow_redirects=False).status_code == 303


# --- every page for its role ---------------------------------------------------------------------

READ_PAGES = ["/", f"/?cycle={DRAFT}", f"/cycles/{DRAFT}/scenarios",
              f"/cycles/{DRAFT}/scenarios/trade-war",
              f"/cycles/{DRAFT}/scenarios/trade-war?a=1&b=2", f"/cycles/{DRAFT}/sessions",
              f"/cycles/{DRAFT}/reviews", REVIEW, f"/cycles/{DRAFT}/measures",
              f"/cycles/{DRAFT}/compare", "/profiles", "/profiles/gra-2019", "/?lang=en"]


@pytest.mark.parametrize("path", READ_PAGES)
def test_a_viewer_sees_every_read_page(client_for: Client, path: str) -> None:
    response = client_for("vic").get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize("path", [*READ_PAGES, EDIT, f"/?cycle={FROZEN}",
                                  f"/cycles/{FROZEN}/compare?base={DRAFT}"])
def test_an_analyst_sees_every_page(client_for: Client, path: str) -> None:
    assert client_for("ann").get(path).status_code == 200


def test_the_dashboard_holds_the_diagram_and_the_report_links(client_for: Client) -> None:
    page = client_for("ann").get(f"/?cycle={DRAFT}").text
    assert 'id="diagram"' in page and f'data-cycle="{DRAFT}"' in page
    assert '<script src="/static-vendor/plotly.min.js"' in page
    assert f"/cycles/{DRAFT}/report?format=docx" in page


def test_the_scenario_page_shows_history_and_the_diff(client_for: Client) -> None:
    page = client_for("ann").get(f"/cycles/{DRAFT}/scenarios/trade-war?a=1&b=2").text
    assert 'class="diff"' in page and "likelihood.range" not in page
    assert "<th scope=\"row\">Waarschijnlijkheid</th><td>verwachte waarde</td>" in page
    assert EDIT in page  # an analyst gets the edit button
    assert EDIT not in client_for("vic").get(f"/cycles/{DRAFT}/scenarios/trade-war").text


def test_a_viewer_cannot_reach_the_analyst_form(client_for: Client) -> None:
    vic = client_for("vic")
    response = vic.get(EDIT)
    assert response.status_code == 403 and "analyst" in response.text
    csrf = csrf_of(vic.get("/").text)
    assert vic.post(EDIT, data={"csrf_token": csrf, "expected_revision": "2"}).status_code == 403
    assert client_for("eva").get(EDIT).status_code == 403


def test_a_viewer_cannot_see_other_cycles(client_for: Client) -> None:
    vic = client_for("vic")
    page = vic.get("/").text
    assert f'<option value="{DRAFT}"' in page and f'<option value="{FROZEN}"' not in page
    assert vic.get(f"/?cycle={FROZEN}").status_code == 403
    assert vic.get(f"/cycles/{FROZEN}/scenarios").status_code == 403
    assert vic.get(f"/cycles/{DRAFT}/compare?base={FROZEN}").status_code == 403


@pytest.mark.parametrize("path", ["/cycles/nope/scenarios", f"/cycles/{DRAFT}/scenarios/nope",
                                  f"/cycles/{DRAFT}/scenarios/nope/edit",
                                  f"/cycles/{DRAFT}/reviews/nope", "/sessions/999",
                                  "/profiles/nope", "/no-such-page"])
def test_unknown_things_are_404_pages(client_for: Client, path: str) -> None:
    response = client_for("ann").get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


def test_health_and_local_scripts(anon: TestClient) -> None:
    assert anon.get("/health").json() == {"status": "ok"}
    assert anon.get("/static/app.js").status_code == 200
    plotly = anon.get("/static-vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000


# --- the scoring form ----------------------------------------------------------------------------


def edit_form(client: TestClient) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return form_values(response.text)


def test_scoring_form_saves_a_revision(client_for: Client) -> None:
    ann = client_for("ann")
    values = edit_form(ann)
    assert values["expected_revision"] == "2" and values["likelihood-ev"] == "C-high"
    assert values["3.1-ev"] == "EUR 20 bn"  # natural values are shown as entered
    values.update({"likelihood-ev": "D", "likelihood-ul": "E", "reason": "raised"})
    response = ann.post(EDIT, data=values, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/cycles/{DRAFT}/scenarios/trade-war?saved=1"
    stored = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()
    assert stored["revision"] == 3 and stored["input"]["likelihood"]["ev"] == "D"
    assert stored["input"]["impact"]["3.1"]["ev"] == "EUR 20 bn"
    page = ann.get(response.headers["location"]).text
    assert 'role="status"' in page and "raised" in page


def test_scoring_form_invalid_class_shows_the_message_at_the_field_and_keeps_the_input(
        client_for: Client) -> None:
    ann = client_for("ann")
    values = edit_form(ann)
    values.update({"1.2-ev": "Q", "likelihood-reasoning": "typed by ann", "reason": "my reason"})
    response = ann.post(EDIT, data=values)
    assert response.status_code == 422
    page = response.text
    field = re.search(r'<input id="1.2-ev"[^>]*>', page)
    assert field and 'value="Q"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    message = re.search(r'<span id="1.2-ev-err" class="field-error">(.*?)</span>', page)
    assert message and "'Q' is not a class" in html.unescape(message.group(1))
    kept = form_values(page)
    assert kept["likelihood-reasoning"] == "typed by ann" and kept["reason"] == "my reason"
    assert kept["expected_revision"] == "2"
    assert ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()["revision"] == 2


def test_scoring_form_invalid_natural_value_is_shown_at_its_field(client_for: Client) -> None:
    ann = client_for("ann")
    values = edit_form(ann)
    values["3.1-ul"] = "lots of money"
    response = ann.post(EDIT, data=values)
    assert response.status_code == 422
    assert re.search(r'<span id="3.1-ul-err" class="field-error">', response.text)
    assert 'value="lots of money"' in response.text


def test_scoring_form_stale_edit_takes_their_changes_and_keeps_the_input(
        client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    mine, theirs = edit_form(ann), edit_form(cora)
    theirs.update({"likelihood-ev": "D", "likelihood-ul": "E"})
    assert cora.post(EDIT, data=theirs, follow_redirects=False).status_code == 303
    mine.update({"6.4-ev": "D", "6.4-ul": "E", "reason": "ann's reasoning"})
    response = ann.post(EDIT, data=mine)
    assert response.status_code == 409
    page = response.text
    assert 'class="error" role="alert"' in page and "revision 2" in text(page)
    kept = form_values(page)
    assert kept["6.4-ev"] == "D" and kept["reason"] == "ann's reasoning"
    # only cora changed the likelihood: her values are taken, never silently overwritten
    assert kept["likelihood-ev"] == "D" and kept["likelihood-ul"] == "E"
    assert page.count("<small class=\"current\">") == 2  # likelihood EV and UL: taken
    assert kept["expected_revision"] == "3"
    assert not any(k.endswith(":choice") for k in kept)  # nothing for ann to decide
    stored = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()
    assert stored["updated_by"] == "cora" and stored["input"]["impact"]["6.4"]["ev"] == "C"
    assert ann.post(EDIT, data=kept, follow_redirects=False).status_code == 303
    after = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()["input"]
    assert after["impact"]["6.4"]["ev"] == "D" and after["likelihood"]["ev"] == "D"


def test_scoring_form_conflicting_field_needs_an_explicit_choice(client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    mine, theirs = edit_form(ann), edit_form(cora)
    theirs.update({"6.4-ev": "B", "6.4-ll": "A"})
    assert cora.post(EDIT, data=theirs, follow_redirects=False).status_code == 303
    mine.update({"6.4-ev": "D", "6.4-ll": "C", "6.4-ul": "E"})
    page = ann.post(EDIT, data=mine).text
    merged = form_values(page)
    assert merged["6.4-ev:theirs"] == "B" and merged["6.4-ll:theirs"] == "A"
    assert "6.4-ul:theirs" not in merged  # only ann changed the upper limit
    assert merged["6.4-ev"] == "D" and merged["6.4-ul"] == "E"
    # saving again without choosing is refused at each undecided field; nothing is stored
    refused = ann.post(EDIT, data=merged)
    assert refused.status_code == 422 and "keep yours or take theirs" in refused.text
    assert form_values(refused.text)["6.4-ev:theirs"] == "B"  # the choice is asked again
    stored = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()
    assert stored["revision"] == 3 and stored["input"]["impact"]["6.4"]["ev"] == "B"
    merged.update({"6.4-ev:choice": "theirs", "6.4-ll:choice": "theirs"})
    assert ann.post(EDIT, data=merged, follow_redirects=False).status_code == 303
    after = ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()["input"]
    assert after["impact"]["6.4"] == {"ev": "B", "ll": "A", "ul": "E",
                                      **({"reasoning": after["impact"]["6.4"]["reasoning"]}
                                         if "reasoning" in after["impact"]["6.4"] else {})}


def test_scoring_form_needs_the_csrf_token(client_for: Client) -> None:
    ann = client_for("ann")
    values = edit_form(ann)
    values["csrf_token"] = "forged"
    assert ann.post(EDIT, data=values).status_code == 403
    del values["csrf_token"]
    assert ann.post(EDIT, data=values).status_code == 403


def test_frozen_cycle_edits_are_refused(client_for: Client) -> None:
    ann = client_for("ann")
    frozen_edit = f"/cycles/{FROZEN}/scenarios/trade-war/edit"
    assert "frozen" in ann.get(frozen_edit).text
    assert ann.get(frozen_edit).status_code == 403
    values = edit_form(ann)
    values["expected_revision"] = "1"
    response = ann.post(frozen_edit, data=values)
    assert response.status_code == 403 and "frozen" in response.text
    assert "/edit" not in ann.get(f"/cycles/{FROZEN}/scenarios/trade-war").text
    review = ann.get(f"/cycles/{FROZEN}/reviews/multilateral-institutions").text
    assert "<button type=\"submit\">" not in review.split('<form method="post" class="stack">')[1]


# --- expert sessions -----------------------------------------------------------------------------


def test_expert_session_with_the_pages(client_for: Client) -> None:
    cora, eva, ed = client_for("cora"), client_for("eva"), client_for("ed")
    listing = cora.get(f"/cycles/{DRAFT}/sessions").text
    opened = form_values(listing)
    assert "experts" in opened
    response = cora.post(f"/cycles/{DRAFT}/sessions", data={
        "csrf_token": opened["csrf_token"], "scenario": "trade-war", "experts": "eva, ed"},
        follow_redirects=False)
    assert response.status_code == 303
    session = response.headers["location"]
    assert re.fullmatch(r"/sessions/\d+", session)
    # each expert submits independently: complete rows (EV with "same", or EV, LL and UL)
    page = eva.get(session).text
    assert 'id="expert-form"' in page and 'id="submissions"' not in page
    values = form_values(page, "expert-form")
    values.update({"1.2-ev": "C", "1.2-same": "1", "likelihood-ev": "D", "likelihood-same": "1"})
    assert eva.post(f"{session}/submit", data=values, follow_redirects=False).status_code == 303
    page = ed.get(session).text
    assert 'id="submissions"' not in page  # ed cannot see eva's scores before he submits
    assert "eva" in re.search(r'<span id="submitted">(.*?)</span>', page).group(1)
    values = form_values(page, "expert-form")
    values.update({"1.2-ev": "A", "1.2-ll": "A", "1.2-ul": "B", "likelihood-ev": "C",
                   "likelihood-ll": "C", "likelihood-ul": "C"})
    assert ed.post(f"{session}/submit", data=values, follow_redirects=False).status_code == 303
    page = ed.get(session).text
    # ed may still revise: the form shows what he submitted
    assert form_values(page, "expert-form")["1.2-ul"] == "B"
    rows = re.findall(r"<tr><td>(eva|ed)</td><td>1\.2</td><td>([A-E])</td>", page)
    assert sorted(rows) == [("ed", "A"), ("eva", "C")]
    # eva revises: her new submission replaces the first one
    values = form_values(eva.get(session).text, "expert-form")
    assert values["1.2-ev"] == "C" and values["1.2-same"] == "1"
    values.update({"1.2-ev": "D"})
    assert eva.post(f"{session}/submit", data=values,
                    follow_redirects=False).headers["location"].endswith("?revised=1")
    page = ed.get(session).text
    rows = re.findall(r"<tr><td>(eva|ed)</td><td>1\.2</td><td>([A-E])</td>", page)
    assert sorted(rows) == [("ed", "A"), ("eva", "D")]
    # the facilitator sees the spread and closes with the agreed score
    page = cora.get(session).text
    spread = re.search(r'<tr class="disagree"><td>1\.2</td><td>(\w)</td><td>(\w)</td>', page)
    assert spread and spread.groups() == ("A", "D")
    agreed = form_values(page, "agree-form")
    assert agreed["expected_revision"] == "2"
    agreed.update({"1.2-ev": "B", "1.2-ll": "A", "1.2-ul": "C", "1.2-reasoning": "agreed",
                   "likelihood-ev": "D", "likelihood-ll": "C", "likelihood-ul": "D"})
    assert cora.post(f"{session}/close", data=agreed, follow_redirects=False).status_code == 303
    page = cora.get(session).text
    assert re.search(r'<strong id="session-status">closed</strong>', page)
    stored = cora.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()
    assert stored["revision"] == 3 and stored["input"]["likelihood"]["ev"] == "D"
    assert [e["expert"] for e in stored["scenario"]["experts"]] == ["ed", "eva"]
    assert stored["input"]["experts"][1]["impact"]["1.2"] == "D"  # eva's revision
    history = cora.get(f"/cycles/{DRAFT}/scenarios/trade-war").text
    assert "agreed in expert session" in history
    # once closed, a submission is refused and nothing changes
    values["csrf_token"] = csrf_of(eva.get(session).text)
    assert eva.post(f"{session}/submit", data=values).status_code == 409
    assert cora.get(f"/api/v1/cycles/{DRAFT}/scenarios/trade-war").json()["revision"] == 3


def test_session_pages_refuse_the_wrong_people(client_for: Client) -> None:
    cora, ann, ed = client_for("cora"), client_for("ann"), client_for("ed")
    csrf = form_values(cora.get(f"/cycles/{DRAFT}/sessions").text)["csrf_token"]
    # only users with the expert role (or higher) can be invited
    refused = cora.post(f"/cycles/{DRAFT}/sessions", data={
        "csrf_token": csrf, "scenario": "trade-war", "experts": "eva, vic, nobody"})
    assert refused.status_code == 422
    assert "vic" in text(refused.text) and "nobody" in text(refused.text)
    response = cora.post(f"/cycles/{DRAFT}/sessions", data={
        "csrf_token": csrf, "scenario": "trade-war", "experts": "eva"}, follow_redirects=False)
    session = response.headers["location"]
    assert 'id="experts"' not in ann.get(f"/cycles/{DRAFT}/sessions").text
    ann_csrf = csrf_of(ann.get("/").text)
    assert ann.post(f"/cycles/{DRAFT}/sessions", data={
        "csrf_token": ann_csrf, "scenario": "trade-war", "experts": "eva"}).status_code == 403
    assert cora.post(f"/cycles/{DRAFT}/sessions", data={
        "csrf_token": csrf, "scenario": "trade-war", "experts": " , "}).status_code == 422
    page = ed.get(session).text
    assert 'id="expert-form"' not in page  # not invited
    ed_csrf = csrf_of(ed.get("/").text)
    assert ed.post(f"{session}/submit", data={"csrf_token": ed_csrf, "1.2-ev": "C"}) \
        .status_code == 403
    assert ed.post(f"{session}/submit", data={"csrf_token": ed_csrf, "1.2-ev": "C",
                                              "1.2-same": "1"}).status_code == 403
    assert ed.post(f"{session}/submit", data={"csrf_token": ed_csrf, "1.2-ev": "C",
                                              "action": "draft"}).status_code == 403
    assert ann.post(f"{session}/close", data={"csrf_token": ann_csrf}).status_code == 403
    assert ann.post(f"{session}/cancel", data={"csrf_token": ann_csrf}).status_code == 403
    assert 'id="agree-form"' not in ann.get(session).text
    assert 'id="cancel-form"' not in ann.get(session).text
    assert client_for("eva").get(f"/api/v1/sessions/{session.rsplit('/', 1)[1]}").json()[
        "status"] == "open"


# --- theme reviews -------------------------------------------------------------------------------


def review_form(client: TestClient, path: str = REVIEW) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    return form_values(response.text)


def review_api(client: TestClient, theme: str = "multilateral-institutions") -> dict[str, Any]:
    return dict(client.get(f"/api/v1/cycles/{DRAFT}/reviews/{theme}").json())


def test_review_edit_a_part_as_analyst(client_for: Client) -> None:
    ann = client_for("ann")
    values = review_form(ann)
    assert values["verdict"] == "continue" and values["expected_revision"] == "2"
    values.update({"threat-text": "The threat grew.\n\nA second paragraph.",
                   "threat-evidence": "scenario:trade-war\ndocument:Kamerstuk 30821",
                   "reason": "new insight"})
    response = ann.post(REVIEW, data=values, follow_redirects=False)
    assert response.status_code == 303
    body = review_api(ann)
    assert body["revision"] == 3  # one form, one revision
    section = body["review"]["sections"]["threat"]
    assert section["text"] == "The threat grew.\n\nA second paragraph."
    assert [e["ref"] for e in section["evidence"]] == ["trade-war", "Kamerstuk 30821"]
    assert body["review"]["verdict"] == "continue"


def test_review_form_keeps_evidence_notes(client_for: Client) -> None:
    """The form shows evidence as kind:reference lines; a note made through the API stays."""
    ann = client_for("ann")
    body = review_api(ann)
    review = body["review"]
    review["sections"]["threat"]["evidence"] = [{"kind": "document", "ref": "Kamerstuk 30821",
                                                 "note": "annex 2"}]
    assert ann.put(f"/api/v1/cycles/{DRAFT}/reviews/multilateral-institutions", json={
        "review": review, "expected_revision": body["revision"]}).status_code == 200
    values = review_form(ann)
    assert values["threat-evidence"].strip() == "document:Kamerstuk 30821"
    values["threat-evidence"] += "scenario:trade-war\n"
    assert ann.post(REVIEW, data=values, follow_redirects=False).status_code == 303
    evidence = review_api(ann)["review"]["sections"]["threat"]["evidence"]
    assert evidence == [{"kind": "document", "ref": "Kamerstuk 30821", "note": "annex 2"},
                        {"kind": "scenario", "ref": "trade-war", "note": None}]


def test_review_verdict_as_coordinator(client_for: Client) -> None:
    cora = client_for("cora")
    values = review_form(cora)
    values.update({"comprehensive": "partly", "comprehensive-reasoning": "gaps remain",
                   "verdict": "adjust", "verdict-reasoning": "partly comprehensive"})
    assert cora.post(REVIEW, data=values, follow_redirects=False).status_code == 303
    body = review_api(cora)["review"]
    assert body["verdict"] == "adjust" and body["verdict_reasoning"] == "partly comprehensive"
    assert body["comprehensive"] == {"answer": "partly", "reasoning": "gaps remain"}
    assert review_form(cora)["verdict"] == "adjust"


def test_review_verdict_change_by_an_analyst_is_refused(client_for: Client) -> None:
    ann = client_for("ann")
    values = review_form(ann)
    values.update({"verdict": "new", "verdict-reasoning": "start over"})
    assert ann.post(REVIEW, data=values).status_code == 403
    assert review_api(ann)["revision"] == 2


def test_review_invalid_input_keeps_what_was_typed(client_for: Client) -> None:
    cora = client_for("cora")
    values = review_form(cora)
    values.update({"summary-text": "typed summary", "verdict": "new", "verdict-reasoning": ""})
    response = cora.post(REVIEW, data=values)
    assert response.status_code == 422 and "verdict needs its reasoning" in text(response.text)
    kept = form_values(response.text)
    assert kept["summary-text"] == "typed summary" and kept["verdict"] == "new"
    assert review_api(cora)["revision"] == 2  # nothing saved, not even the summary
    values.update({"verdict-reasoning": "reasoned", "approach-evidence": "nonsense:x"})
    response = cora.post(REVIEW, data=values)
    assert response.status_code == 422 and "kind:reference" in text(response.text)
    assert form_values(response.text)["approach-evidence"] == "nonsense:x"
    assert review_api(cora)["revision"] == 2


def test_review_stale_edit_shows_the_conflict_and_keeps_what_was_typed(
        client_for: Client) -> None:
    ann, cora = client_for("ann"), client_for("cora")
    mine, theirs = review_form(ann), review_form(cora)
    theirs["summary-text"] = "cora was first"
    assert cora.post(REVIEW, data=theirs, follow_redirects=False).status_code == 303
    mine["summary-text"] = "ann was second"
    response = ann.post(REVIEW, data=mine)
    assert response.status_code == 409 and "nothing was overwritten" in text(response.text)
    kept = form_values(response.text)
    assert kept["summary-text"] == "ann was second" and kept["expected_revision"] == "3"
    assert review_api(ann)["review"]["sections"]["summary"]["text"] == "cora was first"


def test_generic_instrument_review_has_no_verdict(client_for: Client) -> None:
    cora = client_for("cora")
    path = f"/cycles/{DRAFT}/reviews/joint-research-programme"
    values = review_form(cora, path)
    assert "verdict" not in values
    values["summary-text"] = "still useful"
    assert cora.post(path, data=values, follow_redirects=False).status_code == 303
    response = cora.post(path, data={**review_form(cora, path), "verdict": "continue",
                                     "verdict-reasoning": "x"})
    assert response.status_code == 422 and "generic" in text(response.text)
    assert review_api(cora, "joint-research-programme")["review"]["verdict"] is None


def test_review_form_needs_the_csrf_token_and_the_analyst_role(client_for: Client) -> None:
    ann, vic = client_for("ann"), client_for("vic")
    values = review_form(ann)
    assert ann.post(REVIEW, data={**values, "csrf_token": "forged"}).status_code == 403
    vic_values = review_form(vic)
    assert 'readonly' in vic.get(REVIEW).text
    assert vic.post(REVIEW, data=vic_values).status_code == 403
    assert review_api(ann)["revision"] == 2


# --- report download -----------------------------------------------------------------------------


def test_report_download_docx(client_for: Client) -> None:
    response = client_for("vic").get(f"/cycles/{DRAFT}/report?format=docx&lang=en")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert 'filename="midterm-2021-review-en.docx"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        assert "word/document.xml" in docx.namelist()


def test_report_download_errors(client_for: Client, anon: TestClient) -> None:
    vic = client_for("vic")
    assert vic.get(f"/cycles/{DRAFT}/report?format=exe").status_code == 422
    assert vic.get(f"/cycles/{DRAFT}/report?format=docx&lang=fr").status_code == 422
    assert vic.get(f"/cycles/{FROZEN}/report?format=docx").status_code == 403
    assert client_for("ann").get("/cycles/nope/report?format=docx").status_code == 404
    assert anon.get(f"/cycles/{DRAFT}/report", follow_redirects=False).status_code == 303
