"""Cycles in the store: import/export round-trips, freeze, clone, comparison, history, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.operator_support import compare_with_parent, diff, export_file

from weerbaar.domain import CycleKind, CycleStatus, ScoreRange
from weerbaar.errors import Conflict, NotFound, PermissionDenied
from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import apply_workspace, clone_cycle, load_examples
from weerbaar.services.cycles import import_cycle as import_file
from weerbaar.services.viewer import Viewer
from weerbaar.store import (
    Store,
    cycle_workspace,
    get,
    get_cycle,
    history,
    import_workspace,
    restore,
    save,
)
from weerbaar.store import audit as audit_log

AS_ANN = Viewer.operator("ann")
AS_T = Viewer.operator("t")


@pytest.mark.parametrize("name", ["nvs-2019", "midterm-2021"])
def test_workspace_round_trip(store: Store, tmp_path: Path, name: str) -> None:
    original = load_workspace(f"example:{name}")
    profile = get_profile(original.profile)
    import_file(store, AS_T, f"example:{name}", key="c1", kind=CycleKind.STRATEGY)
    first = export_file(store, "c1", tmp_path / "first.yaml")
    header, _, body = first.read_text(encoding="utf-8").partition("\n")
    assert header == "# Classification: INTERNAL"  # unmarked content counts as internal
    assert body == dump_workspace(original, profile)
    import_file(store, AS_T, first, key="c2", kind=CycleKind.STRATEGY)
    second = export_file(store, "c2", tmp_path / "second.yaml")
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    stored, stored_profile = cycle_workspace(store, "c2")
    assert stored.scenarios == original.scenarios
    assert stored.themes == original.themes
    assert stored_profile.content_hash == profile.content_hash


def _raise_likelihood(store: Store, cycle: str, sid: str, revision: int, actor: str,
                      ev: float) -> int:
    current = get(store, cycle, "scenario", sid).item
    assert current.likelihood is not None
    likelihood = current.likelihood.model_copy(update={"range": ScoreRange(ev=ev, ll=1, ul=5)})
    edited = current.model_copy(update={"likelihood": likelihood})
    return save(store, cycle, edited, expected_revision=revision, actor=actor,
                reason=f"{actor} says {ev}")


def test_history_diff_and_restore(store: Store) -> None:
    import_file(store, AS_ANN, "example:nvs-2019", key="c", kind=CycleKind.STRATEGY)
    sid = "trade-war"
    original = get(store, "c", "scenario", sid)
    assert original.revision == 1
    assert _raise_likelihood(store, "c", sid, 1, "bob", 4.5) == 2
    revisions = history(store, "c", "scenario", sid)
    assert [(r.number, r.actor, r.reason) for r in revisions] == [
        (1, "ann", None), (2, "bob", "bob says 4.5")]
    changes = {(c.subject, c.aspect): (c.before, c.after)
               for c in diff(store, "c", "scenario", sid, 1, 2)}
    assert changes == {("Likelihood", "expected value"): ("C", "D-high"),
                       ("Likelihood", "lower limit"): ("B-high", "A"),
                       ("Likelihood", "upper limit"): ("D", "E")}
    assert restore(store, "c", "scenario", sid, 1, expected_revision=2, actor="ann",
                   reason="back") == 3
    restored = get(store, "c", "scenario", sid)
    assert restored.item == original.item and restored.revision == 3
    assert [r.number for r in history(store, "c", "scenario", sid)] == [1, 2, 3]
    with store.read() as conn:
        actions = [(e.action, e.entity_key, e.revision) for e in audit_log.entries(conn)]
        assert audit_log.verify(conn) == []
    assert ("update", sid, 2) in actions and ("restore", sid, 3) in actions


def test_two_writers_on_a_stale_revision(make_store: Callable[..., Store],
                                         databases: object) -> None:
    first = make_store()
    import_file(first, AS_T, "example:nvs-2019", key="c", kind=CycleKind.STRATEGY)
    # a second, independent connection pool to the same database: another writer
    from weerbaar.store import open_store

    second = open_store(first.engine.url.render_as_string(hide_password=False))
    try:
        seen_by_both = get(first, "c", "scenario", "trade-war").revision
        assert _raise_likelihood(first, "c", "trade-war", seen_by_both, "ann", 5.0) == 2
        with pytest.raises(Conflict) as info:
            _raise_likelihood(second, "c", "trade-war", seen_by_both, "bob", 1.0)
        message = str(info.value)
        assert "revision 1" in message and "current revision is 2" in message
        kept = get(second, "c", "scenario", "trade-war")
        assert kept.revision == 2 and kept.updated_by == "ann"
        assert kept.item.likelihood is not None and kept.item.likelihood.range.ev == 5.0
        assert len(history(first, "c", "scenario", "trade-war")) == 2
    finally:
        second.dispose()


def test_frozen_cycle_is_read_only_and_clone_tracks_changes(store: Store) -> None:
    load_examples(store, AS_T)
    parent = get_cycle(store, "nvs-2019")
    assert parent.status is CycleStatus.FROZEN
    assert get_cycle(store, "midterm-2021").parent == "nvs-2019"
    with pytest.raises(PermissionDenied, match="frozen"):
        _raise_likelihood(store, "nvs-2019", "trade-war", 1, "t", 4.0)
    with pytest.raises(PermissionDenied):
        apply_workspace(store, AS_T, "nvs-2019", load_workspace("example:midterm-2021"))
    cmp = compare_with_parent(store, "midterm-2021")
    new = {i.key for i in cmp.of("new")}
    changed = {i.key for i in cmp.of("changed")}
    assert new == {"pandemic-unrest", "ransomware-drinking-water", "medical-supply-disruption"}
    assert "terror-attack-multiple" in changed
    assert cmp.unchanged_by_kind["scenario"] == 5
    assert all(i.reasons for i in cmp.of("changed"))
    # remove one in a successor of the midterm: it shows as removed
    clone_cycle(store, AS_T, "midterm-2021", "next", kind=CycleKind.STRATEGY)
    workspace, _ = cycle_workspace(store, "next")
    smaller = workspace.model_copy(update={"scenarios": workspace.scenarios[1:]})
    report = apply_workspace(store, AS_T, "next", smaller, reason="dropped")
    assert report.removed == (f"scenario:{workspace.scenarios[0].id}",)
    assert [i.key for i in compare_with_parent(store, "next").of("removed")] == [
        workspace.scenarios[0].id]
    assert load_examples(store, AS_T) == []  # idempotent


def test_not_found_messages(store: Store) -> None:
    with pytest.raises(NotFound, match="no cycle 'nope'"):
        get_cycle(store, "nope")
    import_workspace(store, load_workspace("example:nvs-2019"), key="c",
                     kind=CycleKind.STRATEGY, actor="t")
    with pytest.raises(NotFound, match="no scenario 'x'"):
        get(store, "c", "scenario", "x")
    with pytest.raises(Conflict, match="exists already"):
        import_workspace(store, load_workspace("example:nvs-2019"), key="c",
                         kind=CycleKind.STRATEGY, actor="t")
