"""Use case: the documents of a cycle — the midterm review or the risk analysis — as HTML, Word,
PDF and Excel.

Loads the cycle from the store, assesses it (current and residual), compares it with its parent,
makes the priority list, optionally runs the uncertainty analysis, builds one format-neutral report
and writes it in every requested format.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from weerbaar.domain import CycleKind, Language, Workspace
from weerbaar.domain.need_to_know import beside_child, highest_marking
from weerbaar.errors import InvalidInput
from weerbaar.methods.assessment import assess
from weerbaar.methods.priority import priority_list
from weerbaar.methods.residual import residual_scenarios
from weerbaar.reports.builder import build_report
from weerbaar.reports.data import (
    Change,
    ParentComparison,
    ReportInput,
    ReportKind,
    ReportOptions,
)
from weerbaar.reports.model import ReportDocument
from weerbaar.reports.style import copy_template, load_style
from weerbaar.reports.writers import FORMATS, write
from weerbaar.services.visibility import check_level, log_workspace_reads
from weerbaar.store import Store, compare_cycles, cycle_workspace, get_cycle
from weerbaar.store.settings import classification_scheme

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
    paths: tuple[Path, ...]
    seconds: dict[str, float] = field(default_factory=dict)  # load, build, figures, per format


def parse_formats(formats: str | Sequence[str]) -> tuple[str, ...]:
    """``"html,docx"`` (or a list) as known formats in order, without repeats."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen: list[str] = []
    for item in (i.strip().lower() for i in items):
        if not item:
            continue
        if item not in FORMATS:
            raise InvalidInput(f"unknown report format {item!r}", location=["--format"],
                               expected=", ".join(FORMATS))
        if item not in chosen:
            chosen.append(item)
    if not chosen:
        raise InvalidInput("no report format given", location=["--format"],
                           expected=", ".join(FORMATS))
    return tuple(chosen)


def _parent(store: Store, key: str, clearance: str | None,
            current_ws: Workspace) -> tuple[ParentComparison | None, Workspace | None]:
    comparison = compare_cycles(store, None, key, clearance=clearance)
    if comparison.base is None:
        return None, None
    ws, profile = cycle_workspace(store, comparison.base, clearance=clearance)
    if clearance is not None:
        ws = beside_child(ws, cycle_workspace(store, key)[0], current_ws)
    base = get_cycle(store, comparison.base)
    old_reviews = {r.theme: r.verdict for r in ws.reviews}
    verdicts = tuple((r.theme, old_reviews.get(r.theme), r.verdict) for r in current_ws.reviews
                     if r.verdict != old_reviews.get(r.theme))
    return ParentComparison(
        key=comparison.base, title=ws.title or base.title,
        assessment=assess(ws.scenarios, profile, title=ws.title),
        changes=tuple(Change(kind=i.kind, key=i.key, status=i.status, reasons=i.reasons,
                             fields=tuple(c.path for c in i.changes))
                      for i in comparison.items),
        unchanged=dict(comparison.unchanged_by_kind), verdicts=verdicts), ws


def report_input(store: Store, key: str, *, cut: str = "C",
                 uncertainty: UncertaintyOptions | None = None,
                 progress: Progress | None = None, clearance: str | None = None,
                 minimum_marking: str | None = None, actor: str | None = None) -> ReportInput:
    """Everything a report of cycle ``key`` shows, computed from the store's data.

    With a ``clearance``, only what someone with that clearance may see. The report carries the
    highest marking of what it contains (at least ``minimum_marking``); with an ``actor``, the
    reads of marked content are written to the read log."""
    within = classification_scheme(store)
    if minimum_marking is not None:
        check_level(within, minimum_marking, "--classification")
    cycle = get_cycle(store, key)
    ws, profile = cycle_workspace(store, key, clearance=clearance)
    assessment = assess(ws.scenarios, profile, title=ws.title)
    residual = assess(residual_scenarios(ws.scenarios, ws.measures, profile), profile,
                      title=ws.title)
    try:
        priorities = priority_list(ws.scenarios, ws.themes, ws.reviews, profile, cut=cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["--cut"],
                           expected=profile.impact.describe_codes()) from None
    result = None
    if uncertainty is not None:
        from weerbaar.services.analysis import run_analysis

        def phase(name: str, done: int, total: int) -> None:
            if progress is not None:
                progress("uncertainty", done, total)

        result = run_analysis((ws, profile), samples=uncertainty.samples, seed=uncertainty.seed,
                              progress=phase).result
    parent, parent_ws = _parent(store, key, clearance, ws)
    marking = within.combined(highest_marking(ws, within),
                              highest_marking(parent_ws, within) if parent_ws else None,
                              minimum_marking or within.lowest)
    if actor is not None:
        log_workspace_reads(store, actor=actor, cycle=key, channel="report", workspace=ws,
                            within=within)
    return ReportInput(cycle=cycle, workspace=ws, profile=profile, assessment=assessment,
                       residual=residual, priorities=priorities, parent=parent,
                       uncertainty=result, marking=marking)


def default_kind(kind: CycleKind) -> ReportKind:
    """Strategies and midterm reviews get the review report, risk analyses the analysis."""
    return "review" if kind in (CycleKind.MIDTERM_REVIEW, CycleKind.STRATEGY) else "analysis"


def _out_dir(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} is a file, not a folder", location=["--out"],
                           expected="a folder to write the reports in")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create the folder {out}: {exc.strerror or exc}",
                           location=["--out"]) from None
    return out


def write_report(store: Store, key: str, *, out: Path | str, formats: str | Sequence[str]
                 = FORMATS, kind: str | None = None, lang: str | None = None,
                 template: Path | str | None = None, classification: str | None = None,
                 uncertainty: UncertaintyOptions | None = None, report_date: date | None = None,
                 cut: str = "C", progress: Progress | None = None,
                 clearance: str | None = None, actor: str | None = None) -> ReportRun:
    """Write the report of cycle ``key`` in each of ``formats`` to the folder ``out``.

    ``kind`` (review or analysis) defaults by the cycle's kind, ``lang`` (nl or en) to the
    cycle's language; file names are ``KEY-KIND-LANG.EXT``. ``classification`` is the lowest
    marking the report carries (it carries the highest marking of its content); with a
    ``clearance`` only what that clearance may see goes in.
    """
    chosen = parse_formats(formats)
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown report kind {kind!r}", location=["--kind"],
                           expected=" or ".join(KINDS))
    if lang is not None and lang not in ("nl", "en"):
        raise InvalidInput(f"unknown language {lang!r}", location=["--lang"], expected="nl or en")
    style = load_style(template)
    folder = _out_dir(Path(out))
    seconds: dict[str, float] = {}
    step = len(chosen) + 2

    def tick(name: str, done: int) -> None:
        if progress is not None:
            progress(name, done, step)

    start = time.perf_counter()
    tick("load", 0)
    data = report_input(store, key, cut=cut, uncertainty=uncertainty, progress=progress,
                        clearance=clearance, minimum_marking=classification, actor=actor)
    seconds["load"] = time.perf_counter() - start
    language: Language = "nl" if (lang or data.cycle.language) == "nl" else "en"
    options = ReportOptions(kind=(kind if kind == "analysis" else "review") if kind
                            else default_kind(data.cycle.kind), lang=language,
                            template=Path(template) if template else None,
                            report_date=report_date, priority_cut=cut)
    tick("build", 1)
    start = time.perf_counter()
    document = build_report(data, options)
    seconds["build"] = time.perf_counter() - start
    seconds["figures"] = document.figure_seconds
    paths = []
    for index, fmt in enumerate(chosen, start=2):
        tick(fmt, index)
        start = time.perf_counter()
        paths.append(write(document, style, fmt, folder / f"{key}-{options.kind}-{language}.{fmt}"))
        seconds[fmt] = time.perf_counter() - start
    tick("done", step)
    return ReportRun(document=document, paths=tuple(paths), seconds=seconds)


def write_template(out: Path | str) -> list[Path]:
    """Copy the default house-style template for a user to edit (``--template DIR`` uses it)."""
    return copy_template(out)


__all__ = ["KINDS", "ReportRun", "UncertaintyOptions", "default_kind", "load_style",
           "parse_formats", "report_input", "write_report", "write_template"]
