"""The command line: tables, JSON, diagrams, exit codes, and no tracebacks on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import WORKSPACE_HEAD

from weerbaar.cli import main
from weerbaar.methods.registry import profile_names

Write = Callable[[str, str], Path]

SMALL = WORKSPACE_HEAD + """\
  - id: flood
    title: Overstroming
    theme: nd
    risk_category: flooding
    type: hazard
    impact: {"2.1": "400 fatalities", "3.1": "EUR 13 bn", "5.1": C}
    likelihood: {probability: 0.02}
  - id: allc
    title: Alles C
    theme: nd
    type: threat
    impact: {"1.1": C, "1.2": C, "1.3": C, "2.1": C, "2.2": C, "2.3": C, "3.1": C, "3.2": C,
             "4.1": C, "5.1": C, "5.2": C, "5.3": C, "6.1": C, "6.2": C, "6.3": C, "6.4": C}
    likelihood: {ev: C-high, ll: C, ul: D}
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_profiles_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles")
    assert code == 0
    for name in profile_names():
        assert name[:8] in out


def test_profiles_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profiles", "show", "gra-2019", "--lang", "nl")
    assert code == 0
    assert "Doden" in out and "bevestigd" in out and "onbekend" in out and "voorlopig" in out


def test_profiles_show_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "profiles", "show", "nope")
    assert code == 3
    assert "gra-2019" in err and "Traceback" not in err


def test_assess_json(capsys: pytest.CaptureFixture[str], write: Write) -> None:
    code, out, _ = run(capsys, "assess", str(write("ws.yaml", SMALL)), "--json")
    assert code == 0
    payload = json.loads(out)
    assert payload["illustrative"] is False and payload["caveats"]  # the method's weak values
    rows = payload["results"]
    assert isinstance(rows, list) and len(rows) == 2
    by_id = {r["id"]: r for r in rows}
    for key in ("id", "theme", "impact_position", "impact_class", "likelihood_position",
                "likelihood_class", "provisional"):
        assert key in by_id["flood"]
    assert by_id["allc"]["impact_position"] == 3.0
    assert by_id["allc"]["impact_class"] == "C"
    assert by_id["allc"]["likelihood_position"] == 3.5
    assert by_id["allc"]["likelihood_class"] == "C"
    assert by_id["flood"]["likelihood_class"] == "C"
    assert by_id["flood"]["provisional"] is True  # EUR thresholds are provisional
    assert by_id["allc"]["provisional"] is False


def test_assess_profile_weights(capsys: pytest.CaptureFixture[str], write: Write) -> None:
    path = str(write("ws.yaml", SMALL))
    _, equal, _ = run(capsys, "assess", path, "--json")
    code, phys, _ = run(capsys, "assess", path, "--json", "--profile-weights", "physical-emphasis")
    assert code == 0
    e = {r["id"]: r for r in json.loads(equal)["results"]}
    p = {r["id"]: r for r in json.loads(phys)["results"]}
    assert p["allc"]["impact_position"] == 3.0  # uniform scores ignore weights
    assert p["flood"]["impact_position"] != e["flood"]["impact_position"]
    assert p["flood"]["preference"] == "physical-emphasis"
    code, _, err = run(capsys, "assess", path, "--profile-weights", "nope")
    assert code == 3 and "equal" in err


def test_assess_table_and_diagrams(capsys: pytest.CaptureFixture[str], write: Write,
                                   tmp_path: Path) -> None:
    svg, png = tmp_path / "d" / "risk.svg", tmp_path / "risk.png"
    code, out, _ = run(capsys, "assess", str(write("ws.yaml", SMALL)), "--diagram", str(svg),
                       "--diagram", str(png), "--lang", "nl", "--compare-methods")
    assert code == 0
    assert "flood" in out and "allc" in out and "ernstig" in out
    assert "voorl.: berust op drempels van criterium 3.1 (voorlopig): flood" in out.replace(
        "\n", " ")  # --lang nl
    assert "Kendall" in out
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_assess_example(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "assess", "example:midterm-2021", "--compare-with",
                       "example:nvs-2019", "--diagram", str(tmp_path / "d.svg"))
    assert code == 0
    assert "Illustrative" in out
    assert (tmp_path / "d.svg").exists()


@pytest.mark.parametrize(("text", "fragment"), [
    ("schema: weerbaar.workspace/1\nprofile: gra-2019\nscenarios: 3\n", "key scenarios"),
    ("schema: weerbaar.workspace/1\nprofile: [x\n", "not valid YAML"),
])
def test_invalid_workspace_exit_2(capsys: pytest.CaptureFixture[str], write: Write, text: str,
                                  fragment: str) -> None:
    path = write("bad.yaml", text)
    code, out, err = run(capsys, "assess", str(path))
    assert code == 2
    assert str(path) in err.replace("\n", "") and fragment in err.replace("\n", " ")
    assert "Traceback" not in err + out


def test_bad_diagram_suffix_exit_2(capsys: pytest.CaptureFixture[str], write: Write,
                                   tmp_path: Path) -> None:
    code, _, err = run(capsys, "assess", str(write("ws.yaml", SMALL)), "--diagram",
                       str(tmp_path / "d.gif"))
    assert code == 2 and "d.gif" in err


def test_console_script_no_traceback(write: Write) -> None:
    path = write("bad.yaml", "schema: weerbaar.workspace/1\nprofile: gra-2019\nthemes: [1]\n")
    proc = subprocess.run([sys.executable, "-m", "weerbaar.cli", "assess", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "themes[0]" in proc.stderr


def test_example_copy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    code, _, _ = run(capsys, "example", "nvs-2019", "--out", str(target))
    assert code == 0 and "schema: weerbaar.workspace/1" in target.read_text(encoding="utf-8")
    code, _, err = run(capsys, "example", "nvs-2019", "--out", str(target))
    assert code == 2 and "not overwriting" in err


def test_version_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "weerbaar 0." in out
    code, _, err = run(capsys, "assess")
    assert code == 2 and "Missing argument" in err
    code, _, err = run(capsys, "assess", "x.yaml", "--bogus")
    assert code == 2 and "No such option" in err


def test_the_exit_code_table_of_the_docs_is_the_one_in_errors() -> None:
    from weerbaar.errors import EXIT_CODES

    docs = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    rows = {line for line in docs.splitlines() if line.startswith("| ") and "` | " in line}
    for kind, code, meaning in EXIT_CODES:
        assert f"| {code} | `{kind.__name__}` | {meaning} |" in rows, kind.__name__


def test_help_loads_no_engine_and_no_database() -> None:
    heavy = ("numpy", "scipy", "matplotlib", "sqlalchemy", "fastapi", "openpyxl",
             "weerbaar.store", "weerbaar.methods", "weerbaar.reports", "weerbaar.io")
    code = ("import sys\nfrom weerbaar.cli import main\ncode = main(['--help'])\n"
            f"loaded = [m for m in {heavy!r} if m in sys.modules]\n"
            "sys.exit(f'loaded: {loaded}' if loaded or code else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert "assess" in proc.stdout and "report" in proc.stdout


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str], write: Write) -> None:
    code, _, err = run(capsys, "assess", str(write("ws.yaml", SMALL)), "--lang", "de")
    assert code == 2 and "--lang" in err and "Traceback" not in err
