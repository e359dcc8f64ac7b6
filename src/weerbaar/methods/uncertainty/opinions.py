"""Judgements of a scenario: the agreed scores and, where recorded, each expert's own.

When several experts scored a scenario, their spread is part of the uncertainty: the scenario's
distribution is the **linear opinion pool** (Stone 1961; Clemen & Winkler 1999) of the judgements
with equal weights — the agreed (panel) scores and each expert's. An expert's judgement takes the
agreed score for every criterion the expert left out (an expert's missing criterion is not an X),
and the agreed likelihood when the expert gave none. Within one judgement the criteria are
independent; across scenarios the judgements are independent.

**Disagreement flag.** A scenario is flagged when the expected positions of its judgements —
aggregated impact from the EVs, and likelihood EV — differ by at least ``threshold`` (default one
class) on either axis: a whole class apart is a difference in kind, not in nuance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from weerbaar.domain import CriterionScore, LikelihoodScore, Scenario
from weerbaar.methods.profile import MethodProfile

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class Judgements:
    """All judgements of a set of scenarios, stacked: row r belongs to scenario ``owner[r]``.

    ``lo``, ``mode``, ``hi``: (rows, criteria) impact class positions (unscored = X);
    ``likelihood``: (rows, 3) LL/EV/UL positions, NaN where the judgement has no likelihood;
    ``expert``: the expert's name, or ``None`` for the agreed scores.
    """

    owner: NDArray[np.intp]
    expert: tuple[str | None, ...]
    lo: FloatArray
    mode: FloatArray
    hi: FloatArray
    likelihood: FloatArray

    def rows_of(self, scenario: int) -> NDArray[np.intp]:
        return np.asarray(np.flatnonzero(self.owner == scenario), dtype=np.intp)

    @property
    def agreed_rows(self) -> NDArray[np.intp]:
        return np.asarray([r for r, e in enumerate(self.expert) if e is None], dtype=np.intp)


def _row(profile: MethodProfile, impact: dict[str, CriterionScore],
         fallback: dict[str, CriterionScore]) -> tuple[list[float], list[float], list[float]]:
    triples = []
    for criterion in profile.criteria:
        score = impact.get(criterion.id) or fallback.get(criterion.id)
        triples.append((0.0, 0.0, 0.0) if score is None
                       else (score.range.ll, score.range.ev, score.range.ul))
    return [t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples]


def _likelihood(score: LikelihoodScore | None) -> list[float]:
    if score is None:
        return [np.nan, np.nan, np.nan]
    r = score.range
    return [r.ll, r.ev, r.ul]


def judgements(scenarios: Sequence[Scenario], profile: MethodProfile, *,
               experts: bool = True) -> Judgements:
    """Stack the agreed scores of every scenario, and its experts' when ``experts`` is true."""
    owner: list[int] = []
    names: list[str | None] = []
    lo: list[list[float]] = []
    mode: list[list[float]] = []
    hi: list[list[float]] = []
    like: list[list[float]] = []
    for index, scenario in enumerate(scenarios):
        rows: list[tuple[str | None, dict[str, CriterionScore], LikelihoodScore | None]] = [
            (None, scenario.impact, scenario.likelihood)]
        if experts:
            rows += [(e.expert, e.impact, e.likelihood or scenario.likelihood)
                     for e in scenario.experts]
        for name, impact, likelihood in rows:
            a, m, b = _row(profile, impact, scenario.impact)
            owner.append(index)
            names.append(name)
            lo.append(a)
            mode.append(m)
            hi.append(b)
            like.append(_likelihood(likelihood))
    k = len(profile.criteria)
    shape = (len(owner), k)
    return Judgements(
        owner=np.asarray(owner, dtype=np.intp), expert=tuple(names),
        lo=np.asarray(lo, dtype=np.float64).reshape(shape),
        mode=np.asarray(mode, dtype=np.float64).reshape(shape),
        hi=np.asarray(hi, dtype=np.float64).reshape(shape),
        likelihood=np.asarray(like, dtype=np.float64).reshape(len(owner), 3),
    )


@dataclass(frozen=True)
class Disagreement:
    """How far the judgements of one scenario lie apart (expected positions, in classes)."""

    judgements: int
    impact_spread: float | None
    likelihood_spread: float | None
    flagged: bool

    def to_dict(self) -> dict[str, object]:
        return {"judgements": self.judgements, "impact_spread": self.impact_spread,
                "likelihood_spread": self.likelihood_spread, "flagged": self.flagged}


def disagreement(impact_ev: FloatArray, likelihood_ev: FloatArray, threshold: float) -> Disagreement:
    """Spread of the judgements' expected positions (NaN entries ignored) and the flag."""

    def spread(values: FloatArray) -> float | None:
        finite = values[np.isfinite(values)]
        return float(finite.max() - finite.min()) if len(finite) > 1 else None

    si, sl = spread(impact_ev), spread(likelihood_ev)
    flagged = any(s is not None and s >= threshold - 1e-9 for s in (si, sl))
    return Disagreement(judgements=len(impact_ev), impact_spread=si, likelihood_spread=sl,
                        flagged=flagged)


__all__ = ["Disagreement", "Judgements", "disagreement", "judgements"]
