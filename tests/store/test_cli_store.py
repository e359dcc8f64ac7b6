"""The database commands end to end through the CLI (on SQLite)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from weerbaar.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_store_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    code, _, err = run(capsys, "cycles", "list", "--db", db)
    assert code == 8 and "weerbaar db upgrade --db" in err
    code, out, _ = run(capsys, "db", "status", "--db", db)
    assert code == 1 and "pending: 0001" in out
    assert run(capsys, "db", "upgrade", "--db", db)[0] == 0
    assert run(capsys, "db", "status", "--db", db)[0] == 0
    code, out, _ = run(capsys, "load-examples", "--db", db, "--actor", "ci")
    assert code == 0 and "nvs-2019, midterm-2021" in out
    code, out, _ = run(capsys, "cycles", "compare", "midterm-2021", "--db", db, "--json")
    payload = json.loads(out)
    assert payload["base"] == "nvs-2019" and payload["unchanged"]["scenario"] == 5
    code, out, _ = run(capsys, "history", "list", "midterm-2021", "trade-war", "--db", db)
    assert code == 0 and "ci" in out
    code, out, _ = run(capsys, "history", "diff", "midterm-2021", "trade-war", "1", "2",
                       "--db", db)
    assert "Likelihood, expected value: C → C-high" in out and "likelihood.range" not in out
    code, out, _ = run(capsys, "assess", "cycle:midterm-2021", "--compare-with",
                       "cycle:nvs-2019", "--db", db, "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 31
    export = tmp_path / "m.yaml"
    assert run(capsys, "cycles", "export", "midterm-2021", "--out", str(export), "--db", db)[0] == 0
    code, _, err = run(capsys, "cycles", "import", str(export), "--key", "nvs-2019", "--db", db)
    assert code == 4 and "exists already" in err
    code, _, err = run(capsys, "history", "restore", "nvs-2019", "trade-war", "1",
                       "--expected-revision", "1", "--db", db)
    assert code == 6 and "frozen" in err
    backup = tmp_path / "b.json.gz"
    assert run(capsys, "backup", str(backup), "--db", db)[0] == 0
    other = str(tmp_path / "other.db")
    run(capsys, "db", "upgrade", "--db", other)
    code, out, _ = run(capsys, "restore", str(backup), "--db", other)
    assert code == 0 and "revisions" in out
    code, out, _ = run(capsys, "cycles", "list", "--db", other)
    assert "midterm-2021" in out
