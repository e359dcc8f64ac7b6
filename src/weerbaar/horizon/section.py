"""From trends to the cycle: developments per theme and the horizon-scan section of a report.

A *development* of a theme is a trend with at least one signal tagged with that theme, shown with
those signals; the analyst attaches it as evidence to the review's "development of the threat"
part. The *horizon-scan section* is the data a report prints per theme: the theme's activity
(signals received recently) and its developments with strength, popularity and top terms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from weerbaar.domain.signal import Signal
from weerbaar.horizon.analysis import ThemeActivity, Trend, TrendReport
from weerbaar.horizon.trends import Strength


@dataclass(frozen=True)
class Development:
    """A trend as it concerns one theme: the trend and its signals tagged with the theme."""

    theme: str
    trend: Trend
    signals: tuple[Signal, ...]

    def to_dict(self) -> dict[str, object]:
        return {"theme": self.theme, "trend": self.trend.number, "label": self.trend.label,
                "terms": list(self.trend.terms), "strength": self.trend.strength.value,
                "popularity": round(self.trend.popularity, 4), "size": self.trend.size,
                "signals": [{"id": s.id, "title": s.title, "date": s.date.isoformat(),
                             "source": s.source, "status": s.status.value}
                            for s in self.signals]}


def developments(report: TrendReport, signals: Mapping[str, Signal] | Sequence[Signal],
                 theme: str) -> tuple[Development, ...]:
    """The trends touching ``theme`` (in trend order), each with its signals of that theme."""
    by_id = signals if isinstance(signals, Mapping) else {s.id: s for s in signals}
    out = []
    for trend in report.trends:
        own = tuple(by_id[key] for key in trend.signals
                    if key in by_id and theme in by_id[key].themes)
        if own:
            out.append(Development(theme, trend, own))
    return tuple(out)


@dataclass(frozen=True)
class SectionTrend:
    """One line of a theme's horizon-scan section."""

    number: int
    label: str
    terms: tuple[str, ...]
    strength: str
    popularity: float
    signals: int  # the trend's signals in this theme
    size: int  # the trend's signals in all themes

    def to_dict(self) -> dict[str, object]:
        return {"number": self.number, "label": self.label, "terms": list(self.terms),
                "strength": self.strength, "popularity": round(self.popularity, 4),
                "signals": self.signals, "size": self.size}


@dataclass(frozen=True)
class ThemeSection:
    theme: str
    activity: ThemeActivity | None
    trends: tuple[SectionTrend, ...]

    def to_dict(self) -> dict[str, object]:
        return {"theme": self.theme,
                "activity": self.activity.to_dict() if self.activity else None,
                "trends": [t.to_dict() for t in self.trends]}


@dataclass(frozen=True)
class HorizonSection:
    """The horizon-scan section of a report: per theme, its activity and its developments.

    ``counts`` holds the number of trends per strength over all themes. Report builders render
    this; it holds no layout.
    """

    as_of: dt.date | None
    half_life_days: float
    period_days: int
    themes: tuple[ThemeSection, ...]
    counts: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat() if self.as_of else None,
                "half_life_days": self.half_life_days, "period_days": self.period_days,
                "counts": dict(self.counts), "themes": [t.to_dict() for t in self.themes]}


def horizon_section(report: TrendReport, signals: Sequence[Signal],
                    themes: Sequence[str] | None = None) -> HorizonSection:
    """Trends per theme with counts, strength and top terms, in the order of ``themes``.

    ``themes`` defaults to every theme with signals, most active first. A theme without
    signals gets an empty entry (a report can say "no signals").
    """
    activity = {a.theme: a for a in report.themes}
    order = list(themes) if themes is not None else [a.theme for a in report.themes]
    sections = []
    for theme in order:
        lines = tuple(SectionTrend(d.trend.number, d.trend.label, d.trend.terms,
                                   d.trend.strength.value, d.trend.popularity,
                                   len(d.signals), d.trend.size)
                      for d in developments(report, signals, theme))
        sections.append(ThemeSection(theme, activity.get(theme), lines))
    counts = {s.value: sum(1 for t in report.trends if t.strength is s) for s in Strength}
    ts = report.settings.trends
    return HorizonSection(report.as_of, ts.half_life_days, ts.period_days, tuple(sections),
                          counts)

