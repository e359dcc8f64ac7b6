"""The classification scheme: the ordered markings, the marking of unmarked content, and from
which marking on reads are logged (see docs/classification.md)."""

from __future__ import annotations

from typing import Any

from weerbaar.domain import ClassificationScheme, Role
from weerbaar.services.cache import change_token
from weerbaar.services.registry import use_case
from weerbaar.services.scope import scheme_at
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store.settings import set_classification_scheme


@use_case
def current_scheme(store: Store, viewer: Viewer) -> ClassificationScheme:
    """The scheme in force (anyone logged in may know the markings)."""
    viewer.require_login()
    return scheme_at(store, change_token(store))


@use_case
def set_scheme(store: Store, viewer: Viewer, scheme: ClassificationScheme | dict[str, Any]
               ) -> ClassificationScheme:
    """Put a new scheme in force (administrators); refused while stored content carries a
    marking it lacks."""
    viewer.require(Role.ADMIN, None)
    return set_classification_scheme(store, scheme, actor=viewer.name)


__all__ = ["current_scheme", "set_scheme"]
