"""Charts of an uncertainty analysis: the risk diagram with uncertainty boxes, and rank robustness.

Both use matplotlib's object-oriented API on the Agg canvas with the risk diagram's fixed settings,
so the same result gives a byte-identical SVG. Each is built once as a figure (``build_*``) and
either rendered to PNG/SVG bytes in memory (``render_*``) or written to a file (``draw_*``).

- :func:`draw_uncertainty_diagram` draws the risk diagram (:func:`draw_risk_diagram`) with, per
  scenario, a box from the low to the high percentile of its likelihood and impact positions
  (5–95 % by default) around the point of its agreed expected values.
- :func:`draw_rank_chart` shows per scenario the distribution of its rank as a heat strip
  (darker = more likely), the median rank as a dot and the central 90 % as a line; scenarios
  sorted by median rank, then expected rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from weerbaar.domain import Language, Theme
from weerbaar.errors import InvalidInput
from weerbaar.i18n import labels as translated
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.results import UncertaintyResult
from weerbaar.reports.canvas import (
    FORMATS,
    figure_formats,
    figure_target,
    new_figure,
    render_figure,
    write_figure,
)
from weerbaar.reports.diagram import (
    Box,
    DiagramContent,
    DiagramLayout,
    build_risk_diagram,
    draw_risk_diagram,
)

# the charts' fixed text: English message ids, translated by the catalogues of weerbaar.i18n
MESSAGES: dict[str, str] = {
    "box": "uncertainty ({low:g}–{high:g} %)",
    "rank": "Rank (1 = highest impact)",
    "title": "Rank robustness",
    "median": "median",
    "interval": "90 % interval",
    "probability": "probability",
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


def _box_label(result: UncertaintyResult, lang: Language, low: float | None,
               high: float | None) -> str:
    lo = min(result.percentiles) if low is None else low
    hi = max(result.percentiles) if high is None else high
    return translated(lang, MESSAGES)["box"].format(low=lo, high=hi)


def build_uncertainty_diagram(
    result: UncertaintyResult, assessment: Assessment, profile: MethodProfile,
    themes: Sequence[Theme], *, lang: Language = "en", low: float | None = None,
    high: float | None = None, title: str | None = None,
) -> tuple[Figure, DiagramContent]:
    """The risk diagram of ``assessment`` with the uncertainty boxes of ``result``, drawn once."""
    boxes = uncertainty_boxes(result, low, high)
    return build_risk_diagram(assessment, profile, themes, lang=lang, title=title, boxes=boxes,
                              box_label=_box_label(result, lang, low, high))


def render_uncertainty_diagram(
    result: UncertaintyResult, assessment: Assessment, profile: MethodProfile,
    themes: Sequence[Theme], *, formats: Iterable[str] = FORMATS, lang: Language = "en",
    low: float | None = None, high: float | None = None, title: str | None = None,
) -> dict[str, bytes]:
    """The uncertainty diagram as image bytes per format (``"png"``, ``"svg"``), drawn once."""
    wanted = figure_formats(formats)
    fig, _ = build_uncertainty_diagram(result, assessment, profile, themes, lang=lang, low=low,
                                       high=high, title=title)
    return render_figure(fig, wanted)


def draw_uncertainty_diagram(
    result: UncertaintyResult, assessment: Assessment, profile: MethodProfile,
    themes: Sequence[Theme], path: Path | str, *, lang: Language = "en",
    low: float | None = None, high: float | None = None, title: str | None = None,
) -> DiagramLayout:
    """The risk diagram of ``assessment`` with the uncertainty boxes of ``result``."""
    boxes = uncertainty_boxes(result, low, high)
    return draw_risk_diagram(assessment, profile, themes, path, lang=lang, title=title,
                             boxes=boxes, box_label=_box_label(result, lang, low, high))


def build_rank_chart(result: UncertaintyResult, *, lang: Language = "en",
                     title: str | None = None) -> Figure:
    """The rank-robustness chart (see the module docstring), drawn once on a new figure."""
    ranked = [s for s in result.scenarios if s.rank is not None]
    ranked.sort(key=lambda s: (s.rank.median, s.rank.expected, s.id))  # type: ignore[union-attr]
    n = len(result.scenarios)
    words = translated(lang, MESSAGES)
    height = 1.3 + 0.17 * max(len(ranked), 3)
    with new_figure(8.0, height) as fig:
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
    return fig


def render_rank_chart(result: UncertaintyResult, *, formats: Iterable[str] = FORMATS,
                      lang: Language = "en", title: str | None = None) -> dict[str, bytes]:
    """The rank-robustness chart as image bytes per format (``"png"``, ``"svg"``), drawn once."""
    wanted = figure_formats(formats)
    return render_figure(build_rank_chart(result, lang=lang, title=title), wanted)


def draw_rank_chart(result: UncertaintyResult, path: Path | str, *, lang: Language = "en",
                    title: str | None = None) -> Path:
    """Write the rank-robustness chart to ``path`` (``.svg`` or ``.png``)."""
    target, fmt = figure_target(path)
    return write_figure(build_rank_chart(result, lang=lang, title=title), target, fmt)


__all__ = ["build_rank_chart", "build_uncertainty_diagram", "draw_rank_chart",
           "draw_uncertainty_diagram", "render_rank_chart", "render_uncertainty_diagram",
           "uncertainty_boxes"]
