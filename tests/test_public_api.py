"""The curated public API: ``weerbaar.__all__`` lists what is supported, every name in it
resolves and is documented, importing the package stays cheap, and no module imports a private
name (``_name``) from another package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import weerbaar

SRC = Path(weerbaar.__file__).parent

SUPPORTED = {
    "Conflict", "InvalidInput", "MethodError", "NotFound", "PermissionDenied", "WeerbaarError",
    "Viewer", "__version__", "assess", "compare_methods", "get_profile", "load_workspace",
    "open_database", "profile_names",
}


def test_all_lists_the_supported_names_and_each_resolves_with_a_docstring() -> None:
    assert set(weerbaar.__all__) == SUPPORTED
    for name in weerbaar.__all__:
        value = getattr(weerbaar, name)
        if name != "__version__":
            assert (value.__doc__ or "").strip(), f"weerbaar.{name} has no docstring"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        weerbaar.nothing_here  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:
        raise AssertionError("weerbaar.nothing_here resolved")


def test_importing_the_package_loads_no_engine_or_database() -> None:
    code = ("import sys, weerbaar; heavy = [m for m in ('numpy', 'sqlalchemy', 'fastapi', "
            "'matplotlib', 'scipy') if m in sys.modules]; print(','.join(heavy))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert found == ""


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_module_imports_a_private_name_from_another_package() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC.parent).with_suffix("")
        module = ".".join(relative.parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.startswith("weerbaar"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") \
                            and _package(node.module) != _package(module):
                        found.append(f"{module}: from {node.module} import {alias.name}")
    assert not found, found
