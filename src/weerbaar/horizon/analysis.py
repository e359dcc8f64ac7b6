"""The horizon-scan analysis: signals -> features -> clusters -> trends, and theme activity.

Configured once (:class:`HorizonSettings`), applied to a cycle's signals; the result
(:class:`TrendReport`) is immutable and has ``to_dict()``. Dismissed signals take no part.
Trends are numbered 1, 2, ... by popularity at the reference date (then size, then label), so
the same signals and settings always give the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from weerbaar.domain.signal import Signal, SignalStatus
from weerbaar.horizon.clustering import ClusterSettings, cluster
from weerbaar.horizon.embeddings import Embedder
from weerbaar.horizon.features import TextSettings, tfidf
from weerbaar.horizon.trends import (
    Period,
    Strength,
    TrendSettings,
    classify,
    peak,
    period_ends,
    popularity,
    series,
)

FEATURES = ("tfidf", "embeddings")


@dataclass(frozen=True)
class HorizonSettings:
    """Everything the analysis needs besides the signals; ``seed`` fixes every random choice."""

    text: TextSettings = field(default_factory=TextSettings)
    clusters: ClusterSettings = field(default_factory=ClusterSettings)
    trends: TrendSettings = field(default_factory=TrendSettings)
    features: str = "tfidf"
    top_terms: int = 5
    seed: int = 0
    as_of: dt.date | None = None

    def to_dict(self) -> dict[str, object]:
        return {"features": self.features, "text": self.text.to_dict(),
                "clusters": self.clusters.to_dict(), "trends": self.trends.to_dict(),
                "top_terms": self.top_terms, "seed": self.seed,
                "as_of": self.as_of.isoformat() if self.as_of else None}


@dataclass(frozen=True)
class Trend:
    """A cluster of signals with its label (top terms), popularity and strength."""

    number: int
    terms: tuple[str, ...]
    signals: tuple[str, ...]  # signal keys, oldest first
    themes: dict[str, int]  # theme -> number of the trend's signals tagged with it
    popularity: float
    peak: float
    peak_date: dt.date | None
    strength: Strength
    first: dt.date
    last: dt.date
    periods: tuple[Period, ...]

    @property
    def label(self) -> str:
        return ", ".join(self.terms)

    @property
    def size(self) -> int:
        return len(self.signals)

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "label": self.label, "terms": list(self.terms),
                "strength": self.strength.value, "popularity": round(self.popularity, 4),
                "peak": round(self.peak, 4),
                "peak_date": self.peak_date.isoformat() if self.peak_date else None,
                "size": self.size, "first": self.first.isoformat(),
                "last": self.last.isoformat(), "themes": dict(self.themes),
                "signals": list(self.signals), "periods": [p.to_dict() for p in self.periods]}


@dataclass(frozen=True)
class ThemeActivity:
    """How many signals a theme receives: in total, in the last period, in the one before."""

    theme: str
    total: int
    recent: int
    previous: int
    new: int  # signals with status "new" (not yet assessed)
    popularity: float

    def to_dict(self) -> dict[str, object]:
        return {"theme": self.theme, "total": self.total, "recent": self.recent,
                "previous": self.previous, "new": self.new,
                "popularity": round(self.popularity, 4)}


@dataclass(frozen=True)
class TrendReport:
    """The trends of a set of signals at a reference date."""

    as_of: dt.date | None
    features: str
    settings: HorizonSettings
    trends: tuple[Trend, ...]
    unclustered: tuple[str, ...]
    themes: tuple[ThemeActivity, ...]
    silhouette: float | None
    signals: int

    def trend(self, number: int) -> Trend:
        for t in self.trends:
            if t.number == number:
                return t
        raise KeyError(number)

    def to_dict(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat() if self.as_of else None,
                "features": self.features, "signals": self.signals,
                "silhouette": None if self.silhouette is None else round(self.silhouette, 4),
                "settings": self.settings.to_dict(),
                "trends": [t.to_dict() for t in self.trends],
                "unclustered": list(self.unclustered),
                "themes": [a.to_dict() for a in self.themes]}


def theme_activity(signals: Sequence[Signal], as_of: dt.date,
                   settings: TrendSettings = TrendSettings()) -> tuple[ThemeActivity, ...]:
    """Per theme: signals in total, in the last period and the one before, and popularity.

    Sorted by recent signals, then popularity, then theme: the themes receiving new signals
    come first.
    """
    by_theme: dict[str, list[Signal]] = {}
    for s in signals:
        for theme in s.themes:
            by_theme.setdefault(theme, []).append(s)
    period = dt.timedelta(days=settings.period_days)
    out = []
    for theme, items in by_theme.items():
        dates = [s.date for s in items]
        out.append(ThemeActivity(
            theme=theme, total=len(items),
            recent=sum(1 for d in dates if as_of - period < d <= as_of),
            previous=sum(1 for d in dates if as_of - 2 * period < d <= as_of - period),
            new=sum(1 for s in items if s.status is SignalStatus.NEW),
            popularity=popularity(dates, as_of, settings.half_life_days)))
    return tuple(sorted(out, key=lambda a: (-a.recent, -a.popularity, a.theme)))


def analyse(signals: Sequence[Signal], settings: HorizonSettings = HorizonSettings(), *,
            embedder: Embedder | None = None) -> TrendReport:
    """Cluster the signals into trends and measure each trend's strength at ``as_of``.

    ``settings.features == "embeddings"`` needs an ``embedder`` (see
    :mod:`weerbaar.horizon.embeddings`); TF-IDF is computed in any case for the top terms.
    """
    if settings.features not in FEATURES:
        raise ValueError(f"features must be one of {FEATURES}")
    active = [s for s in signals if s.status is not SignalStatus.DISMISSED]
    as_of = settings.as_of or (max(s.date for s in active) if active else None)
    if as_of is None:
        return TrendReport(None, settings.features, settings, (), (), (), None, 0)
    active = [s for s in active if s.date <= as_of]
    texts = [s.text for s in active]
    text = tfidf(texts, settings.text)
    if settings.features == "embeddings":
        if embedder is None:
            raise ValueError("features='embeddings' needs an embedder")
        vectors = embedder.encode(texts) if texts else None
        clustering = cluster(vectors if vectors is not None else text.matrix,
                             settings.clusters, seed=settings.seed)
    else:
        clustering = cluster(text.matrix, settings.clusters, seed=settings.seed)
    trends = []
    ts = settings.trends
    first_date = min((s.date for s in active), default=as_of)
    ends = period_ends(first_date, as_of, ts.period_days)
    for label in range(clustering.count):
        rows = clustering.members(label)
        members = sorted((active[i] for i in rows), key=lambda s: (s.date, s.id))
        dates = [s.date for s in members]
        now = popularity(dates, as_of, ts.half_life_days)
        top, when = peak(dates, as_of, ts.half_life_days)
        themes = Counter(theme for s in members for theme in s.themes)
        trends.append(Trend(
            number=0, terms=text.top_terms(rows, settings.top_terms),
            signals=tuple(s.id for s in members), themes=dict(sorted(themes.items())),
            popularity=now, peak=top, peak_date=when, strength=classify(now, top, ts),
            first=dates[0], last=dates[-1], periods=series(dates, ends, ts)))
    trends.sort(key=lambda t: (-round(t.popularity, 9), -t.size, t.label))
    numbered = tuple(_renumber(t, i + 1) for i, t in enumerate(trends))
    unclustered = tuple(sorted(active[i].id for i in clustering.members(-1)))
    return TrendReport(as_of, settings.features, settings, numbered, unclustered,
                       theme_activity(active, as_of, ts), clustering.silhouette, len(active))


def _renumber(trend: Trend, number: int) -> Trend:
    return Trend(number, trend.terms, trend.signals, trend.themes, trend.popularity, trend.peak,
                 trend.peak_date, trend.strength, trend.first, trend.last, trend.periods)
