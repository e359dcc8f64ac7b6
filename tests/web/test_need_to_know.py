"""Need-to-know on every channel: what is marked above a user's clearance never reaches them.

The example draft cycle (midterm-2021, cloned from nvs-2019) gets marked content: a confidential
scenario, a public scenario with one secret expert score, a secret measure, a confidential review,
a confidential signal, a scenario with one secret revision in its history, and a visible review
whose evidence links to the hidden items. ``low`` (viewer, cleared to internal) must see none of
it on any page, API answer, search, export or report, and an id asked for directly is "not found"
worded as for an id that does not exist; ``high`` (analyst, cleared to secret) sees all of it.
Reads of marked content are written to the read log.

The marked database is built once per module; tests that write work on a copy of it.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from tests.example_signals import example_signal_ids
from tests.operator_support import OPERATOR

from weerbaar.cli import main
from weerbaar.domain import (
    EvidenceKind,
    EvidenceLink,
    ExpertScore,
    Measure,
    MeasureEffect,
    ReviewPart,
    ReviewSection,
    Signal,
    ThemeReview,
)
from weerbaar.services import accounts
from weerbaar.services.assessment import diagram_data
from weerbaar.store import Store, add, get, open_store, save
from weerbaar.store import audit as audit_log
from weerbaar.store import expert_sessions as sessions
from weerbaar.store.schema import read_log
from weerbaar.store.signals import add_signals
from weerbaar.web import create_app

from .support import DRAFT, FROZEN, form_fields

API = "/api/v1"
CYCLE_API = f"{API}/cycles/{DRAFT}"

HIDDEN_SCENARIO = "terror-attack-multiple"  # confidential
SCENARIO_WORD = "Zilvermeeuwplan"  # only in its narrative
HIDDEN_TITLE = "jihadistische aanslagen"
PUBLIC_SCENARIO = "trade-war"  # public, with a secret expert score
SECRET_EXPERT = "wulpexpert"
EXPERT_WORD = "Kokmeeuwnotitie"  # only in the secret expert's reasoning
SECRET_MEASURE = "nachtzwaluw-programme"
MEASURE_WORD = "Nachtzwaluw"  # its title
HIDDEN_REVIEW = "cbrn"  # confidential
REVIEW_WORD = "Korenwolfbevinding"
HIDDEN_SIGNAL = "sig-grutto"  # confidential; title "Gruttoalarm ..."
SIGNAL_WORD = "Graspieperspoor"  # its summary
OPEN_SIGNAL = "sig-open"  # internal, linked to the hidden and the public scenario
EVIDENCE_THEME = "terrorism-extremism"  # visible review linking to hidden items
REVISED = "hybrid-campaign"  # visible now, one revision in its history was secret
REVISION_WORD = "Stormvogelnotitie"
NONSENSE = "qxzwvbnonsense"

SECRETS = (HIDDEN_SCENARIO, SCENARIO_WORD, SECRET_EXPERT, EXPERT_WORD, SECRET_MEASURE,
           MEASURE_WORD, REVIEW_WORD, "grutto", SIGNAL_WORD, REVISION_WORD)

USERS = {  # name: (role, clearance), on both example cycles
    "low": ("viewer", "internal"),
    "high": ("analyst", "secret"),
    "lowan": ("analyst", "internal"),
    "boss": ("coordinator", "secret"),
}


def password(name: str) -> str:
    return f"pw-need-to-know-{sum(map(ord, name))}"  # without the user name (password policy)


def leaked(content: str, words: tuple[str, ...] = SECRETS) -> list[str]:
    lowered = content.lower()
    return [w for w in words if w.lower() in lowered]


@dataclass(frozen=True)
class Marked:
    path: Path
    hidden_session: int  # on the confidential scenario
    shown_session: int  # on a visible scenario
    revisions: tuple[int, int, int]  # REVISED: before, the secret one, after
    residual: dict[str, float]  # trade-war's residual position before the secret measure


def _mark(store: Store, path: Path) -> Marked:
    before = next(p for p in diagram_data(store, OPERATOR, DRAFT)["residual"]
                  if p["id"] == PUBLIC_SCENARIO)
    stored = get(store, DRAFT, "scenario", HIDDEN_SCENARIO)
    save(store, DRAFT, stored.item.model_copy(update={
        "marking": "confidential",
        "narrative": f"{stored.item.narrative} {SCENARIO_WORD}."}),
        expected_revision=stored.revision, actor="test")
    stored = get(store, DRAFT, "scenario", PUBLIC_SCENARIO)
    agreed = stored.item

    def expert(name: str, marking: str | None, why: str) -> ExpertScore:
        return ExpertScore(expert=name, likelihood=agreed.likelihood, marking=marking,
                           impact={k: v.model_copy(update={"reasoning": why})
                                   for k, v in agreed.impact.items()})

    save(store, DRAFT, agreed.model_copy(update={"marking": "public", "experts": (
        expert("eva", None, "open oordeel"), expert(SECRET_EXPERT, "secret", EXPERT_WORD))}),
        expected_revision=stored.revision, actor="test")
    add(store, DRAFT, Measure(id=SECRET_MEASURE, title=f"Programma {MEASURE_WORD}",
                              themes=("multilateral-institutions",),
                              scenarios=(PUBLIC_SCENARIO,), effect=MeasureEffect(likelihood=1.0),
                              marking="secret"), actor="test")
    add_signals(store, DRAFT, [
        Signal(id=HIDDEN_SIGNAL, title="Gruttoalarm signaal", summary=SIGNAL_WORD,
               date=date(2021, 3, 1), themes=(EVIDENCE_THEME,), scenarios=(PUBLIC_SCENARIO,),
               marking="confidential"),
        Signal(id=OPEN_SIGNAL, title="Open signaal", summary="een gewoon signaal",
               date=date(2021, 3, 2), themes=(EVIDENCE_THEME,),
               scenarios=(HIDDEN_SCENARIO, PUBLIC_SCENARIO))], actor="test")
    stored = get(store, DRAFT, "review", HIDDEN_REVIEW)
    summary = stored.item.section(ReviewPart.SUMMARY)
    save(store, DRAFT, stored.item.model_copy(update={"marking": "confidential", "sections": {
        **stored.item.sections,
        ReviewPart.SUMMARY: summary.model_copy(update={"text": f"{summary.text}\n\n{REVIEW_WORD}."})
    }}), expected_revision=stored.revision, actor="test")
    stored = get(store, DRAFT, "review", EVIDENCE_THEME)
    approach = stored.item.section(ReviewPart.APPROACH)
    links = (EvidenceLink(kind=EvidenceKind.MEASURE, ref=SECRET_MEASURE),
             EvidenceLink(kind=EvidenceKind.SIGNAL, ref=HIDDEN_SIGNAL),
             EvidenceLink(kind=EvidenceKind.SIGNAL, ref=OPEN_SIGNAL))
    save(store, DRAFT, stored.item.model_copy(update={"sections": {
        **stored.item.sections,
        ReviewPart.APPROACH: ReviewSection(text=approach.text,
                                           evidence=(*approach.evidence, *links))}}),
        expected_revision=stored.revision, actor="test")
    assert any(e.ref == HIDDEN_SCENARIO for e in get(store, DRAFT, "review", EVIDENCE_THEME)
               .item.section(ReviewPart.THREAT).evidence)
    stored = get(store, DRAFT, "scenario", REVISED)
    first = stored.revision
    secret = save(store, DRAFT, stored.item.model_copy(update={
        "marking": "secret", "narrative": f"{stored.item.narrative} {REVISION_WORD}."}),
        expected_revision=first, actor="test")
    after = save(store, DRAFT, stored.item, expected_revision=secret, actor="test")
    for name, (role, clearance) in USERS.items():
        accounts.add_user(store, OPERATOR, name, password(name), must_change_password=False)
        for cycle in (DRAFT, FROZEN):
            accounts.grant(store, OPERATOR, name, role, cycle=cycle, clearance=clearance)
    hidden = sessions.open_session(store, DRAFT, HIDDEN_SCENARIO, facilitator="cora",
                                   experts=["eva"])
    shown = sessions.open_session(store, DRAFT, "lone-actor-attack", facilitator="cora",
                                  experts=["eva"])
    return Marked(path, hidden.id, shown.id, (first, secret, after),
                  {"x": before["x"], "y": before["y"]})


@pytest.fixture(scope="module")
def marked(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Marked:
    """The example database with marked content and the users (built once per module)."""
    path = tmp_path_factory.mktemp("need-to-know") / "marked.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    try:
        return _mark(store, path)
    finally:
        store.dispose()


class Site:
    """An app on its own copy of the marked database, with logged-in clients."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = open_store(str(path))
        self.app = create_app(self.store)
        self.clients: dict[str, TestClient] = {}

    def __call__(self, name: str) -> TestClient:
        if name not in self.clients:
            client = TestClient(self.app)
            response = client.post(f"{API}/login",
                                   json={"username": name, "password": password(name)})
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf"]
            self.clients[name] = client
        return self.clients[name]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
        self.store.dispose()


def _site(marked: Marked, folder: Path) -> Site:
    path = folder / "site.sqlite"
    shutil.copyfile(marked.path, path)
    return Site(path)


@pytest.fixture(scope="module")
def site(marked: Marked, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Shared by the tests that only read."""
    made = _site(marked, tmp_path_factory.mktemp("need-to-know-site"))
    yield made
    made.close()


@pytest.fixture
def fresh(marked: Marked, tmp_path: Path) -> Iterator[Site]:
    """A copy of its own, for a test that writes (or counts read-log entries)."""
    made = _site(marked, tmp_path)
    yield made
    made.close()


def page_error(response: Any) -> str:
    """The message of an error page."""
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', response.text, re.S)
    assert found, response.text[:500]
    return html.unescape(found.group(1)).strip()


def api_error(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    return str(response.json()["detail"])


def same_but_id(hidden: str, missing: str, hidden_id: str, missing_id: str) -> None:
    """Two messages that differ only in the id asked for."""
    assert hidden_id in hidden and missing_id in missing
    assert hidden.replace(hidden_id, "ID") == missing.replace(missing_id, "ID")


# --- pages ----------------------------------------------------------------------------------


PAGES = [f"/cycles/{DRAFT}/scenarios", f"/cycles/{DRAFT}/scenarios/{PUBLIC_SCENARIO}",
         f"/cycles/{DRAFT}/reviews", f"/cycles/{DRAFT}/reviews/{EVIDENCE_THEME}",
         f"/cycles/{DRAFT}/reviews/{HIDDEN_REVIEW}", f"/cycles/{DRAFT}/measures",
         f"/cycles/{DRAFT}/compare", f"/cycles/{DRAFT}/horizon", f"/cycles/{DRAFT}/sessions",
         f"/?cycle={DRAFT}", f"/cycles/{DRAFT}/search?q=signaal"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_show_the_low_user_nothing_above_internal(site: Site, url: str) -> None:
    response = site("low").get(url)
    assert response.status_code == 200, response.text[:300]
    assert leaked(response.text) == []


def test_pages_show_the_high_user_the_marked_content(site: Site) -> None:
    high = site("high")
    expected = {
        f"/cycles/{DRAFT}/scenarios": [HIDDEN_SCENARIO],
        f"/cycles/{DRAFT}/scenarios/{HIDDEN_SCENARIO}": [SCENARIO_WORD],
        f"/cycles/{DRAFT}/scenarios/{HIDDEN_SCENARIO}/edit": [HIDDEN_TITLE],
        f"/cycles/{DRAFT}/reviews/{EVIDENCE_THEME}": [HIDDEN_SCENARIO, SECRET_MEASURE,
                                                      HIDDEN_SIGNAL],
        f"/cycles/{DRAFT}/reviews/{HIDDEN_REVIEW}": [REVIEW_WORD],
        f"/cycles/{DRAFT}/measures": [MEASURE_WORD, HIDDEN_SCENARIO],
        f"/cycles/{DRAFT}/compare": [HIDDEN_SCENARIO, SECRET_MEASURE],
        f"/cycles/{DRAFT}/horizon": ["Gruttoalarm", SIGNAL_WORD],
        f"/cycles/{DRAFT}/sessions": [HIDDEN_SCENARIO],
        f"/cycles/{DRAFT}/search?q=signaal": ["Gruttoalarm"],
    }
    for url, words in expected.items():
        response = high.get(url)
        assert response.status_code == 200, url
        assert leaked(response.text, tuple(words)) == words, url


def test_horizon_page_counts_only_the_visible_signals(site: Site) -> None:
    low = site("low").get(f"/cycles/{DRAFT}/horizon").text
    high = site("high").get(f"/cycles/{DRAFT}/horizon").text
    shipped = len(example_signal_ids())  # the example's own signals are public
    assert f'id="signal-count">{shipped + 1} ' in low and "Open signaal" in low
    assert f'id="signal-count">{shipped + 2} ' in high


def test_hidden_scenario_page_is_not_found_like_a_missing_one(site: Site) -> None:
    low = site("low")
    for suffix in ("", "/edit"):
        client = site("lowan") if suffix else low
        hidden = client.get(f"/cycles/{DRAFT}/scenarios/{HIDDEN_SCENARIO}{suffix}")
        missing = client.get(f"/cycles/{DRAFT}/scenarios/no-such-scenario{suffix}")
        assert hidden.status_code == missing.status_code == 404
        same_but_id(page_error(hidden), page_error(missing), HIDDEN_SCENARIO, "no-such-scenario")
        assert leaked(hidden.text) == [HIDDEN_SCENARIO]  # the id asked for, nothing else
        assert hidden.text.replace(HIDDEN_SCENARIO, "ID") == \
            missing.text.replace("no-such-scenario", "ID")


def test_score_edit_page_leaves_out_the_secret_expert(site: Site) -> None:
    response = site("lowan").get(f"/cycles/{DRAFT}/scenarios/{PUBLIC_SCENARIO}/edit")
    assert response.status_code == 200
    assert leaked(response.text) == []


def test_hidden_review_reads_as_a_theme_without_a_review(site: Site) -> None:
    page = site("low").get(f"/cycles/{DRAFT}/reviews/{HIDDEN_REVIEW}")
    assert page.status_code == 200 and REVIEW_WORD not in page.text
    body = site("low").get(f"{CYCLE_API}/reviews/{HIDDEN_REVIEW}").json()
    assert body == {"revision": 0, "marking": "internal",
                    "review": ThemeReview(theme=HIDDEN_REVIEW).model_dump(mode="json")}
    high = site("high").get(f"{CYCLE_API}/reviews/{HIDDEN_REVIEW}").json()
    assert high["revision"] > 0 and high["marking"] == "confidential"
    assert REVIEW_WORD in json.dumps(high)


def test_sessions_on_a_hidden_scenario_do_not_exist_for_the_low_user(
        site: Site, marked: Marked) -> None:
    low = site("low")
    listing = low.get(f"/cycles/{DRAFT}/sessions").text
    assert f'href="/sessions/{marked.shown_session}"' in listing
    assert f'href="/sessions/{marked.hidden_session}"' not in listing
    missing_id = 99999
    for prefix, read in (("", page_error), (API, lambda r: api_error(r, 404))):
        hidden = low.get(f"{prefix}/sessions/{marked.hidden_session}")
        missing = low.get(f"{prefix}/sessions/{missing_id}")
        assert hidden.status_code == missing.status_code == 404
        assert read(hidden) == f"no expert session {marked.hidden_session}"
        assert read(missing) == f"no expert session {missing_id}"
        assert low.get(f"{prefix}/sessions/{marked.shown_session}").status_code == 200
    assert site("high").get(f"/sessions/{marked.hidden_session}").status_code == 200


def test_diagram_data_holds_only_visible_scenarios(site: Site, marked: Marked) -> None:
    low = site("low").get(f"{CYCLE_API}/diagram").json()
    high = site("high").get(f"{CYCLE_API}/diagram").json()
    assert low["parent_key"] == FROZEN
    for part in ("points", "residual", "parent"):
        assert HIDDEN_SCENARIO not in {p["id"] for p in low[part]}, part
        assert HIDDEN_SCENARIO in {p["id"] for p in high[part]}, part
    assert HIDDEN_SCENARIO not in low["interests"] and HIDDEN_SCENARIO in high["interests"]
    assert leaked(json.dumps(low)) == []

    def residual(data: dict[str, Any]) -> dict[str, float]:
        point = next(p for p in data["residual"] if p["id"] == PUBLIC_SCENARIO)
        return {"x": point["x"], "y": point["y"]}

    assert residual(low) == marked.residual  # the secret measure's effect does not show
    assert residual(high) != marked.residual


def test_search_never_finds_hidden_items(site: Site) -> None:
    low, high = site("low"), site("high")
    for word in (SCENARIO_WORD, MEASURE_WORD, REVIEW_WORD, SIGNAL_WORD, "gruttoalarm"):
        assert low.get(f"{CYCLE_API}/search", params={"q": word}).json() == []
        assert low.get(f"{CYCLE_API}/search", params={"q": NONSENSE}).json() == []
        assert high.get(f"{CYCLE_API}/search", params={"q": word}).json() != [], word
        page = low.get(f"/cycles/{DRAFT}/search", params={"q": word})
        nonsense = low.get(f"/cycles/{DRAFT}/search", params={"q": NONSENSE})
        assert page.status_code == 200
        assert page.text.replace(word, NONSENSE) == nonsense.text
    hits = low.get(f"{CYCLE_API}/search", params={"q": "signaal"}).json()
    shipped = example_signal_ids()  # the example's own (public) signals say "signaal" too
    assert [h["key"] for h in hits if h["key"] not in shipped] == [OPEN_SIGNAL]
    for query in ("aanslag", "programma", "trade-war", "terror"):
        found = low.get(f"{CYCLE_API}/search", params={"q": query}).json()
        assert leaked(json.dumps(found)) == [], query
        keys = {h["key"] for h in high.get(f"{CYCLE_API}/search", params={"q": query}).json()}
        assert {h["key"] for h in found} <= keys
    found = {h["key"] for h in high.get(f"{CYCLE_API}/search",
                                         params={"q": SCENARIO_WORD}).json()}
    assert found == {HIDDEN_SCENARIO}


# --- API ------------------------------------------------------------------------------------


API_READS = ["/scenarios", f"/scenarios/{PUBLIC_SCENARIO}", f"/scenarios/{PUBLIC_SCENARIO}/history",
             f"/reviews/{EVIDENCE_THEME}", f"/reviews/{HIDDEN_REVIEW}", "/measures",
             "/priorities", "/compare", f"/compare?base={FROZEN}", "/diagram",
             "/search?q=signaal"]


@pytest.mark.parametrize("url", API_READS)
def test_api_answers_the_low_user_nothing_above_internal(site: Site, url: str) -> None:
    response = site("low").get(f"{CYCLE_API}{url}")
    assert response.status_code == 200, response.text
    assert leaked(response.text) == []


def test_api_answers_the_high_user_with_the_marked_content(site: Site) -> None:
    high = site("high")
    expected = {
        "/scenarios": [HIDDEN_SCENARIO, SCENARIO_WORD, SECRET_EXPERT, EXPERT_WORD],
        f"/scenarios/{PUBLIC_SCENARIO}": [SECRET_EXPERT, EXPERT_WORD],
        f"/scenarios/{HIDDEN_SCENARIO}": [HIDDEN_SCENARIO, SCENARIO_WORD],
        f"/reviews/{EVIDENCE_THEME}": [HIDDEN_SCENARIO, SECRET_MEASURE, HIDDEN_SIGNAL],
        "/measures": [HIDDEN_SCENARIO, SECRET_MEASURE, MEASURE_WORD],
        "/priorities": [HIDDEN_SCENARIO],
        "/compare": [HIDDEN_SCENARIO, SECRET_MEASURE, REVIEW_WORD],
    }
    for url, words in expected.items():
        response = high.get(f"{CYCLE_API}{url}")
        assert response.status_code == 200, url
        assert leaked(response.text, tuple(words)) == words, url


def test_api_scenarios_leave_out_hidden_scenarios_and_scores(site: Site) -> None:
    low = site("low").get(f"{CYCLE_API}/scenarios").json()
    high = site("high").get(f"{CYCLE_API}/scenarios").json()
    assert {s["id"] for s in high} - {s["id"] for s in low} == {HIDDEN_SCENARIO}
    by_id = {s["id"]: s for s in low}
    assert by_id[PUBLIC_SCENARIO]["marking"] == "public"
    assert [e["expert"] for e in by_id[PUBLIC_SCENARIO]["scores"]["experts"]] == ["eva"]
    one = site("low").get(f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}").json()
    assert [e["expert"] for e in one["scenario"]["experts"]] == ["eva"]
    assert [e["expert"] for e in one["input"]["experts"]] == ["eva"]
    high_one = site("high").get(f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}").json()
    assert [e["expert"] for e in high_one["scenario"]["experts"]] == ["eva", SECRET_EXPERT]


def test_api_not_found_for_hidden_scenario_equals_missing_one(site: Site) -> None:
    low = site("low")
    for suffix in ("", "/history", "/diff?a=1&b=2"):
        hidden = low.get(f"{CYCLE_API}/scenarios/{HIDDEN_SCENARIO}{suffix}")
        missing = low.get(f"{CYCLE_API}/scenarios/no-such-scenario{suffix}")
        same_but_id(api_error(hidden, 404), api_error(missing, 404), HIDDEN_SCENARIO,
                    "no-such-scenario")
        assert hidden.json()["error"] == missing.json()["error"] == "NotFound"


def test_diff_to_a_revision_above_the_clearance_is_not_found(site: Site, marked: Marked) -> None:
    first, secret, after = marked.revisions
    low, high = site("low"), site("high")
    url = f"{CYCLE_API}/scenarios/{REVISED}/diff"
    for a, b in ((first, secret), (secret, after)):
        hidden = low.get(url, params={"a": a, "b": b})
        missing = low.get(url, params={"a": first, "b": 999})
        same_but_id(api_error(hidden, 404), api_error(missing, 404), f"revision {secret}",
                    "revision 999")
        assert REVISION_WORD in json.dumps(high.get(url, params={"a": a, "b": b}).json())
    visible = low.get(url, params={"a": first, "b": after})
    assert visible.status_code == 200 and visible.json() == []
    page = low.get(f"/cycles/{DRAFT}/scenarios/{REVISED}", params={"a": first, "b": secret})
    assert page.status_code == 404 and REVISION_WORD not in page.text


def test_api_review_evidence_and_measures_lose_links_to_hidden_items(site: Site) -> None:
    low = site("low")
    review = low.get(f"{CYCLE_API}/reviews/{EVIDENCE_THEME}").json()["review"]
    refs = {e["ref"] for part in review["sections"].values() for e in part["evidence"]}
    assert OPEN_SIGNAL in refs and "lone-actor-attack" in refs
    assert not refs & {HIDDEN_SCENARIO, SECRET_MEASURE, HIDDEN_SIGNAL}
    measures = {m["id"]: m for m in low.get(f"{CYCLE_API}/measures").json()}
    assert SECRET_MEASURE not in measures
    assert measures["ct-strategy-2016-2020"]["scenarios"] == ["lone-actor-attack"]
    high = {m["id"]: m for m in site("high").get(f"{CYCLE_API}/measures").json()}
    assert high["ct-strategy-2016-2020"]["scenarios"] == [HIDDEN_SCENARIO, "lone-actor-attack"]
    assert high[SECRET_MEASURE]["marking"] == "secret"


def test_api_priorities_and_compare_leave_out_hidden_items(site: Site) -> None:
    low = site("low").get(f"{CYCLE_API}/priorities").json()
    high = site("high").get(f"{CYCLE_API}/priorities").json()
    assert HIDDEN_SCENARIO not in json.dumps(low) and HIDDEN_SCENARIO in json.dumps(high)
    compared = site("low").get(f"{CYCLE_API}/compare").json()
    assert {(i["kind"], i["key"]) for i in compared["items"]}.isdisjoint(
        {("scenario", HIDDEN_SCENARIO), ("measure", SECRET_MEASURE),
         ("review", HIDDEN_REVIEW)})
    assert HIDDEN_SCENARIO not in {m["scenario"] for m in compared["moves"]}
    assert HIDDEN_REVIEW not in {v["theme"] for v in compared["verdicts"]}


def test_api_me_names_the_clearance_per_cycle(site: Site) -> None:
    assert site("low").get(f"{API}/me").json()["clearances"] == {DRAFT: "internal",
                                                                 FROZEN: "internal"}
    assert site("high").get(f"{API}/me").json()["clearances"] == {DRAFT: "secret",
                                                                  FROZEN: "secret"}


# --- exports and reports ---------------------------------------------------------------------


def _report(client: TestClient, fmt: str) -> bytes:
    response = client.get(f"/cycles/{DRAFT}/report", params={"format": fmt})
    assert response.status_code == 200, response.text[:300]
    return bytes(response.content)


def _workbook_text(content: bytes | Path) -> tuple[str, Any]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content)
    cells = " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                     for c in row if c.value is not None)
    return cells, book


@pytest.mark.parametrize("user,label,other", [("low", "INTERN", "GEHEIM"),
                                              ("high", "STG. GEHEIM", "INTERN")])
def test_web_report_html_and_xlsx_carry_the_clearance_marking(
        site: Site, user: str, label: str, other: str) -> None:
    client = site(user)
    page = _report(client, "html").decode("utf-8")
    banners = re.findall(r'<div class="banner (?:top|bottom)"[^>]*>([^<]*)</div>', page)
    assert banners == [label, label]
    assert f'<meta name="classification" content="{label}">' in page
    assert other not in page
    cells, book = _workbook_text(_report(client, "xlsx"))
    assert book.properties.category == label
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == label, sheet.title
    if user == "low":
        assert leaked(page) == [] and leaked(cells) == []
    else:
        assert leaked(page, (HIDDEN_SCENARIO, MEASURE_WORD, REVIEW_WORD)) == [
            HIDDEN_SCENARIO, MEASURE_WORD, REVIEW_WORD]


def test_web_report_docx_carries_the_marking_in_every_header(site: Site) -> None:
    import docx

    document = docx.Document(io.BytesIO(_report(site("high"), "docx")))
    assert document.core_properties.category == "STG. GEHEIM"
    assert document.sections
    for section in document.sections:
        assert section.header.paragraphs[0].text == "STG. GEHEIM"
    body = "\n".join(p.text for p in document.paragraphs)
    assert REVIEW_WORD in body and "INTERN" not in body


def test_cli_exports_with_and_without_clearance(
        marked: Marked, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Workspace file, scoring workbook and report (the PDF's every page checked for the
    recipient with clearance internal)."""
    from pypdf import PdfReader

    db = tmp_path / "cli.sqlite"
    shutil.copyfile(marked.path, db)
    outputs = {}
    for tag, extra in (("low", ["--clearance", "internal"]), ("all", [])):
        yaml_file, book_file = tmp_path / f"{tag}.yaml", tmp_path / f"{tag}.xlsx"
        assert main(["cycles", "export", DRAFT, "--out", str(yaml_file), "--db", str(db),
                     *extra]) == 0
        assert main(["excel", "export", DRAFT, "--out", str(book_file), "--db", str(db),
                     *extra]) == 0
        assert main(["report", DRAFT, "--format", "html,pdf" if extra else "html",
                     "--out", str(tmp_path / tag), "--db", str(db), "--actor", "cli-user",
                     *extra]) == 0
        report = next((tmp_path / tag).glob("*.html")).read_text(encoding="utf-8")
        cells, book = _workbook_text(book_file)
        outputs[tag] = (yaml_file.read_text(encoding="utf-8"), cells, book, report)
    text, cells, book, report = outputs["low"]
    assert text.splitlines()[0] == "# Classification: INTERNAL"
    assert book.properties.category == "INTERNAL"
    assert "INTERN" in report and "GEHEIM" not in report
    for content in (text, cells, report):
        assert leaked(content) == []
    pages = [p.extract_text() for p in PdfReader(next((tmp_path / "low").glob("*.pdf"))).pages]
    assert pages and all("INTERN" in p for p in pages)
    assert leaked("\n".join(pages)) == [] and "GEHEIM" not in "\n".join(pages)
    text, cells, book, report = outputs["all"]
    assert text.splitlines()[0] == "# Classification: SECRET"
    assert book.properties.category == "SECRET"
    assert all(sheet.oddHeader.center.text == "SECRET" for sheet in book.worksheets)
    assert "STG. GEHEIM" in report
    assert leaked(text, (HIDDEN_SCENARIO, SCENARIO_WORD, SECRET_EXPERT, EXPERT_WORD,
                         MEASURE_WORD, REVIEW_WORD)) == [
        HIDDEN_SCENARIO, SCENARIO_WORD, SECRET_EXPERT, EXPERT_WORD, MEASURE_WORD, REVIEW_WORD]
    assert leaked(cells, (SCENARIO_WORD, SECRET_EXPERT)) == [SCENARIO_WORD, SECRET_EXPERT]
    assert leaked(report, (HIDDEN_SCENARIO, MEASURE_WORD)) == [HIDDEN_SCENARIO, MEASURE_WORD]
    assert main(["cycles", "export", DRAFT, "--out", str(tmp_path / "x.yaml"), "--db", str(db),
                 "--clearance", "top"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "key --clearance: unknown marking 'top' (expected one of public, internal, " \
        "confidential, secret)" in err
    reads = tmp_path / "reads.jsonl"
    assert main(["audit", "export", "--reads", "--out", str(reads), "--db", str(db)]) == 0
    rows = [json.loads(line) for line in reads.read_text(encoding="utf-8").splitlines()]
    channels = {(r["detail"]["channel"], r["entity_key"]) for r in rows}
    assert ("export", HIDDEN_SCENARIO) in channels and ("report", SECRET_MEASURE) in channels
    assert all(r["detail"]["marking"] in ("confidential", "secret") for r in rows)
    assert any(r["actor"] == "cli-user" for r in rows)


# --- writes and error texts ------------------------------------------------------------------


def test_writes_name_a_hidden_id_like_a_missing_one(fresh: Site) -> None:
    lowan = fresh("lowan")
    before = get(fresh.store, DRAFT, "scenario", HIDDEN_SCENARIO)
    body = {"scenario": {"title": "x", "theme": EVIDENCE_THEME, "type": "threat"},
            "expected_revision": 1}
    hidden = lowan.put(f"{CYCLE_API}/scenarios/{HIDDEN_SCENARIO}", json=body)
    missing = lowan.put(f"{CYCLE_API}/scenarios/no-such-scenario", json=body)
    same_but_id(api_error(hidden, 404), api_error(missing, 404), HIDDEN_SCENARIO,
                "no-such-scenario")

    def measure(scenario: str) -> Any:
        return lowan.post(f"{CYCLE_API}/measures", json={
            "id": "new-measure", "title": "Nieuw", "themes": [EVIDENCE_THEME],
            "scenarios": [scenario]})

    same_but_id(api_error(measure(HIDDEN_SCENARIO), 422), api_error(measure("no-such"), 422),
                HIDDEN_SCENARIO, "no-such")
    assert get(fresh.store, DRAFT, "scenario", HIDDEN_SCENARIO) == before
    assert "new-measure" not in {m["id"] for m in lowan.get(f"{CYCLE_API}/measures").json()}


def _stored(site: Site, scenario: str = PUBLIC_SCENARIO) -> Any:
    return get(site.store, DRAFT, "scenario", scenario).item


def test_saving_a_partly_visible_scenario_keeps_what_the_editor_cannot_see(fresh: Site) -> None:
    lowan = fresh("lowan")
    before = _stored(fresh)
    secret = next(e for e in before.experts if e.expert == SECRET_EXPERT)
    url = f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}"
    for leave_out in ((), ("experts", "marking")):
        shown = lowan.get(url).json()
        scores = {k: v for k, v in shown["input"].items() if k not in leave_out}
        scores["likelihood"] = {"ev": "D", "ll": "C", "ul": "E", "reasoning": "bijgesteld"}
        response = lowan.put(url, json={"scenario": scores, "expected_revision":
                                        shown["revision"]})
        assert response.status_code == 200, response.text
        after = _stored(fresh)
        assert after.marking == "public"
        assert [e.expert for e in after.experts] == ["eva", SECRET_EXPERT]
        assert next(e for e in after.experts if e.expert == SECRET_EXPERT) == secret
    # the score form keeps them too
    form_page = lowan.get(f"/cycles/{DRAFT}/scenarios/{PUBLIC_SCENARIO}/edit").text
    form = form_fields(form_page)
    form["likelihood-reasoning"] = "via het formulier"
    response = lowan.post(f"/cycles/{DRAFT}/scenarios/{PUBLIC_SCENARIO}/edit", data=form,
                          follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    after = _stored(fresh)
    assert after.likelihood is not None and after.likelihood.reasoning == "via het formulier"
    assert after.marking == "public"
    assert next(e for e in after.experts if e.expert == SECRET_EXPERT) == secret


def test_a_score_under_the_name_of_a_hidden_expert_is_refused(fresh: Site) -> None:
    """Sending a score for an expert whose score is above the editor's clearance would replace
    what the editor cannot see: refused, and the hidden score stays as it was."""
    lowan = fresh("lowan")
    before = _stored(fresh)
    url = f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}"
    shown = lowan.get(url).json()
    scores = dict(shown["input"])
    scores["experts"] = [*scores.get("experts", []),
                         {"expert": SECRET_EXPERT, "likelihood": "A"}]
    response = lowan.put(url, json={"scenario": scores, "expected_revision": shown["revision"]})
    assert response.status_code == 403, response.text
    assert SECRET_EXPERT in response.text and "above your clearance" in response.text
    assert _stored(fresh) == before


def test_the_score_form_keeps_a_confidential_marking(fresh: Site) -> None:
    high = fresh("high")
    url = f"/cycles/{DRAFT}/scenarios/{HIDDEN_SCENARIO}/edit"
    form = form_fields(high.get(url).text)
    form["likelihood-reasoning"] = "herzien"
    assert high.post(url, data=form, follow_redirects=False).status_code == 303
    assert _stored(fresh, HIDDEN_SCENARIO).marking == "confidential"
    assert fresh("low").get(f"{CYCLE_API}/scenarios/{HIDDEN_SCENARIO}").status_code == 404


def test_closing_a_session_keeps_the_scenario_marking(fresh: Site, marked: Marked) -> None:
    boss = fresh("boss")
    shown = boss.get(f"{CYCLE_API}/scenarios/{HIDDEN_SCENARIO}").json()
    agreed = {k: v for k, v in shown["input"].items() if k not in ("marking", "experts")}
    response = boss.post(f"{API}/sessions/{marked.hidden_session}/close", json={
        "scenario": agreed, "expected_revision": shown["revision"]})
    assert response.status_code == 200, response.text
    assert _stored(fresh, HIDDEN_SCENARIO).marking == "confidential"


def test_marking_above_the_own_clearance_is_refused(fresh: Site) -> None:
    lowan = fresh("lowan")
    url = f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}"
    shown = lowan.get(url).json()
    before = _stored(fresh)
    for change in ({"marking": "confidential"},
                   {"experts": [dict(shown["input"]["experts"][0], marking="secret")]}):
        response = lowan.put(url, json={"scenario": {**shown["input"], **change},
                                        "expected_revision": shown["revision"]})
        assert api_error(response, 403).startswith("you cannot mark content")
    assert _stored(fresh) == before
    response = lowan.post(f"{CYCLE_API}/measures", json={
        "id": "new-measure", "title": "Nieuw", "themes": [EVIDENCE_THEME], "marking": "secret"})
    assert "above your clearance" in api_error(response, 403)
    review = lowan.get(f"{CYCLE_API}/reviews/{EVIDENCE_THEME}").json()
    response = lowan.put(f"{CYCLE_API}/reviews/{EVIDENCE_THEME}", json={
        "review": {**review["review"], "marking": "confidential"},
        "expected_revision": review["revision"]})
    assert "above your clearance" in api_error(response, 403)
    ok = fresh("high").put(url, json={"scenario": {**shown["input"], "marking": "confidential"},
                                      "expected_revision": shown["revision"]})
    assert ok.status_code == 200, ok.text
    assert lowan.get(url).status_code == 404


def test_unknown_marking_is_refused_with_its_key_path(fresh: Site) -> None:
    high = fresh("high")
    url = f"{CYCLE_API}/scenarios/{PUBLIC_SCENARIO}"
    shown = high.get(url).json()
    expert = dict(shown["input"]["experts"][0], marking="top")
    for change, where in (({"marking": "top"}, "key scenario.marking"),
                          ({"experts": [expert]}, "key scenario.experts[0].marking")):
        response = high.put(url, json={"scenario": {**shown["input"], **change},
                                       "expected_revision": shown["revision"]})
        detail = api_error(response, 422)
        assert detail.startswith(f"{where}: unknown marking 'top'")
        assert "expected one of public, internal, confidential, secret" in detail


def test_writes_to_a_hidden_review_fail_as_for_a_theme_without_one(fresh: Site) -> None:
    lowan = fresh("lowan")
    before = get(fresh.store, DRAFT, "review", HIDDEN_REVIEW)
    shown = lowan.get(f"{CYCLE_API}/reviews/{HIDDEN_REVIEW}").json()
    assert shown["revision"] == 0
    url = f"{CYCLE_API}/reviews/{HIDDEN_REVIEW}"
    review = {**shown["review"], "sections": {"summary": {"text": "overschreven"}}}
    created = lowan.put(url, json={"review": review, "expected_revision": 0})
    assert api_error(created, 409) == f"cycle '{DRAFT}' already has review '{HIDDEN_REVIEW}'"
    edited = lowan.put(url, json={"review": review, "expected_revision": before.revision})
    assert api_error(edited, 404) == f"cycle '{DRAFT}' has no review '{HIDDEN_REVIEW}'"
    form = {"csrf_token": lowan.headers["X-CSRF-Token"], "summary-text": "overschreven",
            "expected_revision": str(before.revision)}
    page = lowan.post(f"/cycles/{DRAFT}/reviews/{HIDDEN_REVIEW}", data=form,
                      follow_redirects=False)
    assert page.status_code == 404
    assert page_error(page) == f"cycle '{DRAFT}' has no review '{HIDDEN_REVIEW}'"
    after = get(fresh.store, DRAFT, "review", HIDDEN_REVIEW)
    assert after.revision == before.revision and after.item == before.item


# --- read log --------------------------------------------------------------------------------


def _reads(store: Store) -> list[audit_log.AuditEntry]:
    with store.read() as conn:
        return audit_log.entries(conn, chain=audit_log.READS)


def test_reading_marked_content_is_logged(fresh: Site, marked: Marked,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    start = len(_reads(fresh.store))
    low = fresh("low")
    for url in [*PAGES, *(f"{CYCLE_API}{u}" for u in API_READS),
                f"/cycles/{DRAFT}/report?format=html"]:
        assert low.get(url).status_code == 200, url
    assert len(_reads(fresh.store)) == start  # low saw nothing marked confidential or above
    high = fresh("high")
    assert high.get(f"{CYCLE_API}/scenarios/{HIDDEN_SCENARIO}").status_code == 200
    assert high.get(f"/cycles/{DRAFT}/reviews/{HIDDEN_REVIEW}").status_code == 200
    assert high.get(f"{CYCLE_API}/search", params={"q": MEASURE_WORD}).status_code == 200
    new = [(e.actor, e.action, e.entity_type, e.entity_key, e.cycle_key, e.detail)
           for e in _reads(fresh.store)[start:]]
    assert new == [
        ("high", "read", "scenario", HIDDEN_SCENARIO, DRAFT,
         {"marking": "confidential", "channel": "api"}),
        ("high", "read", "review", HIDDEN_REVIEW, DRAFT,
         {"marking": "confidential", "channel": "page"}),
        ("high", "read", "measure", SECRET_MEASURE, DRAFT,
         {"marking": "secret", "channel": "search"}),
    ]
    fresh.store.dispose()
    db = str(fresh.path)
    capsys.readouterr()
    assert main(["audit", "verify", "--db", db]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "read log: 3 entries, chain intact" in out
    with fresh.store.transaction() as conn:
        conn.execute(text("DROP TRIGGER read_log_no_update"))
        last = conn.execute(select(func.max(read_log.c.id))).scalar_one()
        conn.execute(text("UPDATE read_log SET actor = 'mallory' WHERE id = :id"), {"id": last})
    fresh.store.dispose()
    assert main(["audit", "verify", "--db", db]) == 9
    err = " ".join(capsys.readouterr().err.split())
    assert f"read log entry {last}: content does not match its hash" in err


def test_scheme_without_a_used_marking_is_refused(
        marked: Marked, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "scheme.sqlite"
    shutil.copyfile(marked.path, db)
    assert main(["classification", "set", "--levels", "public,internal,confidential",
                 "--default", "internal", "--audit-reads-from", "confidential",
                 "--db", str(db)]) == 4
    err = capsys.readouterr().err
    assert "'secret'" in err and "markings the new scheme lacks" in " ".join(err.split())
    assert main(["classification", "show", "--db", str(db)]) == 0
    assert "public < internal < confidential < secret" in capsys.readouterr().out


# --- markings in the forms ----------------------------------------------------------------------

def _form(client: TestClient, url: str) -> tuple[dict[str, str], list[str]]:
    """The form's input values, and the markings its marking choice offers."""
    page_html = client.get(url).text
    values = form_fields(page_html)
    select = re.search(r'<select id="marking" name="marking">(.*?)</select>', page_html, re.S)
    assert select is not None, "the form offers no marking"
    return values, re.findall(r'<option value="([^"]+)"', select.group(1))


def test_the_score_form_offers_markings_up_to_the_clearance_and_sets_one(fresh: Site) -> None:
    unmarked = "flooding-coast"
    url = f"/cycles/{DRAFT}/scenarios/{unmarked}/edit"
    values, offered = _form(fresh("lowan"), url)
    assert offered == ["public", "internal"]
    # saving with the marking left as shown keeps the scenario unmarked (no silent change)
    values["likelihood-reasoning"] = "ongewijzigde rubricering"
    assert fresh("lowan").post(url, data={**values, "marking": "internal"},
                               follow_redirects=False).status_code == 303
    assert _stored(fresh, unmarked).marking is None
    # above the own clearance: refused, nothing written
    values, _ = _form(fresh("lowan"), url)
    refused = fresh("lowan").post(url, data={**values, "marking": "secret"},
                                  follow_redirects=False)
    assert refused.status_code == 403 and "above" in refused.text
    assert _stored(fresh, unmarked).marking is None
    # within it: set, and the scenario disappears for the low viewer
    values, offered = _form(fresh("high"), url)
    assert offered == ["public", "internal", "confidential", "secret"]
    assert fresh("high").post(url, data={**values, "marking": "confidential"},
                              follow_redirects=False).status_code == 303
    assert _stored(fresh, unmarked).marking == "confidential"
    assert fresh("low").get(f"{CYCLE_API}/scenarios/{unmarked}").status_code == 404
    listing = fresh("high").get(f"/cycles/{DRAFT}/scenarios").text
    assert re.search(r"flooding-coast.*?<td class=\"marking\">confidential</td>", listing, re.S)


def test_the_review_form_sets_a_marking(fresh: Site) -> None:
    theme = "natural-disasters"
    url = f"/cycles/{DRAFT}/reviews/{theme}"
    values, offered = _form(fresh("high"), url)
    assert "secret" in offered
    form = {**values, "marking": "secret"}
    page_html = fresh("high").get(url).text
    for name, content in re.findall(r'<textarea id="([^"]+)" name="[^"]+"[^>]*>(.*?)</textarea>',
                                 page_html, re.S):
        form.setdefault(name, html.unescape(content))
    before = get(fresh.store, DRAFT, "review", theme).item
    response = fresh("high").post(url, data=form, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    after = get(fresh.store, DRAFT, "review", theme).item
    assert after.model_copy(update={"marking": None}) == before  # only the marking changed
    assert get(fresh.store, DRAFT, "review", theme).item.marking == "secret"
    assert fresh("low").get(f"{CYCLE_API}/reviews/{theme}").json()["revision"] == 0
