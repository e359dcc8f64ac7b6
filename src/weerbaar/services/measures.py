"""Use cases on measures and capabilities: list a cycle's measures, add one.

Adding needs the analyst role on a draft cycle; a measure's themes, scenarios and effect
criteria must exist in the cycle (as the viewer may see it), and its marking may not exceed the
viewer's clearance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from weerbaar.domain import Measure, Role, Theme
from weerbaar.domain.need_to_know import Marked
from weerbaar.errors import InvalidInput
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store, add


@dataclass(frozen=True)
class MeasureList:
    scope: CycleScope
    measures: tuple[Measure, ...]

    @property
    def themes(self) -> dict[str, Theme]:
        return {t.id: t for t in self.scope.workspace()[0].themes}


@use_case
def list_measures(store: Store, viewer: Viewer, cycle: str, *,
                  theme: str | None = None) -> MeasureList:
    """The cycle's measures the viewer may see (of one theme, if given)."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, _ = scope.workspace()
    if theme is not None and theme not in {t.id for t in workspace.themes}:
        raise InvalidInput(f"{theme!r} is not a theme of cycle {cycle!r}", location=["theme"],
                           expected=", ".join(t.id for t in workspace.themes))
    items = tuple(m for m in workspace.measures if theme is None or theme in m.themes)
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


@use_case
def add_measure(store: Store, viewer: Viewer, cycle: str, measure: Measure, *,
                reason: str | None = None) -> int:
    """Add a measure to a draft cycle; its revision (1)."""
    scope = cycle_scope(store, viewer, cycle, Role.ANALYST)
    scope.require_draft()
    workspace, profile = scope.workspace()
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
    return add(store, cycle, measure, actor=viewer.name, reason=reason)


__all__ = ["MeasureList", "add_measure", "list_measures", "new_measure"]
