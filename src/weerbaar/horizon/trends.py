"""Trend strength over time: a decaying popularity score and the weak / strong / fading rule.

**Popularity.** Every signal adds 1 on its date, and that contribution halves every
``half_life_days`` (exponential forgetting, as in time-decayed counts for emerging-topic detection):

    p(t) = Σ_{i : t_i ≤ t} exp(−λ · (t − t_i)),   λ = ln 2 / half-life   (t in days)

A trend that keeps receiving signals keeps its popularity; one that stops loses half of it every
half-life. Signals dated after ``t`` do not count at ``t``.

**Peak.** The highest popularity reached up to the reference date; p only rises on a signal's
date and decays in between, so the peak is reached on some signal's date and is computed by the
recursion p(t_k) = p(t_{k−1}) · exp(−λ (t_k − t_{k−1})) + (signals on t_k).

**Classification** at the reference date (``as_of``, default the newest signal's date):

1. *fading* — the popularity is below ``fading_ratio`` (½) of the trend's peak: the trend has lost
   more than half of what it had, whatever its size (a trend whose signals all lie in early
   periods is fading).
2. *strong* — otherwise, when the popularity is at least ``strong_level`` (3: as much as three
   signals of today).
3. *weak* — otherwise: a development that holds its level but is (still) small; the weak
   signals a horizon scan looks for.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Strength(StrEnum):
    WEAK = "weak"
    STRONG = "strong"
    FADING = "fading"


@dataclass(frozen=True)
class TrendSettings:
    """Half-life and period of the popularity score and the thresholds of the classification."""

    half_life_days: float = 180.0
    period_days: int = 90
    strong_level: float = 3.0
    fading_ratio: float = 0.5

    def __post_init__(self) -> None:
        if not self.half_life_days > 0:
            raise ValueError("the half-life must be a positive number of days")
        if self.period_days < 1:
            raise ValueError("a period is at least one day")
        if not 0 < self.fading_ratio < 1:
            raise ValueError("fading_ratio must be between 0 and 1")

    @property
    def rate(self) -> float:
        """λ = ln 2 / half-life, per day."""
        return math.log(2) / self.half_life_days

    def to_dict(self) -> dict[str, float]:
        return {"half_life_days": self.half_life_days, "period_days": self.period_days,
                "strong_level": self.strong_level, "fading_ratio": self.fading_ratio}


def popularity(dates: Iterable[dt.date], at: dt.date, half_life_days: float) -> float:
    """p(at) = Σ exp(−λ (at − t_i)) over the dates on or before ``at``."""
    rate = math.log(2) / half_life_days
    ages = np.array([(at - d).days for d in dates if d <= at], dtype=np.float64)
    return float(np.exp(-rate * ages).sum()) if len(ages) else 0.0


def peak(dates: Iterable[dt.date], at: dt.date, half_life_days: float) -> tuple[float, dt.date | None]:
    """The highest popularity reached on or before ``at`` and the date it was reached."""
    rate = math.log(2) / half_life_days
    days = sorted(d for d in dates if d <= at)
    best, when, value, previous = 0.0, None, 0.0, None
    for day in days:
        if previous is not None and day != previous:
            value *= math.exp(-rate * (day - previous).days)
        value += 1.0
        previous = day
        if value > best + 1e-12:
            best, when = value, day
    return best, when


def classify(now: float, top: float, settings: TrendSettings = TrendSettings()) -> Strength:
    """The rule of the module docstring: fading, else strong, else weak."""
    if top > 0 and now < settings.fading_ratio * top:
        return Strength.FADING
    return Strength.STRONG if now >= settings.strong_level else Strength.WEAK


@dataclass(frozen=True)
class Period:
    """One period ending on ``end`` (inclusive): signals in it and the popularity at its end."""

    end: dt.date
    count: int
    popularity: float

    def to_dict(self) -> dict[str, object]:
        return {"end": self.end.isoformat(), "count": self.count,
                "popularity": round(self.popularity, 4)}


def period_ends(first: dt.date, as_of: dt.date, period_days: int) -> list[dt.date]:
    """Period ends from ``as_of`` back in steps of ``period_days`` until ``first`` is covered."""
    ends = [as_of]
    while ends[-1] - dt.timedelta(days=period_days) >= first:
        ends.append(ends[-1] - dt.timedelta(days=period_days))
    return ends[::-1]


def series(dates: Sequence[dt.date], ends: Sequence[dt.date],
           settings: TrendSettings) -> tuple[Period, ...]:
    """Count and popularity per period (``ends`` ascending, one period before each end)."""
    out = []
    for end in ends:
        start = end - dt.timedelta(days=settings.period_days)
        count = sum(1 for d in dates if start < d <= end)
        out.append(Period(end, count, popularity(dates, end, settings.half_life_days)))
    return tuple(out)
