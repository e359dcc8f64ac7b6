"""The faces are thin: every web route and every CLI command reaches content only through a use
case of ``weerbaar.services``, and a use case cannot be called without a viewer.

Checked three ways: the imports of every face module (only the use cases, the domain, the
errors, the translations and the face's own modules); the registry of routes and commands (each
one's function lives in a face module and calls a use case, directly or through a helper of its
module); and the use-case registry (every public use case refuses a call without a Viewer).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer

import weerbaar
from weerbaar.services.registry import IDENTIFIERS, USE_CASES
from weerbaar.services.viewer import Viewer

SRC = Path(weerbaar.__file__).parent
FACES = ("weerbaar.cli", "weerbaar.web")
ALLOWED = ("weerbaar.services", "weerbaar.domain", "weerbaar.errors", "weerbaar.i18n")
# the workings of the service layer: the faces call use cases, never these
INTERNALS = ("weerbaar.services.scope", "weerbaar.services.visibility",
             "weerbaar.services.cache", "weerbaar.services.registry",
             "weerbaar.services.sources")
SERVICE_MODULES = [m.name for m in pkgutil.iter_modules(
    [str(SRC / "services")], "weerbaar.services.") if m.name not in INTERNALS]


def modules_of(package: str) -> Iterator[ModuleType]:
    root = importlib.import_module(package)
    yield root
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        yield importlib.import_module(info.name)


def imported_modules(module: ModuleType) -> Iterator[tuple[str, int]]:
    """(module imported, line) of every import statement of ``module`` (function level too)."""
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else _absolute(module, node)
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _absolute(module: ModuleType, node: ast.ImportFrom) -> str:
    parts = module.__name__.split(".")
    if not module.__file__ or not module.__file__.endswith("__init__.py"):
        parts = parts[:-1]
    parts = parts[:len(parts) - node.level + 1]
    return ".".join([*parts, node.module or ""])


@pytest.mark.parametrize("module", [m for face in FACES for m in modules_of(face)],
                         ids=lambda m: m.__name__)
def test_face_modules_import_only_use_cases_domain_and_their_own_face(module: ModuleType
                                                                       ) -> None:
    face = next(f for f in FACES if module.__name__.startswith(f))
    # ``weerbaar serve`` starts the other face, through the one module made for it
    starts = ("weerbaar.web.server",) if module.__name__ == "weerbaar.cli.serve" else ()
    bad = [(name, line) for name, line in imported_modules(module)
           if name.startswith("weerbaar") and name != "weerbaar.__version__"
           and (not name.startswith((*ALLOWED, face, *starts)) or name.startswith(INTERNALS))]
    assert not bad, f"{module.__name__} reaches past the use cases: {bad}"


@pytest.mark.parametrize("module", [m for face in FACES for m in modules_of(face)],
                         ids=lambda m: m.__name__)
def test_face_modules_use_no_private_attribute(module: ModuleType) -> None:
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    private = [(node.attr, node.lineno) for node in ast.walk(tree)
               if isinstance(node, ast.Attribute) and node.attr.startswith("_")
               and not node.attr.startswith("__")]
    assert not private, f"{module.__name__} uses private attributes: {private}"


def test_the_web_never_acts_as_the_system_operator() -> None:
    for module in modules_of("weerbaar.web"):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        assert "Viewer.operator" not in source, module.__name__


# -- routes and commands call use cases -------------------------------------------------------


def is_use_case(value: Any) -> bool:
    """A registered use case (or a function making a viewer), or a module of them."""
    if isinstance(value, ModuleType):
        return value.__name__.startswith("weerbaar.services.")
    return any(value is registered for registered in (*USE_CASES.values(),
                                                       *IDENTIFIERS.values()))


def _local_imports(tree: ast.AST) -> dict[str, Any]:
    """The names a function imports itself (the command line imports its use cases inside its
    commands, so that ``weerbaar --help`` does not load the engines and the database)."""
    found: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.startswith("weerbaar"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                found[alias.asname or alias.name] = getattr(module, alias.name, None)
    return found


def calls_a_use_case(function: Any, seen: set[tuple[str, str]] | None = None) -> bool:
    """Does ``function`` call a use case, directly or through a function of a face module?"""
    seen = set() if seen is None else seen
    key = (function.__module__, function.__qualname__)
    if key in seen:
        return False
    seen.add(key)
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    names = {**vars(inspect.getmodule(function)), **_local_imports(tree)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id not in names:
            continue
        value = names[node.id]
        if is_use_case(value):
            return True
        if inspect.isfunction(value) and value.__module__.startswith(FACES) \
                and calls_a_use_case(value, seen):
            return True
    return False


def web_routes() -> list[tuple[str, Any]]:
    from weerbaar.web import create_app

    app = create_app(None)  # type: ignore[arg-type]  # routes only; nothing is served
    out = []

    def walk(routes: Any, prefix: str) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:  # newer FastAPI keeps an included router whole
                context = getattr(route, "include_context", None)
                walk(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
                continue
            endpoint = getattr(route, "endpoint", None)
            path = prefix + getattr(route, "path", "")
            if endpoint is None or path.startswith("/static"):
                continue
            for method in sorted(getattr(route, "methods", None) or ["GET"]):
                if method != "HEAD":
                    out.append((f"{method} {path}", endpoint))

    walk(app.routes, "")
    return out


# Routes that serve no content of the database: files of installed packages, and liveness.
PLAIN_ROUTES = {"GET /static-vendor/plotly.min.js", "GET /health", "GET /login", "GET /reauth",
                "GET /login/second-factor",
                "GET /api/v1/openapi.json", "GET /api/docs", "GET /docs/oauth2-redirect"}


@pytest.mark.parametrize(("route", "endpoint"), web_routes(), ids=lambda v: str(v)[:60])
def test_every_web_route_reaches_content_through_a_use_case(route: str, endpoint: Any) -> None:
    if route in PLAIN_ROUTES:
        return
    module = endpoint.__module__
    assert module.startswith(("weerbaar.web.pages.", "weerbaar.web.api.")), (route, module)
    assert calls_a_use_case(endpoint), f"{route} ({module}.{endpoint.__name__}) calls no use case"


def cli_commands() -> list[tuple[str, Any]]:
    from weerbaar.cli import app

    command = typer.main.get_command(app)
    out = []

    def walk(group: Any, prefix: str) -> None:
        for name, sub in getattr(group, "commands", {}).items():
            if getattr(sub, "hidden", False):
                continue
            if getattr(sub, "commands", None):
                walk(sub, f"{prefix} {name}")
            elif sub.callback is not None:
                out.append((f"{prefix} {name}".strip(), sub.callback))

    walk(command, "")
    return out


@pytest.mark.parametrize(("command", "callback"), cli_commands(), ids=lambda v: str(v)[:40])
def test_every_cli_command_reaches_content_through_a_use_case(command: str,
                                                              callback: Any) -> None:
    function = inspect.unwrap(callback)
    assert function.__module__.startswith("weerbaar.cli."), (command, function.__module__)
    assert calls_a_use_case(function), f"`weerbaar {command}` calls no use case"


def test_there_are_routes_and_commands_to_check() -> None:
    assert len(web_routes()) > 50 and len(cli_commands()) > 50


# -- the use cases themselves -----------------------------------------------------------------


def test_every_public_function_of_the_service_modules_is_a_use_case() -> None:
    """A function of a service module that takes a viewer is a registered use case (so it
    refuses a call without one); helpers that the faces may call take no viewer."""
    for name in SERVICE_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(value) \
                    or value.__module__ != name:
                continue
            params = list(inspect.signature(value).parameters)
            if "viewer" in params[:2]:
                assert f"{name.removeprefix('weerbaar.services.')}.{attr}" in USE_CASES, \
                    f"{name}.{attr} takes a viewer but is not a registered use case"


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_a_use_case_refuses_a_call_without_a_viewer(name: str) -> None:
    function = USE_CASES[name]
    params = list(inspect.signature(function).parameters)
    args: list[Any] = [object()] * params.index("viewer") + ["not a viewer"]
    with pytest.raises(TypeError, match="needs a Viewer"):
        function(*args)
    with pytest.raises(TypeError, match="needs a Viewer"):
        function(*args[:-1], None)


def test_use_cases_are_registered_from_every_family() -> None:
    families = {name.split(".")[0] for name in USE_CASES}
    assert {"cycles", "scenarios", "reviews", "measures", "sessions", "signals", "assessment",
            "reports", "accounts", "cascade", "excel", "history", "audit", "database",
            "classification", "profiles", "compare", "search", "strategy",
            "analysis"} <= families
    assert {"accounts.login", "accounts.identify"} <= set(IDENTIFIERS)


def test_the_operator_may_everything_and_nobody_nothing() -> None:
    from weerbaar.domain import Role
    from weerbaar.errors import NotAuthenticated

    operator, nobody = Viewer.operator("op"), Viewer.nobody(channel="api")
    assert all(operator.may(role, "any") for role in Role)
    assert not any(nobody.may(role, "any") for role in Role)
    with pytest.raises(NotAuthenticated):
        nobody.require(Role.VIEWER, "any")
