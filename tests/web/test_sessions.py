"""Expert sessions that never lose or wrongly change a score (issue 15, point 4): the rules of
``weerbaar.services.sessions`` through the service, the pages and the API.

1. only users with the expert role (or higher) on the cycle can be invited; every refusal named;
2. drafts kept exactly as typed (table ``expert_drafts``, migration 0007);
3. a submission needs every scored criterion complete (EV, LL, UL, or EV with "same");
4. experts revise until the session ends (the audit log keeps each submission);
5. closing without submissions changes nothing; closing keeps the experts' scores of earlier
   sessions and those above the coordinator's clearance;
6. one open session per scenario; cancelling writes nothing;
7. every refused form comes back with what was typed and the messages at the fields;
8. the session list shows scenario titles, the session page the cycle navigation;
9. the new texts in Dutch and English.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, select, text
from tests.operator_support import OPERATOR

from weerbaar.domain import SessionStatus
from weerbaar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from weerbaar.i18n import texts
from weerbaar.services import accounts
from weerbaar.services.sessions import (
    RefusedExperts,
    cancel_session,
    close_session,
    complete_scores,
    get_session,
    list_sessions,
    open_session,
    save_draft,
    submit_scores,
)
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, get, open_store, save, upgrade
from weerbaar.store import accounts as account_store
from weerbaar.store import expert_sessions as session_store
from weerbaar.store.schema import audit_log
from weerbaar.web.forms import FormErrors
from weerbaar.web.session_form import draft_fields, expert_fields, expert_scores

from .support import DRAFT, form_fields

Client = Callable[[str], TestClient]
SCENARIO = "trade-war"
EN = texts("en")
PASSWORD = "quiet-orchid-lantern-57"


def viewer(store: Store, name: str) -> Viewer:
    return Viewer.of(account_store.get_user(store, name), channel="page")


def scenario(store: Store, key: str = SCENARIO) -> tuple[Any, int]:
    stored = get(store, DRAFT, "scenario", key)
    return stored.item, stored.revision


def agreed_input(store: Store) -> dict[str, Any]:
    """The scenario's own scores in file form (what an unchanged close form sends)."""
    from weerbaar.services.scenarios import get_scenario

    found = get_scenario(store, OPERATOR, DRAFT, SCENARIO).input
    return {k: v for k, v in found.items() if k in ("impact", "likelihood")}


def expert_of(item: Any, name: str) -> Any:
    return next(e for e in item.experts if e.expert == name)


def page_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def english(client: TestClient) -> TestClient:
    """The client's pages in English from now on (the language cookie)."""
    assert client.get("/profiles?lang=en").status_code == 200
    return client


POINT = {"ev": "C", "same": True}  # a complete row without a range
RANGE = {"ev": "C", "ll": "B", "ul": "D"}


# --- 1. who can be invited -------------------------------------------------------------------


def test_only_existing_experts_or_higher_are_invited_and_each_refusal_is_named(
        store: Store) -> None:
    accounts.add_user(store, OPERATOR, "nora", PASSWORD)
    accounts.grant(store, OPERATOR, "nora", "expert", cycle="nvs-2019")  # another cycle only
    accounts.add_user(store, OPERATOR, "dirk", PASSWORD)
    accounts.grant(store, OPERATOR, "dirk", "expert", cycle=DRAFT)
    accounts.set_disabled(store, OPERATOR, "dirk", True)
    cora = viewer(store, "cora")
    with pytest.raises(RefusedExperts) as caught:
        open_session(store, cora, DRAFT, SCENARIO, ["eva", "vic", "ghost", "nora", "dirk"])
    assert caught.value.refused == {"dirk": "disabled", "ghost": "unknown", "nora": "no-role",
                                    "vic": "viewer"}
    assert caught.value.location == ["experts"]
    for name in ("dirk", "ghost", "nora", "vic"):
        assert name in caught.value.message
    assert list_sessions(store, cora, DRAFT).sessions == ()  # nothing opened
    # the expert role or higher (analyst, coordinator) on the cycle, through "*" too
    opened = open_session(store, cora, DRAFT, SCENARIO, ["eva", "ann", "cora"])
    assert opened.experts == ("ann", "cora", "eva")


def test_an_expert_cleared_below_the_scenario_marking_is_refused(store: Store) -> None:
    item, revision = scenario(store)
    save(store, DRAFT, item.model_copy(update={"marking": "confidential"}),
         expected_revision=revision, actor="test")
    accounts.add_user(store, OPERATOR, "hilde", PASSWORD)
    accounts.grant(store, OPERATOR, "hilde", "coordinator", cycle=DRAFT,
                   clearance="confidential")
    with pytest.raises(RefusedExperts) as caught:  # eva's clearance: the default (internal)
        open_session(store, viewer(store, "hilde"), DRAFT, SCENARIO, ["eva"])
    assert caught.value.refused == {"eva": "clearance"}


def test_the_open_form_names_each_refused_expert_at_the_field(client_for: Client) -> None:
    cora = english(client_for("cora"))
    values = form_fields(cora.get(f"/cycles/{DRAFT}/sessions").text, "open-form")
    values.update({"scenario": "flooding-coast", "experts": "eva, vic, ghost"})
    refused = cora.post(f"/cycles/{DRAFT}/sessions", data=values)
    assert refused.status_code == 422
    again = form_fields(refused.text, "open-form")
    assert again["experts"] == "eva, vic, ghost" and again["scenario"] == "flooding-coast"
    assert re.search(r'<input id="experts"[^>]*aria-invalid="true" '
                     r'aria-describedby="experts-err"', refused.text)
    message = page_text(re.search(r'<span id="experts-err"[^>]*>(.*?)</span>',
                                  refused.text, re.S).group(1))
    assert message == ("ghost: no such user; vic: has only the viewer role on this cycle; "
                       "experts need the expert role or higher")
    dutch = cora.post(f"/cycles/{DRAFT}/sessions?lang=nl", data=values)
    assert "ghost: deze gebruiker bestaat niet" in page_text(dutch.text)


# --- 2. drafts, kept as typed -----------------------------------------------------------------


def test_a_draft_is_kept_exactly_as_typed_and_only_for_its_expert(store: Store) -> None:
    cora, eva, ed = (viewer(store, n) for n in ("cora", "eva", "ed"))
    sid = open_session(store, cora, DRAFT, SCENARIO, ["eva", "ed"]).id
    typed = {"1.2-ev": " c ", "1.2-reasoning": "first line\nsecond", "likelihood-ll": "Q"}
    first = save_draft(store, eva, sid, typed)
    shown = get_session(store, eva, sid)
    assert shown.draft is not None and shown.draft.fields == typed
    assert shown.draft.saved_at == first and shown.unsubmitted_draft
    assert shown.session.submitted == ()  # a draft is no submission
    assert get_session(store, ed, sid).draft is None  # nobody else's draft is shown
    assert get_session(store, cora, sid).draft is None
    save_draft(store, eva, sid, {"2.1-ul": "E"})
    assert get_session(store, eva, sid).draft.fields == {"2.1-ul": "E"}  # replaced
    with pytest.raises(PermissionDenied, match="not an expert in session"):
        save_draft(store, viewer(store, "ann"), sid, typed)
    with pytest.raises(InvalidInput):
        save_draft(store, eva, sid, {"x": "y" * 10_001})


def test_save_draft_on_the_page_and_the_form_reopens_with_it(client_for: Client,
                                                             store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    eva = english(client_for("eva"))
    values = form_fields(eva.get(f"/sessions/{sid}").text, "expert-form")
    values.update({"1.2-ev": "C-high", "1.2-reasoning": "not sure yet\r\nthinking",
                   "3.2-ll": "B", "likelihood-probability": "0,05", "action": "draft"})
    saved = eva.post(f"/sessions/{sid}/submit", data=values, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?draft=saved")
    page = eva.get(saved.headers["location"]).text
    assert "Draft saved." in page and 'id="draft-state"' in page
    again = form_fields(page, "expert-form")
    assert again["1.2-ev"] == "C-high" and again["3.2-ll"] == "B"
    assert again["1.2-reasoning"].replace("\r\n", "\n") == "not sure yet\nthinking"
    assert again["likelihood-probability"] == "0,05"
    assert get_session(store, OPERATOR, sid).session.submitted == ()


def test_the_expert_drafts_migration_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    import os

    targets = [f"sqlite:///{tmp_path / 'm.sqlite'}"]
    pg = os.environ.get("WEERBAAR_TEST_PG", "")
    schema = "wb_drafts_" + os.urandom(4).hex()
    if pg and pg != "off":
        base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in base else "?"
        targets.append(f"{base}{sep}options=-csearch_path%3D{schema}")
    try:
        for url in targets:
            store = open_store(url, check_schema=False)
            try:
                upgrade(store.engine, "0006")
                assert "expert_drafts" not in inspect(store.engine).get_table_names()
                upgrade(store.engine)
                assert "expert_drafts" in inspect(store.engine).get_table_names()
                columns = {c["name"] for c in inspect(store.engine).get_columns("expert_drafts")}
                assert columns == {"id", "session_id", "expert", "fields", "saved_at"}
                config = Config()
                config.set_main_option("script_location", str(
                    Path(__import__("weerbaar.store", fromlist=["x"]).__file__).parent
                    / "migrations"))
                config.attributes["engine"] = store.engine
                command.downgrade(config, "0006")
                assert "expert_drafts" not in inspect(store.engine).get_table_names()
                upgrade(store.engine)
                assert "expert_drafts" in inspect(store.engine).get_table_names()
            finally:
                store.dispose()
    finally:
        if len(targets) > 1:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


# --- 3. complete submissions -----------------------------------------------------------------


def test_complete_scores_rule() -> None:
    assert complete_scores({"impact": {"1.2": POINT}}) == {
        "impact": {"1.2": {"ev": "C", "ll": "C", "ul": "C"}}}
    assert complete_scores({"impact": {"1.2": RANGE}})["impact"]["1.2"] == RANGE
    assert complete_scores({"impact": {"1.2": "C"}, "likelihood": {"probability": 0.1}}) == {
        "impact": {"1.2": "C"}, "likelihood": {"probability": 0.1}}
    for scores, where in (({"impact": {"1.2": {"ev": "C"}}}, ["impact", "1.2", "ll"]),
                          ({"impact": {"1.2": {"ev": "C", "ll": "B"}}}, ["impact", "1.2", "ul"]),
                          ({"impact": {"1.2": {"ll": "B", "ul": "C"}}}, ["impact", "1.2", "ev"]),
                          ({"impact": {"1.2": {"ev": "C", "ul": "", "ll": "C"}}},
                           ["impact", "1.2", "ul"]),
                          ({"likelihood": {"ev": "C", "ll": "B", "same": True}},
                           ["likelihood", "ll"]),
                          ({"impact": {"1.2": {"ev": "C", "same": "yes"}}},
                           ["impact", "1.2", "same"]),
                          ({}, ["impact"]), ({"impact": {}, "likelihood": None}, ["impact"])):
        with pytest.raises(InvalidInput) as caught:
            complete_scores(scores)
        assert caught.value.location == where, scores


def test_the_expert_form_parses_same_and_reports_each_incomplete_row() -> None:
    criteria = ["1.2", "3.2", "4.1"]
    ok = expert_scores({"1.2-ev": "C", "1.2-same": "1", "3.2-ev": "B", "3.2-ll": "A",
                        "3.2-ul": "C", "3.2-reasoning": "why", "likelihood-probability": "0,02"},
                       criteria, EN)
    assert ok == {"impact": {"1.2": {"ev": "C", "same": True},
                             "3.2": {"ev": "B", "ll": "A", "ul": "C", "reasoning": "why"}},
                  "likelihood": {"probability": 0.02}}
    with pytest.raises(FormErrors) as caught:
        expert_scores({"1.2-ev": "C", "3.2-reasoning": "only words", "4.1-ev": "B",
                       "4.1-ll": "A", "4.1-same": "1", "likelihood-ev": "C",
                       "likelihood-probability": "0.1"}, criteria, EN)
    assert set(caught.value.fields) == {"1.2-ll", "1.2-ul", "3.2-ev", "4.1-ll", "likelihood-ev"}
    assert caught.value.fields["1.2-ll"].startswith("Give the lower limit (LL), or tick")
    with pytest.raises(FormErrors) as caught:
        expert_scores({"likelihood-probability": "often"}, criteria, EN)
    assert set(caught.value.fields) == {"likelihood-probability"}
    with pytest.raises(FormErrors) as caught:
        expert_scores({"csrf_token": "x"}, criteria, EN)
    assert caught.value.fields == {"form": "Score at least one criterion or the likelihood."}
    # a submission shown again: a row without a range is its EV with "same" ticked
    assert expert_fields({"impact": {"1.2": "C", "3.2": RANGE}, "likelihood": "D"}) == {
        "1.2-ev": "C", "1.2-same": "1", "3.2-ev": "C", "3.2-ll": "B", "3.2-ul": "D",
        "likelihood-ev": "D", "likelihood-same": "1"}
    assert draft_fields({"1.2-ev": " x ", "csrf_token": "t", "action": "draft", "1.2-ll": ""},
                        criteria) == {"1.2-ev": " x "}


def test_a_partial_row_is_refused_at_its_field_and_everything_typed_stays(
        client_for: Client, store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    eva = english(client_for("eva"))
    values = form_fields(eva.get(f"/sessions/{sid}").text, "expert-form")
    typed = {"1.2-ev": "C", "1.2-reasoning": "only the EV", "3.2-ev": "B", "3.2-ll": "A",
             "3.2-ul": "C", "4.1-ev": "D", "4.1-same": "1", "likelihood-ev": "C",
             "likelihood-ll": "B", "likelihood-ul": "D", "likelihood-reasoning": "two\nlines"}
    refused = eva.post(f"/sessions/{sid}/submit", data={**values, **typed})
    assert refused.status_code == 422
    again = form_fields(refused.text, "expert-form")
    for key, value in typed.items():
        assert again[key].replace("\r\n", "\n") == value, key
    for key in ("1.2-ll", "1.2-ul"):
        assert re.search(rf'<input id="x-{re.escape(key)}"[^>]*aria-invalid="true" '
                         rf'aria-describedby="x-{re.escape(key)}-err"', refused.text), key
        assert re.search(rf'<span id="x-{re.escape(key)}-err" class="field-error">Give the',
                         refused.text)
    assert 'aria-invalid' not in re.search(r'<input id="x-3\.2-ev"[^>]*>', refused.text).group(0)
    assert 'id="expert-errors"' in refused.text and "Nothing was submitted." in refused.text
    assert get_session(store, OPERATOR, sid).session.submitted == ()
    # the same fields with "same" ticked for 1.2 are a complete submission
    done = eva.post(f"/sessions/{sid}/submit", data={**values, **typed, "1.2-same": "1"},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?submitted=1")
    own = get_session(store, viewer(store, "eva"), sid).own
    assert own is not None and set(own.score.impact) == {"1.2", "3.2", "4.1"}
    assert own.score.impact["1.2"].range.ll == own.score.impact["1.2"].range.ev == 3.0
    assert own.score.impact["1.2"].reasoning == "only the EV"


# --- 4. revising --------------------------------------------------------------------------------


def test_an_expert_revises_until_the_session_ends_and_the_audit_log_keeps_each(
        store: Store) -> None:
    cora, eva = viewer(store, "cora"), viewer(store, "eva")
    sid = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
    assert submit_scores(store, eva, sid, {"impact": {"1.2": POINT}}) is False
    assert submit_scores(store, eva, sid, {"impact": {"1.2": RANGE}}) is True
    shown = get_session(store, cora, sid)
    assert [s.expert for s in shown.submissions] == ["eva"]  # replaced, not added
    assert shown.submissions[0].score.impact["1.2"].range.ll == 2.0
    with store.read() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.detail).where(
            audit_log.c.entity_type == "session", audit_log.c.entity_key == str(sid))
            .order_by(audit_log.c.id)).all()
    assert [r.action for r in rows] == ["open", "submit", "revise"]
    assert [r.detail["score"]["impact"]["1.2"]["range"]["ll"] for r in rows[1:]] == [3.0, 2.0]
    close_session(store, cora, sid, agreed_input(store), expected_revision=scenario(store)[1])
    with pytest.raises(Conflict, match="closed"):
        submit_scores(store, eva, sid, {"impact": {"1.2": POINT}})
    with pytest.raises(Conflict, match="closed"):
        save_draft(store, eva, sid, {"1.2-ev": "A"})


# --- 5. closing ---------------------------------------------------------------------------------


def test_closing_without_submissions_changes_no_score_and_says_so(client_for: Client,
                                                                  store: Store) -> None:
    first_sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva", "ed"]).id
    submit_scores(store, viewer(store, "eva"), first_sid, {"impact": {"1.2": RANGE}})
    close_session(store, OPERATOR, first_sid, agreed_input(store),
                  expected_revision=scenario(store)[1])
    before, revision = scenario(store)
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva", "ed"]).id
    cora = english(client_for("cora"))
    page = cora.get(f"/sessions/{sid}").text
    assert 'id="no-submissions"' in page
    agreed = form_fields(page, "agree-form")
    agreed.update({"1.2-ev": "E", "1.2-ll": "E", "1.2-ul": "E"})  # ignored: nobody submitted
    closed = cora.post(f"/sessions/{sid}/close", data=agreed, follow_redirects=False)
    assert closed.status_code == 303 and closed.headers["location"].endswith("?closed=unchanged")
    after, now = scenario(store)
    assert (after, now) == (before, revision)  # the earlier session's expert scores too
    assert [e.expert for e in after.experts] == ["eva"]
    page = cora.get(closed.headers["location"]).text
    assert "Closed without any submission: no score was changed." in page
    session = get_session(store, OPERATOR, sid).session
    assert session.status is SessionStatus.CLOSED and session.agreed_revision is None
    # the API says so too
    other = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    api = client_for("cora").post(f"/api/v1/sessions/{other}/close", json={
        "scenario": agreed_input(store), "expected_revision": revision})
    assert api.json() == {"revision": revision, "changed": False, "submitted": []}
    assert scenario(store) == (before, revision)


def test_closing_keeps_the_experts_of_an_earlier_session_who_did_not_score_again(
        store: Store) -> None:
    cora, eva, ed = (viewer(store, n) for n in ("cora", "eva", "ed"))
    first = open_session(store, cora, DRAFT, SCENARIO, ["eva", "ed"]).id
    submit_scores(store, eva, first, {"impact": {"1.2": RANGE}})
    submit_scores(store, ed, first, {"impact": {"1.2": {"ev": "A", "same": True}},
                                     "likelihood": {"ev": "B", "same": True}})
    close_session(store, cora, first, agreed_input(store), expected_revision=scenario(store)[1])
    ed_before = expert_of(scenario(store)[0], "ed")
    # the second session: ed is invited but does not submit; eva scores again
    second = open_session(store, cora, DRAFT, SCENARIO, ["eva", "ed"]).id
    submit_scores(store, eva, second, {"impact": {"3.2": {"ev": "D", "same": True}}})
    _, revision = scenario(store)
    closed = close_session(store, cora, second, agreed_input(store),
                           expected_revision=revision)
    assert closed.changed and closed.revision == revision + 1 and closed.submitted == ("eva",)
    item, _ = scenario(store)
    assert [e.expert for e in item.experts] == ["ed", "eva"]
    assert expert_of(item, "ed") == ed_before  # kept as it was
    assert set(expert_of(item, "eva").impact) == {"3.2"}  # replaced by her new submission


def test_closing_keeps_expert_scores_above_the_coordinators_clearance(store: Store) -> None:
    cora, eva, ed = (viewer(store, n) for n in ("cora", "eva", "ed"))
    first = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, eva, first, {"impact": {"1.2": RANGE}})
    close_session(store, cora, first, agreed_input(store), expected_revision=scenario(store)[1])
    item, revision = scenario(store)
    secret = expert_of(item, "eva").model_copy(update={"marking": "confidential"})
    save(store, DRAFT, item.model_copy(update={"experts": (secret,)}),
         expected_revision=revision, actor="test")
    assert get_session(store, cora, first).stored.item.experts == ()  # cora cannot see it
    second = open_session(store, cora, DRAFT, SCENARIO, ["ed", "eva"]).id
    submit_scores(store, ed, second, {"impact": {"1.2": {"ev": "B", "same": True}}})
    closed = close_session(store, cora, second, agreed_input(store),
                           expected_revision=scenario(store)[1])
    item, _ = scenario(store)
    assert closed.changed and [e.expert for e in item.experts] == ["ed", "eva"]
    assert expert_of(item, "eva") == secret  # the hidden score, marking and all
    # a submission that would replace a hidden score is refused, naming the expert
    third = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, eva, third, {"impact": {"1.2": POINT}})
    with pytest.raises(PermissionDenied, match=r"'eva'.*above your clearance"):
        close_session(store, cora, third, agreed_input(store),
                      expected_revision=scenario(store)[1])
    assert expert_of(scenario(store)[0], "eva") == secret
    assert get_session(store, cora, third).is_open


@pytest.mark.parametrize("key", ["trade-war", "flooding-coast", "heatwave-drought"])
def test_an_unchanged_close_form_changes_no_agreed_score(client_for: Client, store: Store,
                                                         key: str) -> None:
    """Natural values, an annual probability and a probability with its horizon: closing with
    the close form as shown keeps every agreed score; only the expert's scores are added."""
    sid = open_session(store, viewer(store, "cora"), DRAFT, key, ["eva"]).id
    submit_scores(store, viewer(store, "eva"), sid, {"impact": {"1.2": POINT}})
    before, revision = scenario(store, key)
    cora = client_for("cora")
    form = form_fields(cora.get(f"/sessions/{sid}").text, "agree-form")
    closed = cora.post(f"/sessions/{sid}/close", data=form, follow_redirects=False)
    assert closed.status_code == 303, closed.text
    after, now = scenario(store, key)
    assert now == revision + 1 and [e.expert for e in after.experts] == ["eva"]
    assert after.model_copy(update={"experts": before.experts}) == before


def test_the_close_refuses_a_dropped_agreed_score_and_deletes_only_when_asked(
        store: Store) -> None:
    cora, eva = viewer(store, "cora"), viewer(store, "eva")
    sid = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, eva, sid, {"impact": {"1.2": RANGE}})
    agreed = agreed_input(store)
    dropped = next(iter(agreed["impact"]))
    without = {**agreed, "impact": {k: v for k, v in agreed["impact"].items() if k != dropped}}
    _, revision = scenario(store)
    with pytest.raises(InvalidInput) as caught:
        close_session(store, cora, sid, without, expected_revision=revision)
    assert caught.value.location == ["impact", dropped]
    assert scenario(store)[1] == revision and get_session(store, cora, sid).is_open
    close_session(store, cora, sid, without, expected_revision=revision,
                  delete=[f"impact.{dropped}"])
    assert dropped not in scenario(store)[0].impact


def test_a_submission_while_closing_is_a_conflict(store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, viewer(store, "eva"), sid, {"impact": {"1.2": RANGE}})
    item, revision = scenario(store)
    with pytest.raises(Conflict, match="submitted or revised"):
        session_store.close_session(store, sid, item, facilitator="cora",
                                    expected_revision=revision, seen={})
    assert scenario(store) == (item, revision)


def test_a_stale_close_form_keeps_what_was_typed_and_takes_the_other_save(
        client_for: Client, store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, viewer(store, "eva"), sid, {"impact": {"1.2": RANGE}})
    cora = english(client_for("cora"))
    form = form_fields(cora.get(f"/sessions/{sid}").text, "agree-form")
    # an analyst saves another likelihood meanwhile
    ann = client_for("ann")
    api = f"/api/v1/cycles/{DRAFT}/scenarios/{SCENARIO}"
    shown = ann.get(api).json()
    assert ann.put(api, json={"scenario": {**shown["input"], "likelihood": {
        "ev": "E", "ll": "D", "ul": "E"}}, "expected_revision": shown["revision"]}
                   ).status_code == 200
    form.update({"1.2-reasoning": "agreed in the room", "reason": "session"})
    stale = cora.post(f"/sessions/{sid}/close", data=form)
    assert stale.status_code == 409
    again = form_fields(stale.text, "agree-form")
    assert again["1.2-reasoning"] == "agreed in the room" and again["reason"] == "session"
    assert again["likelihood-ev"] == "E"  # taken from the other save, never overwritten
    assert again["expected_revision"] == str(shown["revision"] + 1)
    assert get_session(store, OPERATOR, sid).is_open
    closed = cora.post(f"/sessions/{sid}/close", data=again, follow_redirects=False)
    assert closed.status_code == 303
    item, _ = scenario(store)
    assert item.impact["1.2"].reasoning == "agreed in the room"
    assert item.likelihood is not None and item.likelihood.range.ev == 5.0


def test_a_refused_close_form_keeps_what_was_typed(client_for: Client, store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    submit_scores(store, viewer(store, "eva"), sid, {"impact": {"1.2": RANGE}})
    cora = english(client_for("cora"))
    form = form_fields(cora.get(f"/sessions/{sid}").text, "agree-form")
    form.update({"1.2-ev": "B", "1.2-ll": "", "1.2-ul": "C", "1.2-reasoning": "keep me",
                 "reason": "my reason"})
    refused = cora.post(f"/sessions/{sid}/close", data=form)
    assert refused.status_code == 422
    again = form_fields(refused.text, "agree-form")
    assert {k: again[k] for k in ("1.2-ev", "1.2-ll", "1.2-ul", "1.2-reasoning", "reason")} == \
        {"1.2-ev": "B", "1.2-ll": "", "1.2-ul": "C", "1.2-reasoning": "keep me",
         "reason": "my reason"}
    assert re.search(r'<input id="1\.2-ll"[^>]*aria-invalid="true" '
                     r'aria-describedby="1\.2-ll-err"', refused.text)
    assert 'href="/cycles/midterm-2021/scenarios"' in refused.text  # the cycle navigation
    assert get_session(store, OPERATOR, sid).is_open


# --- 6. one open session, cancelling ------------------------------------------------------------


def test_one_open_session_per_scenario_and_cancelling(store: Store) -> None:
    cora, eva = viewer(store, "cora"), viewer(store, "eva")
    first = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
    with pytest.raises(Conflict, match=rf"open expert session already \(#{first}\)") as caught:
        open_session(store, cora, DRAFT, SCENARIO, ["ed"])
    assert caught.value.current == {"session": first}
    other = open_session(store, cora, DRAFT, "flooding-coast", ["ed"])  # another scenario: fine
    save_draft(store, eva, first, {"1.2-ev": "B"})
    submit_scores(store, eva, first, {"impact": {"1.2": RANGE}})
    save_draft(store, eva, first, {"1.2-ev": "A"})
    before = scenario(store)
    with pytest.raises(PermissionDenied, match="coordinator or the session's facilitator"):
        cancel_session(store, viewer(store, "ann"), first)
    cancelled = cancel_session(store, cora, first, reason="postponed")
    assert cancelled.status is SessionStatus.CANCELLED and cancelled.agreed_revision is None
    assert scenario(store) == before  # nothing written
    assert session_store.draft(store, first, "eva").fields == {"1.2-ev": "A"}  # kept
    for attempt in (lambda: submit_scores(store, eva, first, {"impact": {"1.2": POINT}}),
                    lambda: save_draft(store, eva, first, {}),
                    lambda: cancel_session(store, cora, first),
                    lambda: close_session(store, cora, first, agreed_input(store),
                                          expected_revision=before[1])):
        with pytest.raises(Conflict, match="cancelled"):
            attempt()
    assert not get_session(store, eva, first).may_submit
    # a new session may be opened on the scenario now
    assert open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id > other.id


def test_the_facilitator_may_cancel_without_the_coordinator_role(store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    accounts.grant(store, OPERATOR, "cora", "viewer", cycle=DRAFT)  # no longer a coordinator
    assert cancel_session(store, viewer(store, "cora"), sid).status is SessionStatus.CANCELLED


def test_open_and_cancel_on_the_pages(client_for: Client, store: Store) -> None:
    cora = english(client_for("cora"))
    values = form_fields(cora.get(f"/cycles/{DRAFT}/sessions").text, "open-form")
    values.update({"scenario": SCENARIO, "experts": "eva"})
    opened = cora.post(f"/cycles/{DRAFT}/sessions", data=values, follow_redirects=False)
    session = opened.headers["location"]
    values["experts"] = "ed, eva"
    twice = cora.post(f"/cycles/{DRAFT}/sessions", data=values)
    assert twice.status_code == 409
    assert form_fields(twice.text, "open-form")["experts"] == "ed, eva"
    assert f'href="{session}"' in twice.text
    assert re.search(r'<select id="scenario"[^>]*aria-invalid="true"', twice.text)
    before = scenario(store)
    cancel = form_fields(cora.get(session).text, "cancel-form")
    cancel["cancel-reason"] = "postponed"
    done = cora.post(f"{session}/cancel", data=cancel, follow_redirects=False)
    assert done.status_code == 303
    page = cora.get(done.headers["location"]).text
    assert '<strong id="session-status">cancelled</strong>' in page
    assert "Cancelled: nothing was written to the scenario." in page
    assert 'id="agree-form"' not in page and 'id="cancel-form"' not in page
    assert scenario(store) == before
    again = cora.post(f"{session}/cancel", data=cancel)
    assert again.status_code == 409 and "has been cancelled" in again.text
    # the expert's form is gone; what she posts is refused and shown back to her
    eva = english(client_for("eva"))
    assert 'id="expert-form"' not in eva.get(session).text
    late = eva.post(f"{session}/submit", data={"csrf_token": cancel["csrf_token"]})
    assert late.status_code == 403  # the CSRF token is cora's
    token = re.search(r'name="csrf_token" value="([^"]+)"', eva.get(session).text).group(1)
    late = eva.post(f"{session}/submit", data={"csrf_token": token,
                                               "1.2-ev": "C", "1.2-same": "1"})
    assert late.status_code == 409 and "has been cancelled" in late.text
    assert form_fields(late.text, "expert-form")["1.2-ev"] == "C"


# --- 8. titles and navigation ------------------------------------------------------------------


def test_the_list_shows_titles_and_the_session_page_the_cycle_navigation(
        client_for: Client, store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    title = scenario(store)[0].title
    vic = client_for("vic")
    listing = vic.get(f"/cycles/{DRAFT}/sessions").text
    row = re.search(rf'<tr><td><a href="/sessions/{sid}">{sid}</a></td><td>(.*?)</td>',
                    listing).group(1)
    assert page_text(row).strip() == title
    page = vic.get(f"/sessions/{sid}").text
    nav = re.search(r'<nav aria-label="main">(.*?)</nav>', page, re.S).group(1)
    for part in ("scenarios", "sessions", "reviews", "measures"):
        assert f'href="/cycles/{DRAFT}/{part}"' in nav
    assert 'id="expert-form"' not in page and 'id="cancel-form"' not in page


# --- 9. translations -----------------------------------------------------------------------------


def test_the_session_page_speaks_dutch_and_english(client_for: Client, store: Store) -> None:
    sid = open_session(store, viewer(store, "cora"), DRAFT, SCENARIO, ["eva"]).id
    eva = client_for("eva")
    dutch = eva.get(f"/sessions/{sid}?lang=nl").text
    assert "Concept opslaan" in dutch and "Gelijk" in dutch
    assert "Save draft" not in dutch
    english_page = eva.get(f"/sessions/{sid}?lang=en").text
    assert "Save draft" in english_page and "Submit" in english_page


def test_an_unknown_session_is_not_found_for_every_use_case(store: Store) -> None:
    eva = viewer(store, "eva")
    for attempt in (lambda: get_session(store, eva, 999),
                    lambda: save_draft(store, eva, 999, {}),
                    lambda: submit_scores(store, eva, 999, {"impact": {"1.2": POINT}}),
                    lambda: cancel_session(store, viewer(store, "cora"), 999)):
        with pytest.raises(NotFound, match="no expert session 999"):
            attempt()


# --- the same rules on PostgreSQL ---------------------------------------------------------------


@pytest.mark.postgresql
def test_the_session_rules_hold_on_postgresql() -> None:
    """Open (one per scenario), draft, submit, revise, close keeping an earlier session's
    expert, close without submissions, cancel: on a PostgreSQL database (WEERBAAR_TEST_PG)."""
    import os

    from weerbaar.services.cycles import load_examples

    pg = os.environ.get("WEERBAAR_TEST_PG", "")
    if not pg or pg == "off":
        pytest.skip("PostgreSQL tests disabled (WEERBAAR_TEST_PG=off or unset)")
    base = pg.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = "wb_sessions_" + os.urandom(4).hex()
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    store = open_store(f"{base}{sep}options=-csearch_path%3D{schema}", check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, OPERATOR)
        for name, role in (("cora", "coordinator"), ("eva", "expert"), ("ed", "expert")):
            accounts.add_user(store, OPERATOR, name, PASSWORD)
            accounts.grant(store, OPERATOR, name, role)
        cora, eva, ed = (viewer(store, n) for n in ("cora", "eva", "ed"))
        first = open_session(store, cora, DRAFT, SCENARIO, ["eva", "ed"]).id
        with pytest.raises(Conflict):
            open_session(store, cora, DRAFT, SCENARIO, ["eva"])
        save_draft(store, eva, first, {"1.2-ev": "C"})
        assert get_session(store, eva, first).draft.fields == {"1.2-ev": "C"}
        submit_scores(store, eva, first, {"impact": {"1.2": POINT}})
        assert submit_scores(store, eva, first, {"impact": {"1.2": RANGE}}) is True
        submit_scores(store, ed, first, {"impact": {"1.2": POINT}})
        close_session(store, cora, first, agreed_input(store),
                      expected_revision=scenario(store)[1])
        second = open_session(store, cora, DRAFT, SCENARIO, ["eva"]).id
        submit_scores(store, eva, second, {"impact": {"3.2": POINT}})
        close_session(store, cora, second, agreed_input(store),
                      expected_revision=scenario(store)[1])
        item, revision = scenario(store)
        assert [e.expert for e in item.experts] == ["ed", "eva"]
        assert set(expert_of(item, "eva").impact) == {"3.2"}
        third = open_session(store, cora, DRAFT, SCENARIO, ["ed"]).id
        assert not close_session(store, cora, third, agreed_input(store),
                                 expected_revision=revision).changed
        fourth = open_session(store, cora, DRAFT, SCENARIO, ["ed"]).id
        assert cancel_session(store, cora, fourth).status is SessionStatus.CANCELLED
        assert scenario(store) == (item, revision)
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
