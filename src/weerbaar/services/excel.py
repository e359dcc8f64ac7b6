"""Use cases for Excel scoring workbooks: an empty template, a cycle's workbook, and importing a
filled workbook into a cycle (a new one, or an existing draft) — every problem listed by sheet
and cell, and nothing written unless there are none.

The workbooks are returned as bytes; the faces save them where the user asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weerbaar.domain import CycleKind, Role, Workspace
from weerbaar.domain.need_to_know import highest_marking
from weerbaar.errors import InvalidInput
from weerbaar.i18n import check_language
from weerbaar.io.excel import read_workbook, workbook_bytes
from weerbaar.methods.registry import get_profile
from weerbaar.services.cycles import (
    SyncReport,
    apply_workspace,
    import_cycle,
    require_whole_view,
)
from weerbaar.services.registry import use_case
from weerbaar.services.scope import cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store
from weerbaar.store.cycles import Progress, list_cycles


@use_case
def scoring_template(viewer: Viewer, profile: str, *, lang: str = "nl") -> bytes:
    """An empty scoring workbook for a method profile."""
    return workbook_bytes(get_profile(profile), lang=check_language(lang, default="nl"))


@dataclass(frozen=True)
class CycleWorkbook:
    content: bytes
    marking: str


@use_case
def export_workbook(store: Store, viewer: Viewer, key: str, *, lang: str = "nl") -> CycleWorkbook:
    """A cycle's themes, scenarios and experts' scores as the viewer may see them, as a scoring
    workbook marked with the highest marking it contains; the reads are logged (``export``)."""
    language = check_language(lang, default="nl")
    scope = cycle_scope(store, viewer.via("export"), key)
    workspace, profile = scope.workspace()
    marking = highest_marking(workspace, scope.scheme)
    content = workbook_bytes(profile, workspace, lang=language,
                             marking=scope.scheme.label(marking, language))
    scope.log_workspace(workspace)
    return CycleWorkbook(content, marking)


@dataclass(frozen=True)
class ExcelImport:
    cycle: str
    created: bool
    report: SyncReport | None
    scenarios: int
    dry_run: bool


@use_case
def import_workbook(store: Store, viewer: Viewer, path: Path, *, key: str,
                    kind: CycleKind | None = None, reason: str | None = None,
                    dry_run: bool = False, progress: Progress | None = None) -> ExcelImport:
    """Import a workbook into cycle ``key``: a new cycle (needs ``kind``) or an existing draft.

    The workbook is read completely first: any problem stops the import with every problem
    listed by sheet and cell, and nothing is written. Into an existing cycle the workbook's themes
    and scenarios replace the cycle's (as new revisions); reviews, measures and the threat-level
    history are kept, since workbooks do not carry them. The whole import is one transaction.
    """
    why = reason or f"Excel import of {path.name}"
    if key in {c.key for c in list_cycles(store)}:
        scope = cycle_scope(store, viewer, key, Role.ANALYST)
        require_whole_view(scope)
        current, profile = scope.whole()
        workspace = keep_markings(read_workbook(path, profile), current)
        merged = workspace.model_copy(update={"reviews": current.reviews,
                                              "measures": current.measures,
                                              "threat_level": current.threat_level})
        report = apply_workspace(store, viewer, key, merged, reason=why, progress=progress,
                                 dry_run=dry_run)
        return ExcelImport(key, False, report, len(workspace.scenarios), dry_run)
    viewer.require_login()
    workspace = read_workbook(path)
    if kind is None:
        raise InvalidInput(f"there is no cycle {key!r}; to create it, give its kind",
                           location=["kind"], expected="strategy, midterm_review, "
                           "risk_analysis or regional_profile")
    if not dry_run:
        import_cycle(store, viewer, workspace, key=key, kind=kind, reason=why,
                     progress=progress)
    return ExcelImport(key, True, None, len(workspace.scenarios), dry_run)


def keep_markings(workspace: Workspace, current: Workspace) -> Workspace:
    """Workbooks carry no markings and no scope: a scenario (and an expert's score) read from
    one keeps the marking (and the scope) it has in the cycle, so an import never lowers a
    marking nor loses a scope."""
    before = {s.id: s for s in current.scenarios}
    scenarios = []
    for s in workspace.scenarios:
        old = before.get(s.id)
        if old is None:
            scenarios.append(s)
            continue
        experts = {e.expert: e.marking for e in old.experts}
        scenarios.append(s.model_copy(update={
            "marking": s.marking or old.marking, "scope": s.scope or old.scope,
            "experts": tuple(e.model_copy(update={"marking": e.marking or experts.get(e.expert)})
                             for e in s.experts)}))
    return workspace.model_copy(update={"scenarios": tuple(scenarios)})


@use_case
def check_workbook(viewer: Viewer, path: Path) -> Workspace:
    """Read and check a workbook without a database (every problem reported at once)."""
    return read_workbook(path)


__all__ = ["CycleWorkbook", "ExcelImport", "check_workbook", "export_workbook",
           "import_workbook", "keep_markings", "scoring_template"]
