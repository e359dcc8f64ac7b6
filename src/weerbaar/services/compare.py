"""Use case: compare two cycles — what is new, changed and removed (with the reasons recorded in
the history), how scenarios moved on the risk diagram, and which verdicts changed.

A comparison shows only what the viewer may see in *both* cycles, at the lower of their two
clearances: an item hidden in either cycle is left out of both, and links to it are left out of
the items shown, so the difference never reveals a hidden item's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from weerbaar.domain import Language, Role, Verdict, Workspace
from weerbaar.domain.need_to_know import (
    beside_child,
    visible_measure,
    visible_review,
    visible_scenario,
)
from weerbaar.i18n import check_language
from weerbaar.methods.assessment import assess
from weerbaar.services.history import visible_reasons
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope, lower_clearance
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store import documents as docs
from weerbaar.store.core import Tx
from weerbaar.store.records import cycle_row, list_revisions
from weerbaar.store.scenarios import MEASURE, REVIEW, SCENARIO
from weerbaar.store.settings import scheme_of
from weerbaar.store.signals import SIGNAL


@dataclass(frozen=True)
class ItemChange:
    kind: str  # scenario, review, measure
    key: str
    status: str  # new, changed, removed
    changes: tuple[docs.Change, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class CycleComparison:
    """Differences from ``base`` to ``cycle`` (by key), with the reasons from the history."""

    cycle: str
    base: str | None
    items: tuple[ItemChange, ...] = field(default=())
    unchanged_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return sum(self.unchanged_by_kind.values())

    def of(self, status: str, kind: str = "scenario") -> list[ItemChange]:
        return [i for i in self.items if i.status == status and i.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        return {"cycle": self.cycle, "base": self.base, "unchanged": self.unchanged_by_kind,
                "items": [{"kind": i.kind, "key": i.key, "status": i.status,
                           "reasons": list(i.reasons),
                           "changes": [{"path": c.path, "before": c.before, "after": c.after}
                                       for c in i.changes]} for i in self.items]}


@dataclass(frozen=True)
class Move:
    """A scenario present in both cycles, with its positions before and after."""

    scenario: str
    impact: tuple[float | None, float | None]
    likelihood: tuple[float | None, float | None]
    reasons: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        return self.impact[0] != self.impact[1] or self.likelihood[0] != self.likelihood[1]

    def describe(self) -> str:
        def pair(p: tuple[float | None, float | None]) -> str:
            a, b = (f"{v:.2f}" if v is not None else "—" for v in p)
            return a if a == b else f"{a} → {b}"

        return f"impact {pair(self.impact)}, likelihood {pair(self.likelihood)}"


@dataclass(frozen=True)
class VerdictChange:
    theme: str
    before: Verdict | None
    after: Verdict | None
    reasoning: str | None

    def describe(self) -> str:
        def name(v: Verdict | None) -> str:
            return v.value if v is not None else "none"

        return f"verdict {name(self.before)} → {name(self.after)}"


@dataclass(frozen=True)
class CompareResult:
    comparison: CycleComparison
    moves: tuple[Move, ...] = ()
    verdicts: tuple[VerdictChange, ...] = ()
    diagram: bytes | None = field(default=None)  # the movements drawn, when asked
    parent_withheld: bool = False  # the cycle has a parent the viewer holds no role on

    def to_dict(self) -> dict[str, Any]:
        out = self.comparison.to_dict()
        out["parent_withheld"] = self.parent_withheld
        out["moves"] = [{"scenario": m.scenario, "impact": list(m.impact),
                         "likelihood": list(m.likelihood), "reasons": list(m.reasons)}
                        for m in self.moves if m.moved]
        out["verdicts"] = [{"theme": v.theme,
                            "before": v.before.value if v.before else None,
                            "after": v.after.value if v.after else None,
                            "reasoning": v.reasoning} for v in self.verdicts]
        return out


# -- the differences of content -------------------------------------------------------------

Seer = Callable[[str, Any], Any]


def _reasons(conn: Tx, scope: CycleScope, entity: str, pk: int, since: int) -> tuple[str, ...]:
    """The reasons of a document's revisions after ``since`` that the scope's viewer may know
    (those of a revision marked above their clearance are redacted: :func:`visible_reasons`)."""
    return visible_reasons(scope.scheme, scope.clearance, entity,
                           list_revisions(conn, entity, pk), after=since)


def _keys(conn: Tx, cycle_id: int, clearance: str) -> dict[str, tuple[set[str], set[str]]]:
    """(visible, hidden) keys of the cycle's scenarios, measures and signals at ``clearance``."""
    scheme = scheme_of(conn)
    out: dict[str, tuple[set[str], set[str]]] = {}
    kinds: tuple[docs.DocumentKind[Any], ...] = (SCENARIO, MEASURE, SIGNAL)
    for kind in kinds:
        shown: set[str] = set()
        hidden: set[str] = set()
        for s in docs.list_stored(conn, kind, cycle_id):
            seen = (visible_scenario(s.item, scheme, clearance) is not None if kind is SCENARIO
                    else scheme.allows(clearance, s.item.marking))
            (shown if seen else hidden).add(s.item.id)
        out[kind.entity] = (shown, hidden)
    return out


def _seer(conn: Tx, cycle_id: int, clearance: str | None, other_id: int) -> Seer:
    """A function giving an item as someone with ``clearance`` sees it (None: not at all). A
    link to an item hidden in the other cycle is left out here too, so the difference does not
    show the hidden item's key as a change."""
    if clearance is None:
        return lambda entity, item: item
    scheme = scheme_of(conn)
    keys = _keys(conn, cycle_id, clearance)
    other = _keys(conn, other_id, clearance)
    scenario_keys, measure_keys, signal_keys = (
        keys[e][0] - other[e][1] for e in ("scenario", "measure", "signal"))

    def see(entity: str, item: Any) -> Any:
        if entity == "scenario":
            return visible_scenario(item, scheme, clearance)
        if entity == "measure":
            return visible_measure(item, scheme, clearance, scenarios=scenario_keys)
        return visible_review(item, scheme, clearance, scenarios=scenario_keys,
                              measures=measure_keys, signals=signal_keys)
    return see


def content_changes(scope: CycleScope, base: str) -> CycleComparison:
    """What is new, changed and removed from cycle ``base`` to the scope's cycle, as the
    scope's viewer may see it. A document's reasons are the reasons recorded in the cycle's
    history after it was first created there, without those of revisions marked above the
    viewer's clearance."""
    with scope.store.read() as conn:
        row = cycle_row(conn, scope.key)
        base_row = cycle_row(conn, base)
        see_new = _seer(conn, row.id, scope.clearance, base_row.id)
        see_old = _seer(conn, base_row.id, scope.clearance, row.id)
        items: list[ItemChange] = []
        unchanged: dict[str, int] = {}
        kinds: tuple[docs.DocumentKind[Any], ...] = (SCENARIO, REVIEW, MEASURE)
        for kind in kinds:
            before = {kind.key_of(s.item): s for s in docs.list_stored(conn, kind, base_row.id)}
            hidden = set()
            for key, s in list(before.items()):
                seen = see_old(kind.entity, s.item)
                if seen is None:
                    hidden.add(key)
                    del before[key]
                else:
                    before[key] = replace(s, item=seen)
            for stored in docs.list_stored(conn, kind, row.id, include_removed=True):
                key = kind.key_of(stored.item)
                seen = see_new(kind.entity, stored.item)
                if seen is None or key in hidden:
                    before.pop(key, None)
                    continue
                stored = replace(stored, item=seen)
                old = before.pop(key, None)
                reasons = _reasons(conn, scope, kind.entity, stored.pk, 1)
                if stored.removed:
                    if old is not None:
                        items.append(ItemChange(kind.entity, key, "removed", reasons=reasons))
                    continue
                if old is None:
                    reasons = _reasons(conn, scope, kind.entity, stored.pk, 0)
                    items.append(ItemChange(kind.entity, key, "new", reasons=reasons))
                    continue
                changes = docs.diff(old.item.model_dump(mode="json"),
                                    stored.item.model_dump(mode="json"))
                if changes:
                    items.append(ItemChange(kind.entity, key, "changed", tuple(changes), reasons))
                else:
                    unchanged[kind.entity] = unchanged.get(kind.entity, 0) + 1
            items.extend(ItemChange(kind.entity, key, "removed") for key in before)
        return CycleComparison(cycle=scope.key, base=base, items=tuple(items),
                               unchanged_by_kind=unchanged)


# -- the use case ---------------------------------------------------------------------------


def base_scope(scope: CycleScope, base: str) -> CycleScope:
    """The scope of the cycle compared with, needing the viewer role there too, at the lower
    of the two clearances."""
    return lower_clearance(cycle_scope(scope.store, scope.viewer, base, token=scope.token),
                           scope)


def readable_parent(scope: CycleScope) -> CycleScope | None:
    """The parent cycle's scope when the cycle has a parent the viewer may read (at the lower
    of the two clearances); else None, and what the parent shows is left out."""
    parent = scope.cycle.parent
    if parent is None or not scope.viewer.may(Role.VIEWER, parent):
        return None
    return base_scope(scope, parent)


def parent_beside(scope: CycleScope, parent: CycleScope) -> Workspace:
    """The parent's content as shown beside the scope's cycle: at the lower clearance, without
    the scenarios that are hidden in the child (a raised marking hides the old position too)."""
    workspace, _ = parent.workspace()
    if scope.clearance is None:
        return workspace
    return beside_child(workspace, scope.whole()[0], scope.workspace()[0])


@use_case
def compare_cycles(store: Store, viewer: Viewer, cycle: str, base: str | None = None, *,
                   diagram: str | None = None, lang: str = "en") -> CompareResult:
    """Compare ``cycle`` with ``base`` (default: its parent): content changes with reasons,
    movements on the risk diagram and verdict changes. With ``diagram`` ("svg" or "png") the
    movements are drawn too. The viewer needs the viewer role on both cycles; without a role
    on the parent, a cycle is compared with nothing (as one without a parent)."""
    language: Language = check_language(lang)
    scope = cycle_scope(store, viewer, cycle)
    other = readable_parent(scope) if base is None else base_scope(scope, base)
    if other is None:  # no parent, or one the viewer may not read (said, never named)
        return CompareResult(CycleComparison(cycle=cycle, base=None),
                             parent_withheld=scope.cycle.parent is not None)
    scope = lower_clearance(scope, other)
    comparison = content_changes(scope, other.key)
    new_ws, new_profile = scope.workspace()
    old_ws = parent_beside(scope, other)
    old_profile = other.profile
    after = assess(new_ws.scenarios, new_profile, title=new_ws.title)
    before = assess(old_ws.scenarios, old_profile, title=old_ws.title)
    reasons = {i.key: i.reasons for i in comparison.items if i.kind == "scenario"}
    old_results = {r.id: r for r in before.results}
    moves = []
    for r in after.results:
        old = old_results.get(r.id)
        if old is None:
            continue
        moves.append(Move(
            scenario=r.id,
            impact=(old.impact_position.ev if old.impact_position else None,
                    r.impact_position.ev if r.impact_position else None),
            likelihood=(old.likelihood_position.ev if old.likelihood_position else None,
                        r.likelihood_position.ev if r.likelihood_position else None),
            reasons=reasons.get(r.id, ())))
    old_reviews = {r.theme: r for r in old_ws.reviews}
    verdicts = []
    for review in new_ws.reviews:
        previous = old_reviews.get(review.theme)
        before_verdict = previous.verdict if previous else None
        if review.verdict != before_verdict:
            verdicts.append(VerdictChange(review.theme, before_verdict, review.verdict,
                                          review.verdict_reasoning))
    drawn = None
    if diagram is not None:
        from weerbaar.reports.diagram import render_risk_diagram
        from weerbaar.services.charts import figure_format

        fmt = figure_format(diagram)
        drawn = render_risk_diagram(
            after, new_profile, new_ws.themes, formats=(fmt,), lang=language,
            background=before, show_ranges=False,
            title=f"{new_ws.title or cycle} ← {old_ws.title or other.key}")[fmt]
    scope.log_workspace(new_ws)
    other.log_workspace(old_ws)
    return CompareResult(comparison, tuple(moves), tuple(verdicts), drawn)


__all__ = ["CompareResult", "CycleComparison", "ItemChange", "Move", "VerdictChange",
           "compare_cycles", "content_changes"]
