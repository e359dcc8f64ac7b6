"""Use cases on whole cycles: list, create (empty, from a workspace file, as a successor of a
published cycle), freeze, bring in line with a workspace, export, and the example cycles.

Roles: reading needs the viewer role on the cycle; creating, freezing and cloning a cycle the
coordinator role (on the new cycle's key: a coordinator on every cycle, or the system operator);
bringing a cycle in line with a workspace the analyst role, and a clearance that covers all of
the cycle's content (it would otherwise overwrite what the viewer cannot see).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from weerbaar.domain import Cycle, CycleKind, Role, Workspace
from weerbaar.domain.limits import ID_EXPECTED, id_problem
from weerbaar.domain.need_to_know import highest_marking
from weerbaar.errors import InvalidInput, PermissionDenied
from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.methods.registry import get_profile
from weerbaar.services.cache import change_token
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope, cycles_at
from weerbaar.services.signals import import_signals
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store import cycles as repo
from weerbaar.store import documents as docs
from weerbaar.store.core import utcnow
from weerbaar.store.cycles import Progress
from weerbaar.store.records import (
    cycle_row,
    insert_themes,
    load_themes,
    profile_of,
    require_draft,
    to_cycle,
)
from weerbaar.store.scenarios import SCENARIO, check_scenario
from weerbaar.store.signals import SIGNAL
from weerbaar.store.threat_levels import THREAT_LEVEL, check_threat_level
from weerbaar.store.vital import DEPENDENCY, PROCESS

Period = tuple[str | None, str | None]
# what a successor cycle starts with: its parent's content, horizon scan and vital catalogue
CLONED_KINDS = (*repo.KINDS, SIGNAL, PROCESS, DEPENDENCY)


@use_case
def list_cycles(store: Store, viewer: Viewer) -> list[Cycle]:
    """The cycles the viewer may read, oldest first."""
    viewer.require_login()
    return [c for c in cycles_at(store, change_token(store)) if viewer.may(Role.VIEWER, c.key)]


@use_case
def get_cycle(store: Store, viewer: Viewer, key: str) -> Cycle:
    return cycle_scope(store, viewer, key).cycle


def _creator(viewer: Viewer, key: str) -> None:
    viewer.require(Role.COORDINATOR, key)
    if id_problem(key) is not None:
        raise InvalidInput(f"{key!r} is not a cycle key", location=["key"],
                           expected=ID_EXPECTED)


@use_case
def new_cycle(store: Store, viewer: Viewer, key: str, *, kind: CycleKind, profile: str,
              title: str | None = None, themes_from: str | None = None,
              period: Period = (None, None)) -> Cycle:
    """An empty draft cycle (optionally with the themes of another cycle)."""
    _creator(viewer, key)
    method = get_profile(profile)
    themes = cycle_scope(store, viewer, themes_from).workspace()[0].themes if themes_from else ()
    return repo.import_workspace(store, Workspace(profile=method.id, title=title, themes=themes),
                                 key=key, kind=kind, actor=viewer.name, title=title,
                                 period=period, reason="new cycle")


@use_case
def import_cycle(store: Store, viewer: Viewer, source: str | Path | Workspace, *, key: str,
                 kind: CycleKind, reason: str | None = None, title: str | None = None,
                 period: Period = (None, None), progress: Progress | None = None) -> Cycle:
    """A new cycle holding a workspace (a file, ``example:NAME`` or a loaded workspace), in one
    transaction: all or nothing."""
    _creator(viewer, key)
    workspace = source if isinstance(source, Workspace) else load_workspace(str(source))
    return repo.import_workspace(store, workspace, key=key, kind=kind, actor=viewer.name,
                                 reason=reason, title=title, period=period, progress=progress)


@dataclass(frozen=True)
class CycleExport:
    """A cycle as a workspace file (the canonical YAML), headed by its highest marking."""

    text: str
    marking: str


@use_case
def export_cycle(store: Store, viewer: Viewer, key: str) -> CycleExport:
    """The cycle as the viewer may see it, as a workspace file headed by the highest marking
    it contains; the reads are logged (channel ``export``)."""
    scope = cycle_scope(store, viewer.via("export"), key)
    workspace, profile = scope.workspace()
    marking = scope.scheme.label(highest_marking(workspace, scope.scheme))
    scope.log_workspace(workspace)
    return CycleExport(f"# Classification: {marking}\n" + dump_workspace(workspace, profile),
                       marking)


@use_case
def freeze_cycle(store: Store, viewer: Viewer, key: str, *, reason: str | None = None) -> Cycle:
    """Publish a cycle: from now on it is read-only."""
    cycle_scope(store, viewer, key, Role.COORDINATOR)
    with store.transaction() as tx:
        row = cycle_row(tx, key)
        require_draft(row)
        repo.set_frozen(tx, row, actor=viewer.name, reason=reason)
        return to_cycle(tx, cycle_row(tx, key))


@use_case
def clone_cycle(store: Store, viewer: Viewer, parent: str, key: str, *, kind: CycleKind,
                title: str | None = None, reason: str | None = None,
                period: Period = (None, None)) -> Cycle:
    """Start a successor cycle as a copy of ``parent`` (its content, horizon scan and vital
    catalogue); every document remembers its origin, so a comparison shows what changed."""
    _creator(viewer, key)
    cycle_scope(store, viewer, parent, Role.COORDINATOR)
    why = reason or f"cloned from {parent}"
    with store.transaction() as tx:
        source = cycle_row(tx, parent)
        cycle_id, at = repo.insert_cycle(
            tx, key=key, kind=kind, profile=profile_of(tx, source), title=title,
            parent_id=source.id, language=source.language, illustrative=source.illustrative,
            note=source.note, period=period, actor=viewer.name, reason=why)
        insert_themes(tx, cycle_id, load_themes(tx, source.id))
        for kind_ in CLONED_KINDS:
            repo.copy_documents(tx, kind_, source_id=source.id, cycle_id=cycle_id,
                                cycle_key=key, actor=viewer.name, reason=why, at=at)
        return to_cycle(tx, cycle_row(tx, key))


@dataclass(frozen=True)
class SyncReport:
    """What bringing a cycle in line with a workspace did (or would do): keys as
    ``scenario:ID``, ``review:THEME``, ``measure:ID``."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"added": list(self.added), "changed": list(self.changed),
                "removed": list(self.removed), "unchanged": self.unchanged}


class _DryRun(Exception):
    def __init__(self, report: SyncReport) -> None:
        self.report = report


def require_whole_view(scope: CycleScope) -> None:
    """Refuse a bulk change by a viewer who does not see all of the cycle's content."""
    if scope.clearance is not None and scope.workspace()[0] != scope.whole()[0]:
        raise PermissionDenied(f"cycle {scope.key!r} holds content above your clearance; a "
                               "change of the whole cycle would overwrite it")


@use_case
def apply_workspace(store: Store, viewer: Viewer, key: str, source: str | Path | Workspace, *,
                    reason: str | None = None, progress: Progress | None = None,
                    dry_run: bool = False) -> SyncReport:
    """Bring a draft cycle in line with a workspace: add, change and remove documents, each
    change a new revision carrying ``reason`` (removed documents stay in the history). With
    ``dry_run`` every check runs and the report is returned, but nothing is written."""
    scope = cycle_scope(store, viewer, key, Role.ANALYST)
    require_whole_view(scope)
    workspace = source if isinstance(source, Workspace) else load_workspace(str(source))
    try:
        return _apply(store, key, workspace, actor=viewer.name, reason=reason,
                      progress=progress, dry_run=dry_run)
    except _DryRun as done:
        return done.report


def _apply(store: Store, key: str, workspace: Workspace, *, actor: str, reason: str | None,
           progress: Progress | None, dry_run: bool) -> SyncReport:
    with store.transaction() as tx:
        row = cycle_row(tx, key)
        require_draft(row)
        profile = profile_of(tx, row)
        if workspace.profile != profile.id:
            raise InvalidInput(f"workspace is for profile {workspace.profile!r}, cycle {key!r} "
                               f"uses {profile.id!r}", location=["profile"])
        if workspace.themes != load_themes(tx, row.id):
            repo.replace_themes(tx, row.id, key, workspace, actor, reason)
        at = utcnow()
        added: list[str] = []
        changed: list[str] = []
        removed: list[str] = []
        unchanged = 0
        for kind in repo.KINDS:
            stored = {kind.key_of(s.item): s for s in
                      docs.list_stored(tx, kind, row.id, include_removed=True)}
            for position, item in enumerate(repo.documents_of(workspace, kind)):
                if kind is SCENARIO:
                    check_scenario(item, workspace.themes, profile)  # type: ignore[arg-type]
                elif kind is THREAT_LEVEL:
                    check_threat_level(item, workspace.themes)  # type: ignore[arg-type]
                name = f"{kind.entity}:{kind.key_of(item)}"
                old = stored.pop(kind.key_of(item), None)
                if old is None:
                    docs.insert_document(tx, kind, cycle_id=row.id, cycle_key=key, item=item,
                                         position=position, actor=actor, reason=reason, at=at)
                    added.append(name)
                elif old.item != item or old.removed:
                    docs.write(tx, kind, cycle_id=row.id, cycle_key=key, item=item,
                               expected_revision=old.revision, actor=actor, reason=reason,
                               at=at)
                    changed.append(name)
                else:
                    unchanged += 1
                if progress is not None:
                    progress(len(added) + len(changed) + unchanged, -1)
            for left in stored.values():
                if not left.removed:
                    docs.write(tx, kind, cycle_id=row.id, cycle_key=key, item=left.item,
                               expected_revision=left.revision, actor=actor, reason=reason,
                               at=at, removed=True, action="remove")
                    removed.append(f"{kind.entity}:{kind.key_of(left.item)}")
        report = SyncReport(tuple(added), tuple(changed), tuple(removed), unchanged)
        if dry_run:
            raise _DryRun(report)  # leaving the block this way rolls the transaction back
        return report


@dataclass(frozen=True)
class ExampleCycle:
    key: str
    workspace: str
    kind: CycleKind
    parent: str | None
    period: tuple[str, str]
    freeze: bool
    signals: str | None = None  # a signal file of weerbaar.data.examples: its horizon scan


EXAMPLE_CYCLES = (
    ExampleCycle("nvs-2019", "example:nvs-2019", CycleKind.STRATEGY, None,
                 ("2019-06-01", "2023-06-01"), True),
    ExampleCycle("midterm-2021", "example:midterm-2021", CycleKind.MIDTERM_REVIEW, "nvs-2019",
                 ("2021-01-01", "2021-12-31"), False, signals="midterm-2021-signals.csv"),
)


@use_case
def load_examples(store: Store, viewer: Viewer) -> list[str]:
    """Put the example cycles in the database (once): NVS 2019, frozen, and the 2021 midterm
    review cloned from it with every re-assessment as a revision. Returns the keys created."""
    viewer.require(Role.ADMIN, None)
    existing = {c.key for c in repo.list_cycles(store)}
    created = []
    for example in EXAMPLE_CYCLES:
        if example.key in existing:
            continue
        workspace = load_workspace(example.workspace)
        if example.parent is None:
            import_cycle(store, viewer, workspace, key=example.key, kind=example.kind,
                         reason="example cycle", period=example.period)
        else:
            clone_cycle(store, viewer, example.parent, example.key, kind=example.kind,
                        title=workspace.title, period=example.period)
            apply_workspace(store, viewer, example.key, workspace,
                            reason="midterm review 2021: re-assessment of the threats")
        if example.signals is not None:
            _example_signals(store, viewer, example.key, example.signals)
        if example.freeze:
            freeze_cycle(store, viewer, example.key, reason="published example strategy")
        created.append(example.key)
    return created


def _example_signals(store: Store, viewer: Viewer, key: str, name: str) -> None:
    """The example's illustrative horizon-scan signals, every one of the file (the shipped
    file has no near-duplicates; none is left out)."""
    with resources.as_file(resources.files("weerbaar.data.examples") / name) as path:
        import_signals(store, viewer, key, path, keep_duplicates=True,
                       reason="example horizon scan (illustrative signals)")


__all__ = ["EXAMPLE_CYCLES", "CycleExport", "SyncReport", "apply_workspace", "clone_cycle",
           "export_cycle", "freeze_cycle", "get_cycle", "import_cycle", "list_cycles",
           "load_examples", "new_cycle", "require_whole_view"]
