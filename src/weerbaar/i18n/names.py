"""Display names of the national terrorism threat level (DTN) and of the scopes of scenarios
and measures, from the catalogues.

The level names are method facts (:data:`weerbaar.domain.threat_level.THREAT_LEVEL_NAMES`); the
catalogues hold them under the context ``threat level`` (``msgctxt``), so "limited" as a level
and "limited" as an impact class can differ. A test checks that the catalogues give exactly the
domain's Dutch and English names.
"""

from __future__ import annotations

from weerbaar.domain import Scope, ThreatLevel
from weerbaar.domain.scope import SCOPE_NAMES
from weerbaar.domain.threat_level import THREAT_LEVEL_NAMES
from weerbaar.i18n import Texts

THREAT_LEVEL_CONTEXT = "threat level"


def threat_level_name(t: Texts, level: ThreatLevel | int) -> str:
    """The level's name in ``t``'s language ("aanzienlijk", "significant")."""
    return t.pgettext(THREAT_LEVEL_CONTEXT, THREAT_LEVEL_NAMES[ThreatLevel(level)].en or "")


def threat_level_text(t: Texts, level: ThreatLevel | int) -> str:
    """The level as shown: its number and name ("3 – aanzienlijk")."""
    return f"{int(level)} – {threat_level_name(t, level)}"


def scope_name(t: Texts, scope: Scope | str | None) -> str:
    """A scope's name ("Caribisch Nederland"); for none stated, "no scope stated"."""
    if scope is None or scope == "":
        return t("No scope stated")
    return t.gettext(SCOPE_NAMES[Scope(scope)].en or "")


__all__ = ["THREAT_LEVEL_CONTEXT", "scope_name", "threat_level_name", "threat_level_text"]
