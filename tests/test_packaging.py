"""Every third-party module the package imports is a declared runtime dependency.

A fresh install of `pip install .` (the README's demo) gets only the declared dependencies; a
module that happens to be present in the test environment must not hide a missing declaration.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_top_level_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "weerbaar").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _names(specs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")
            for spec in specs}


def declared() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return _names(meta["dependencies"])


# Optional extras may be imported only by the adapter modules that need them (lazily, by the
# service that picks the adapter); everything else must work without them.
EXTRA_MODULES = {"dask": ("src/weerbaar/compute/",),
                 "embeddings": ("src/weerbaar/horizon/embeddings.py",)}


def optional() -> dict[str, set[str]]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = meta.get("optional-dependencies", {})
    names = {extra: _names(extras[extra]) for extra in EXTRA_MODULES}
    names["dask"] |= {"distributed"}  # dask[distributed] installs the distributed package
    return names


def test_runtime_imports_are_declared() -> None:
    dists = packages_distributions()
    deps = declared()
    extras = optional()
    missing = {}
    for module, files in imported_top_level_modules().items():
        if module == "weerbaar" or module in sys.stdlib_module_names or module == "__future__":
            continue
        owners = {d.lower().replace("_", "-") for d in dists.get(module, [module])}
        if owners & deps:
            continue
        allowed = [prefix for extra, prefixes in EXTRA_MODULES.items()
                   if owners & extras[extra] for prefix in prefixes]
        outside = sorted(f for f in files if not any(f.startswith(p) for p in allowed))
        if outside:
            missing[module] = outside
    assert not missing, f"imported but not declared in [project].dependencies: {missing}"
