"""Use cases of the horizon scan: import signals, list them, find trends, feed the reviews.

Reading needs the viewer role on the cycle and shows the signals at the viewer's clearance
(links to scenarios they may not see left out); importing and linking trends as evidence need
the analyst role on a draft cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from weerbaar.domain import (
    EvidenceKind,
    EvidenceLink,
    ReviewPart,
    Role,
    Signal,
    SignalStatus,
    ThemeReview,
    Workspace,
)
from weerbaar.errors import (
    Conflict,
    FileProblem,
    FileProblems,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from weerbaar.horizon import (
    THRESHOLD,
    Development,
    HorizonSection,
    HorizonSettings,
    TextSettings,
    Trend,
    TrendReport,
    TrendSettings,
    analyse,
    developments,
    horizon_section,
    near_duplicates,
    tfidf,
)
from weerbaar.horizon.embeddings import Embedder
from weerbaar.io.signal_files import SignalFile, SignalRecord, read_signal_file
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.registry import use_case
from weerbaar.services.reviews import review_at, theme_of, with_evidence
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.services.visibility import check_marking_allowed, keep_hidden_review
from weerbaar.store import Store, get
from weerbaar.store.documents import Stored
from weerbaar.store.signals import add_signals, cycle_signals, link_evidence

DUPLICATE_FEATURES = TextSettings(ngram_max=2)  # words and word pairs: paraphrases stay apart


@dataclass(frozen=True)
class DuplicateFound:
    """A signal of the file that nearly repeats a stored signal or an earlier one of the file."""

    where: str
    id: str
    title: str
    match_id: str
    match_title: str
    match_where: str | None  # None: the match is stored in the cycle; else its place in the file
    similarity: float

    def to_dict(self) -> dict[str, object]:
        return {"where": self.where, "id": self.id, "title": self.title,
                "match": {"id": self.match_id, "title": self.match_title,
                          "where": self.match_where or "stored"},
                "similarity": self.similarity}


@dataclass(frozen=True)
class ImportResult:
    file: SignalFile
    imported: tuple[str, ...]
    duplicates: tuple[DuplicateFound, ...]
    kept_duplicates: bool
    dry_run: bool

    def to_dict(self) -> dict[str, object]:
        return {"file": str(self.file.path), "format": self.file.format,
                "read": len(self.file.records), "imported": list(self.imported),
                "duplicates": [d.to_dict() for d in self.duplicates],
                "kept_duplicates": self.kept_duplicates, "dry_run": self.dry_run}


class _References:
    """The keys a cycle's signals may name, with theme and interest names accepted too."""

    def __init__(self, workspace: Workspace, profile: MethodProfile) -> None:
        self.themes = _by_key_or_name((t.id, t.name.nl, t.name.en) for t in workspace.themes)
        self.interests = _by_key_or_name((i.id, i.name.nl, i.name.en) for i in profile.interests)
        self.risk_categories = {c.id: c.id for t in workspace.themes for c in t.risk_categories}
        self.scenarios = {s.id: s.id for s in workspace.scenarios}

    def resolve(self, record: SignalRecord, problems: list[FileProblem]) -> Signal:
        update = {}
        for field in ("themes", "interests", "risk_categories", "scenarios"):
            known: dict[str, str] = getattr(self, field)
            values = getattr(record.signal, field)
            resolved = []
            for value in values:
                key = known.get(value) or known.get(value.casefold())
                if key is None:
                    sample = ", ".join(sorted(set(known.values()))[:12]) or "none"
                    problems.append(FileProblem(f"{record.where}, {field}",
                                                f"{value!r} is not known in this cycle "
                                                f"(known: {sample})"))
                elif key not in resolved:
                    resolved.append(key)
            update[field] = tuple(resolved)
        return record.signal.model_copy(update=update)


def _by_key_or_name(rows: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, *names in rows:
        out[key] = key
        for name in names:
            if name:
                out.setdefault(name.casefold(), key)
    return out


@use_case
def import_signals(store: Store, viewer: Viewer, key: str, path: str | Path, *,
                   reason: str | None = None, dry_run: bool = False,
                   keep_duplicates: bool = False, threshold: float = THRESHOLD,
                   format: str | None = None, marking: str | None = None) -> ImportResult:
    """Read a signal file into a draft cycle: all or nothing.

    Every problem of the file (a bad line or item, a theme the cycle does not have, a marking
    the classification scheme does not know) is reported together and nothing is stored.
    Near-duplicates — of a stored signal or of an earlier signal of the file — are reported
    with the matching signal and, unless ``keep_duplicates``, left out. A signal whose key is
    already stored is always left out (it is the same signal).

    Markings: a signal's own ``marking`` (a column or key of the file), and ``marking`` for the
    whole file (the only way to mark the signals of an RSS/Atom feed). A signal gets the higher
    of the two; one with neither has none (it counts as the scheme's default marking). Every
    marking must be one of the scheme's and within the importer's clearance on the cycle, the
    rules of every edit (``check_marking_allowed``): a signal the importer could not see
    afterwards is refused (PermissionDenied naming its place) and nothing is stored.
    """
    if not 0 < threshold <= 1:
        raise InvalidInput("the threshold is a cosine similarity", location=["threshold"],
                           expected="a number in (0, 1]")
    scope = cycle_scope(store, viewer, key, Role.ANALYST)
    scope.require_draft()
    if marking is not None:  # the file's marking: known, and within the clearance
        check_marking_allowed(scope.scheme, scope.clearance, marking, "marking")
    workspace, profile = scope.workspace()
    file = read_signal_file(path, format=format)
    refs = _References(workspace, profile)
    problems: list[FileProblem] = []
    resolved = [replace(r, signal=refs.resolve(r, problems)) for r in file.records]
    resolved = [_marked(scope, r, marking, problems) for r in resolved]
    if problems:
        raise FileProblems(problems, source=file.path)
    _check_clearance(scope, resolved, file.path)
    stored = [s.item for s in cycle_signals(store, key, include_removed=True,
                                            clearance=scope.clearance)]
    stored_ids = {s.id for s in stored}
    resolved = _unique_generated_keys(resolved, stored_ids)
    found = _duplicates(stored, resolved, threshold)
    skip = {d.where for d in found if keep_duplicates is False or d.id in stored_ids}
    new = [r.signal for r in resolved if r.where not in skip and r.signal.id not in stored_ids]
    if not dry_run and new:
        add_signals(store, key, new, actor=viewer.name,
                    reason=reason or f"imported from {file.path.name}")
    return ImportResult(file, tuple(s.id for s in new), tuple(found), keep_duplicates, dry_run)


def _marked(scope: CycleScope, record: SignalRecord, marking: str | None,
            problems: list[FileProblem]) -> SignalRecord:
    """The record with the higher of its own marking and the file's (``marking``); an own
    marking the scheme does not know is a problem at its place."""
    own = record.signal.marking
    if own is not None and not scope.scheme.knows(own):
        problems.append(FileProblem(f"{record.where}, marking",
                                    f"unknown marking {own!r} (expected one of "
                                    f"{', '.join(scope.scheme.levels)})"))
        return record
    given = [m for m in (own, marking) if m is not None]
    if not given:
        return record
    highest = max(given, key=scope.scheme.rank)
    if highest == own:
        return record
    return replace(record, signal=record.signal.model_copy(update={"marking": highest}))


MAX_NAMED = 5  # places named in a refusal


def _check_clearance(scope: CycleScope, records: Sequence[SignalRecord], path: Path) -> None:
    """Refuse the import when a signal is marked above the importer's clearance (they could not
    see what they imported), naming the places."""
    above = [r for r in records if not scope.sees(r.signal.marking)]
    if not above:
        return
    first = above[0].signal.marking
    try:
        check_marking_allowed(scope.scheme, scope.clearance, first, "marking")
    except PermissionDenied as exc:
        places = ", ".join(r.where for r in above[:MAX_NAMED])
        more = f" and {len(above) - MAX_NAMED} more" if len(above) > MAX_NAMED else ""
        raise PermissionDenied(f"{path.name}: {places}{more}: {exc}; nothing was imported") \
            from None


def _unique_generated_keys(records: list[SignalRecord], stored: set[str]) -> list[SignalRecord]:
    """Generated keys repeat only for identical records; number the repeats within the file."""
    seen: set[str] = set()
    out = []
    for r in records:
        sid = r.signal.id
        if r.generated_id and sid in seen:
            n = 2
            while f"{sid}-{n}" in seen or f"{sid}-{n}" in stored:
                n += 1
            r = replace(r, signal=r.signal.model_copy(update={"id": f"{sid}-{n}"}))
        seen.add(r.signal.id)
        out.append(r)
    return out


def _duplicates(stored: Sequence[Signal], records: Sequence[SignalRecord],
                threshold: float) -> list[DuplicateFound]:
    by_id = {s.id: s for s in stored}
    out: dict[str, DuplicateFound] = {}
    for r in records:
        match = by_id.get(r.signal.id)
        if match is not None:
            out[r.where] = DuplicateFound(r.where, r.signal.id, r.signal.title, match.id,
                                          match.title, None, 1.0)
    features = tfidf([s.text for s in stored] + [r.signal.text for r in records],
                     DUPLICATE_FEATURES)
    offset = len(stored)
    for pair in near_duplicates(features.matrix, range(offset, offset + len(records)),
                                threshold=threshold):
        r = records[pair.row - offset]
        if r.where in out:
            continue
        if pair.match < offset:
            m = stored[pair.match]
            out[r.where] = DuplicateFound(r.where, r.signal.id, r.signal.title, m.id, m.title,
                                          None, pair.similarity)
        else:
            m2 = records[pair.match - offset]
            out[r.where] = DuplicateFound(r.where, r.signal.id, r.signal.title, m2.signal.id,
                                          m2.signal.title, m2.where, pair.similarity)
    order = {r.where: i for i, r in enumerate(records)}
    return sorted(out.values(), key=lambda d: order[d.where])


@use_case
def list_signals(store: Store, viewer: Viewer, key: str, *, theme: str | None = None,
                 status: SignalStatus | None = None) -> list[Stored[Signal]]:
    """The cycle's signals the viewer may see, optionally of one theme and/or status, in import
    order; the reads are logged."""
    scope = cycle_scope(store, viewer, key)
    if theme is not None:
        theme_of(scope, theme)
    found = [s for s in cycle_signals(store, key, clearance=scope.clearance)
             if (theme is None or theme in s.item.themes)
             and (status is None or s.item.status is status)]
    scope.log_workspace(_empty(scope), [s.item for s in found])
    return found


def _empty(scope: CycleScope) -> Workspace:
    """The scope's workspace without its documents (only the signals are shown)."""
    return scope.workspace()[0].model_copy(update={"scenarios": (), "reviews": (),
                                                   "measures": ()})


def horizon_settings(*, half_life: float = 180.0, period: int = 90, features: str = "tfidf",
                     as_of: dt.date | None = None, seed: int = 0) -> HorizonSettings:
    """The analysis settings from plain values (as a face parsed them): the popularity's
    half-life and period in days, the text features, the reference date and the seed. An
    impossible half-life or period is InvalidInput (``trends``)."""
    try:
        trends = TrendSettings(half_life_days=half_life, period_days=period)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["trends"]) from None
    return HorizonSettings(trends=trends, features=features, seed=seed, as_of=as_of)


def _embedder(settings: HorizonSettings) -> Embedder | None:
    if settings.features != "embeddings":
        return None
    from weerbaar.horizon.embeddings import embedder

    return embedder()


def trends_of(scope: CycleScope, settings: HorizonSettings) -> tuple[TrendReport, list[Signal]]:
    """The trends of the scope's signals (dismissed ones left out) and the signals."""
    if settings.features not in ("tfidf", "embeddings"):
        raise InvalidInput(f"unknown features {settings.features!r}", location=["features"],
                           expected="tfidf or embeddings")
    items = [s.item for s in cycle_signals(scope.store, scope.key, clearance=scope.clearance)]
    return analyse(items, settings, embedder=_embedder(settings)), items


@use_case
def cycle_trends(store: Store, viewer: Viewer, key: str,
                 settings: HorizonSettings = HorizonSettings()) -> tuple[TrendReport,
                                                                          list[Signal]]:
    """The trends of the cycle's signals the viewer may see, and those signals."""
    scope = cycle_scope(store, viewer, key)
    report, items = trends_of(scope, settings)
    scope.log_workspace(_empty(scope), items)
    return report, items


def developments_of(scope: CycleScope, theme: str,
                    settings: HorizonSettings) -> tuple[Development, ...]:
    theme_of(scope, theme)
    report, items = trends_of(scope, settings)
    return developments(report, items, theme)


@use_case
def theme_developments(store: Store, viewer: Viewer, key: str, theme: str,
                       settings: HorizonSettings = HorizonSettings()) -> tuple[Development, ...]:
    """The trends touching ``theme``, each with its signals of that theme."""
    scope = cycle_scope(store, viewer, key)
    found = developments_of(scope, theme, settings)
    scope.log_workspace(_empty(scope), [s for d in found for s in d.signals])
    return found


@dataclass(frozen=True)
class AttachResult:
    trend: Trend
    revision: int
    added: tuple[str, ...]  # signal keys newly linked
    already: tuple[str, ...]  # signal keys the part already had


@use_case
def attach_trend(store: Store, viewer: Viewer, key: str, theme: str, number: int, *,
                 settings: HorizonSettings = HorizonSettings(), reason: str | None = None,
                 expected_revision: int | None = None,
                 part: ReviewPart = ReviewPart.THREAT) -> AttachResult:
    """Link trend ``number``'s signals of ``theme`` as evidence of the theme review's threat part.

    The review is saved against ``expected_revision`` (default: the revision just read) and the
    linked signals that were new or assessed get status *linked*, in one transaction; a stale
    revision raises Conflict and nothing is written. Needs the analyst role; a review above the
    viewer's clearance cannot be linked to.
    """
    scope = cycle_scope(store, viewer, key, Role.ANALYST)
    scope.require_draft()
    found = {d.trend.number: d for d in developments_of(scope, theme, settings)}
    if number not in found:
        listed = ", ".join(str(n) for n in sorted(found)) or "none"
        raise NotFound(f"trend {number} has no signals of theme {theme!r} in cycle {key!r} "
                       f"(trends of this theme: {listed})")
    development = found[number]
    review, revision = review_at(scope, theme)
    if scope.clearance is not None and revision == 0 and _has_review(store, key, theme):
        raise Conflict(f"cycle {key!r} already has review {theme!r}")
    note = f"trend {number}: {development.trend.label}"
    links = [EvidenceLink(kind=EvidenceKind.SIGNAL, ref=s.id, note=note)
             for s in development.signals]
    changed, added = with_evidence(review, part, links)
    added_ids = tuple(link.ref for link in added)
    already = tuple(link.ref for link in links if link.ref not in added_ids)
    if not added:
        return AttachResult(development.trend, revision, (), already)
    stored = {s.item.id: s for s in cycle_signals(store, key, clearance=scope.clearance)}
    new = link_evidence(store, key, keep_hidden_review(_whole_review(store, key, theme), changed,
                                                       review, marking_given=False),
                        review_revision=expected_revision if expected_revision is not None
                        else revision,
                        linked=[_whole_signal(store, key, stored[i]) for i in added_ids
                                if i in stored], actor=viewer.name,
                        reason=reason or f"horizon scan: {note}")
    return AttachResult(development.trend, new, added_ids, already)


def _has_review(store: Store, key: str, theme: str) -> bool:
    try:
        get(store, key, "review", theme)
    except NotFound:
        return False
    return True


def _whole_review(store: Store, key: str, theme: str) -> ThemeReview:
    try:
        return get(store, key, "review", theme).item  # type: ignore[no-any-return]
    except NotFound:
        return ThemeReview(theme=theme)


def _whole_signal(store: Store, key: str, seen: Stored[Signal]) -> Stored[Signal]:
    """A signal as stored (its links to hidden scenarios kept), at the revision seen."""
    whole = next(s for s in cycle_signals(store, key) if s.item.id == seen.item.id)
    return replace(whole, revision=seen.revision)


def section_of(scope: CycleScope, settings: HorizonSettings = HorizonSettings()) -> HorizonSection:
    """The horizon-scan section of the scope's cycle: per theme (in the cycle's order), the
    signals received and the trends with their strength, popularity and top terms."""
    return horizon_of(scope, settings)[0]


def horizon_of(scope: CycleScope, settings: HorizonSettings = HorizonSettings()
               ) -> tuple[HorizonSection, TrendReport, list[Signal]]:
    """The horizon-scan section of the scope's cycle with the trends (and their signals' keys)
    and the signals it rests on, at the scope's clearance; for a report's chapter."""
    report, items = trends_of(scope, settings)
    return (horizon_section(report, items, [t.id for t in scope.workspace()[0].themes]), report,
            items)


@use_case
def horizon_scan_section(store: Store, viewer: Viewer, key: str,
                         settings: HorizonSettings = HorizonSettings()) -> HorizonSection:
    """The horizon-scan section of a cycle's report (as the viewer may see it)."""
    scope = cycle_scope(store, viewer, key)
    section = section_of(scope, settings)
    scope.log_workspace(_empty(scope), [s.item for s in cycle_signals(
        store, key, clearance=scope.clearance)])
    return section


@dataclass(frozen=True)
class HorizonOverview:
    """The horizon-scan page: the cycle's signals by theme, the unthemed ones, and the trends."""

    scope: CycleScope
    themes: tuple[Any, ...]
    by_theme: dict[str, list[Signal]]
    unthemed: list[Signal]
    section: HorizonSection | None
    total: int


@use_case
def horizon_overview(store: Store, viewer: Viewer, key: str) -> HorizonOverview:
    """The cycle's signals grouped by theme, and the trend clusters (as the viewer may see)."""
    scope = cycle_scope(store, viewer, key)
    workspace, _ = scope.workspace()
    signals = [s.item for s in cycle_signals(store, key, clearance=scope.clearance)]
    scope.log_workspace(_empty(scope), signals)
    by_theme = {t.id: [s for s in signals if t.id in s.themes] for t in workspace.themes}
    unthemed = [s for s in signals if not s.themes]
    section = section_of(scope) if signals else None
    return HorizonOverview(scope, workspace.themes, by_theme, unthemed, section, len(signals))
