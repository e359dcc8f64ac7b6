"""Excel workbooks against the database: import is all or nothing, export -> import round-trips."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from tests.operator_support import export_workbook_file as export_cycle

from weerbaar.cli import main
from weerbaar.domain import CycleKind
from weerbaar.errors import ExcelProblems
from weerbaar.services.cycles import load_examples
from weerbaar.services.excel import import_workbook
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, cycle_workspace, history
from weerbaar.store.schema import TABLES

AS_ANN = Viewer.operator("ann")
AS_T = Viewer.operator("t")


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in TABLES}


def _set(path: Path, header: str, row: int, value: object) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["scenarios"]
    column = next(c.column_letter for c in sheet[1] if c.value == header)
    sheet[f"{column}{row}"] = value
    book.save(path)


def test_export_import_round_trip_through_the_database(store: Store, tmp_path: Path) -> None:
    load_examples(store, AS_T)
    book = export_cycle(store, "midterm-2021", tmp_path / "m.xlsx")
    result = import_workbook(store, AS_T, book, key="copy", kind=CycleKind.RISK_ANALYSIS)
    assert result.created and result.scenarios == 31
    original, _ = cycle_workspace(store, "midterm-2021")
    copy, _ = cycle_workspace(store, "copy")
    assert copy.scenarios == original.scenarios and copy.themes == original.themes
    again = export_cycle(store, "copy", tmp_path / "again.xlsx")
    assert import_workbook(store, AS_T, again, key="copy").report.changed == ()  # type: ignore[union-attr]


def test_malformed_workbook_writes_nothing(store: Store, tmp_path: Path) -> None:
    load_examples(store, AS_T)
    book = export_cycle(store, "midterm-2021", tmp_path / "m.xlsx")
    _set(book, "2.1 EV", 2, "F")
    _set(book, "3.1 LL", 3, "E")
    _set(book, "3.1 UL", 3, "A")
    before = _counts(store)
    with pytest.raises(ExcelProblems) as info:
        import_workbook(store, AS_T, book, key="midterm-2021")
    assert len(info.value.problems) >= 2
    assert {p.sheet for p in info.value.problems} == {"scenarios"}
    assert any(p.cell and p.cell.endswith("2") for p in info.value.problems)
    assert _counts(store) == before


def test_edit_in_excel_becomes_revisions(store: Store, tmp_path: Path) -> None:
    load_examples(store, AS_T)
    book = export_cycle(store, "midterm-2021", tmp_path / "m.xlsx")
    sheet = openpyxl.load_workbook(book)["scenarios"]
    sid = sheet["A2"].value
    _set(book, "likelihood EV", 2, "E")
    _set(book, "likelihood UL", 2, "E")
    dry = import_workbook(store, AS_T, book, key="midterm-2021", dry_run=True)
    assert dry.report is not None and dry.report.changed == (f"scenario:{sid}",)
    assert len(history(store, "midterm-2021", "scenario", sid)) in (1, 2)
    revisions_before = len(history(store, "midterm-2021", "scenario", sid))
    result = import_workbook(store, AS_ANN, book, key="midterm-2021", reason="sessie 3")
    assert result.report is not None and result.report.changed == (f"scenario:{sid}",)
    revs = history(store, "midterm-2021", "scenario", sid)
    assert len(revs) == revisions_before + 1 and revs[-1].reason == "sessie 3"


def test_cli_excel_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "w.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["load-examples", "--db", db]) == 0
    template = tmp_path / "t.xlsx"
    assert main(["excel", "template", "--profile", "rnv-2022", "--out", str(template)]) == 0
    assert "1.4 EV" in [c.value for c in openpyxl.load_workbook(template)["scenarios"][1]]
    book = tmp_path / "m.xlsx"
    assert main(["excel", "export", "midterm-2021", "--out", str(book), "--db", db]) == 0
    _set(book, "2.1 EV", 2, "F")
    capsys.readouterr()
    assert main(["excel", "import", str(book), "--cycle", "midterm-2021", "--db", db]) == 2
    err = capsys.readouterr().err.replace("\n", " ")
    assert "scenarios!" in err and "'F'" in err
    assert main(["excel", "import", str(template), "--cycle", "new", "--db", db]) == 2
