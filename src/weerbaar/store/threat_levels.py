"""A cycle's threat-level history as a versioned document (one per cycle, key ``dtn``)."""

from __future__ import annotations

from weerbaar.domain import Theme, ThreatLevelHistory
from weerbaar.domain.threat_level import THREAT_LEVEL_KEY
from weerbaar.errors import InvalidInput
from weerbaar.store.documents import DocumentKind
from weerbaar.store.schema import threat_levels

THREAT_LEVEL: DocumentKind[ThreatLevelHistory] = DocumentKind(
    table=threat_levels, entity="threat_level", model=ThreatLevelHistory,
    key_of=lambda _history: THREAT_LEVEL_KEY)


def check_threat_level(history: ThreatLevelHistory, themes: tuple[Theme, ...]) -> None:
    """Refuse a history shown beside a theme the cycle does not have."""
    ids = [t.id for t in themes]
    if history.theme is not None and history.theme not in ids:
        raise InvalidInput(f"theme {history.theme!r} is not a theme of this cycle",
                           location=["threat_level", "theme"],
                           expected=f"one of {', '.join(ids) or '(no themes)'}")


__all__ = ["THREAT_LEVEL", "check_threat_level"]
