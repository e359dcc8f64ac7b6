"""Use case: the documents of a cycle — the midterm review or the risk analysis — as HTML, Word,
PDF, Excel and OpenDocument (ODT text, ODS spreadsheet).

Loads the cycle as the viewer may see it, assesses it (current and residual), compares it with
its parent (when the viewer may read the parent), makes the priority list, optionally runs the
uncertainty analysis, builds one format-neutral report and renders it in every requested format
(bytes; the faces save or send them).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from weerbaar.domain import CycleKind, Language, SignalStatus, Workspace
from weerbaar.domain.need_to_know import highest_marking
from weerbaar.errors import InvalidInput
from weerbaar.i18n import check_language
from weerbaar.methods.assessment import assess
from weerbaar.methods.priority import priority_list
from weerbaar.methods.residual import residual_scenarios
from weerbaar.reports.builder import build_report as build
from weerbaar.reports.data import (
    Change,
    HorizonInput,
    ParentComparison,
    ReportInput,
    ReportKind,
    ReportOptions,
)
from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import copy_template, load_style
from weerbaar.reports.writers import FORMATS, figure_formats, render
from weerbaar.services.analysis import analyse
from weerbaar.services.compare import content_changes, parent_beside, readable_parent
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope, lower_clearance
from weerbaar.services.signals import horizon_of
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import check_level
from weerbaar.store import Store

Progress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)``; steps: load, uncertainty, build, and each format."""
KINDS: tuple[ReportKind, ...] = ("review", "analysis")


@dataclass(frozen=True)
class UncertaintyOptions:
    samples: int = 10_000
    seed: int = 0


@dataclass(frozen=True)
class ReportRun:
    document: ReportDocument
    files: dict[str, bytes]  # file name (KEY-KIND-LANG.EXT): content, in the formats' order
    seconds: dict[str, float] = field(default_factory=dict)  # load, build, figures, per format


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``"html,docx"`` (or a list) as known formats in order, without repeats."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen: list[str] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if item not in FORMATS:
            raise InvalidInput(f"unknown report format {item!r}", location=["format"],
                               expected=", ".join(FORMATS))
        if item not in chosen:
            chosen.append(item)
    if not chosen:
        raise InvalidInput("no report format given", location=["format"],
                           expected=", ".join(FORMATS))
    return tuple(chosen)


def _parent(scope: CycleScope, current_ws: Workspace
            ) -> tuple[ParentComparison | None, Workspace | None]:
    parent = readable_parent(scope)
    if parent is None:
        return None, None
    seen = lower_clearance(scope, parent)
    comparison = content_changes(seen, parent.key)
    ws = parent_beside(seen, parent)
    old_reviews = {r.theme: r.verdict for r in ws.reviews}
    verdicts = tuple((r.theme, old_reviews.get(r.theme), r.verdict) for r in current_ws.reviews
                     if r.verdict != old_reviews.get(r.theme))
    parent.log_workspace(ws)
    return ParentComparison(
        key=parent.key, title=ws.title or parent.cycle.title,
        assessment=assess(ws.scenarios, parent.profile, title=ws.title),
        changes=tuple(Change(kind=i.kind, key=i.key, status=i.status, reasons=i.reasons,
                             fields=tuple(c.path for c in i.changes))
                      for i in comparison.items),
        unchanged=dict(comparison.unchanged_by_kind), verdicts=verdicts), ws


def report_input(scope: CycleScope, *, cut: str = "C",
                 uncertainty: UncertaintyOptions | None = None,
                 progress: Progress | None = None,
                 minimum_marking: str | None = None) -> ReportInput:
    """Everything a report of the scope's cycle shows, as its viewer may see it. The report
    carries the highest marking of what it contains (at least ``minimum_marking``); the reads
    of marked content are written to the read log."""
    within = scope.scheme
    if minimum_marking is not None:
        check_level(within, minimum_marking, "classification")
    ws, profile = scope.workspace()
    assessment = assess(ws.scenarios, profile, title=ws.title)
    residual = assess(residual_scenarios(ws.scenarios, ws.measures, profile), profile,
                      title=ws.title)
    try:
        priorities = priority_list(ws.scenarios, ws.themes, ws.reviews, profile, cut=cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["cut"],
                           expected=profile.impact.describe_codes()) from None
    result = None
    if uncertainty is not None:
        def phase(name: str, done: int, total: int) -> None:
            if progress is not None:
                progress("uncertainty", done, total)

        result = analyse(ws, profile, samples=uncertainty.samples, seed=uncertainty.seed,
                         progress=phase).result
    parent, parent_ws = _parent(scope, ws)
    horizon = _horizon(scope)
    shown = horizon.signals if horizon is not None else ()
    marking = within.combined(highest_marking(ws, within, shown),
                              highest_marking(parent_ws, within) if parent_ws else None,
                              minimum_marking or within.lowest)
    scope.log_workspace(ws, shown)
    return ReportInput(cycle=scope.cycle, workspace=ws, profile=profile, assessment=assessment,
                       residual=residual, priorities=priorities, parent=parent,
                       uncertainty=result, marking=marking, scheme=within, horizon=horizon)


def _horizon(scope: CycleScope) -> HorizonInput | None:
    """The cycle's horizon scan at the scope's clearance (dismissed signals left out, as in
    the analysis), or None when the reader may see no signal: the report has no such chapter."""
    section, trends, signals = horizon_of(scope)
    active = tuple(s for s in signals if s.status is not SignalStatus.DISMISSED)
    return HorizonInput(section, trends, active) if active else None


def default_kind(kind: CycleKind) -> ReportKind:
    """Strategies and midterm reviews get the review report, risk analyses the analysis."""
    return "review" if kind in (CycleKind.MIDTERM_REVIEW, CycleKind.STRATEGY) else "analysis"


@use_case
def build_report(store: Store, viewer: Viewer, key: str, *,
                 formats: str | Sequence[str] = FORMATS, kind: str | None = None,
                 lang: str | None = None, template: Path | str | None = None,
                 classification: str | None = None,
                 uncertainty: UncertaintyOptions | None = None,
                 report_date: date | None = None, cut: str = "C",
                 progress: Progress | None = None) -> ReportRun:
    """The report of cycle ``key`` in each of ``formats``, as the viewer may see it.

    ``kind`` (review or analysis) defaults by the cycle's kind, ``lang`` (nl or en) to the
    cycle's language; file names are ``KEY-KIND-LANG.EXT``. ``classification`` is the lowest
    marking the report carries (it carries the highest marking of its content). The reads are
    logged (channel ``report``). However many formats are asked for, the document is built once,
    each figure drawn once (in the image formats those writers need), and every format is
    written from that one document.
    """
    scope = cycle_scope(store, viewer.via("report"), key)
    chosen = parse_formats(formats)
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown report kind {kind!r}", location=["kind"],
                           expected=" or ".join(KINDS))
    if lang is not None:
        check_language(lang)
    style = load_style(template)
    seconds: dict[str, float] = {}
    step = len(chosen) + 2

    def tick(name: str, done: int) -> None:
        if progress is not None:
            progress(name, done, step)

    start = time.perf_counter()
    tick("load", 0)
    data = report_input(scope, cut=cut, uncertainty=uncertainty, progress=progress,
                        minimum_marking=classification)
    seconds["load"] = time.perf_counter() - start
    language: Language = "nl" if (lang or data.cycle.language) == "nl" else "en"
    options = ReportOptions(kind=(kind if kind == "analysis" else "review") if kind
                            else default_kind(data.cycle.kind), lang=language,
                            template=Path(template) if template else None,
                            report_date=report_date, priority_cut=cut,
                            figure_formats=figure_formats(chosen))
    tick("build", 1)
    start = time.perf_counter()
    document = build(data, options)
    seconds["build"] = time.perf_counter() - start
    seconds["figures"] = document.figure_seconds
    files: dict[str, bytes] = {}
    for index, fmt in enumerate(chosen, start=2):
        tick(fmt, index)
        start = time.perf_counter()
        files[f"{key}-{options.kind}-{language}.{fmt}"] = render(document, style, fmt)
        seconds[fmt] = time.perf_counter() - start
    tick("done", step)
    return ReportRun(document=document, files=files, seconds=seconds)


@use_case
def copy_house_style(viewer: Viewer, out: Path | str) -> list[Path]:
    """Copy the default house-style template into a new folder for a user to edit (a report
    uses it with ``template``)."""
    return copy_template(out)


__all__ = ["KINDS", "ReportRun", "UncertaintyOptions", "build_report", "copy_house_style",
           "default_kind", "load_style", "parse_formats", "report_input"]
