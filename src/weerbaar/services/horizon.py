"""Use cases of the horizon scan: import signals, list them, find trends, feed the reviews.

Every function takes the store and a cycle key; the CLI (and later the web app) only parses
input, calls one of these and renders the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from weerbaar.domain import (
    EvidenceKind,
    EvidenceLink,
    ReviewPart,
    Signal,
    SignalStatus,
    Workspace,
)
from weerbaar.errors import FileProblem, FileProblems, InvalidInput, NotFound
from weerbaar.horizon import (
    THRESHOLD,
    Development,
    HorizonSection,
    HorizonSettings,
    TextSettings,
    Trend,
    TrendReport,
    analyse,
    developments,
    horizon_section,
    near_duplicates,
    tfidf,
)
from weerbaar.horizon.embeddings import Embedder
from weerbaar.io.signal_files import SignalFile, SignalRecord, read_signal_file
from weerbaar.methods.profile import MethodProfile
from weerbaar.services.reviews import review_of, with_evidence
from weerbaar.store import Store, cycle_workspace
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


def import_signals(store: Store, key: str, path: str | Path, *, actor: str,
                   reason: str | None = None, dry_run: bool = False,
                   keep_duplicates: bool = False, threshold: float = THRESHOLD,
                   format: str | None = None) -> ImportResult:
    """Read a signal file into a draft cycle: all or nothing.

    Every problem of the file (a bad line or item, a theme the cycle does not have) is reported
    together and nothing is stored. Near-duplicates — of a stored signal or of an earlier signal
    of the file — are reported with the matching signal and, unless ``keep_duplicates``, left
    out. A signal whose key is already stored is always left out (it is the same signal).
    """
    workspace, profile = cycle_workspace(store, key)
    file = read_signal_file(path, format=format)
    refs = _References(workspace, profile)
    problems: list[FileProblem] = []
    resolved = [replace(r, signal=refs.resolve(r, problems)) for r in file.records]
    if problems:
        raise FileProblems(problems, source=file.path)
    stored = [s.item for s in cycle_signals(store, key, include_removed=True)]
    stored_ids = {s.id for s in stored}
    resolved = _unique_generated_keys(resolved, stored_ids)
    found = _duplicates(stored, resolved, threshold)
    skip = {d.where for d in found if keep_duplicates is False or d.id in stored_ids}
    new = [r.signal for r in resolved if r.where not in skip and r.signal.id not in stored_ids]
    if not dry_run and new:
        add_signals(store, key, new, actor=actor, reason=reason or f"imported from {file.path.name}")
    return ImportResult(file, tuple(s.id for s in new), tuple(found), keep_duplicates, dry_run)


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


def list_signals(store: Store, key: str, *, theme: str | None = None,
                 status: SignalStatus | None = None,
                 clearance: str | None = None) -> list[Stored[Signal]]:
    """The cycle's signals, optionally of one theme and/or status, in import order (with a
    ``clearance``: those it may see)."""
    if theme is not None:
        _require_theme(store, key, theme)
    return [s for s in cycle_signals(store, key, clearance=clearance)
            if (theme is None or theme in s.item.themes)
            and (status is None or s.item.status is status)]


def _require_theme(store: Store, key: str, theme: str) -> Workspace:
    workspace, _ = cycle_workspace(store, key)
    if theme not in {t.id for t in workspace.themes}:
        raise NotFound(f"cycle {key!r} has no theme {theme!r}; themes: "
                       + ", ".join(t.id for t in workspace.themes))
    return workspace


def _embedder(settings: HorizonSettings) -> Embedder | None:
    if settings.features != "embeddings":
        return None
    from weerbaar.horizon.embeddings import embedder

    return embedder()


def cycle_trends(store: Store, key: str, settings: HorizonSettings = HorizonSettings(), *,
                 clearance: str | None = None) -> tuple[TrendReport, list[Signal]]:
    """The trends of the cycle's signals (dismissed ones left out) and the signals (with a
    ``clearance``: of the signals it may see)."""
    if settings.features not in ("tfidf", "embeddings"):
        raise InvalidInput(f"unknown features {settings.features!r}", location=["--features"],
                           expected="tfidf or embeddings")
    items = [s.item for s in cycle_signals(store, key, clearance=clearance)]
    return analyse(items, settings, embedder=_embedder(settings)), items


def theme_developments(store: Store, key: str, theme: str,
                       settings: HorizonSettings = HorizonSettings()) -> tuple[Development, ...]:
    """The trends touching ``theme``, each with its signals of that theme."""
    _require_theme(store, key, theme)
    report, items = cycle_trends(store, key, settings)
    return developments(report, items, theme)


@dataclass(frozen=True)
class AttachResult:
    trend: Trend
    revision: int
    added: tuple[str, ...]  # signal keys newly linked
    already: tuple[str, ...]  # signal keys the part already had


def attach_trend(store: Store, key: str, theme: str, number: int, *, actor: str,
                 settings: HorizonSettings = HorizonSettings(), reason: str | None = None,
                 expected_revision: int | None = None,
                 part: ReviewPart = ReviewPart.THREAT) -> AttachResult:
    """Link trend ``number``'s signals of ``theme`` as evidence of the theme review's threat part.

    The review is saved against ``expected_revision`` (default: the revision just read) and the
    linked signals that were new or assessed get status *linked*, in one transaction; a stale
    revision raises Conflict and nothing is written.
    """
    found = {d.trend.number: d for d in theme_developments(store, key, theme, settings)}
    if number not in found:
        listed = ", ".join(str(n) for n in sorted(found)) or "none"
        raise NotFound(f"trend {number} has no signals of theme {theme!r} in cycle {key!r} "
                       f"(trends of this theme: {listed})")
    development = found[number]
    review, revision = review_of(store, key, theme)
    note = f"trend {number}: {development.trend.label}"
    links = [EvidenceLink(kind=EvidenceKind.SIGNAL, ref=s.id, note=note)
             for s in development.signals]
    changed, added = with_evidence(review, part, links)
    added_ids = tuple(link.ref for link in added)
    already = tuple(link.ref for link in links if link.ref not in added_ids)
    if not added:
        return AttachResult(development.trend, revision, (), already)
    stored = {s.item.id: s for s in cycle_signals(store, key)}
    new = link_evidence(store, key, changed,
                        review_revision=expected_revision if expected_revision is not None
                        else revision,
                        linked=[stored[i] for i in added_ids if i in stored], actor=actor,
                        reason=reason or f"horizon scan: {note}")
    return AttachResult(development.trend, new, added_ids, already)


def horizon_scan_section(store: Store, key: str, settings: HorizonSettings = HorizonSettings(),
                         *, clearance: str | None = None) -> HorizonSection:
    """The horizon-scan section of a cycle's report: per theme (in the cycle's order), the
    signals received and the trends with their strength, popularity and top terms."""
    workspace, _ = cycle_workspace(store, key)
    report, items = cycle_trends(store, key, settings, clearance=clearance)
    return horizon_section(report, items, [t.id for t in workspace.themes])
