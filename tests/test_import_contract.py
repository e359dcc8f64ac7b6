"""The import contracts: layers point inward; the faces (CLI, web) reach content only through the
use cases; the domain and the engines import no web, database or report library; Typer and Rich
only in the CLI, FastAPI only in the web app.

The contracts live in pyproject.toml ([tool.importlinter]); these tests run them on the real tree
and show that each breaks when a forbidden import is added (directly or through another module).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RUNNER = """
import sys
sys.path.insert(0, sys.argv[1])
from importlinter.cli import lint_imports
sys.exit(lint_imports(config_filename=sys.argv[2], no_cache=True))
"""


def run_contracts(src: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUNNER, str(src), str(config)],
                          capture_output=True, text=True, cwd=config.parent, check=False)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src" / "weerbaar", tmp_path / "src" / "weerbaar",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_contracts_hold_on_the_real_tree(tree: Path) -> None:
    result = run_contracts(tree / "src", tree / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "forbidden"), [
    # the faces never reach the store or the database libraries
    ("web/pages/scenarios.py", "import sqlalchemy", "sqlalchemy"),
    ("web/api/cycles.py", "from weerbaar import store", "weerbaar.store"),
    ("web/deps.py", "from weerbaar.store.documents import Stored", "weerbaar.store"),
    ("cli/cycles.py", "import sqlalchemy", "sqlalchemy"),
    ("cli/__init__.py", "from weerbaar import store", "weerbaar.store"),
    ("cli/db.py", "import alembic", "alembic"),
    ("web/pages/reviews.py", "from weerbaar.methods.assessment import assess", "weerbaar.methods"),
    ("cli/reports.py", "import weerbaar.reports.writers", "weerbaar.reports"),
    # the layers: nothing below the faces imports them; the web app not the CLI
    ("services/cycles.py", "import weerbaar.web", "weerbaar.web"),
    ("web/pages/dashboard.py", "import weerbaar.cli", "weerbaar.cli"),
    # Typer and Rich only in the CLI, FastAPI only in the web app
    ("services/reviews.py", "import rich", "rich"),
    ("web/render.py", "import typer", "typer"),
    ("services/scenarios.py", "import fastapi", "fastapi"),
    ("domain/scenario.py", "import sqlalchemy", "sqlalchemy"),
    ("methods/aggregation.py", "from matplotlib.figure import Figure", "matplotlib"),
    ("methods/scales.py", "import openpyxl", "openpyxl"),
    ("domain/text.py", "import fastapi", "fastapi"),
    ("methods/ranking.py", "import weerbaar.reports.diagram", "matplotlib"),
])
def test_contract_breaks_on_forbidden_import(tree: Path, module: str, line: str,
                                             forbidden: str) -> None:
    path = tree / "src" / "weerbaar" / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # injected\n",
                    encoding="utf-8")
    result = run_contracts(tree / "src", tree / "pyproject.toml")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert forbidden in result.stdout
