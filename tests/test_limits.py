"""Limits on input, known answers: every text has a maximum length, ids are slugs, natural-unit
values are finite and of a sane size, user names have a pattern and are unique regardless of
case, passwords follow the policy (NIST SP 800-63B); each refusal names the field."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError
from tests.operator_support import OPERATOR

from weerbaar.domain import CycleKind, Measure, Scenario, Theme, ThemeReview
from weerbaar.domain.limits import (
    ID_PATTERN,
    LONG_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    VALUE_MAX,
    id_problem,
    stored_data,
    username_problem,
)
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.io import load_workspace
from weerbaar.io.workspace import example_text, resolve_scenario
from weerbaar.methods.registry import get_profile
from weerbaar.services import accounts
from weerbaar.services.cycles import import_cycle
from weerbaar.services.passwords import MAX_PASSWORD, common_passwords, password_problem
from weerbaar.store import Store, open_store, upgrade


def _problem(exc: ValidationError) -> tuple[tuple[Any, ...], str]:
    first = exc.errors()[0]
    return tuple(first["loc"]), first["msg"]


# --- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["../../etc/passwd", "..", ".", "a/b", "a\\b", "-x", "_x",
                                   "has space", "x" * 101, "", "é", "a\n", "trade-war\n"])
def test_an_id_that_is_not_a_slug_is_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Measure(id=value, title="t")
    loc, msg = _problem(caught.value)
    assert loc == ("id",) and "is not an id" in msg and "starting with a letter or digit" in msg


@pytest.mark.parametrize("value", ["trade-war", "2.1", "A", "x" * 100, "nvs_2019.v2"])
def test_slugs_are_ids(value: str) -> None:
    assert id_problem(value) is None and Measure(id=value, title="t").id == value


def test_every_id_of_the_shipped_examples_is_a_slug() -> None:
    import re

    pattern = re.compile(ID_PATTERN)
    for name in ("nvs-2019", "midterm-2021"):
        data = yaml.safe_load(example_text(name))
        ids = [t["id"] for t in data["themes"]] + [
            c["id"] for t in data["themes"] for c in t.get("risk_categories", [])]
        ids += [s["id"] for s in data["scenarios"]] + [m["id"] for m in data["measures"]]
        assert ids and all(pattern.fullmatch(i) for i in ids), name
        assert load_workspace(f"example:{name}").scenarios  # loads within every limit


def test_ids_in_lists_and_dict_keys_are_checked_where_they_are() -> None:
    with pytest.raises(ValidationError) as caught:
        Measure(id="m", title="t", themes=("ok", "../x"))
    assert _problem(caught.value)[0] == ("themes", 1)
    with pytest.raises(ValidationError) as caught:
        ThemeReview(theme="t", footnotes={"a b": "note"})
    assert _problem(caught.value)[0][:2] == ("footnotes", "a b")


# --- lengths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("build", "where", "limit"), [
    (lambda v: Measure(id="m", title=v), ("title",), TITLE_MAX),
    (lambda v: Measure(id="m", title="t", description=v), ("description",), TEXT_MAX),
    (lambda v: Measure(id="m", title="t", owner=v), ("owner",), 200),
    (lambda v: Scenario(id="s", title=v, theme="t", type="hazard"), ("title",), TITLE_MAX),
    (lambda v: Scenario(id="s", title="t", theme="t", type="hazard", narrative=v),
     ("narrative",), TEXT_MAX),
    (lambda v: ThemeReview(theme="t", sections={"summary": {"text": v}}),
     ("sections", "summary", "text"), LONG_TEXT_MAX),
    (lambda v: ThemeReview(theme="t", verdict="new", verdict_reasoning=v),
     ("verdict_reasoning",), TEXT_MAX),
    (lambda v: ThemeReview(theme="t", comprehensive={"answer": "yes", "reasoning": v}),
     ("comprehensive", "reasoning"), TEXT_MAX),
    (lambda v: ThemeReview(theme="t", sections={"threat": {"evidence": [
        {"kind": "document", "ref": v}]}}), ("sections", "threat", "evidence", 0, "ref"),
     TITLE_MAX),
    (lambda v: Theme(id="t", name={"nl": v}), ("name",), TITLE_MAX),
])
def test_texts_have_a_maximum_length(build: Any, where: tuple[Any, ...], limit: int) -> None:
    build("x" * limit)  # at the limit: fine
    with pytest.raises(ValidationError) as caught:
        build("x" * (limit + 1))
    loc, msg = _problem(caught.value)
    assert loc == where and f"at most {limit:,} characters" in msg


def test_a_30_mb_title_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"at most 500 characters \(this has 30,000,000\)"):
        Measure(id="m", title="x" * 30_000_000)


def test_content_as_stored_is_read_without_the_limits() -> None:
    """A database written before the limits stays readable (the store reads inside
    stored_data); saving such an item again needs it within the limits."""
    with stored_data():
        old = Measure(id="old measure/1", title="x" * 1000)
    assert old.id == "old measure/1"
    with pytest.raises(ValidationError):
        Measure.model_validate(old.model_dump())


def test_the_longest_shipped_texts_fit() -> None:
    """The example cycles and the seed review load; their longest texts are well within."""
    from importlib import resources

    from weerbaar.io.strategy_document import read_strategy_document

    seed = resources.files("weerbaar.data.seed") / "midterm-review-2021.txt"
    document = read_strategy_document(str(seed))
    assert document.themes
    texts = [s.text for ws in ("nvs-2019", "midterm-2021")
             for r in load_workspace(f"example:{ws}").reviews for s in r.sections.values()]
    assert max(len(t) for t in texts) < LONG_TEXT_MAX / 5


# --- the workspace file and natural-unit values --------------------------------------------------


def _workspace_with(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(example_text("midterm-2021"))
    change(data)
    path = tmp_path / "ws.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_workspace_file_with_a_path_as_scenario_id_names_file_key_and_line(
        tmp_path: Path) -> None:
    path = _workspace_with(tmp_path, lambda d: d["scenarios"][0].update(id="../../etc/passwd"))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(path)
    exc = caught.value
    assert exc.location == ["scenarios", 0, "id"] and exc.line is not None
    assert "is not an id" in exc.message and exc.source == str(path)


def test_a_workspace_file_with_an_overlong_title(tmp_path: Path) -> None:
    path = _workspace_with(tmp_path, lambda d: d["scenarios"][2].update(title="t" * 501))
    with pytest.raises(InvalidInput) as caught:
        load_workspace(path)
    assert caught.value.location == ["scenarios", 2, "title"]
    assert "at most 500 characters" in caught.value.message


def _resolve(impact: dict[str, Any]) -> Any:
    ws = load_workspace("example:midterm-2021")
    raw = {"id": "s", "title": "t", "theme": ws.themes[0].id, "type": "hazard",
           "impact": impact}
    return resolve_scenario(raw, get_profile(ws.profile), ws.themes)


@pytest.mark.parametrize(("value", "where", "message"), [
    ("9" * 5000 + " fatalities", ["impact", "2.1"], "at most 100 characters"),
    ({"ev": "9" * 5000 + " fatalities"}, ["impact", "2.1", "ev"], "at most 100 characters"),
    ("9" * 20 + " fatalities", ["impact", "2.1"], "out of range: at most 1e+15"),
    ("2000000000000000 fatalities", ["impact", "2.1"], "out of range"),
    (1e16, ["impact", "2.1"], "out of range"),
    (math.nan, ["impact", "2.1"], "not a finite number"),
    (math.inf, ["impact", "2.1"], "not a finite number"),
    ({"ev": "B", "ul": math.inf}, ["impact", "2.1", "ul"], "not a finite number"),
])
def test_natural_unit_values_are_finite_and_sane(value: Any, where: list[Any],
                                                 message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _resolve({"2.1": value})
    assert caught.value.location == where and message in str(caught.value), str(caught.value)


def test_the_largest_natural_unit_value_is_accepted() -> None:
    scenario = _resolve({"2.1": f"{VALUE_MAX:.0f} fatalities"})
    assert scenario.impact["2.1"].conversions[0].value == VALUE_MAX


def test_a_probability_must_be_finite() -> None:
    ws = load_workspace("example:midterm-2021")
    raw = {"id": "s", "title": "t", "theme": ws.themes[0].id, "type": "hazard",
           "likelihood": {"probability": math.nan}}
    with pytest.raises(InvalidInput) as caught:
        resolve_scenario(raw, get_profile(ws.profile), ws.themes)
    assert caught.value.location == ["likelihood", "probability"]


# --- user names, accounts and cycle keys --------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = open_store(str(tmp_path / "w.db"), check_schema=False)
    upgrade(opened.engine)
    yield opened
    opened.dispose()


@pytest.mark.parametrize("name", ["a b", "é", "x" * 65, "../x", ".hidden", "", "ann\n"])
def test_a_user_name_outside_the_pattern_is_refused(store: Store, name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(store, OPERATOR, name, "a-long-enough-password")
    assert caught.value.location == ["username"] and "not a valid user name" in str(caught.value)


@pytest.mark.parametrize("name", ["ann", "Ann.de-Vries_2", "a@b.nl", "x" * 64])
def test_user_names_within_the_pattern(name: str) -> None:
    assert username_problem(name) is None


def test_user_names_are_unique_regardless_of_case(store: Store) -> None:
    accounts.add_user(store, OPERATOR, "ann", "a-long-enough-password")
    for other in ("ANN", "Ann", "aNn"):
        with pytest.raises(Conflict, match=r"a user 'ann' exists already .*regardless of case"):
            accounts.add_user(store, OPERATOR, other, "a-long-enough-password")
    assert [u.username for u in accounts.list_users(store, OPERATOR)] == ["ann"]
    # logging in stays case-sensitive: the account is "ann"
    assert accounts.login(store, "ANN", "a-long-enough-password") is None
    assert accounts.login(store, "ann", "a-long-enough-password") is not None


def test_a_display_name_has_a_maximum_length(store: Store) -> None:
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(store, OPERATOR, "ann", "a-long-enough-password",
                          display_name="x" * 201)
    assert caught.value.location == ["display_name"]


def test_users_made_by_an_administrator_must_change_their_password(store: Store) -> None:
    first = accounts.add_user(store, OPERATOR, "boss", "a-long-enough-password", is_admin=True)
    assert not first.must_change_password  # the first account of an empty database
    made = accounts.add_user(store, OPERATOR, "ann", "a-long-enough-password")
    assert made.must_change_password
    kept = accounts.add_user(store, OPERATOR, "bot", "a-long-enough-password",
                             must_change_password=False)
    assert not kept.must_change_password


def test_an_overlong_user_name_cannot_log_in_and_is_not_recorded(store: Store) -> None:
    from sqlalchemy import func, select

    from weerbaar.store.schema import login_attempts

    assert accounts.login(store, "x" * 5000, "whatever-it-is") is None
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(login_attempts)).scalar() == 0


@pytest.mark.parametrize("key", ["../x", "a b", "x" * 101, ".."])
def test_a_cycle_key_must_be_a_slug(store: Store, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        import_cycle(store, OPERATOR, "example:nvs-2019", key=key, kind=CycleKind.STRATEGY)
    assert caught.value.location == ["key"] and "is not a cycle key" in str(caught.value)


def test_the_cli_adds_users_who_must_change_their_password(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    from weerbaar.cli import main

    db = str(tmp_path / "cli.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["users", "add", "root", "--admin", "--password", "a-long-enough-password",
                 "--db", db]) == 0
    assert main(["users", "add", "ann", "--password", "a-long-enough-password", "--db", db]) == 0
    assert "to choose a new password at the first login" in capsys.readouterr().out
    assert main(["users", "add", "bot", "--keep-password", "--password",
                 "a-long-enough-password", "--db", db]) == 0
    assert main(["users", "add", "ANN", "--password", "a-long-enough-password",
                 "--db", db]) == 4  # conflict
    assert main(["users", "add", "eve", "--password", "aaaaaaaaaaaa", "--db", db]) == 2
    store = open_store(db)
    try:
        found = {u.username: u.must_change_password for u in accounts.list_users(store, OPERATOR)}
    finally:
        store.dispose()
    assert found == {"root": False, "ann": True, "bot": False}


# --- the password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "rule"), [
    ("short", "too-short"),
    ("x" * 257, "too-long"),
    ("aaaaaaaaaaaa", "predictable"),
    ("123456789012", "predictable"),
    ("abcdefghijkl", "predictable"),
    ("qwertyuiopas", "predictable"),
    ("987654321098", "predictable"),
    ("abcabcabcabc", "predictable"),
    ("hello123hello123", "predictable"),
    ("Password1234", "common"),
    ("P@ssw0rd2024!", "common"),
    ("dragon123456", "common"),
    ("iloveyou2024!!", "common"),
    ("my-name-is-annabel", "user-name"),
    ("weerbaar-rocks-2026", "service-name"),
    ("correct horse battery staple", None),
    ("a-long-enough-password", None),
    ("Tr0ub4dor&3-extra", None),
    ("een-lange-zin-als-wachtwoord", None),
])
def test_the_password_policy(password: str, rule: str | None) -> None:
    problem = password_problem(password, username="annabel")
    assert (problem.rule if problem else None) == rule


def test_a_short_user_name_is_not_searched_for() -> None:
    assert password_problem("a-red-bedroom-door", username="ed") is None


def test_the_common_list_is_bundled_and_a_check_is_fast() -> None:
    assert len(common_passwords()) == 10_000 and "password" in common_passwords()
    longest = "k" * 100 + "-correct-horse-" + "z" * (MAX_PASSWORD - 115)
    start = time.perf_counter()
    for _ in range(20):
        password_problem(longest, username="someone")
    assert (time.perf_counter() - start) / 20 < 0.05


def test_the_policy_is_applied_to_new_and_changed_passwords(store: Store) -> None:
    with pytest.raises(InvalidInput, match="too predictable") as caught:
        accounts.add_user(store, OPERATOR, "ann", "aaaaaaaaaaaa")
    assert caught.value.location == ["password"]
    accounts.add_user(store, OPERATOR, "ann", "a-long-enough-password")
    with pytest.raises(InvalidInput, match="must not contain the user name"):
        accounts.reset_password(store, OPERATOR, "ann", "ann-likes-long-passwords")
    with pytest.raises(InvalidInput, match="too common"):
        accounts.reset_password(store, OPERATOR, "ann", "Password1234")
