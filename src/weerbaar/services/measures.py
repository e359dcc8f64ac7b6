"""Use cases on measures and capabilities: list a cycle's measures, read one, add one, save
an edit.

Adding and editing need the analyst role on a draft cycle; a measure's themes, scenarios and effect
criteria must exist in the cycle (as the viewer may see it), and its marking may not exceed the
viewer's clearance.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import Measure, Role, Theme
from weerbaar.domain.need_to_know import Marked
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services.completeness import check_complete
from weerbaar.services.registry import use_case
from weerbaar.services.scenarios import scope_filter
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, add, save
from weerbaar.store.documents import Stored


@dataclass(frozen=True)
class MeasureList:
    scope: CycleScope
    measures: tuple[Measure, ...]

    @property
    def themes(self) -> dict[str, Theme]:
        return {t.id: t for t in self.scope.workspace()[0].themes}


@use_case
def list_measures(store: Store, viewer: Viewer, cycle: str, *,
                  theme: str | None = None, of_scope: str | None = None) -> MeasureList:
    """The cycle's measures the viewer may see (of one theme, and of one scope, if given: see
    :func:`weerbaar.services.scenarios.scope_filter`)."""
    scope = cycle_scope(store, viewer, cycle)
    keep = scope_filter(of_scope)
    workspace, _ = scope.workspace()
    if theme is not None and theme not in {t.id for t in workspace.themes}:
        raise InvalidInput(f"{theme!r} is not a theme of cycle {cycle!r}", location=["theme"],
                           expected=", ".join(t.id for t in workspace.themes))
    items = tuple(m for m in workspace.measures
                  if (theme is None or theme in m.themes) and keep(m.scope))
    scope.log(Marked("measure", m.id, scope.scheme.effective(m.marking)) for m in items)
    return MeasureList(scope, items)


def new_measure(**fields: Any) -> Measure:
    """A measure from the fields a face parsed (``effect`` as a mapping); an invalid value is
    InvalidInput naming the field (``measure.FIELD``)."""
    try:
        return Measure.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise InvalidInput(error["msg"].removeprefix("Value error, "),
                           location=["measure", *error["loc"]]) from None


def _check_links(scope: CycleScope, measure: Measure) -> None:
    """A measure's themes, scenarios and effect criteria must exist in the cycle as the viewer
    sees it; its marking may not exceed their clearance."""
    workspace, profile = scope.workspace()
    cycle = scope.key
    scope.check_marking(measure.marking, "measure.marking")
    themes = {t.id for t in workspace.themes}
    scenarios = {s.id for s in workspace.scenarios}
    criteria = {c.id for c in profile.criteria}
    for index, theme in enumerate(measure.themes):
        if theme not in themes:
            raise InvalidInput(f"theme {theme!r} is not a theme of cycle {cycle!r}",
                               location=["measure", "themes", index])
    for index, sid in enumerate(measure.scenarios):
        if sid not in scenarios:
            raise InvalidInput(f"scenario {sid!r} is not in cycle {cycle!r}",
                               location=["measure", "scenarios", index])
    for cid in measure.effect.criteria:
        if cid not in criteria:
            raise InvalidInput(f"criterion {cid!r} is not in profile {profile.id}",
                               location=["measure", "effect", "criteria", cid])


@dataclass(frozen=True)
class MeasureRecord:
    """A measure as the viewer may see it, with its current revision."""

    scope: CycleScope
    stored: Stored[Measure]

    @property
    def measure(self) -> Measure:
        return self.stored.item


@use_case
def get_measure(store: Store, viewer: Viewer, cycle: str, measure: str) -> MeasureRecord:
    """A measure ("not found" above the viewer's clearance)."""
    scope = cycle_scope(store, viewer, cycle)
    stored: Stored[Measure] = scope.item("measure", measure)
    scope.log([Marked("measure", measure, scope.scheme.effective(stored.item.marking))])
    return MeasureRecord(scope, stored)


@use_case
def save_measure(store: Store, viewer: Viewer, cycle: str, measure: Measure, *,
                 expected_revision: int, reason: str | None = None,
                 delete: Collection[str] = ()) -> int:
    """Save a whole measure made against ``expected_revision``; its new revision (the same
    when nothing changed). A field the measure has that the edit leaves out is an error unless
    ``delete`` names it (the marking and the scope left out are kept); a stale revision is a
    conflict carrying the current measure."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    shown: Measure = scope.item("measure", measure.id).item
    edited = check_complete(measure, shown, delete, where="measure", kept=("marking", "scope"))
    assert isinstance(edited, Measure)
    for kept in ("marking", "scope"):  # left out (and not deleted): kept as it is
        if kept not in measure.model_fields_set and kept not in delete:
            edited = edited.model_copy(update={kept: getattr(shown, kept)})
    _check_links(scope, edited)
    try:
        return save(store, cycle, edited, expected_revision=expected_revision,
                    actor=viewer.name, reason=reason)
    except Conflict as exc:
        now: Stored[Measure] = scope.item("measure", measure.id)
        raise Conflict(str(exc), current={
            "revision": now.revision, "updated_by": now.updated_by,
            "updated_at": now.updated_at.isoformat(),
            "measure": now.item.model_dump(mode="json")}) from None


@use_case
def add_measure(store: Store, viewer: Viewer, cycle: str, measure: Measure, *,
                reason: str | None = None) -> int:
    """Add a measure to a draft cycle; its revision (1)."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    _check_links(scope, measure)
    return add(store, cycle, measure, actor=viewer.name, reason=reason)


__all__ = ["MeasureList", "MeasureRecord", "add_measure", "get_measure", "list_measures",
           "new_measure", "save_measure"]
