"""``weerbaar analyse``: table, JSON, charts, reproducibility, errors without tracebacks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import WORKSPACE_HEAD

from weerbaar.cli import main

Write = Callable[[str, str], Path]

WORKSPACE = WORKSPACE_HEAD + """\
  - id: flood
    title: Overstroming
    theme: nd
    risk_category: flooding
    type: hazard
    impact:
      "2.1": {ev: "400 fatalities", ll: "50 fatalities", ul: "2000 fatalities"}
      "3.1": {ev: D, ll: C, ul: E}
      "5.1": C
    likelihood: {ev: C, ll: B, ul: C-high}
    experts:
      - expert: hydrologist
        impact: {"2.1": {ev: E, ll: D, ul: E}, "3.1": E}
        likelihood: {ev: D, ll: C, ul: D}
  - id: allc
    title: Alles C
    theme: nd
    type: threat
    impact: {"1.1": C, "1.2": C, "1.3": C, "2.1": C, "2.2": C, "2.3": C, "3.1": C, "3.2": C,
             "4.1": C, "5.1": C, "5.2": C, "5.3": C, "6.1": C, "6.2": C, "6.3": C, "6.4": C}
    likelihood: {ev: C-high, ll: C, ul: D}
  - id: small
    title: Klein
    theme: nd
    type: threat
    impact: {"2.1": {ev: B, ll: A, ul: C}, "5.2": {ev: A, ll: X, ul: B}}
    likelihood: D
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workspace(write: Write) -> Path:
    return write("ws.yaml", WORKSPACE)


def test_table(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out, err = run(capsys, "analyse", str(workspace), "--samples", "3000", "--seed", "4")
    assert code == 0, err
    assert "flood" in out and "allc" in out and "P≥C" in out and "3000" in out.replace(",", "")
    assert "yes" in out  # the hydrologist disagrees by a class or more
    assert "Traceback" not in err


def test_json_is_reproducible(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    args = ("analyse", str(workspace), "--samples", "3000", "--seed", "7", "--json")
    code, first, _ = run(capsys, *args)
    assert code == 0
    _, second, _ = run(capsys, *args)
    assert first == second
    payload = json.loads(first)
    assert payload["illustrative"] is False and isinstance(payload["caveats"], list)
    rows = payload["results"]
    assert [r["id"] for r in rows] == ["flood", "allc", "small"]
    allc = rows[1]
    assert allc["impact"] == {"p5": 3.0, "p50": 3.0, "p95": 3.0}
    assert allc["p_serious"] == 1.0 and allc["serious"] == "C"
    assert rows[0]["disagreement"]["flagged"] is True
    assert rows[0]["seed"] == 7 and rows[0]["samples"] == 3000 and rows[0]["engine"] == "exact"
    assert sum(rows[0]["rank"]["distribution"].values()) == pytest.approx(1.0)


def test_json_with_matrix_and_sensitivity(capsys: pytest.CaptureFixture[str],
                                          workspace: Path) -> None:
    code, out, err = run(capsys, "analyse", str(workspace), "--samples", "2000", "--json",
                         "--matrix", "--sensitivity", "--sobol-samples", "512",
                         "--distribution", "pert", "--serious", "B")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["settings"]["distribution"] == "pert"
    assert payload["settings"]["serious"] == {"position": 2.0, "class": "B"}
    assert payload["outranking"]["ids"] == ["flood", "allc", "small"]
    assert payload["outranking"]["p"][1][2] == 1.0
    assert set(payload["sensitivity"]) == {"preferences", "random_weights", "sobol"}


def test_table_with_sensitivity(capsys: pytest.CaptureFixture[str], workspace: Path) -> None:
    code, out, _ = run(capsys, "analyse", str(workspace), "--samples", "1000", "--sensitivity",
                       "--matrix", "--sobol-samples", "512")
    assert code == 0
    assert "Preference profiles" in out and "Random weights" in out and "P(A > B)" in out


def test_charts_are_written_deterministically(capsys: pytest.CaptureFixture[str],
                                              workspace: Path, tmp_path: Path) -> None:
    files = [tmp_path / "d.svg", tmp_path / "r.svg", tmp_path / "r.png"]
    args = ["analyse", str(workspace), "--samples", "2000", "--diagram", str(files[0]),
            "--rank-chart", str(files[1]), "--rank-chart", str(files[2]), "--lang", "nl"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    first = [f.read_bytes() for f in files]
    assert all(first) and first[2][:8] == b"\x89PNG\r\n\x1a\n"
    assert b"onzekerheid" in first[0]
    run(capsys, *args)
    assert [f.read_bytes() for f in files] == first
    assert f"geschreven: {files[0]}" in out  # --lang nl


@pytest.mark.parametrize(("args", "code", "text"), [
    (("--distribution", "normal"), 2, "triangular"),
    (("--serious", "Q"), 2, "X, A, B"),
    (("--profile-weights", "nope"), 3, "equal"),
    (("--samples", "0"), 2, "samples"),
    (("--denominator", "some"), 2, "applicable"),
])
def test_errors(capsys: pytest.CaptureFixture[str], workspace: Path, args: tuple[str, ...],
                code: int, text: str) -> None:
    got, _, err = run(capsys, "analyse", str(workspace), *args)
    assert got == code
    assert text in err and "Traceback" not in err
