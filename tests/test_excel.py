"""Excel scoring workbooks: template, export -> import round trip, problem reports, safety bounds."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from tests.conftest import WORKSPACE_HEAD

from weerbaar.domain import Workspace
from weerbaar.errors import CellProblem, ExcelProblems, InvalidInput
from weerbaar.io import excel_sheets, load_workspace
from weerbaar.io.excel import read_workbook, write_workbook
from weerbaar.io.excel_layout import scenario_headers
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile

Write = Callable[[str, str], Path]

MIXED = WORKSPACE_HEAD.replace("    risk_categories:", """\
    lead_ministry: JenV
    partners: [BZK, IenW]
    colour: "#1f77b4"
    risk_categories:""", 1) + """\
  - id: flood
    title: Overstroming
    theme: nd
    risk_category: flooding
    type: hazard
    narrative: "- eerste punt\\n+ tweede punt"
    impact:
      "2.1": {ev: "400 fatalities", ll: "9 fatalities", ul: D, reasoning: dijkdoorbraak}
      "3.1": "EUR 13 bn"
      "2.2": 1500
      "5.1": C
      "1.1": X
    likelihood: {probability: 0.02, probability_low: 0.004, horizon_years: 5, reasoning: per 5 jaar}
  - id: rare
    title: Zeldzaam
    theme: nd
    type: hazard
    impact: {"2.1": B}
    likelihood: {annual_probability: 0.0000123}
  - id: attack
    title: Aanslag
    theme: nd
    type: threat
    impact: {"5.3": D}
    likelihood: {ev: C-high, ll: C, ul: D}
    experts:
      - expert: a1
        impact: {"2.1": {ev: C, ll: B, ul: D, reasoning: eigen inschatting}}
        likelihood: {ev: C, ll: B, ul: C-high}
      - expert: a2
        impact: {"2.1": "2000 fatalities", "5.3": E}
"""


@pytest.fixture(scope="module")
def midterm() -> Workspace:
    return load_workspace("example:midterm-2021")


def _scoring(ws: Workspace) -> tuple[object, ...]:
    """What a scoring workbook carries (reviews and measures are not part of it)."""
    return (ws.profile, ws.title, ws.language, ws.illustrative, ws.note, ws.themes, ws.scenarios)


def _edit(path: Path, change: Callable[[Workbook], None]) -> None:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def _column(ws: Worksheet, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise KeyError(header)


def _problems(path: Path, profile: MethodProfile | None = None) -> list[CellProblem]:
    with pytest.raises(ExcelProblems) as info:
        read_workbook(path, profile)
    message = str(info.value)
    assert message.count("\n") == len(info.value.problems)  # a heading, then one line each
    return list(info.value.problems)


def _find(problems: list[CellProblem], sheet: str, cell: str | None, fragment: str) -> None:
    matches = [p for p in problems if p.sheet == sheet and p.cell == cell and fragment in p.message]
    assert matches, f"no problem {sheet}!{cell} with {fragment!r} in:\n" + "\n".join(map(str, problems))


# -- template ------------------------------------------------------------------------------------

def test_template_layout_and_validations(gra: MethodProfile, tmp_path: Path) -> None:
    path = write_workbook(gra, tmp_path / "template.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["readme", "themes", "scenarios", "experts", "lists"]
    assert book["lists"].sheet_state == "hidden"
    assert (book.properties.subject, book.properties.creator) == ("gra-2019", "weerbaar")
    ws = book["scenarios"]
    headers = [c.value for c in ws[1]]
    assert headers == scenario_headers(gra)
    for criterion in gra.criteria:
        for part in ("EV", "LL", "UL", "reasoning"):
            assert f"{criterion.id} {part}" in headers
    assert len(gra.criteria) == 16
    assert headers[-4:] == ["likelihood EV", "likelihood LL", "likelihood UL", "likelihood reasoning"]
    assert ws.freeze_panes == "C2" and ws["A1"].font.b
    validations: dict[str, DataValidation] = {
        str(r): dv for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}

    def rule(header: str) -> DataValidation:
        letter = _column(ws, header)
        return validations[f"{letter}2:{letter}1048576"]

    assert rule("5.1 EV").type == "list" and rule("5.1 UL").showErrorMessage  # classes only
    assert not rule("2.1 EV").showErrorMessage  # natural values may be typed
    assert rule("likelihood LL").formula1 == "lists!$B$2:$B$10"  # A, A-high, ..., D-high, E
    assert rule("type").formula1 == "lists!$C$2:$C$3"
    lists = [c.value for c in book["lists"]["B"]]
    assert "C-high" in lists and "E-high" not in lists
    readme = [c.value for row in book["readme"].iter_rows() for c in row]
    assert "gra-2019" in readme and gra.content_hash in readme
    assert any("Instructies" in str(v) for v in readme) and any("Instructions" in str(v) for v in readme)
    assert read_workbook(path) == Workspace(profile="gra-2019")


# -- round trip ----------------------------------------------------------------------------------

def test_export_then_import_gives_the_same_workspace(midterm: Workspace, tmp_path: Path) -> None:
    profile = get_profile(midterm.profile)
    back = read_workbook(write_workbook(profile, tmp_path / "midterm.xlsx", midterm))
    assert [s.id for s in back.scenarios] == [s.id for s in midterm.scenarios]
    assert _scoring(back)[5] == _scoring(midterm)[5]  # themes and risk categories
    for mine, theirs in zip(back.scenarios, midterm.scenarios, strict=True):
        assert mine.impact == theirs.impact  # ranges, reasoning and conversions
        assert mine.likelihood == theirs.likelihood
        assert mine.experts == theirs.experts
    assert _scoring(back) == _scoring(midterm)


def test_round_trip_keeps_values_probabilities_and_experts(gra: MethodProfile, write: Write,
                                                           tmp_path: Path) -> None:
    ws = load_workspace(write("mixed.yaml", MIXED))
    path = write_workbook(gra, tmp_path / "mixed.xlsx", ws, lang="en")
    book = openpyxl.load_workbook(path)
    scen = book["scenarios"]
    assert scen[f"{_column(scen, '2.1 EV')}2"].value == "400 fatalities"
    assert scen[f"{_column(scen, 'likelihood EV')}2"].value == "probability 0.02"
    assert scen[f"{_column(scen, 'likelihood LL')}2"].value == "probability 0.004"
    assert scen[f"{_column(scen, 'likelihood EV')}3"].value == "annual probability 1.23e-05"
    assert book["experts"].max_row == 5  # header + a1 (2.1, likelihood) + a2 (2.1, 5.3)
    assert [c.value for c in book["themes"][2]][-3:] == ["#1f77b4", "JenV", "BZK; IenW"]
    assert _scoring(read_workbook(path)) == _scoring(ws)


def test_typed_numbers_and_probability_forms(gra: MethodProfile, write: Write, tmp_path: Path) -> None:
    path = write_workbook(gra, tmp_path / "wb.xlsx", load_workspace(write("m.yaml", MIXED)))

    def change(book: Workbook) -> None:
        ws = book["scenarios"]
        ws[f"{_column(ws, '2.1 EV')}3"] = 250  # a number typed in Excel: 250 fatalities
        ws[f"{_column(ws, '2.1 LL')}3"] = ws[f"{_column(ws, '2.1 UL')}3"] = None  # default to EV
        ws[f"{_column(ws, 'likelihood EV')}3"] = "kans 2 %"
        ws[f"{_column(ws, 'likelihood EV')}2"] = "jaarkans 0,0001"
        ws[f"{_column(ws, 'likelihood LL')}2"] = None

    _edit(path, change)
    flood, rare, _ = read_workbook(path).scenarios
    assert rare.impact["2.1"].range.ev == 3 and rare.impact["2.1"].conversions[0].entered == "250"
    assert rare.likelihood is not None and rare.likelihood.range.ev == 3  # 2 % in 5 years: C
    assert flood.likelihood is not None and flood.likelihood.range.ev == 1  # 0.05 % in 5 years: A


# -- problem reports -----------------------------------------------------------------------------

def test_malformed_workbook_lists_every_problem(midterm: Workspace, tmp_path: Path) -> None:
    profile = get_profile(midterm.profile)
    path = write_workbook(profile, tmp_path / "broken.xlsx", midterm)
    cols: dict[str, str] = {}

    def change(book: Workbook) -> None:
        ws = book["scenarios"]
        cols.update({h: _column(ws, h) for h in ("id", "title", "theme", "type", "narrative",
                                                  "5.1 EV", "1.1 EV", "1.1 UL", "likelihood EV")})
        ws[f"{cols['5.1 EV']}2"] = "F"  # not a class
        ws[f"{cols['1.1 EV']}3"], ws[f"{cols['1.1 UL']}3"] = "D", "B"  # EV > UL
        cols["9.9"] = openpyxl.utils.get_column_letter(ws.max_column + 1)
        ws[f"{cols['9.9']}1"] = "9.9 EV"  # a criterion the profile lacks
        ws[f"{cols['likelihood EV']}4"] = "probability abc"  # text where a number belongs
        ws[f"{cols['theme']}5"] = "nope"  # unknown theme
        ws[f"{cols['id']}6"] = ws[f"{cols['id']}2"].value  # duplicate id
        ws[f"{cols['title']}7"] = None  # required cells left empty
        ws[f"{cols['type']}8"] = None
        ws[f"{cols['id']}9"] = "   "
        ws[f"{cols['narrative']}10"] = "=1+1"  # a real formula
        ws[f"{cols['type']}11"] = "accident"
        book["experts"].append(["no-such-scenario", "a1", "2.1", "C"])
        book["themes"]["B2"] = "sometimes"

    _edit(path, change)
    problems = _problems(path)
    _find(problems, "scenarios", f"{cols['5.1 EV']}2", "'F' is not a class; expected X, A, B, C, D, E")
    _find(problems, "scenarios", f"{cols['1.1 EV']}3:{cols['1.1 UL']}3", "LL <= EV <= UL")
    _find(problems, "scenarios", f"{cols['9.9']}1", "criterion '9.9' is not in profile gra-2019")
    _find(problems, "scenarios", f"{cols['likelihood EV']}4", "'abc' is not a number")
    _find(problems, "scenarios", f"{cols['theme']}5", "theme 'nope' is not on sheet 'themes'")
    _find(problems, "scenarios", f"{cols['id']}6", "is used twice (also on row 2)")
    _find(problems, "scenarios", f"{cols['title']}7", "title is empty")
    _find(problems, "scenarios", f"{cols['type']}8", "type is empty")
    _find(problems, "scenarios", f"{cols['id']}9", "id is empty")
    _find(problems, "scenarios", f"{cols['narrative']}10", "formulas are not accepted")
    _find(problems, "scenarios", f"{cols['type']}11", "type 'accident'; expected hazard or threat")
    _find(problems, "experts", "A2", "scenario 'no-such-scenario' is not on sheet 'scenarios'")
    _find(problems, "themes", "B2", "kind 'sometimes'")
    assert len(problems) == 13


def test_missing_sheet_is_reported_with_the_other_problems(gra: MethodProfile, tmp_path: Path,
                                                           midterm: Workspace) -> None:
    path = write_workbook(gra, tmp_path / "nosheet.xlsx", midterm)

    def change(book: Workbook) -> None:
        del book["scenarios"]
        book["themes"]["A3"] = None
        book["readme"]["B6"] = "fr"  # language

    _edit(path, change)
    problems = _problems(path)
    _find(problems, "scenarios", None, "sheet is missing")
    _find(problems, "themes", "A3", "theme id is empty")
    _find(problems, "readme", "B6", "language 'fr'")
    assert "scenarios: sheet is missing" in [str(p) for p in problems]


def test_profile_given_must_match_the_readme(gra: MethodProfile, tmp_path: Path) -> None:
    path = write_workbook(get_profile("rnv-2022"), tmp_path / "rnv.xlsx")
    _find(_problems(path, gra), "readme", "B3", "the workbook is for profile 'rnv-2022'")
    _edit(path, lambda book: book.remove(book["readme"]))
    assert read_workbook(path, get_profile("rnv-2022")).profile == "rnv-2022"
    _find(_problems(path), "readme", None, "sheet is missing")


# -- safety ----------------------------------------------------------------------------------------

def test_formula_like_text_is_stored_as_text_and_round_trips(gra: MethodProfile, midterm: Workspace,
                                                             tmp_path: Path) -> None:
    texts = ['=HYPERLINK("http://example.org","klik")', "@SUM(1)", "- punt\n+ punt", "\t=1+1",
             "#N/A", "a\r\nb", "x_x000D_y", "=", "kolom\x0bregel"]
    first = midterm.scenarios[0]
    changed = [first.model_copy(update={"narrative": text, "id": f"s{i}", "title": text})
               for i, text in enumerate(texts)]
    ws = midterm.model_copy(update={"scenarios": (*changed, *midterm.scenarios[1:]),
                                    "note": "=cmd|'/c calc'!A0"})
    path = write_workbook(gra, tmp_path / "inject.xlsx", ws)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(re.search(rb"<f[ >]", archive.read(n)) for n in sheets)  # no formula at all
    book = openpyxl.load_workbook(path)
    cell = book["scenarios"]["F2"]
    assert cell.value == texts[0] and cell.data_type == "s" and cell.quotePrefix
    assert book["scenarios"]["B3"].data_type == "s"
    assert _scoring(read_workbook(path)) == _scoring(ws)


def test_oversized_and_foreign_files_are_refused(gra: MethodProfile, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 midterm: Workspace) -> None:
    path = write_workbook(gra, tmp_path / "wb.xlsx", midterm)
    monkeypatch.setattr(excel_sheets, "MAX_BYTES", 1024)
    with pytest.raises(InvalidInput, match="file too large"):
        read_workbook(path)
    monkeypatch.undo()
    monkeypatch.setattr(excel_sheets, "MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="too many rows"):
        read_workbook(path)
    not_excel = tmp_path / "notes.xlsx"
    not_excel.write_text("just text", encoding="utf-8")
    with pytest.raises(InvalidInput, match="not an Excel workbook"):
        read_workbook(not_excel)
    with pytest.raises(InvalidInput, match="file not found"):
        read_workbook(tmp_path / "missing.xlsx")


def test_too_many_rows_behind_a_lying_dimension(gra: MethodProfile, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                midterm: Workspace) -> None:
    path = write_workbook(gra, tmp_path / "wb.xlsx", midterm)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(lying, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
            dst.writestr(item, data)
    assert _scoring(read_workbook(lying)) == _scoring(midterm)  # rows past the declared size are still read
    monkeypatch.setattr(excel_sheets, "MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="too many rows"):
        read_workbook(lying)


def test_damaged_workbook_is_refused_with_a_message(gra: MethodProfile, tmp_path: Path,
                                                    midterm: Workspace) -> None:
    path = write_workbook(gra, tmp_path / "wb.xlsx", midterm)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet3.xml") else data)
    with pytest.raises(InvalidInput, match="the workbook is damaged"):
        read_workbook(damaged)
