"""Use cases on a cycle's strategy text: the document's introduction, conclusion and generic
instruments (read one, save one).

One rule set for every face, as for theme reviews: reading needs the viewer role, and a text
marked above the viewer's clearance reads as a cycle without one (revision 0). Saving needs the
analyst role on a draft cycle and the revision the edit was made against (0 for a cycle without
a text; a stale one is a conflict carrying the current text, and nothing is overwritten). What
the editor cannot see is kept: instruments' evidence links to hidden items, and the marking
unless they set one. A chapter or instrument the stored text has that the edit leaves out is an
error unless ``delete`` names it (``introduction``, ``instruments.ID``): partial input never
deletes. Generic instruments have no resilience questions and no verdict.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, NoReturn

from weerbaar.domain import Role, StrategyText
from weerbaar.domain.need_to_know import strategy_text_marking
from weerbaar.domain.strategy_text import STRATEGY_TEXT_KEY
from weerbaar.errors import Conflict, InvalidInput, NotFound
from weerbaar.services.completeness import check_complete
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, add, get, save

KIND = "strategy_text"


def text_at(scope: CycleScope) -> tuple[StrategyText | None, int]:
    """The cycle's strategy text as the viewer sees it and its revision: (None, 0) for a cycle
    without one or with one above the viewer's clearance (the two cannot be told apart);
    (None, revision) for one that was removed."""
    try:
        stored = get(scope.store, scope.key, KIND, STRATEGY_TEXT_KEY)
    except NotFound:
        return None, 0
    if stored.removed:
        return None, stored.revision
    if scope.clearance is None:
        return stored.item, stored.revision
    seen = scope.workspace()[0].strategy_text
    return (seen, stored.revision) if seen is not None else (None, 0)


@dataclass(frozen=True)
class StrategyTextRecord:
    """A cycle's strategy text as the viewer sees it, with its revision (0: none) and what the
    viewer may do with it."""

    scope: CycleScope
    text: StrategyText | None
    revision: int

    @property
    def marking(self) -> str:
        return self.scope.scheme.effective(self.text.marking if self.text else None)

    @property
    def may_edit(self) -> bool:
        return self.scope.may(Role.ANALYST)

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "marking": self.marking,
                "strategy_text": None if self.text is None
                else self.text.model_dump(mode="json")}


@use_case
def get_strategy_text(store: Store, viewer: Viewer, cycle: str) -> StrategyTextRecord:
    """The cycle's strategy text (introduction, conclusion, generic instruments) as the viewer
    may see it; revision 0 when there is none (or none the viewer may see)."""
    scope = cycle_scope(store, viewer, cycle)
    text, revision = text_at(scope)
    if text is not None:
        scope.log([strategy_text_marking(text, scope.scheme)])
    return StrategyTextRecord(scope, text, revision)


@use_case
def strategy_text_revision(store: Store, viewer: Viewer, cycle: str,
                           number: int) -> StrategyTextRecord | None:
    """Revision ``number`` of the cycle's strategy text as the viewer may see it (what a stale
    edit was made from); None when there is none such."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    old = scope.at_revision(KIND, STRATEGY_TEXT_KEY, number) if number > 0 else None
    if old is None:
        return None
    scope.log([strategy_text_marking(old, scope.scheme)])
    return StrategyTextRecord(scope, old, number)


def _refuse_hidden(cycle: str, expected_revision: int) -> NoReturn:
    """A write to a text above the editor's clearance fails as it would for a cycle without
    one: a new one (revision 0) collides with the stored key, an edit finds nothing."""
    if expected_revision == 0:
        raise Conflict(f"cycle {cycle!r} already has strategy_text {STRATEGY_TEXT_KEY!r}")
    raise NotFound(f"cycle {cycle!r} has no strategy_text {STRATEGY_TEXT_KEY!r}")


def _complete(text: StrategyText, shown: StrategyText, delete: Collection[str]) -> StrategyText:
    """The edit with what ``delete`` names removed; a field or instrument the text has that the
    edit leaves out without naming it is an error."""
    gone = {d.removeprefix("instruments.") for d in delete if d.startswith("instruments.")}
    unknown = gone - {i.id for i in shown.instruments}
    if unknown:
        raise InvalidInput(f"cannot delete instrument {sorted(unknown)[0]!r}: no such instrument",
                           location=["strategy_text", "delete"],
                           expected=", ".join(f"instruments.{i.id}" for i in shown.instruments)
                           or "no instruments")
    edited = check_complete(text, shown, [d for d in delete if not d.startswith("instruments.")],
                            where="strategy_text")
    assert isinstance(edited, StrategyText)
    sent = {i.id for i in edited.instruments}
    for instrument in shown.instruments:
        if instrument.id not in sent and instrument.id not in gone:
            raise InvalidInput(f"instrument {instrument.id!r} is missing; to delete it, name "
                               f"'instruments.{instrument.id}' in 'delete'",
                               location=["strategy_text", "instruments", instrument.id],
                               expected="every instrument the text has (or an explicit deletion)")
    if not gone:
        return edited
    return edited.model_copy(update={"instruments": tuple(i for i in edited.instruments
                                                          if i.id not in gone)})


def keep_hidden_text(current: StrategyText, edited: StrategyText, shown: StrategyText, *,
                     marking_given: bool) -> StrategyText:
    """An edit keeps the instruments' evidence links its editor could not see (``shown`` is the
    text as they saw it), and the marking unless they set one."""
    seen = {i.id: {(e.kind, e.ref) for e in i.evidence} for i in shown.instruments}
    stored = {i.id: i for i in current.instruments}
    instruments = []
    for instrument in edited.instruments:
        old = stored.get(instrument.id)
        hidden = tuple(e for e in (old.evidence if old else ())
                       if (e.kind, e.ref) not in seen.get(instrument.id, set()))
        instruments.append(instrument if not hidden else instrument.model_copy(
            update={"evidence": (*instrument.evidence, *hidden)}))
    return edited.model_copy(update={
        "instruments": tuple(instruments),
        "marking": edited.marking if marking_given else current.marking})


@use_case
def save_strategy_text(store: Store, viewer: Viewer, cycle: str, text: StrategyText, *,
                       expected_revision: int, reason: str | None = None,
                       marking_given: bool = True, delete: Collection[str] = ()) -> int:
    """Save the cycle's whole strategy text made against ``expected_revision`` (0: the cycle
    has none yet); its new revision (the same when nothing changed). ``marking_given`` false
    keeps the stored marking; a stale revision is a conflict carrying the current text."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    shown, revision = text_at(scope)
    text = _complete(text, shown or StrategyText(), delete)
    try:
        stored = get(store, cycle, KIND, STRATEGY_TEXT_KEY)
        current, exists = stored.item, True
    except NotFound:
        current, exists = StrategyText(), False
    if exists and not revision:  # above the clearance: as if the cycle had none
        _refuse_hidden(cycle, expected_revision)
    given = marking_given and text.marking is not None and not (
        current.marking is None and text.marking == scope.scheme.effective(None))
    edited = keep_hidden_text(current, text, shown or StrategyText(), marking_given=given)
    scope.check_marking(edited.marking, "strategy_text.marking")
    if expected_revision == 0 and not exists:
        if edited == StrategyText():  # an empty form saved unchanged adds nothing
            return 0
        return add(store, cycle, edited, actor=viewer.name,
                   reason=reason or "strategy text created")
    try:
        return save(store, cycle, edited, expected_revision=expected_revision,
                    actor=viewer.name, reason=reason)
    except Conflict as exc:
        now = get_strategy_text(store, viewer, cycle)
        raise Conflict(str(exc), current=now.to_dict()) from None


__all__ = ["StrategyTextRecord", "get_strategy_text", "keep_hidden_text", "save_strategy_text",
           "strategy_text_revision", "text_at"]
