"""Charts of a cascade run: the timeline (processes × time heat strip) and the graph picture.

Both use matplotlib's object-oriented API on the Agg canvas with the risk diagram's fixed settings
(text kept as text, fixed hash salt, no date), so the same run gives a byte-identical SVG. A graph
with illustrative dependencies is labelled ILLUSTRATIVE in the chart itself. Each chart is built
once as a figure (``build_*``) and either rendered to PNG/SVG bytes in memory (``render_*``, for a
web page or a report) or written to a file (``draw_*``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from weerbaar.cascade.graph import CascadeGraph
from weerbaar.cascade.impact_time import ImpactTimes
from weerbaar.cascade.layout import positions
from weerbaar.cascade.propagation import Timeline
from weerbaar.domain import Language
from weerbaar.errors import InvalidInput
from weerbaar.i18n import labels as translated
from weerbaar.reports.canvas import (
    FORMATS,
    figure_formats,
    figure_target,
    new_figure,
    render_figure,
    write_figure,
)

# the charts' fixed text: English message ids, translated by the catalogues of weerbaar.i18n
MESSAGES: dict[str, str] = {
    "timeline": "Cascade: inoperability per process over time",
    "hours": "hours after the outage",
    "level": "inoperability",
    "graph": "Dependencies between vital processes",
    "illustrative": "ILLUSTRATIVE: dependencies are example values, not an official matrix",
    "outage": "outage",
    "A": "category A",
    "B": "category B",
    "none": "no category",
    "nothing": "no process affected",
}
COLOURS = {"A": "#B2182B", "B": "#EF8A62", None: "#999999"}
ILLUSTRATIVE_COLOUR = "#B2182B"


def _label(graph: CascadeGraph, i: int, lang: Language, width: int = 34) -> str:
    name = graph.name(i, lang)
    text = f"{graph.ids[i]} {name}" if name != graph.ids[i] else name
    return text if len(text) <= width else text[: width - 1] + "…"


def build_timeline(timeline: Timeline, graph: CascadeGraph, *, lang: Language = "en",
                   run_id: str | None = None, title: str | None = None,
                   max_rows: int = 60) -> Figure:
    """Heat strip of the inoperability of every affected process (rows, by first impact) over
    time (columns), drawn once on a new figure."""
    if timeline.level is None:
        raise InvalidInput("the timeline chart needs a recorded run")
    words = translated(lang, MESSAGES)
    rows = timeline.affected[:max_rows]
    k = max(len(rows), 1)
    height = 1.6 + 0.2 * max(k, 3)
    with new_figure(9.0, height) as fig:
        ax = fig.add_axes((0.3, 0.9 / height, 0.58, 1.0 - 1.55 / height))
        dt = float(timeline.settings.get("step_hours", 1.0))
        times = timeline.times
        grid = (timeline.level[:, rows].T if len(rows)
                else np.zeros((1, len(times))))
        image = ax.imshow(grid, aspect="auto", cmap="Reds", vmin=0.0, vmax=1.0,
                          interpolation="nearest",
                          extent=(times[0], times[-1] + dt, k - 0.5, -0.5))
        ax.set_yticks(np.arange(k), [_label(graph, int(i), lang) for i in rows]
                      if len(rows) else [words["nothing"]], fontsize=7.5)
        ax.set_xlim(times[0], times[-1] + dt)
        ax.set_xlabel(words["hours"], fontsize=9)
        heading = title or words["timeline"]
        outages = ", ".join(graph.ids[i] for i in timeline.outages)
        sub = (f"{words['outage']}: {outages} · {timeline.settings.get('rule')}"
               + (f" · {run_id}" if run_id else ""))
        ax.set_title(f"{heading}\n{sub}", loc="left", fontsize=10, fontweight="bold")
        bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
        bar.set_label(words["level"], fontsize=8)
        if graph.illustrative:
            fig.text(0.01, 0.01, words["illustrative"], color=ILLUSTRATIVE_COLOUR,
                     fontsize=8, fontweight="bold", ha="left", va="bottom")
    return fig


def render_timeline(timeline: Timeline, graph: CascadeGraph, *,
                    formats: Iterable[str] = FORMATS, lang: Language = "en",
                    run_id: str | None = None, title: str | None = None,
                    max_rows: int = 60) -> dict[str, bytes]:
    """The timeline chart as image bytes per format (``"png"``, ``"svg"``), drawn once."""
    wanted = figure_formats(formats)
    fig = build_timeline(timeline, graph, lang=lang, run_id=run_id, title=title,
                         max_rows=max_rows)
    return render_figure(fig, wanted)


def draw_timeline(timeline: Timeline, graph: CascadeGraph, path: Path | str, *,
                  lang: Language = "en", run_id: str | None = None,
                  title: str | None = None, max_rows: int = 60) -> Path:
    """Write the timeline chart (see :func:`build_timeline`) to ``path`` (``.svg`` or ``.png``)."""
    if timeline.level is None:
        raise InvalidInput("the timeline chart needs a recorded run")
    target, fmt = figure_target(path)
    fig = build_timeline(timeline, graph, lang=lang, run_id=run_id, title=title,
                         max_rows=max_rows)
    return write_figure(fig, target, fmt)


def build_cascade_graph(graph: CascadeGraph, *, outages: Sequence[int] | None = None,
                        times: ImpactTimes | None = None, lang: Language = "en",
                        title: str | None = None, only_connected: bool = True) -> Figure:
    """The dependency graph in layers (hops from the outages, or chains of suppliers), nodes
    coloured by category, edges as arrows whose width shows the strength; with ``times``, each
    reached process shows its earliest time to impact. Drawn once on a new figure."""
    words = translated(lang, MESSAGES)
    xy = positions(graph, outages)
    shown = np.ones(graph.n, dtype=bool)
    if only_connected and graph.m:
        shown[:] = False
        shown[graph.supplier] = True
        shown[graph.dependent] = True
        if outages:
            shown[list(outages)] = True
    columns = int(xy[shown, 0].max(initial=0)) + 1
    tallest = max(int(np.bincount(xy[shown, 0].astype(int)).max(initial=1)), 1)
    out_set = set(outages or ())
    with new_figure(max(6.0, 2.6 * columns), max(4.0, 0.55 * tallest + 1.6)) as fig:
        ax = fig.add_axes((0.02, 0.08, 0.96, 0.82))
        ax.set_axis_off()
        for k in range(graph.m):
            a, b = int(graph.supplier[k]), int(graph.dependent[k])
            if not (shown[a] and shown[b]):
                continue
            dashed = bool(graph.dependencies[k].illustrative) if graph.dependencies else False
            ax.annotate("", xy=tuple(xy[b]), xytext=tuple(xy[a]),
                        arrowprops={"arrowstyle": "-|>", "color": "#555555",
                                    "lw": 0.4 + 0.35 * float(graph.strength[k]),
                                    "linestyle": "--" if dashed else "-",
                                    "shrinkA": 9, "shrinkB": 9,
                                    "connectionstyle": "arc3,rad=0.08"})
        for i in np.flatnonzero(shown):
            p = graph.process(int(i))
            cat = p.category.value if p is not None and p.category is not None else None
            ax.scatter([xy[i, 0]], [xy[i, 1]], s=230, color=COLOURS[cat], zorder=3,
                       edgecolors="#000000" if i in out_set else "#ffffff",
                       linewidths=2.2 if i in out_set else 0.8)
            ax.text(xy[i, 0], xy[i, 1], graph.ids[i], ha="center", va="center",
                    fontsize=7, color="#ffffff", fontweight="bold", zorder=4)
            label = _label(graph, int(i), lang, 28).removeprefix(f"{graph.ids[i]} ")
            if times is not None and np.isfinite(times.hours[i]):
                label += f" ({times.hours[i]:g} h)"
            ax.text(xy[i, 0] + 0.09, xy[i, 1] - 0.24, label, ha="left", va="top",
                    fontsize=6.5, color="#222222", zorder=4)
        ax.set_xlim(-0.4, columns - 0.2 + 0.9)
        ys = xy[shown, 1]
        ax.set_ylim(float(ys.min(initial=0)) - 0.8, float(ys.max(initial=0)) + 0.6)
        ax.set_title(title or words["graph"], loc="left", fontsize=11, fontweight="bold")
        handles = [Patch(color=COLOURS["A"], label=words["A"]),
                   Patch(color=COLOURS["B"], label=words["B"]),
                   Patch(color=COLOURS[None], label=words["none"])]
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3,
                  fontsize=7.5, frameon=False, borderaxespad=0.2)
        if graph.illustrative:
            fig.text(0.01, 0.01, words["illustrative"], color=ILLUSTRATIVE_COLOUR,
                     fontsize=8, fontweight="bold", ha="left", va="bottom")
    return fig


def render_cascade_graph(graph: CascadeGraph, *, formats: Iterable[str] = FORMATS,
                         outages: Sequence[int] | None = None, times: ImpactTimes | None = None,
                         lang: Language = "en", title: str | None = None,
                         only_connected: bool = True) -> dict[str, bytes]:
    """The dependency-graph picture as image bytes per format (``"png"``, ``"svg"``), drawn
    once."""
    wanted = figure_formats(formats)
    fig = build_cascade_graph(graph, outages=outages, times=times, lang=lang, title=title,
                              only_connected=only_connected)
    return render_figure(fig, wanted)


def draw_cascade_graph(graph: CascadeGraph, path: Path | str, *,
                       outages: Sequence[int] | None = None, times: ImpactTimes | None = None,
                       lang: Language = "en", title: str | None = None,
                       only_connected: bool = True) -> Path:
    """Write the dependency-graph picture (see :func:`build_cascade_graph`) to ``.svg`` or
    ``.png``."""
    target, fmt = figure_target(path)
    fig = build_cascade_graph(graph, outages=outages, times=times, lang=lang, title=title,
                              only_connected=only_connected)
    return write_figure(fig, target, fmt)


__all__ = ["build_cascade_graph", "build_timeline", "draw_cascade_graph", "draw_timeline",
           "render_cascade_graph", "render_timeline"]
