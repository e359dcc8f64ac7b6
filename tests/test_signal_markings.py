"""Markings of imported signals (issue 16, point 5.4): a ``marking`` column or key per signal in
CSV, XLSX and JSON files, ``--marking`` for the whole file (the only way for RSS/Atom feeds);
a signal gets the higher of the two. A marking the classification scheme does not know is a
problem at its place; one above the importer's clearance refuses the import. Either way nothing
is stored.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from tests.example_signals import example_signal_ids
from tests.operator_support import OPERATOR

from weerbaar.cli import main
from weerbaar.errors import FileProblems, InvalidInput, PermissionDenied
from weerbaar.io.signal_files import read_signal_file
from weerbaar.services import accounts
from weerbaar.services.cycles import load_examples
from weerbaar.services.signals import import_signals
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, open_store, upgrade
from weerbaar.store.signals import cycle_signals

CYCLE = "midterm-2021"  # the example's draft cycle
CLEARANCES = {"ann": "confidential", "pub": "public"}  # analysts on the cycle

CSV = """title;summary;date;source;marking
Een open signaal;iets dat iedereen mag weten;2026-01-02;krant;public
Een vertrouwelijk signaal;niet voor iedereen;2026-01-03;bron;Confidential
Een gewoon signaal;zonder markering;2026-01-04;bron;
"""
FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Feed</title>
<item><title>Feed item one</title><description>first</description>
<pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate><guid>f-1</guid></item>
<item><title>Feed item two</title><description>second</description>
<pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate><guid>f-2</guid></item>
</channel></rss>
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("markings") / "template.sqlite"
    store = open_store(str(path), check_schema=False)
    try:
        upgrade(store.engine)
        load_examples(store, OPERATOR)
        for name, clearance in CLEARANCES.items():
            accounts.add_user(store, OPERATOR, name, f"pw-signal-markings-{len(name)}-x",
                              must_change_password=False)
            accounts.grant(store, OPERATOR, name, "analyst", cycle=CYCLE, clearance=clearance)
    finally:
        store.dispose()
    return path


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "db.sqlite"
    shutil.copyfile(template, path)
    opened = open_store(str(path))
    yield opened
    opened.dispose()


def user(store: Store, name: str) -> Viewer:
    found = next(u for u in accounts.list_users(store, OPERATOR) if u.username == name)
    return Viewer.of(found, channel="cli")


def markings(store: Store) -> dict[str, str | None]:
    """The markings of the signals the tests imported (the example's own signals left out)."""
    shipped = example_signal_ids()
    return {s.item.title: s.item.marking for s in cycle_signals(store, CYCLE)
            if s.item.id not in shipped}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- reading the files ------------------------------------------------------------------------


def test_csv_json_and_xlsx_carry_a_marking_per_signal(tmp_path: Path) -> None:
    read = read_signal_file(write(tmp_path, "s.csv", CSV))
    assert [r.signal.marking for r in read.records] == ["public", "confidential", None]
    items = [{"title": "A", "date": "2026-01-02", "marking": "secret"},
             {"titel": "B", "datum": "2026-01-03", "rubricering": "internal"},
             {"title": "C", "date": "2026-01-04"}]
    read = read_signal_file(write(tmp_path, "s.json", json.dumps(items)))
    assert [r.signal.marking for r in read.records] == ["secret", "internal", None]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Signals"
    sheet.append(["title", "summary", "date", "source", "Markering"])
    sheet.append(["X", "x", "2026-01-02", "s", "confidential"])
    sheet.append(["Y", "y", "2026-01-03", "s", None])
    book.save(tmp_path / "s.xlsx")
    read = read_signal_file(tmp_path / "s.xlsx")
    assert [r.signal.marking for r in read.records] == ["confidential", None]


def test_a_marking_that_is_no_marking_is_a_problem_at_its_place(tmp_path: Path) -> None:
    text = "title;summary;date;source;marking\nA;a;2026-01-02;s;top secret!\n"
    with pytest.raises(FileProblems) as caught:
        read_signal_file(write(tmp_path, "bad.csv", text))
    assert [p.where for p in caught.value.problems] == ["line 2, marking"]
    assert "'top secret!' is not a marking" in str(caught.value)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Signals"
    sheet.append(["title", "summary", "date", "source", "marking"])
    sheet.append(["X", "x", "2026-01-02", "s", "geheim/zeer"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(FileProblems) as caught:
        read_signal_file(tmp_path / "bad.xlsx")
    assert [p.where for p in caught.value.problems] == ["Signals!E2"]


# --- importing --------------------------------------------------------------------------------


def test_the_markings_are_stored(store: Store, tmp_path: Path) -> None:
    result = import_signals(store, user(store, "ann"), CYCLE, write(tmp_path, "s.csv", CSV))
    assert len(result.imported) == 3
    assert markings(store) == {"Een open signaal": "public",
                               "Een vertrouwelijk signaal": "confidential",
                               "Een gewoon signaal": None}


def test_an_unknown_marking_is_refused_at_its_place(store: Store, tmp_path: Path) -> None:
    text = CSV.replace(";public\n", ";topgeheim\n")
    with pytest.raises(FileProblems) as caught:
        import_signals(store, OPERATOR, CYCLE, write(tmp_path, "s.csv", text))
    assert [p.where for p in caught.value.problems] == ["line 2, marking"]
    assert "unknown marking 'topgeheim' (expected one of public, internal, confidential, " \
           "secret)" in str(caught.value)
    assert markings(store) == {}


def test_a_marking_above_the_clearance_refuses_the_import(store: Store, tmp_path: Path) -> None:
    text = CSV + "Een geheim signaal;zeer geheim;2026-01-05;bron;secret\n"
    with pytest.raises(PermissionDenied) as caught:
        import_signals(store, user(store, "ann"), CYCLE, write(tmp_path, "s.csv", text))
    assert "line 5" in str(caught.value) and "'secret'" in str(caught.value)
    assert "above your clearance" in str(caught.value)
    with pytest.raises(PermissionDenied):  # a dry run is refused alike
        import_signals(store, user(store, "ann"), CYCLE, tmp_path / "s.csv", dry_run=True)
    assert markings(store) == {}


def test_unmarked_signals_count_as_the_default_marking(store: Store, tmp_path: Path) -> None:
    """Cleared to public only, an analyst cannot import signals that would count as internal
    (they could not see them); with ``marking="public"`` they can."""
    path = write(tmp_path, "s.csv", CSV.replace(";Confidential\n", ";public\n"))
    with pytest.raises(PermissionDenied) as caught:
        import_signals(store, user(store, "pub"), CYCLE, path)
    assert "line 4" in str(caught.value) and "'internal'" in str(caught.value)
    import_signals(store, user(store, "pub"), CYCLE, path, marking="public")
    assert set(markings(store).values()) == {"public"}


def test_the_files_marking_and_the_signals_own_the_higher_wins(store: Store,
                                                                 tmp_path: Path) -> None:
    import_signals(store, user(store, "ann"), CYCLE, write(tmp_path, "s.csv", CSV),
                   marking="internal")
    assert markings(store) == {"Een open signaal": "internal",
                               "Een vertrouwelijk signaal": "confidential",
                               "Een gewoon signaal": "internal"}


def test_a_feed_takes_the_files_marking(store: Store, tmp_path: Path) -> None:
    import_signals(store, user(store, "ann"), CYCLE, write(tmp_path, "f.rss", FEED),
                   marking="confidential")
    assert markings(store) == {"Feed item one": "confidential", "Feed item two": "confidential"}


def test_the_files_marking_is_checked_first(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "f.rss", FEED)
    with pytest.raises(InvalidInput) as unknown:
        import_signals(store, user(store, "ann"), CYCLE, path, marking="topgeheim")
    assert unknown.value.location == ["marking"]
    with pytest.raises(PermissionDenied, match="above your clearance"):
        import_signals(store, user(store, "ann"), CYCLE, path, marking="secret")
    assert markings(store) == {}


def test_the_command_line(store: Store, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    db = str(store.url)
    feed = write(tmp_path, "f.rss", FEED)
    assert main(["horizon", "import", str(feed), "--cycle", CYCLE, "--db", db,
                 "--marking", "nope"]) == 2
    assert "unknown marking 'nope'" in capsys.readouterr().err
    bad = write(tmp_path, "s.csv", CSV.replace(";public\n", ";topgeheim\n"))
    assert main(["horizon", "import", str(bad), "--cycle", CYCLE, "--db", db]) == 2
    assert "line 2, marking" in capsys.readouterr().err
    assert main(["horizon", "import", str(feed), "--cycle", CYCLE, "--db", db,
                 "--marking", "secret"]) == 0
    assert set(markings(store).values()) == {"secret"}
