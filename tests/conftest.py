from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile

NATIONAL_PROFILES = ("nrb-2008", "gra-2019", "rnv-2022")

# The audit key that signs the audit and read logs (docs/security.md): set here, before any test
# creates a database, so no test reads or creates a key file in the user's home folder; the
# servers and commands the tests start as subprocesses inherit it.
os.environ.setdefault("WEERBAAR_AUDIT_KEY", "weerbaar-test-audit-key-" + "0" * 40)


@pytest.fixture
def gra() -> MethodProfile:
    return get_profile("gra-2019")


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a text file into the test's temporary folder and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


WORKSPACE_HEAD = """\
schema: weerbaar.workspace/1
profile: gra-2019
themes:
  - id: nd
    name: {nl: Natuurrampen, en: Natural disasters}
    risk_categories:
      - {id: flooding, name: {nl: Overstromingen, en: Flooding}}
scenarios:
"""
