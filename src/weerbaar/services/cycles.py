"""Use cases around cycles in the database: examples, import/export, backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from weerbaar.domain import CycleKind
from weerbaar.domain.need_to_know import highest_marking
from weerbaar.io import load_workspace
from weerbaar.io.workspace_export import dump_workspace
from weerbaar.services.visibility import log_workspace_reads
from weerbaar.store import (
    Store,
    apply_workspace,
    clone_cycle,
    cycle_workspace,
    freeze_cycle,
    import_workspace,
    list_cycles,
)
from weerbaar.store.cycles import Progress
from weerbaar.store.settings import classification_scheme


@dataclass(frozen=True)
class ExampleCycle:
    key: str
    workspace: str
    kind: CycleKind
    parent: str | None
    period: tuple[str, str]
    freeze: bool


EXAMPLE_CYCLES = (
    ExampleCycle("nvs-2019", "example:nvs-2019", CycleKind.STRATEGY, None,
                 ("2019-06-01", "2023-06-01"), True),
    ExampleCycle("midterm-2021", "example:midterm-2021", CycleKind.MIDTERM_REVIEW, "nvs-2019",
                 ("2021-01-01", "2021-12-31"), False),
)


def load_examples(store: Store, *, actor: str) -> list[str]:
    """Put the example cycles in the database (once): NVS 2019, frozen, and the 2021 midterm
    review cloned from it with every re-assessment as a revision. Returns the keys it created."""
    existing = {c.key for c in list_cycles(store)}
    created = []
    for example in EXAMPLE_CYCLES:
        if example.key in existing:
            continue
        workspace = load_workspace(example.workspace)
        if example.parent is None:
            import_workspace(store, workspace, key=example.key, kind=example.kind, actor=actor,
                             reason="example cycle", period=example.period)
        else:
            clone_cycle(store, example.parent, example.key, kind=example.kind, actor=actor,
                        title=workspace.title, period=example.period)
            apply_workspace(store, example.key, workspace, actor=actor,
                            reason="midterm review 2021: re-assessment of the threats")
        if example.freeze:
            freeze_cycle(store, example.key, actor=actor, reason="published example strategy")
        created.append(example.key)
    return created


def import_file(store: Store, path: Path | str, *, key: str, kind: CycleKind, actor: str,
                reason: str | None = None, progress: Progress | None = None) -> None:
    """Import a workspace file as a new cycle (one transaction)."""
    import_workspace(store, load_workspace(str(path)), key=key, kind=kind, actor=actor,
                     reason=reason, progress=progress)


def export_file(store: Store, key: str, path: Path, *, clearance: str | None = None,
                actor: str = "cli") -> Path:
    """Write a cycle as a workspace file (the canonical YAML), headed by the highest marking it
    contains (with a ``clearance``: only what that clearance may see)."""
    workspace, profile = cycle_workspace(store, key, clearance=clearance)
    within = classification_scheme(store)
    marking = within.label(highest_marking(workspace, within))
    path.write_text(f"# Classification: {marking}\n" + dump_workspace(workspace, profile),
                    encoding="utf-8")
    log_workspace_reads(store, actor=actor, cycle=key, channel="export", workspace=workspace,
                        within=within)
    return path
