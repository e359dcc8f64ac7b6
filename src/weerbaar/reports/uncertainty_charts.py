"""Charts of an uncertainty analysis: the risk diagram with uncertainty boxes, and rank robustness.

Both use matplotlib's object-oriented API on the Agg canvas with the risk diagram's fixed settings,
so the same result gives a byte-identical SVG.

- :func:`draw_uncertainty_diagram` draws the risk diagram (:func:`draw_risk_diagram`) with, per
  scenario, a box from the low to the high percentile of its likelihood and impact positions
  (5–95 % by default) around the point of its agreed expected values.
- :func:`draw_rank_chart` shows per scenario the distribution of its rank as a heat strip
  (darker = more likely), the median rank as a dot and the central 90 % as a line; scenarios
  sorted by median rank, then expected rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from weerbaar.domain import Language, Theme
from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.results import UncertaintyResult
from weerbaar.reports.diagram import _RC, DPI, Box, DiagramLayout, _format_of, draw_risk_diagram

TEXTS: dict[Language, dict[str, str]] = {
    "nl": {"box": "onzekerheid ({low:g}–{high:g} %)", "rank": "Rang (1 = hoogste impact)",
           "title": "Robuustheid van de rangorde", "median": "mediaan",
           "interval": "90 %-interval", "probability": "kans"},
    "en": {"box": "uncertainty ({low:g}–{high:g} %)", "rank": "Rank (1 = highest impact)",
           "title": "Rank robustness", "median": "median", "interval": "90 % interval",
           "probability": "probability"},
}


def uncertainty_boxes(result: UncertaintyResult, low: float | None = None,
                      high: float | None = None) -> dict[str, Box]:
    """Per scenario (likelihood low, high, impact low, high) at percentiles ``low``/``high``."""
    low = min(result.percentiles) if low is None else low
    high = max(result.percentiles) if high is None else high
    missing = {low, high} - set(result.percentiles)
    if missing:
        raise InvalidInput(f"the analysis has no percentile {min(missing):g}",
                           expected=", ".join(f"{p:g}" for p in result.percentiles))
    boxes: dict[str, Box] = {}
    for s in result.scenarios:
        if s.impact is None or s.likelihood is None:
            continue
        i, lk = dict(s.impact), dict(s.likelihood)
        boxes[s.id] = (lk[low], lk[high], i[low], i[high])
    return boxes


def draw_uncertainty_diagram(
    result: UncertaintyResult, assessment: Assessment, profile: MethodProfile,
    themes: Sequence[Theme], path: Path | str, *, lang: Language = "en",
    low: float | None = None, high: float | None = None, title: str | None = None,
) -> DiagramLayout:
    """The risk diagram of ``assessment`` with the uncertainty boxes of ``result``."""
    boxes = uncertainty_boxes(result, low, high)
    lo = min(result.percentiles) if low is None else low
    hi = max(result.percentiles) if high is None else high
    return draw_risk_diagram(assessment, profile, themes, path, lang=lang, title=title,
                             boxes=boxes, box_label=TEXTS[lang]["box"].format(low=lo, high=hi))


def draw_rank_chart(result: UncertaintyResult, path: Path | str, *, lang: Language = "en",
                    title: str | None = None) -> Path:
    """Write the rank-robustness chart to ``path`` (``.svg`` or ``.png``)."""
    target = Path(path)
    fmt = _format_of(target)
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: folder {target.parent} does not exist",
                           source=target, expected="an existing folder")
    ranked = [s for s in result.scenarios if s.rank is not None]
    ranked.sort(key=lambda s: (s.rank.median, s.rank.expected, s.id))  # type: ignore[union-attr]
    n = len(result.scenarios)
    words = TEXTS[lang]
    with matplotlib.rc_context(_RC):
        height = 1.3 + 0.17 * max(len(ranked), 3)
        fig = Figure(figsize=(8.0, height), dpi=DPI)
        FigureCanvasAgg(fig)
        try:
            ax = fig.add_axes((0.22, 0.8 / height, 0.66, 1.0 - 1.25 / height))
            grid = np.array([s.rank.probabilities for s in ranked  # type: ignore[union-attr]
                             ]).reshape(len(ranked), n)
            image = ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0.0,
                              vmax=max(float(grid.max(initial=0.0)), 1e-9),
                              interpolation="nearest",
                              extent=(0.5, n + 0.5, len(ranked) - 0.5, -0.5))
            rows = np.arange(len(ranked))
            lows = [s.rank.low for s in ranked]  # type: ignore[union-attr]
            highs = [s.rank.high for s in ranked]  # type: ignore[union-attr]
            ax.hlines(rows, lows, highs, color="#222222", linewidth=0.9, zorder=3,
                      label=words["interval"])
            ax.scatter([s.rank.median for s in ranked], rows,  # type: ignore[union-attr]
                       s=14, color="#D55E00", zorder=4, label=words["median"])
            ax.set_yticks(rows, [s.id for s in ranked], fontsize=6.5 if len(ranked) > 40 else 8)
            ax.set_xlim(0.5, n + 0.5)
            ax.set_xlabel(words["rank"], fontsize=9)
            ax.set_title(title or words["title"], loc="left", fontsize=11, fontweight="bold")
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, fontsize=7.5,
                      frameon=False, borderaxespad=0.2)
            bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
            bar.set_label(words["probability"], fontsize=8)
            metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {"Software": None}
            fig.savefig(target, format=fmt, dpi=DPI, metadata=metadata)
        finally:
            fig.clear()
    return target


__all__ = ["draw_rank_chart", "draw_uncertainty_diagram", "uncertainty_boxes"]
