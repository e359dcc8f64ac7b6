"""Every claim of docs/security.md names the test that proves it, and every test it names exists.

A claim is a bullet point or a paragraph of the document's sections; each ends with the tests
that show it, written ``(tests/path.py::test_name)`` or ``(tests/path.py)``. This test fails
when a named test file or test function is gone (a renamed test leaves the claim unproven) and
when a section has a claim without any test named.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECURITY = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"(tests/[\w/]+\.py)(?:::(\w+))?")
UNPROVEN_SECTIONS = {"Dependencies", "Last audit (2026-11-28)"}  # procedures, not claims


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")}


def _claims() -> list[tuple[str, str]]:
    """(section, claim text) for every bullet and paragraph outside code blocks and tables."""
    out: list[tuple[str, str]] = []
    section = ""
    block: list[str] = []
    fenced = False

    def flush() -> None:
        text = " ".join(block).strip()
        if text and section not in UNPROVEN_SECTIONS and not text.startswith("|"):
            out.append((section, text))
        block.clear()

    for line in SECURITY.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
            flush()
            continue
        if fenced:
            continue
        if line.startswith("#"):
            flush()
            section = line.lstrip("#").strip()
        elif (not line.strip() or line.lstrip().startswith(("- ", "* ")) or line.startswith("|")
              or re.match(r"\d+\. ", line.lstrip())):
            flush()
            if line.strip():
                block.append(line.strip())
        else:
            block.append(line.strip())
    flush()
    return out


def test_every_test_named_in_security_md_exists() -> None:
    named = REFERENCE.findall(SECURITY.read_text(encoding="utf-8"))
    assert len(named) >= 30, "docs/security.md names too few tests"
    missing = []
    for file, test in named:
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
        elif test and test not in _tests_in(path):
            missing.append(f"{file}::{test}")
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"


def test_every_claim_of_security_md_names_a_test() -> None:
    claims = _claims()
    assert len(claims) > 20
    unproven = [f"[{section}] {text[:90]}" for section, text in claims
                if not REFERENCE.search(text) and section and not text.endswith(":")]
    assert not unproven, "claims without a test:\n" + "\n".join(unproven)
