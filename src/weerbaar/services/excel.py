"""Use cases for Excel scoring workbooks: template, import into a cycle, export a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weerbaar.domain import CycleKind, Workspace
from weerbaar.domain.need_to_know import highest_marking
from weerbaar.errors import InvalidInput
from weerbaar.io.excel import read_workbook, write_workbook
from weerbaar.methods.registry import get_profile
from weerbaar.services.visibility import log_workspace_reads
from weerbaar.store import (
    Store,
    SyncReport,
    apply_workspace,
    cycle_workspace,
    import_workspace,
    list_cycles,
)
from weerbaar.store.cycles import Progress
from weerbaar.store.settings import classification_scheme


def write_template(profile_id: str, path: Path, *, lang: str = "nl") -> Path:
    """An empty scoring workbook for a method profile."""
    _refuse_existing(path)
    return write_workbook(get_profile(profile_id), path, lang="en" if lang == "en" else "nl")


def export_cycle(store: Store, key: str, path: Path, *, lang: str = "nl",
                 clearance: str | None = None, actor: str = "cli") -> Path:
    """A cycle's themes, scenarios and experts' scores as a scoring workbook, marked with the
    highest marking it contains (with a ``clearance``: only what that clearance may see)."""
    _refuse_existing(path)
    workspace, profile = cycle_workspace(store, key, clearance=clearance)
    within = classification_scheme(store)
    marking = highest_marking(workspace, within)
    written = write_workbook(profile, path, workspace, lang="en" if lang == "en" else "nl",
                             marking=marking)
    log_workspace_reads(store, actor=actor, cycle=key, channel="export", workspace=workspace,
                        within=within)
    return written


@dataclass(frozen=True)
class ExcelImport:
    cycle: str
    created: bool
    report: SyncReport | None
    scenarios: int
    dry_run: bool


def import_workbook(store: Store, path: Path, *, key: str, actor: str,
                    kind: CycleKind | None = None, reason: str | None = None,
                    dry_run: bool = False, progress: Progress | None = None) -> ExcelImport:
    """Import a workbook into cycle ``key``: a new cycle (needs ``kind``) or an existing draft.

    The workbook is read completely first: any problem stops the import with every problem
    listed by sheet and cell, and nothing is written. Into an existing cycle the workbook's themes
    and scenarios replace the cycle's (as new revisions); reviews and measures are kept, since
    workbooks do not carry them. The whole import is one transaction.
    """
    existing = {c.key for c in list_cycles(store)}
    if key in existing:
        current, profile = cycle_workspace(store, key)
        workspace = keep_markings(read_workbook(path, profile), current)
        merged = workspace.model_copy(update={"reviews": current.reviews,
                                              "measures": current.measures})
        report = apply_workspace(store, key, merged, actor=actor,
                                 reason=reason or f"Excel import of {path.name}",
                                 progress=progress, dry_run=dry_run)
        return ExcelImport(key, False, report, len(workspace.scenarios), dry_run)
    workspace = read_workbook(path)
    if kind is None:
        raise InvalidInput(f"there is no cycle {key!r}; to create it, give its kind",
                           location=["--kind"], expected="strategy, midterm_review, "
                           "risk_analysis or regional_profile")
    if not dry_run:
        import_workspace(store, workspace, key=key, kind=kind, actor=actor,
                         reason=reason or f"Excel import of {path.name}", progress=progress)
    return ExcelImport(key, True, None, len(workspace.scenarios), dry_run)


def keep_markings(workspace: Workspace, current: Workspace) -> Workspace:
    """Workbooks carry no markings: a scenario (and an expert's score) read from one keeps the
    marking it has in the cycle, so an import never lowers a marking."""
    before = {s.id: s for s in current.scenarios}
    scenarios = []
    for s in workspace.scenarios:
        old = before.get(s.id)
        if old is None:
            scenarios.append(s)
            continue
        experts = {e.expert: e.marking for e in old.experts}
        scenarios.append(s.model_copy(update={
            "marking": s.marking or old.marking,
            "experts": tuple(e.model_copy(update={"marking": e.marking or experts.get(e.expert)})
                             for e in s.experts)}))
    return workspace.model_copy(update={"scenarios": tuple(scenarios)})


def read_only(path: Path) -> Workspace:
    """Read and check a workbook without a database (every problem reported at once)."""
    return read_workbook(path)


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise InvalidInput(f"{path} exists; not overwriting it", location=["--out"],
                           expected="a new file name")
