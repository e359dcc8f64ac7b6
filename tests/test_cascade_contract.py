"""The cascade engine imports no chart, database, web or Dask library (the import contract)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.test_import_contract import ROOT, run_contracts


@pytest.mark.parametrize(("line", "forbidden"), [
    ("import matplotlib.pyplot", "matplotlib"),
    ("import sqlalchemy", "sqlalchemy"),
    ("import weerbaar.reports.cascade_charts", "matplotlib"),
    ("import distributed", "distributed"),
])
def test_cascade_contract_breaks_on_forbidden_import(tmp_path: Path, line: str,
                                                     forbidden: str) -> None:
    shutil.copytree(ROOT / "src" / "weerbaar", tmp_path / "src" / "weerbaar",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "src" / "weerbaar" / "cascade" / "propagation.py"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # injected\n",
                    encoding="utf-8")
    result = run_contracts(tmp_path / "src", tmp_path / "pyproject.toml")
    assert result.returncode != 0 and "BROKEN" in result.stdout
    assert forbidden in result.stdout
