"""The system operator the tests set up databases with (as the command line does), and short
forms of use cases the store tests call often."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weerbaar.services.viewer import Viewer

OPERATOR = Viewer.operator("test")


def export_file(store: Any, key: str, path: Path, *, clearance: str | None = None,
                actor: str = "test") -> Path:
    """A cycle exported as a workspace file (as ``weerbaar cycle export`` writes it)."""
    from weerbaar.services.cycles import export_cycle

    path.write_text(export_cycle(store, Viewer.operator(actor, clearance=clearance), key).text,
                    encoding="utf-8")
    return path


def compare_with_parent(store: Any, key: str, *, base: str | None = None,
                        clearance: str | None = None) -> Any:
    """What is new, changed and removed in a cycle relative to its parent (or ``base``)."""
    from weerbaar.services.compare import compare_cycles

    return compare_cycles(store, Viewer.operator("test", clearance=clearance), key,
                          base).comparison


def diff(store: Any, key: str, kind: str, item: str, a: int, b: int, *,
         clearance: str | None = None) -> Any:
    """The changes between two revisions of a document."""
    from weerbaar.services.history import item_diff

    return item_diff(store, Viewer.operator("test", clearance=clearance), key, kind, item, a, b)


def export_workbook_file(store: Any, key: str, path: Path, *, lang: str = "nl",
                         clearance: str | None = None, actor: str = "test") -> Path:
    """A cycle's scoring workbook written to ``path`` (as ``weerbaar excel export`` does)."""
    from weerbaar.services.excel import export_workbook

    path.write_bytes(export_workbook(store, Viewer.operator(actor, clearance=clearance), key,
                                     lang=lang).content)
    return path


def review_of(store: Any, key: str, theme: str, *, clearance: str | None = None) -> Any:
    """A theme's review and its revision (0: none), as the operator (at ``clearance``) sees it."""
    from weerbaar.services.reviews import get_review

    record = get_review(store, Viewer.operator("test", clearance=clearance), key, theme)
    return record.review, record.revision
