"""Use cases on a cycle's national terrorism threat level (DTN, 1–5): read its history, record a
change.

The history is one versioned document per cycle, shown beside the theme it names (the terrorism
theme). Reading needs the viewer role; an entry marked above the viewer's clearance is left out.
Recording a change (a new entry at the end) needs the coordinator role on a draft cycle and the
revision the change was made against (0 for a cycle without a history; a stale one is a conflict
carrying the history as the viewer sees it now, and nothing is overwritten). Entries the
recorder cannot see are kept. Every change is a new revision and is audited.

The level is an ordinal indicator, not a probability: nothing here feeds any likelihood.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import Role, ThemeKind, ThreatLevel, ThreatLevelEntry, ThreatLevelHistory
from weerbaar.domain.need_to_know import threat_level_markings, visible_threat_level
from weerbaar.domain.threat_level import THREAT_LEVEL_KEY, THREAT_LEVEL_NAMES, THREAT_LEVEL_SCALE
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, add, get, save

KIND = "threat_level"


@dataclass(frozen=True)
class ThreatLevelRecord:
    """A cycle's threat-level history as the viewer may see it, with its revision (0: none)."""

    scope: CycleScope
    history: ThreatLevelHistory | None
    revision: int

    @property
    def current(self) -> ThreatLevelEntry | None:
        return None if self.history is None else self.history.current

    @property
    def theme(self) -> str | None:
        return None if self.history is None else self.history.theme

    @property
    def may_record(self) -> bool:
        return self.scope.may(Role.COORDINATOR)

    def to_dict(self) -> dict[str, Any]:
        history = self.history or ThreatLevelHistory()
        return {"revision": self.revision, "theme": history.theme,
                "current": None if self.current is None else int(self.current.level),
                "entries": [{**e.model_dump(mode="json"),
                             "name": e.name.model_dump(), "marking": e.marking}
                            for e in history.entries],
                "scale": {"levels": {int(level): name.model_dump()
                                     for level, name in THREAT_LEVEL_NAMES.items()},
                          "provenance": THREAT_LEVEL_SCALE.model_dump(mode="json")}}


def _stored(scope: CycleScope) -> tuple[ThreatLevelHistory | None, int]:
    """The whole stored history (for the rules, never shown) and its revision."""
    try:
        stored = get(scope.store, scope.key, KIND, THREAT_LEVEL_KEY)
    except NotFound:
        return None, 0
    if stored.removed:
        return None, stored.revision
    item = stored.item
    assert isinstance(item, ThreatLevelHistory)
    return item, stored.revision


def _record(scope: CycleScope) -> ThreatLevelRecord:
    whole, revision = _stored(scope)
    shown = whole
    if whole is not None and scope.clearance is not None:
        shown = visible_threat_level(whole, scope.scheme, scope.clearance)
    if shown is not None:
        scope.log(threat_level_markings(shown, scope.scheme))
    return ThreatLevelRecord(scope, shown, revision)


@use_case
def get_threat_level(store: Store, viewer: Viewer, cycle: str) -> ThreatLevelRecord:
    """The cycle's threat-level history as the viewer may see it (entries above their
    clearance left out); revision 0 when the cycle has none."""
    return _record(cycle_scope(store, viewer, cycle))


def new_entry(**fields: Any) -> ThreatLevelEntry:
    """An entry from the fields a face parsed; an invalid value is InvalidInput naming the
    field (``threat_level.entry.FIELD``, e.g. ``threat_level.entry.level`` for a level outside
    1–5)."""
    try:
        return ThreatLevelEntry.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        expected = ("1 to 5: " + ", ".join(f"{int(level)} {name.en}"
                                           for level, name in THREAT_LEVEL_NAMES.items())
                    if error["loc"][:1] == ("level",) else None)
        raise InvalidInput(error["msg"].removeprefix("Value error, "),
                           location=["threat_level", "entry", *error["loc"]],
                           expected=expected) from None


def _theme(scope: CycleScope, given: str | None, history: ThreatLevelHistory | None) -> str:
    workspace, _ = scope.workspace()
    threats = [t.id for t in workspace.themes if t.kind is ThemeKind.THREAT]
    theme = given if given is not None else (history.theme if history is not None else None)
    if theme is None:
        raise InvalidInput("name the theme the threat level is shown beside",
                           location=["threat_level", "theme"],
                           expected=f"one of {', '.join(threats) or '(no threat themes)'}")
    if theme not in {t.id for t in workspace.themes}:
        raise InvalidInput(f"{theme!r} is not a theme of cycle {scope.key!r}",
                           location=["threat_level", "theme"],
                           expected=f"one of {', '.join(threats) or '(no threat themes)'}")
    return theme


@use_case
def record_threat_level(store: Store, viewer: Viewer, cycle: str, entry: ThreatLevelEntry, *,
                        expected_revision: int | None, theme: str | None = None,
                        reason: str | None = None) -> int:
    """Add ``entry`` as the latest threat level of a draft cycle, made against
    ``expected_revision`` (0: the cycle has no history yet; None, for the command line: the
    current one); its new revision. Needs the coordinator role. ``theme`` names the theme the
    level is shown beside (needed for a first entry; given later, it moves the history). The
    entry's marking may not exceed the viewer's clearance; entries they cannot see are kept."""
    scope = cycle_scope(store, viewer, cycle, Role.COORDINATOR)
    scope.require_draft()
    scope.check_marking(entry.marking, "threat_level.entry.marking")
    whole, revision = _stored(scope)
    expected = revision if expected_revision is None else expected_revision
    try:
        history = ThreatLevelHistory(
            theme=_theme(scope, theme, whole),
            entries=(*(whole.entries if whole is not None else ()), entry))
    except ValidationError as exc:
        raise InvalidInput(exc.errors()[0]["msg"].removeprefix("Value error, "),
                           location=["threat_level", "entries", len(history_of(whole))],
                           expected="a date on or after the last dated entry") from None
    try:
        if expected != revision:
            raise Conflict(f"threat level of cycle {cycle!r}: the change was made against "
                           f"revision {expected}, but the current revision is {revision}; "
                           "nothing was overwritten — reload and record it again")
        if revision == 0:
            return add(store, cycle, history, actor=viewer.name, reason=reason)
        return save(store, cycle, history, expected_revision=expected, actor=viewer.name,
                    reason=reason)
    except Conflict as exc:
        raise Conflict(str(exc), current=_record(scope).to_dict()) from None


def history_of(history: ThreatLevelHistory | None) -> tuple[ThreatLevelEntry, ...]:
    return () if history is None else history.entries


def parse_level(value: str | int, location: str = "level") -> ThreatLevel:
    """A level given as 1–5 (or its English or Dutch name); anything else is refused naming
    ``location``."""
    text = str(value).strip().lower()
    for level, name in THREAT_LEVEL_NAMES.items():
        if text in (str(int(level)), (name.en or "").lower(), (name.nl or "").lower()):
            return level
    raise InvalidInput(f"{str(value)[:40]!r} is not a threat level", location=[location],
                       expected="1 to 5: " + ", ".join(f"{int(level)} {name.en}"
                                                       for level, name in
                                                       THREAT_LEVEL_NAMES.items()))


def parse_date(value: str | None, location: str = "date") -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date", location=[location],
                           expected="YYYY-MM-DD") from None


__all__ = ["ThreatLevelRecord", "get_threat_level", "history_of", "new_entry", "parse_date",
           "parse_level", "record_threat_level"]
