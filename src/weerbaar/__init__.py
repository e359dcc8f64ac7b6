"""weerbaar — run a national security strategy cycle the way the Dutch National Security Strategy
does.

The supported library API is what :data:`__all__` lists:

- the method engine on workspace files: load a method profile, load a workspace, assess it;

  >>> from weerbaar import get_profile, load_workspace, assess
  >>> ws = load_workspace("example:nvs-2019")
  >>> result = assess(ws.scenarios, get_profile(ws.profile))

- the cycle database through the use cases, as the faces use them: open the database and call
  a use case of ``weerbaar.services`` with a :class:`Viewer`;

  >>> from weerbaar import Viewer, open_database
  >>> from weerbaar.services.cycles import list_cycles
  >>> cycles = list_cycles(open_database(), Viewer.operator("me"))  # doctest: +SKIP

- the exception tree (:class:`WeerbaarError` and its kinds).

Names are imported on first use, so ``import weerbaar`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from weerbaar.errors import (
    Conflict,
    InvalidInput,
    MethodError,
    NotFound,
    PermissionDenied,
    WeerbaarError,
)

__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover - the lazy names, for type checkers
    from weerbaar.io import load_workspace
    from weerbaar.methods import assess, compare_methods, get_profile, profile_names
    from weerbaar.services.database import open_database
    from weerbaar.services.viewer import Viewer

_LAZY = {
    "load_workspace": "weerbaar.io",
    "assess": "weerbaar.methods",
    "compare_methods": "weerbaar.methods",
    "get_profile": "weerbaar.methods",
    "profile_names": "weerbaar.methods",
    "open_database": "weerbaar.services.database",
    "Viewer": "weerbaar.services.viewer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weerbaar' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Conflict",
    "InvalidInput",
    "MethodError",
    "NotFound",
    "PermissionDenied",
    "Viewer",
    "WeerbaarError",
    "__version__",
    "assess",
    "compare_methods",
    "get_profile",
    "load_workspace",
    "open_database",
    "profile_names",
]
