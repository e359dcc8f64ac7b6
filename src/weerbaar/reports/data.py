"""What a report is built from: a cycle's data and results, gathered by the report service.

The reports package imports no store: the service reads the cycle, runs the assessments, the
comparison and (when asked) the uncertainty analysis, and hands the plain results over in a
:class:`ReportInput`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from weerbaar.domain import ClassificationScheme, Cycle, Language, Signal, Verdict, Workspace
from weerbaar.horizon import HorizonSection, TrendReport
from weerbaar.methods.priority import PriorityList
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.results import UncertaintyResult

ReportKind = Literal["review", "analysis"]


@dataclass(frozen=True)
class Change:
    """A scenario, review or measure that is new, changed or removed since the parent cycle."""

    kind: str  # scenario, review, measure
    key: str
    status: str  # new, changed, removed
    reasons: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # changed paths, e.g. impact.5.2.ev


@dataclass(frozen=True)
class ParentComparison:
    """The cycle compared with its parent: the parent's results and what changed."""

    key: str
    title: str | None
    assessment: Assessment
    changes: tuple[Change, ...] = ()
    unchanged: dict[str, int] = field(default_factory=dict)
    verdicts: tuple[tuple[str, Verdict | None, Verdict | None], ...] = ()  # theme, before, after


@dataclass(frozen=True)
class HorizonInput:
    """The cycle's horizon scan as the reader may see it: the section (trends per theme), the
    trends with their signals' keys, and the signals (dismissed ones left out)."""

    section: HorizonSection
    trends: TrendReport
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class ReportOptions:
    kind: ReportKind = "review"
    lang: Language = "nl"
    # Without a marking in the input: this text, else the template's; with one, ignored (the
    # services turn a requested minimum marking into ReportInput.marking).
    classification: str | None = None
    template: Path | None = None
    report_date: date | None = None  # default: today
    priority_cut: str = "C"
    # The image formats the writers of this build need (weerbaar.reports.writers.figure_formats):
    # each figure is drawn once, in these formats only.
    figure_formats: tuple[str, ...] = ("png", "svg")


@dataclass(frozen=True)
class ReportInput:
    cycle: Cycle
    workspace: Workspace
    profile: MethodProfile
    assessment: Assessment
    residual: Assessment
    priorities: PriorityList
    parent: ParentComparison | None = None
    uncertainty: UncertaintyResult | None = None
    marking: str | None = None  # the highest classification marking the report contains
    scheme: ClassificationScheme | None = None  # its labels print the marking, when it has them
    horizon: HorizonInput | None = None  # None: the cycle has no signals the reader may see


__all__ = ["Change", "HorizonInput", "ParentComparison", "ReportInput", "ReportKind",
           "ReportOptions"]
