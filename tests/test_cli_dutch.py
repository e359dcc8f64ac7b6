"""The command line speaks the language asked with ``--lang`` (issue 18, point 7): with
``--lang nl`` no fixed English label is left, with ``--lang en`` no Dutch one; and user text is
printed as written, never read as Rich markup.

The check is built from the catalogues: every message whose Dutch translation differs from the
English text is a label that must not appear in the other language's output. Output is cut into
labels (table cells, the text before a colon, whole lines), so user content such as scenario
titles, which are Dutch in the examples, is not mistaken for a label unless it is one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from tests.operator_support import OPERATOR
from tests.web.support import DRAFT, build_database

from weerbaar.cli import main
from weerbaar.cli.options import out as console
from weerbaar.i18n import catalogue_text

_BORDERS = re.compile(r"[│┃┏┓┗┛━┡┩╇┳┻─└┘┌┐├┤┼╭╮╰╯═║╔╗╚╝]+")
_FIELD = re.compile(r"\{[^}]*\}")


def _pairs() -> list[tuple[str, str]]:
    """(English, Dutch) of every fixed text whose Dutch differs; fields cut off."""
    catalog = read_po(io.StringIO(catalogue_text("nl")), locale="nl")  # type: ignore[arg-type]
    found = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        english, dutch = str(message.id), str(message.string)
        if english == dutch:
            continue
        found.append((english, dutch))
    return found


def _labels(texts: list[str]) -> set[str]:
    """The whole labels of fixed texts: the text itself (without fields), each line, and what
    stands before a field or a colon."""
    out: set[str] = set()
    for text in texts:
        for line in text.split("\n"):
            for part in _FIELD.split(line):
                part = part.strip(" :;,.—()*")
                if len(part) > 2 and not part.isdigit():
                    out.add(part)
    return out


ENGLISH = _labels([english for english, _ in _pairs()])
DUTCH = _labels([dutch for _, dutch in _pairs()])
SHARED = ENGLISH & DUTCH  # the same word in both languages ("document", "status")


def foreign_labels(text: str, forbidden: set[str]) -> list[str]:
    """The labels of ``forbidden`` found in ``text`` as whole cells, lines or lead-ins."""
    found = []
    for line in text.splitlines():
        for cell in _BORDERS.split(line):
            cell = cell.strip()
            candidates = {cell, cell.strip(" :;,.()*"), cell.split(": ")[0].strip(),
                          cell.split(" (")[0].strip()}
            for candidate in candidates:
                if candidate in forbidden and candidate not in SHARED:
                    found.append(candidate)
    return sorted(set(found))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The example cycles, with a review and a measure whose texts look like Rich markup."""
    path = build_database(tmp_path_factory.mktemp("dutch") / "cli.sqlite")
    assert main(["review", "edit", DRAFT, "digital-threats", "--verdict-reasoning",
                 "Het kabinet [zet] in op [bold]x[/bold] en [red]meer[/red].",
                 "--db", str(path), "--actor", OPERATOR.name]) == 0
    assert main(["measures", "add", DRAFT, "--id", "markup-test", "--title",
                 "Maatregel [zet] [bold]x[/bold]", "--theme", "digital-threats",
                 "--db", str(path), "--actor", OPERATOR.name]) == 0
    return str(path)


@pytest.fixture(autouse=True)
def wide() -> Iterator[None]:
    before = console.width
    console.width = 500
    yield
    console.width = before


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


COMMANDS = {
    "cycle list": ["cycle", "list", "--db", "{db}"],
    "assess": ["assess", "example:midterm-2021", "--residual", "--compare-methods"],
    "review show": ["review", "show", DRAFT, "digital-threats", "--db", "{db}"],
    "priorities": ["priorities", DRAFT, "--db", "{db}"],
    "measures list": ["measures", "list", DRAFT, "--db", "{db}"],
    "gaps": ["gaps", DRAFT, "--db", "{db}"],
    "cycle compare": ["cycle", "compare", DRAFT, "--db", "{db}"],
    "history list": ["history", "list", DRAFT, "trade-war", "--db", "{db}"],
    "profiles": ["profiles"],
    "profiles show": ["profiles", "show", "gra-2019"],
    "analyse": ["analyse", "example:midterm-2021", "--samples", "200", "--matrix",
                "--sensitivity", "--sobol-samples", "64"],
    # the other groups of the command line
    "db status": ["db", "status", "--db", "{db}"],
    "classification show": ["classification", "show", "--db", "{db}"],
    "users list": ["users", "list", "--db", "{db}"],
    "users two-factor": ["users", "two-factor", "--db", "{db}"],
    "audit verify": ["audit", "verify", "--db", "{db}"],
    "horizon list": ["horizon", "list", "--cycle", DRAFT, "--db", "{db}"],
    "horizon trends": ["horizon", "trends", "--cycle", DRAFT, "--db", "{db}"],
    "horizon developments": ["horizon", "developments", "--cycle", DRAFT, "--theme",
                             "digital-threats", "--db", "{db}"],
    "cascade run": ["cascade", "run", "--outage", "1", "--hours", "24"],
    "cascade critical": ["cascade", "critical", "--hours", "24", "--top", "5"],
    "cascade iim": ["cascade", "iim", "--outage", "3"],
    "cascade ensemble": ["cascade", "ensemble", "--outage", "1", "--runs", "20"],
    "cascade suggest": ["cascade", "suggest", "--outage", "1"],
    "vital list": ["vital", "list"],
    "vital list --dependencies": ["vital", "list", "--dependencies"],
}


USER_CONTENT = {"users list": ["admin"]}  # the user named admin (also a role's English name)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_dutch_output_has_no_english_label(capsys: pytest.CaptureFixture[str], db: str,
                                           name: str) -> None:
    args = [a.format(db=db) for a in COMMANDS[name]]
    dutch = cli(capsys, *args, "--lang", "nl")
    assert foreign_labels(dutch, ENGLISH) == USER_CONTENT.get(name, []), dutch[-3000:]
    english = cli(capsys, *args, "--lang", "en")
    assert foreign_labels(english, DUTCH) == [], english[-3000:]
    assert dutch != english


def test_the_check_finds_english_labels() -> None:
    """The check itself: English labels are found whole, user text is not."""
    table = ("┃ sleutel ┃ Verdict ┃ titel ┃\n│ a │ Is there a comprehensive approach? │ x │\n"
             "Illustrative scores: not an official assessment.\n"
             "│ Scenario over een trade war │ yes │")
    assert foreign_labels(table, ENGLISH) == [
        "Illustrative scores: not an official assessment", "Is there a comprehensive approach?",
        "Verdict", "yes"]
    assert foreign_labels("│ Overstroming van de kust │ ja │", ENGLISH) == []


def test_review_show_speaks_dutch(capsys: pytest.CaptureFixture[str], db: str) -> None:
    text = cli(capsys, "review", "show", DRAFT, "digital-threats", "--db", db, "--lang", "nl")
    assert "Is er sprake van een integrale aanpak?" in text or "integrale aanpak" in text
    assert "Oordeel over de aanpak" in text or "oordeel" in text.lower()
    assert "revisie" in text


def test_user_text_is_never_read_as_markup(capsys: pytest.CaptureFixture[str], db: str) -> None:
    for lang in ("nl", "en"):
        shown = cli(capsys, "review", "show", DRAFT, "digital-threats", "--db", db,
                    "--lang", lang)
        assert "Het kabinet [zet] in op [bold]x[/bold] en [red]meer[/red]." in shown
        listed = cli(capsys, "measures", "list", DRAFT, "--db", db, "--lang", lang)
        assert "Maatregel [zet] [bold]x[/bold]" in listed
    compared = cli(capsys, "cycle", "compare", DRAFT, "--db", db)
    assert "[zet]" not in compared or "Het kabinet [zet]" in compared


def test_error_prefix_speaks_dutch(capsys: pytest.CaptureFixture[str], db: str) -> None:
    assert main(["priorities", "nope", "--db", db, "--lang", "nl"]) != 0
    assert capsys.readouterr().err.startswith("fout:")
    assert main(["priorities", "nope", "--db", db]) != 0
    assert capsys.readouterr().err.startswith("error:")


def test_markup_in_a_path_is_printed_as_written(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    target = tmp_path / "[zet] [bold]kopie.yaml"
    text = cli(capsys, "example", "midterm-2021", "--out", str(target), "--lang", "nl")
    assert str(target) in text.replace("\n", "") and target.exists()
