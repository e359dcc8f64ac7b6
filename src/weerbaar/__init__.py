"""weerbaar — run a national security strategy cycle the way the Dutch National Security Strategy does.

The public library API: load a method profile, load a workspace, assess it.

>>> from weerbaar import get_profile, load_workspace, assess
>>> ws = load_workspace("example:nvs-2019")
>>> result = assess(ws.scenarios, get_profile(ws.profile))
"""

from weerbaar.errors import (
    Conflict,
    InvalidInput,
    MethodError,
    NotFound,
    PermissionDenied,
    WeerbaarError,
)

__version__ = "0.1.0"

from weerbaar.io import load_workspace
from weerbaar.methods import assess, compare_methods, get_profile, profile_names

__all__ = [
    "Conflict",
    "InvalidInput",
    "MethodError",
    "NotFound",
    "PermissionDenied",
    "WeerbaarError",
    "__version__",
    "assess",
    "compare_methods",
    "get_profile",
    "load_workspace",
    "profile_names",
]
