"""Where a workspace comes from: a file, a shipped example, or (``cycle:KEY``) a cycle in the
database, which the use cases read through :func:`weerbaar.services.scope.cycle_scope`."""

from __future__ import annotations

from pathlib import Path

from weerbaar.domain import Workspace
from weerbaar.io import load_workspace
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile

CYCLE_PREFIX = "cycle:"


def resolve_workspace(source: str | Path) -> tuple[Workspace, MethodProfile]:
    """Load ``FILE`` or ``example:NAME`` with its method profile."""
    workspace = load_workspace(str(source))
    return workspace, get_profile(workspace.profile)
