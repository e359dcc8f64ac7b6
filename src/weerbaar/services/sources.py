"""Where a workspace comes from: a file, a shipped example, or a cycle in the database."""

from __future__ import annotations

from pathlib import Path

from weerbaar.domain import Workspace
from weerbaar.io import load_workspace
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.registry import get_profile

CYCLE_PREFIX = "cycle:"


def resolve_workspace(source: str | Path, *, db: str | None = None
                      ) -> tuple[Workspace, MethodProfile]:
    """Load ``FILE``, ``example:NAME`` or ``cycle:KEY`` (from the database ``db``).

    A cycle comes with the exact method profile it was created with.
    """
    text = str(source)
    if text.startswith(CYCLE_PREFIX):
        from weerbaar.store import cycle_workspace, open_store

        store = open_store(db)
        try:
            return cycle_workspace(store, text.removeprefix(CYCLE_PREFIX))
        finally:
            store.dispose()
    workspace = load_workspace(text)
    return workspace, get_profile(workspace.profile)
