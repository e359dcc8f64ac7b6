"""What pages need to show the national terrorism threat level beside its theme and the scope
of scenarios and measures: the history as the viewer may see it and the display names in the
page's language."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from weerbaar.domain import Scope, ThreatLevel
from weerbaar.i18n import texts
from weerbaar.i18n.names import scope_name, threat_level_text
from weerbaar.services.database import Store
from weerbaar.services.threat_level import get_threat_level
from weerbaar.services.viewer import Viewer
from weerbaar.web.render import fallback_language


def names(request: Request) -> dict[str, Any]:
    """``level_text`` and ``scope_text`` in the page's language, and the scopes to offer."""
    t = texts(fallback_language(request))

    def level_text(level: ThreatLevel | int) -> str:
        return threat_level_text(t, level)

    def scope_text(scope: Scope | str | None) -> str:
        return scope_name(t, scope)

    return {"level_text": level_text, "scope_text": scope_text, "scopes": list(Scope)}


def threat_context(request: Request, store: Store, viewer: Viewer, cycle: str) -> dict[str, Any]:
    """The page context for the threat level (``threat``: the history as the viewer may see
    it) and the display names."""
    return {"threat": get_threat_level(store, viewer, cycle), **names(request)}


__all__ = ["names", "threat_context"]
