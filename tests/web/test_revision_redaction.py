"""The metadata of a revision above the reader's clearance is redacted on every channel.

In the example midterm review, scenario ``flooding-coast`` is marked confidential at revision 2
(by ``canary-actor``, with the reason ``CANARY-REASON``, at a distinctive time, moving it on the
risk diagram), then lowered to internal at revision 3. ``low`` (viewer, cleared to internal)
may see the scenario, but revision 2's reason, actor and time nowhere: not in the history (API,
page, ``weerbaar history list --clearance internal``), not in the comparison with the parent
cycle (API, page) and not in the report (web and ``weerbaar report --clearance internal``);
revision 2 keeps its number, "(redacted)". ``high`` (analyst, cleared to secret) and the
operator without a clearance see all of it. A revision that holds an expert's score above the
clearance is redacted too (the conservative rule), though the scenario is visible.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.cli import main
from weerbaar.domain import ExpertScore
from weerbaar.domain.scores import ScoreRange
from weerbaar.services import accounts
from weerbaar.services.compare import compare_cycles
from weerbaar.services.history import item_history
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, get, open_store, save
from weerbaar.web import create_app

from .support import DRAFT, FROZEN

API = f"/api/v1/cycles/{DRAFT}"
SCENARIO = "flooding-coast"  # in both cycles, one revision in the midterm review
EXPERT_SCENARIO = "nuclear-accident"
CANARY_REASON = "CANARY-REASON"
CANARY_ACTOR = "canary-actor"
CANARY_TIME = datetime(1999, 12, 31, 23, 58, 7)
CANARY_STAMPS = ("1999-12-31", "23:58")
EXPERT_REASON = "EXPERT-CANARY-REASON"
EXPERT_ACTOR = "expert-canary-actor"
CANARIES = (CANARY_REASON, CANARY_ACTOR, *CANARY_STAMPS, EXPERT_REASON, EXPERT_ACTOR)
USERS = {"low": ("viewer", "internal"), "high": ("analyst", "secret")}


def password(name: str) -> str:
    return f"pw-redaction-{sum(map(ord, name))}"


def leaked(text: str, words: tuple[str, ...] = CANARIES) -> list[str]:
    return [w for w in words if w in text]


def _mark(store: Store) -> None:
    stored = get(store, DRAFT, "scenario", SCENARIO)
    likelihood = stored.item.likelihood
    assert likelihood is not None and stored.revision == 1
    ev = likelihood.range.ev + 1
    moved = stored.item.model_copy(update={"likelihood": likelihood.model_copy(update={
        "range": ScoreRange(ev=ev, ll=ev, ul=ev), "conversions": ()})})
    with pytest.MonkeyPatch.context() as patch:  # a time no other revision has
        patch.setattr("weerbaar.store.edits.utcnow", lambda: CANARY_TIME)
        two = save(store, DRAFT, moved.model_copy(update={"marking": "confidential"}),
                   expected_revision=1, actor=CANARY_ACTOR, reason=CANARY_REASON)
    assert two == 2
    assert save(store, DRAFT, moved.model_copy(update={"marking": "internal"}),
                expected_revision=2, actor="test", reason="lowered to internal") == 3
    stored = get(store, DRAFT, "scenario", EXPERT_SCENARIO)
    secret = ExpertScore(expert="wulp", likelihood=stored.item.likelihood, marking="secret")
    save(store, DRAFT, stored.item.model_copy(update={"experts": (secret,)}),
         expected_revision=stored.revision, actor=EXPERT_ACTOR, reason=EXPERT_REASON)
    for name, (role, clearance) in USERS.items():
        accounts.add_user(store, OPERATOR, name, password(name), must_change_password=False)
        for cycle in (DRAFT, FROZEN):
            accounts.grant(store, OPERATOR, name, role, cycle=cycle, clearance=clearance)


@pytest.fixture(scope="module")
def marked(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("redaction") / "marked.sqlite"
    shutil.copyfile(template_db, path)
    store = open_store(str(path))
    try:
        _mark(store)
    finally:
        store.dispose()
    return path


@pytest.fixture(scope="module")
def site(marked: Path) -> Iterator[dict[str, TestClient]]:
    store = open_store(str(marked))
    app = create_app(store)
    clients = {}
    for name in USERS:
        client = TestClient(app)
        response = client.post("/api/v1/login",
                               json={"username": name, "password": password(name)})
        assert response.status_code == 200, response.text
        client.headers["X-CSRF-Token"] = response.json()["csrf"]
        clients[name] = client
    yield clients
    for client in clients.values():
        client.close()
    store.dispose()


# --- the use case ---------------------------------------------------------------------------


def test_the_history_keeps_the_number_and_redacts_the_rest(marked: Path) -> None:
    store = open_store(str(marked))
    try:
        low = item_history(store, Viewer.operator("t", clearance="internal"), DRAFT, "scenario",
                           SCENARIO)
        everything = item_history(store, OPERATOR, DRAFT, "scenario", SCENARIO)
    finally:
        store.dispose()
    assert [r.number for r in low] == [1, 2, 3]
    assert [r.redacted for r in low] == [False, True, False]
    assert (low[1].actor, low[1].reason, low[1].created_at) == (None, None, None)
    assert low[2].reason == "lowered to internal" and low[2].actor == "test"
    assert (everything[1].actor, everything[1].reason, everything[1].created_at) == (
        CANARY_ACTOR, CANARY_REASON, CANARY_TIME)
    assert not any(r.redacted for r in everything)
    assert not hasattr(low[1], "snapshot")  # the snapshots never leave the service


# --- the channels ---------------------------------------------------------------------------


def test_api_history_redacts_the_confidential_revision(site: dict[str, TestClient]) -> None:
    low = site["low"].get(f"{API}/scenarios/{SCENARIO}/history")
    assert low.status_code == 200
    assert leaked(low.text) == []
    entries = low.json()
    assert entries[1] == {"revision": 2, "actor": None, "reason": None, "at": None,
                          "redacted": True}
    assert entries[2]["reason"] == "lowered to internal" and not entries[2]["redacted"]
    high = site["high"].get(f"{API}/scenarios/{SCENARIO}/history").json()
    assert high[1]["reason"] == CANARY_REASON and high[1]["actor"] == CANARY_ACTOR
    assert high[1]["at"].startswith("1999-12-31T23:58:07") and high[1]["redacted"] is False


@pytest.mark.parametrize("lang,word", [("en", "(redacted)"), ("nl", "(afgeschermd)")])
def test_the_scenario_page_redacts_the_confidential_revision(
        site: dict[str, TestClient], lang: str, word: str) -> None:
    low = site["low"].get(f"/cycles/{DRAFT}/scenarios/{SCENARIO}", params={"lang": lang})
    assert low.status_code == 200
    assert leaked(low.text) == []
    assert low.text.count(word) == 1
    high = site["high"].get(f"/cycles/{DRAFT}/scenarios/{SCENARIO}", params={"lang": lang})
    assert leaked(high.text, (CANARY_REASON, CANARY_ACTOR, "1999-12-31 23:58")) == [
        CANARY_REASON, CANARY_ACTOR, "1999-12-31 23:58"]
    assert word not in high.text


def test_a_revision_with_a_hidden_expert_score_is_redacted(site: dict[str, TestClient]) -> None:
    low = site["low"].get(f"{API}/scenarios/{EXPERT_SCENARIO}/history")
    assert leaked(low.text) == [] and low.json()[-1]["redacted"] is True
    page = site["low"].get(f"/cycles/{DRAFT}/scenarios/{EXPERT_SCENARIO}",
                           params={"lang": "en"})
    assert leaked(page.text) == [] and "wulp" not in page.text
    assert page.text.count("(redacted)") == 2  # the history row and the current revision
    high = site["high"].get(f"{API}/scenarios/{EXPERT_SCENARIO}/history").json()
    assert high[-1]["reason"] == EXPERT_REASON and high[-1]["actor"] == EXPERT_ACTOR


def test_the_comparison_leaves_out_the_redacted_reason(site: dict[str, TestClient],
                                                        marked: Path) -> None:
    for url in (f"{API}/compare", f"/cycles/{DRAFT}/compare"):
        low = site["low"].get(url)
        assert low.status_code == 200, url
        assert leaked(low.text) == [], url
        assert CANARY_REASON in site["high"].get(url).text, url
    low = site["low"].get(f"{API}/compare").json()
    flood = next(i for i in low["items"] if i["key"] == SCENARIO)
    assert flood["reasons"] == ["lowered to internal"]
    store = open_store(str(marked))
    try:
        result = compare_cycles(store, Viewer.operator("t", clearance="internal"), DRAFT)
        assert {m.scenario: m.reasons for m in result.moves}[SCENARIO] == (
            "lowered to internal",)
        result = compare_cycles(store, OPERATOR, DRAFT)
        assert {m.scenario: m.reasons for m in result.moves}[SCENARIO] == (
            CANARY_REASON, "lowered to internal")
    finally:
        store.dispose()


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_the_web_report_leaves_out_the_redacted_reason(site: dict[str, TestClient],
                                                       fmt: str) -> None:
    def report(name: str) -> str:
        response = site[name].get(f"/cycles/{DRAFT}/report", params={"format": fmt})
        assert response.status_code == 200, response.text[:300]
        if fmt == "html":
            return response.text
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content))
        return json.dumps([[c.value for c in row] for ws in book.worksheets
                           for row in ws.iter_rows()], default=str)

    assert leaked(report("low")) == []
    assert CANARY_REASON in report("high")


def test_the_command_line_redacts_with_a_clearance(marked: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.sqlite"
    shutil.copyfile(marked, db)
    capsys.readouterr()
    assert main(["history", "list", DRAFT, SCENARIO, "--clearance", "internal",
                 "--db", str(db)]) == 0
    low = capsys.readouterr().out
    assert leaked(low) == [] and "(redacted)" in low
    assert main(["history", "list", DRAFT, SCENARIO, "--db", str(db)]) == 0
    everything = " ".join(capsys.readouterr().out.split())
    assert CANARY_REASON in everything and CANARY_ACTOR in everything
    assert "1999-12-31 23:58:07" in everything
    for tag, extra in (("low", ["--clearance", "internal"]), ("all", [])):
        assert main(["report", DRAFT, "--format", "html", "--out", str(tmp_path / tag),
                     "--db", str(db), *extra]) == 0
    low_report = next((tmp_path / "low").glob("*.html")).read_text(encoding="utf-8")
    all_report = next((tmp_path / "all").glob("*.html")).read_text(encoding="utf-8")
    assert leaked(low_report) == []
    assert CANARY_REASON in all_report
