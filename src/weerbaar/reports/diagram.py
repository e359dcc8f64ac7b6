"""The risk diagram of the national risk assessment: impact against likelihood on the class grid.

Both axes are logarithmic in the underlying quantity (each likelihood class is ten times as likely
as the one below, each impact class three times the impact), so class *positions* are drawn on
linear axes with a gridline per class. Drawing uses matplotlib's object-oriented API with the Agg
canvas only (no pyplot, no GUI) and fixed settings, so the same input gives a byte-identical SVG.
:func:`build_risk_diagram` draws the figure once; :func:`render_risk_diagram` gives its PNG and SVG
bytes in memory and :func:`draw_risk_diagram` writes one of them to a file (see
:mod:`weerbaar.reports.canvas`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from matplotlib.colors import is_color_like
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from weerbaar.domain import Language, OrdinalScale, Theme
from weerbaar.errors import InvalidInput
from weerbaar.i18n import labels as translated
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment, ScenarioResult
from weerbaar.reports import labels as geo
from weerbaar.reports.canvas import (
    DPI,
    FORMATS,
    figure_formats,
    figure_target,
    new_figure,
    render_figure,
    write_figure,
)

# the charts' fixed text: English message ids, translated by the catalogues of weerbaar.i18n
MESSAGES: dict[str, str] = {
    "impact": "Impact",
    "likelihood": "Likelihood",
    "provisional": "rests on provisional values",
    "earlier": "earlier assessment",
    "range": "range (lower–upper limit)",
    "iso_risk": "lines of equal risk",
    "key": "Numbered scenarios",
    "not_placed": "(number not placed)",
    "box": "uncertainty (5–95 %)",
    "residual": "residual (after measures)",
}

# Colour-blind friendly qualitative palette (Okabe–Ito, then Tol); grey is kept for the background.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255",
           "#117733", "#332288", "#999933", "#AA4499", "#44AA99")
BACKGROUND_GREY = "#9a9a9a"

Box = tuple[float, float, float, float]
"""An uncertainty box in grid positions: (likelihood low, likelihood high, impact low, high)."""


@dataclass(frozen=True)
class DiagramContent:
    """What was drawn, for tests and callers, wherever the figure goes.

    ``labels`` holds ``(scenario_id, label_text, (x0, y0, x1, y1))`` with boxes in display pixels
    of the written figure (origin bottom left: PNG pixels with y counted from the bottom). A label
    text that differs from the id is a number listed in ``numbered`` as ``(number, scenario_id)``;
    ids in ``unlabelled`` are numbered but their number found no free spot near the point.
    """

    labels: tuple[tuple[str, str, geo.Box], ...]
    numbered: tuple[tuple[int, str], ...]
    omitted: tuple[str, ...]
    iso_risk: bool
    unlabelled: tuple[str, ...] = ()
    size_px: tuple[int, int] = (0, 0)
    arrows: tuple[str, ...] = ()  # scenarios with an arrow from the background position
    residual: tuple[str, ...] = ()  # scenarios with a residual point apart from the current one


@dataclass(frozen=True, kw_only=True)
class DiagramLayout(DiagramContent):
    """What was drawn (:class:`DiagramContent`) and the file it was written to."""

    path: Path
    format: Literal["svg", "png"]


@dataclass(frozen=True)
class _Mark:
    result: ScenarioResult
    x: float  # data coordinates after dodging
    y: float
    px: tuple[float, float]  # display pixels
    colour: str


def iso_risk_lines(
    likelihood_factor: float | None, impact_factor: float | None, through: Sequence[float]
) -> list[tuple[float, float]]:
    """``(slope, intercept)`` of lines of equal risk through the grid points ``(p, p)``.

    Risk grows as ``likelihood_factor**x * impact_factor**y``, so equal risk means
    ``y = c - x * log(likelihood_factor) / log(impact_factor)``. Empty when a factor is unknown.
    """
    if likelihood_factor is None or impact_factor is None:
        return []
    if likelihood_factor <= 1.0 or impact_factor <= 1.0:
        return []
    slope = -math.log(likelihood_factor) / math.log(impact_factor)
    return [(slope, p - slope * p) for p in through]


def theme_colours(themes: Sequence[Theme], extra_ids: Sequence[str] = ()) -> dict[str, str]:
    """A colour per theme id: the theme's own colour, else the palette by theme order."""
    colours: dict[str, str] = {}
    for index, theme in enumerate(themes):
        if theme.colour is not None and not is_color_like(theme.colour):
            raise InvalidInput(f"theme {theme.id!r} has colour {theme.colour!r}",
                               expected="a colour such as '#1f77b4'")
        colours[theme.id] = theme.colour or PALETTE[index % len(PALETTE)]
    for offset, theme_id in enumerate(sorted(set(extra_ids) - set(colours))):
        colours[theme_id] = PALETTE[(len(themes) + offset) % len(PALETTE)]
    return colours


def _px(points: float) -> float:
    return points * DPI / 72.0


def _tick_labels(scale: OrdinalScale, lang: Language, wrap: int | None) -> list[str]:
    if wrap is None:
        return [f"{lv.code}  {lv.name.get(lang)}" for lv in scale.levels]
    return [f"{lv.code}\n{textwrap.fill(lv.name.get(lang), wrap)}" for lv in scale.levels]


class _Measure:
    """Text extents in display pixels, measured by the Agg renderer (cached per text and size)."""

    def __init__(self, fig: Figure) -> None:
        self._fig = fig
        self._cache: dict[tuple[str, float, str], tuple[float, float]] = {}

    def __call__(self, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
        key = (text, size, weight)
        if key not in self._cache:
            artist = self._fig.text(0.0, 0.0, text, fontsize=size, fontweight=weight)
            box = artist.get_window_extent()
            artist.remove()
            self._cache[key] = (float(box.width), float(box.height))
        return self._cache[key]


def _limits(results: Sequence[ScenarioResult], ranges: bool, scale: OrdinalScale,
            axis: Literal["x", "y"]) -> tuple[float, float]:
    """Half a class beyond the scale, widened where data (or its range) falls outside."""
    values = [scale.lowest - 0.2, scale.highest + 0.2]
    for r in results:
        pos = r.likelihood_position if axis == "x" else r.impact_position
        if pos is not None and r.likelihood_position is not None and r.impact_position is not None:
            values += [pos.ll, pos.ul] if ranges else [pos.ev]
    return min(values) - 0.3, max(values) + 0.3


def build_risk_diagram(
    assessment: Assessment,
    profile: MethodProfile,
    themes: Sequence[Theme],
    *,
    lang: Literal["nl", "en"] = "en",
    background: Assessment | None = None,
    show_ranges: bool = True,
    iso_risk: bool = False,
    title: str | None = None,
    boxes: Mapping[str, Box] | None = None,
    box_label: str | None = None,
    residual: Assessment | None = None,
) -> tuple[Figure, DiagramContent]:
    """Draw the risk diagram of ``assessment`` on a new figure, once, for any format.

    One marker per scenario, coloured by theme (the legend shows the themes that occur); hollow
    when the result rests on provisional values; LL–UL ranges as error bars when ``show_ranges``.
    ``background`` draws an earlier assessment in grey behind, with an arrow from each earlier
    position to the current position of the same scenario. ``residual`` (the same scenarios
    assessed after the expected effect of measures) draws each residual point as a small hollow
    marker with a dashed arrow from the current point. ``iso_risk`` adds dashed lines of equal
    risk when both class factors of the profile are known. ``title`` defaults to the assessment's
    title. Points are labelled with their scenario id, or with a number listed in a key below the
    plot where the id does not fit. Results without a position are not drawn but listed in ``omitted``.
    ``boxes`` (scenario id -> :data:`Box`) draws an uncertainty box, e.g. the 5–95 % percentiles
    of an uncertainty analysis, instead of the LL–UL bars of that scenario; ``box_label`` names
    it in the legend. Render the figure with :func:`~weerbaar.reports.canvas.render_figure`.
    """
    with new_figure(8.0, 6.0) as fig:
        content = _draw(fig, assessment, profile, themes, lang, background, show_ranges,
                        iso_risk, title if title is not None else assessment.title,
                        dict(boxes or {}), box_label, residual)
    return fig, DiagramContent(**content)


def render_risk_diagram(
    assessment: Assessment, profile: MethodProfile, themes: Sequence[Theme], *,
    formats: Iterable[str] = FORMATS, lang: Literal["nl", "en"] = "en",
    background: Assessment | None = None, show_ranges: bool = True, iso_risk: bool = False,
    title: str | None = None, boxes: Mapping[str, Box] | None = None,
    box_label: str | None = None, residual: Assessment | None = None,
) -> dict[str, bytes]:
    """The risk diagram (see :func:`build_risk_diagram`) as image bytes per format, in memory.

    The figure is drawn once and saved in every format of ``formats`` (``"png"``, ``"svg"``).
    """
    wanted = figure_formats(formats)
    fig, _ = build_risk_diagram(assessment, profile, themes, lang=lang, background=background,
                                show_ranges=show_ranges, iso_risk=iso_risk, title=title,
                                boxes=boxes, box_label=box_label, residual=residual)
    return render_figure(fig, wanted)


def draw_risk_diagram(
    assessment: Assessment, profile: MethodProfile, themes: Sequence[Theme], path: Path | str, *,
    lang: Literal["nl", "en"] = "en", background: Assessment | None = None,
    show_ranges: bool = True, iso_risk: bool = False, title: str | None = None,
    boxes: Mapping[str, Box] | None = None, box_label: str | None = None,
    residual: Assessment | None = None,
) -> DiagramLayout:
    """Write the risk diagram (see :func:`build_risk_diagram`) to ``path`` (``.svg``/``.png``).

    The path is checked before anything is drawn.
    """
    target, fmt = figure_target(path)
    fig, content = build_risk_diagram(assessment, profile, themes, lang=lang,
                                      background=background, show_ranges=show_ranges,
                                      iso_risk=iso_risk, title=title, boxes=boxes,
                                      box_label=box_label, residual=residual)
    write_figure(fig, target, fmt)
    return DiagramLayout(path=target, format=fmt, **vars(content))


def _draw(fig: Figure, assessment: Assessment, profile: MethodProfile, themes: Sequence[Theme],
          lang: Language, background: Assessment | None, show_ranges: bool, iso_risk: bool,
          title: str | None, boxes: dict[str, Box] | None = None,
          box_label: str | None = None, residual: Assessment | None = None) -> dict[str, Any]:
    words, measure = translated(lang, MESSAGES), _Measure(fig)
    drawn = [r for r in assessment.results
             if r.impact_position is not None and r.likelihood_position is not None]
    omitted = tuple(r.id for r in assessment.results
                    if r.impact_position is None or r.likelihood_position is None)
    n = len(drawn)
    colours = theme_colours(themes, [r.theme for r in drawn])

    # Sizes grow a little with the number of scenarios; markers and labels shrink a little.
    crowd = max(0, n - 25)
    axes_w, axes_h = 6.5 + min(4.5, 0.03 * crowd), 4.8 + min(3.2, 0.022 * crowd)
    marker_pt, label_pt, tick_pt = (7.0 if n <= 50 else 6.0 if n <= 120 else 5.5), 7.0, 8.5

    lik, imp = profile.likelihood_scale, profile.impact
    both = [*drawn, *(background.results if background is not None else ()),
            *(residual.results if residual is not None else ())]
    (x_lo, x_hi), (y_lo, y_hi) = (_limits(both, show_ranges, lik, "x"),
                                  _limits(both, show_ranges, imp, "y"))
    boxes = {r.id: boxes[r.id] for r in drawn if boxes and r.id in boxes}
    if boxes:
        x_lo = min(x_lo, min(b[0] for b in boxes.values()) - 0.3)
        x_hi = max(x_hi, max(b[1] for b in boxes.values()) + 0.3)
        y_lo = min(y_lo, min(b[2] for b in boxes.values()) - 0.3)
        y_hi = max(y_hi, max(b[3] for b in boxes.values()) + 0.3)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8), xlim=(x_lo, x_hi), ylim=(y_lo, y_hi))
    ax.set_autoscale_on(False)
    x_ticks, y_ticks = _tick_labels(lik, lang, 16), _tick_labels(imp, lang, None)
    ax.set_xticks([float(lv.position) for lv in lik.levels], x_ticks, fontsize=tick_pt)
    ax.set_yticks([float(lv.position) for lv in imp.levels], y_ticks, fontsize=tick_pt)
    if lik.half_classes:
        ax.set_xticks([lv.position + 0.5 for lv in lik.levels[:-1]], minor=True)
        ax.grid(True, which="minor", axis="x", color="#e8e8e8", linewidth=0.6, linestyle=":")
    ax.grid(True, which="major", color="#d0d0d0", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel(words["likelihood"], fontsize=10)
    ax.set_ylabel(words["impact"], fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, loc="left", fontsize=11, fontweight="bold")

    # Legend to the right of the axes (anchored to them) so it never covers a point.
    iso = iso_risk_lines(profile.likelihood.scale.factor.value, profile.impact_scale.factor.value,
                         [float(lv.position) for lv in imp.levels]) if iso_risk else []
    handles = _legend_handles(drawn, themes, colours, lang, background,
                              show_ranges and any(r.id not in boxes for r in drawn), bool(iso))
    if residual is not None:
        handles.append(Line2D([], [], marker="o", linestyle=(0, (2, 2)), markersize=4.5,
                              color="#555555", markerfacecolor="white", linewidth=0.7,
                              label=words["residual"]))
    if boxes:
        handles.append(Line2D([], [], marker="s", linestyle="none", markersize=9,
                              markerfacecolor="#55555533", markeredgecolor="#555555",
                              markeredgewidth=0.6, label=box_label or words["box"]))
    legend = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                       borderaxespad=0.0, frameon=False, fontsize=8.5, handlelength=1.6)

    # Margins from measured text extents; the axes keep their size in inches from here on.
    left = (max(measure(t, tick_pt)[0] for t in y_ticks) + measure("I", 10)[1] + _px(22)) / DPI
    bottom = (max(measure(t, tick_pt)[1] for t in x_ticks) + measure("L", 10)[1] + _px(19)) / DPI
    top = (measure(title, 11, "bold")[1] + _px(16)) / DPI if title else 0.25
    legend_box = legend.get_window_extent()
    right = 0.02 * axes_w + legend_box.width / DPI + 0.25
    height = max(top + axes_h + bottom, top + legend_box.height / DPI + 0.2)
    geometry = (left, bottom, axes_w, axes_h, right, height)
    _set_geometry(fig, ax, *geometry)

    marks = _marks(ax, drawn, colours, marker_pt)
    r_px = _px(marker_pt) / 2.0
    index = geo.BoxIndex(cell=_px(30))
    for mark in marks:
        index.add(geo.point_box(mark.px, r_px + 0.5))
    arrows = _draw_background(ax, background, marks, marker_pt, index)
    residual_ids = _draw_residual(ax, residual, marks, marker_pt, index)
    _draw_boxes(ax, marks, boxes)
    _draw_marks(ax, [m for m in marks if m.result.id not in boxes], show_ranges, marker_pt,
                scatter=False)
    _draw_marks(ax, marks, False, marker_pt)
    for slope, intercept in iso:
        ax.plot([x_lo, x_hi], [intercept + slope * x_lo, intercept + slope * x_hi],
                color="#7a7a7a", linestyle=(0, (4, 3)), linewidth=0.8, zorder=1.2)

    texts, numbered, unlabelled = _label(ax, marks, profile, measure, index, r_px, label_pt)
    if numbered:
        _draw_key(fig, ax, measure, numbered, unlabelled, words, geometry)
    labels = []
    for scenario_id, text, artist in texts:
        bb = artist.get_window_extent()
        box = (round(float(bb.x0), 2), round(float(bb.y0), 2), round(float(bb.x1), 2),
               round(float(bb.y1), 2))
        labels.append((scenario_id, text, box))
    return {"labels": tuple(labels), "omitted": omitted, "iso_risk": bool(iso),
            "numbered": tuple((number, m.result.id) for number, m in numbered),
            "unlabelled": tuple(unlabelled), "size_px": fig.canvas.get_width_height(),
            "arrows": tuple(arrows), "residual": tuple(residual_ids)}


def _set_geometry(fig: Figure, ax: Any, left: float, bottom: float, axes_w: float,
                  axes_h: float, right: float, height: float) -> None:
    width = left + axes_w + right
    fig.set_size_inches(width, height)
    ax.set_position((left / width, bottom / height, axes_w / width, axes_h / height))


def _legend_handles(drawn: Sequence[ScenarioResult], themes: Sequence[Theme],
                    colours: dict[str, str], lang: Language, background: Assessment | None,
                    show_ranges: bool, iso: bool) -> list[Line2D]:
    words, names = translated(lang, MESSAGES), {t.id: t.name.get(lang) or t.id for t in themes}
    used = {r.theme for r in drawn}
    order = [t.id for t in themes if t.id in used] + sorted(used - {t.id for t in themes})
    dot: dict[str, Any] = {"marker": "o", "linestyle": "none", "markersize": 7}
    handles = [Line2D([], [], **dot, markerfacecolor=colours[t], markeredgecolor="white",
                      label=textwrap.fill(names.get(t, t), 30)) for t in order]
    if any(r.provisional for r in drawn):
        handles.append(Line2D([], [], **dot, markerfacecolor="white", markeredgecolor="#444444",
                              markeredgewidth=1.2, label=words["provisional"]))
    if show_ranges:
        handles.append(Line2D([], [], color="#555555", alpha=0.5, linewidth=0.8,
                              label=words["range"]))
    if background is not None:
        handles.append(Line2D([], [], **(dot | {"markersize": 4.5}), markeredgecolor="none",
                              markerfacecolor=BACKGROUND_GREY,
                              label=textwrap.fill(background.title or words["earlier"], 30)))
    if iso:
        handles.append(Line2D([], [], color="#7a7a7a", linestyle=(0, (4, 3)), linewidth=0.8,
                              label=words["iso_risk"]))
    return handles


def _marks(ax: Any, drawn: Sequence[ScenarioResult], colours: dict[str, str],
           marker_pt: float) -> list[_Mark]:
    """Markers in display space; scenarios sharing a position are spread over a small cluster."""
    groups: dict[tuple[float, float], list[ScenarioResult]] = {}
    for r in drawn:
        assert r.likelihood_position is not None and r.impact_position is not None
        key = (round(r.likelihood_position.ev, 6), round(r.impact_position.ev, 6))
        groups.setdefault(key, []).append(r)
    to_data = ax.transData.inverted()
    marks = []
    for (x, y), members in sorted(groups.items()):
        members.sort(key=lambda r: r.id)
        cx, cy = (float(v) for v in ax.transData.transform((x, y)))
        for r, (dx, dy) in zip(members, geo.dodge_offsets(len(members), _px(marker_pt) * 1.15),
                               strict=True):
            mx, my = (float(v) for v in to_data.transform((cx + dx, cy + dy)))
            marks.append(_Mark(result=r, x=mx, y=my, px=(cx + dx, cy + dy),
                               colour=colours[r.theme]))
    return marks


def _draw_boxes(ax: Any, marks: Sequence[_Mark], boxes: Mapping[str, Box]) -> None:
    for mark in marks:
        if mark.result.id in boxes:
            x0, x1, y0, y1 = boxes[mark.result.id]
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=(mark.colour, 0.16),
                                   edgecolor=(mark.colour, 0.7), linewidth=0.8, zorder=1.8))


def _draw_marks(ax: Any, marks: Sequence[_Mark], show_ranges: bool, marker_pt: float,
                scatter: bool = True) -> None:
    if show_ranges:
        for mark in marks:
            lp, ip = mark.result.likelihood_position, mark.result.impact_position
            assert lp is not None and ip is not None
            if lp.ul > lp.ll or ip.ul > ip.ll:
                ax.errorbar([mark.x], [mark.y], xerr=[[lp.ev - lp.ll], [lp.ul - lp.ev]],
                            yerr=[[ip.ev - ip.ll], [ip.ul - ip.ev]], fmt="none", capsize=0,
                            ecolor=mark.colour, elinewidth=0.7, alpha=0.4, zorder=2)
    if marks and scatter:
        weak = [m.result.provisional for m in marks]   # hollow markers
        ax.scatter([m.x for m in marks], [m.y for m in marks], s=marker_pt**2, marker="o",
                   facecolors=["white" if m.result.provisional else m.colour for m in marks],
                   edgecolors=[m.colour if m.result.provisional else "white" for m in marks],
                   linewidths=[1.2 if w else 0.5 for w in weak], zorder=3)


def _arrow(ax: Any, start: tuple[float, float], end: tuple[float, float], colour: str,
           marker_pt: float, dashed: bool = False) -> None:
    ax.annotate("", xy=end, xytext=start, zorder=1.4,
                arrowprops={"arrowstyle": "-|>", "color": colour, "linewidth": 0.7,
                            "mutation_scale": 7, "shrinkA": 1.5, "shrinkB": marker_pt / 2 + 0.5,
                            "linestyle": (0, (2, 2)) if dashed else "solid", "alpha": 0.85})


def _draw_residual(ax: Any, residual: Assessment | None, marks: Sequence[_Mark],
                   marker_pt: float, index: geo.BoxIndex) -> list[str]:
    """Residual points (hollow, small) with a dashed arrow from the current point."""
    if residual is None:
        return []
    now = {m.result.id: m for m in marks}
    drawn = []
    for r in residual.results:
        mark = now.get(r.id)
        if mark is None or r.likelihood_position is None or r.impact_position is None:
            continue
        x, y = r.likelihood_position.ev, r.impact_position.ev
        if (x, y) == (mark.result.likelihood_position.ev if mark.result.likelihood_position
                      else None, mark.result.impact_position.ev if mark.result.impact_position
                      else None):
            continue
        ax.scatter([x], [y], s=(marker_pt * 0.75) ** 2, facecolors="white",
                   edgecolors=mark.colour, linewidths=0.9, zorder=2.5)
        px, py = (float(v) for v in ax.transData.transform((x, y)))
        index.add(geo.point_box((px, py), _px(marker_pt) * 0.4 + 0.5))
        _arrow(ax, (mark.x, mark.y), (x, y), mark.colour, marker_pt * 0.75, dashed=True)
        drawn.append(r.id)
    return drawn


def _draw_background(ax: Any, background: Assessment | None, marks: Sequence[_Mark],
                     marker_pt: float, index: geo.BoxIndex) -> list[str]:
    if background is None:
        return []
    arrows = []
    now = {m.result.id: m for m in marks}
    for r in background.results:
        if r.likelihood_position is None or r.impact_position is None:
            continue
        x, y = r.likelihood_position.ev, r.impact_position.ev
        ax.scatter([x], [y], s=(marker_pt * 0.7) ** 2, color=BACKGROUND_GREY, linewidths=0,
                   zorder=1.5)
        px, py = (float(v) for v in ax.transData.transform((x, y)))
        index.add(geo.point_box((px, py), _px(marker_pt) * 0.35 + 0.5))
        if r.id in now and math.hypot(now[r.id].px[0] - px, now[r.id].px[1] - py) > 2.0:
            _arrow(ax, (x, y), (now[r.id].x, now[r.id].y), BACKGROUND_GREY, marker_pt)
            arrows.append(r.id)
    return arrows


def _label(ax: Any, marks: Sequence[_Mark], profile: MethodProfile, measure: _Measure,
           index: geo.BoxIndex, r_px: float, size: float,
           ) -> tuple[list[tuple[str, str, Text]], list[tuple[int, _Mark]], list[str]]:
    """Ids first, highest risk first; a number (with a leader line if far) where an id won't fit."""
    box = ax.get_window_extent()
    bounds = (box.x0 + 2.0, box.y0 + 2.0, box.x1 - 2.0, box.y1 - 2.0)
    text_h, g0 = measure("0Ag", size)[1], r_px + _px(1.5)
    log_l = math.log(profile.likelihood.scale.factor.value or 10.0)
    log_i = math.log(profile.impact_scale.factor.value or 10.0)
    order = sorted(marks, key=lambda m: (-(m.x * log_l + m.y * log_i), m.result.id))
    placed = geo.label_points([m.px for m in order], [m.result.id for m in order],
                          lambda text: measure(text, size), (g0, g0 + 0.6 * text_h),
                          tuple(g0 + k * text_h for k in (1.4, 2.4, 3.6, 5.0)), bounds, index)
    texts = [(order[lb.item].result.id, lb.text,
              _put_label(ax, order[lb.item], lb.placement, lb.text, size,
                         lb.placement.gap > g0 + text_h))
             for lb in placed if lb.placement is not None]
    numbered = [(lb.number, order[lb.item]) for lb in placed if lb.number is not None]
    unlabelled = [order[lb.item].result.id for lb in placed if lb.placement is None]
    return texts, sorted(numbered, key=lambda pair: pair[0]), unlabelled


def _put_label(ax: Any, mark: _Mark, spot: geo.Placement, text: str, size: float,
               leader: bool) -> Text:
    to_data = ax.transData.inverted()
    box = spot.box
    cx, cy = (float(v) for v in to_data.transform(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)))
    if leader:
        ex, ey = (float(v) for v in to_data.transform(geo.nearest_point(box, mark.px)))
        ax.plot([mark.x, ex], [mark.y, ey], color="#8a8a8a", linewidth=0.5, zorder=3.5)
    artist: Text = ax.text(cx, cy, text, fontsize=size, ha="center", va="center", zorder=5,
                           color="#222222")
    return artist


def _draw_key(fig: Figure, ax: Any, measure: _Measure, numbered: Sequence[tuple[int, _Mark]],
              unlabelled: Sequence[str], words: dict[str, str],
              geometry: tuple[float, float, float, float, float, float]) -> None:
    """List "number: id" in columns below the plot, growing the figure to make room."""
    left, bottom, axes_w, axes_h, right, height = geometry
    size = 7.5
    entries = [f"{number}: {m.result.id}"
               + (f" {words['not_placed']}" if m.result.id in unlabelled else "")
               for number, m in numbered]
    col_w = max(measure(e, size)[0] for e in entries) + _px(13)
    cols = max(1, int((axes_w + right - 0.1) * DPI // col_w))
    rows = math.ceil(len(entries) / cols)
    line_h, head_h = measure("0: Ag", size)[1] * 1.3, measure(words["key"], 8.5, "bold")[1] + 6.0
    key_in = (head_h + rows * line_h + _px(9)) / DPI
    _set_geometry(fig, ax, left, bottom + key_in, axes_w, axes_h, right, height + key_in)
    width_px, height_px = fig.get_figwidth() * DPI, fig.get_figheight() * DPI
    x0, y0 = left * DPI, key_in * DPI - _px(3)
    fig.text(x0 / width_px, y0 / height_px, words["key"], fontsize=8.5, fontweight="bold",
             va="top", ha="left")
    for i, entry in enumerate(entries):
        col, row = divmod(i, rows)
        fig.text((x0 + col * col_w) / width_px, (y0 - head_h - row * line_h) / height_px, entry,
                 fontsize=size, va="top", ha="left", color="#222222")
