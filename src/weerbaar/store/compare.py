"""Compare cycles: what is new, changed and removed, and the reasons recorded for each change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, select

from weerbaar.domain.need_to_know import visible_measure, visible_review, visible_scenario
from weerbaar.store import documents as docs
from weerbaar.store.core import Store
from weerbaar.store.records import cycle_row, list_revisions
from weerbaar.store.scenarios import MEASURE, REVIEW, SCENARIO
from weerbaar.store.schema import cycles
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


def _reasons(conn: Connection, entity: str, pk: int, since: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(rev.reason for rev in list_revisions(conn, entity, pk)
                               if rev.number > since and rev.reason))


Seer = Callable[[str, Any], Any]


def _keys(conn: Connection, cycle_id: int, clearance: str) -> dict[str, tuple[set[str], set[str]]]:
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


def _seer(conn: Connection, cycle_id: int, clearance: str | None,
          other_id: int | None = None) -> Seer:
    """A function giving an item as someone with ``clearance`` sees it (None: not at all).

    ``other_id``: the other cycle of a comparison. A link to an item hidden there is left out
    here too, so the difference does not show the hidden item's key as a change."""
    if clearance is None:
        return lambda entity, item: item
    scheme = scheme_of(conn)
    keys = _keys(conn, cycle_id, clearance)
    other = _keys(conn, other_id, clearance) if other_id is not None else {}
    scenario_keys, measure_keys, signal_keys = (
        keys[e][0] - (other[e][1] if e in other else set())
        for e in ("scenario", "measure", "signal"))

    def see(entity: str, item: Any) -> Any:
        if entity == "scenario":
            return visible_scenario(item, scheme, clearance)
        if entity == "measure":
            return visible_measure(item, scheme, clearance, scenarios=scenario_keys)
        return visible_review(item, scheme, clearance, scenarios=scenario_keys,
                              measures=measure_keys, signals=signal_keys)
    return see


def compare_cycles(store: Store, base: str | None, cycle: str, *,
                   clearance: str | None = None) -> CycleComparison:
    """Compare ``cycle`` with ``base`` (default: its parent). Items are matched by key.

    A document counts as changed when its content differs; its reasons are the reasons recorded
    in the cycle's history after it was first created there. With a ``clearance``, items above
    it (in either cycle) are left out and the rest compared as such a person sees them.
    """
    with store.read() as conn:
        row = cycle_row(conn, cycle)
        if base is None:
            if row.parent_id is None:
                return CycleComparison(cycle=cycle, base=None)
            base = conn.execute(select(cycles.c.key).where(cycles.c.id == row.parent_id)
                                ).scalar_one()
        base_row = cycle_row(conn, base)
        see_new = _seer(conn, row.id, clearance, base_row.id)
        see_old = _seer(conn, base_row.id, clearance, row.id)
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
                reasons = _reasons(conn, kind.entity, stored.pk, 1)
                if stored.removed:
                    if old is not None:
                        items.append(ItemChange(kind.entity, key, "removed", reasons=reasons))
                    continue
                if old is None:
                    reasons = _reasons(conn, kind.entity, stored.pk, 0)
                    items.append(ItemChange(kind.entity, key, "new", reasons=reasons))
                    continue
                changes = docs.diff(old.item.model_dump(mode="json"),
                                    stored.item.model_dump(mode="json"))
                if changes:
                    items.append(ItemChange(kind.entity, key, "changed", tuple(changes), reasons))
                else:
                    unchanged[kind.entity] = unchanged.get(kind.entity, 0) + 1
            items.extend(ItemChange(kind.entity, key, "removed") for key in before)
        return CycleComparison(cycle=cycle, base=base, items=tuple(items),
                               unchanged_by_kind=unchanged)


def compare_with_parent(store: Store, key: str, *,
                        clearance: str | None = None) -> CycleComparison:
    """What is new, changed and removed in a cycle relative to the cycle it was cloned from."""
    return compare_cycles(store, None, key, clearance=clearance)
