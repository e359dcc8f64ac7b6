"""The interactive risk diagram of the HTML report: inline SVG, no library, no network.

One ``<circle data-scenario="ID">`` per placed scenario (with its title, theme, impact and
likelihood as data attributes for the tooltip), grey points for earlier or residual positions with
a connecting line, class gridlines and axis titles. Labels are placed with the same collision-free
geometry as the static diagram (:mod:`weerbaar.reports.labels`); a label that does not fit is left
out (the tooltip names every point). The page's ``diagram.js`` adds tooltips on hover and focus
and highlights a scenario (and its table rows) on click.
"""

from __future__ import annotations

from html import escape

from weerbaar.reports import labels as geo
from weerbaar.reports.model import InteractiveDiagram

WIDTH, HEIGHT = 820.0, 560.0
LEFT, RIGHT, TOP, BOTTOM = 150.0, 24.0, 24.0, 76.0
RADIUS = 6.5
CHAR_W, TEXT_H = 5.6, 11.0  # label size estimate at 10 px


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def render_diagram(diagram: InteractiveDiagram, *, key: str, description: str) -> str:
    """The SVG markup of ``diagram`` (``key`` gives it an id)."""
    (x0, x1), (y0, y1) = diagram.x.limits, diagram.y.limits
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return round(LEFT + (x - x0) / (x1 - x0) * plot_w, 2)

    def sy(y: float) -> float:
        return round(TOP + (y1 - y) / (y1 - y0) * plot_h, 2)

    out = [f'<svg id="{_attr(key)}" class="risk-diagram" viewBox="0 0 {WIDTH:g} {HEIGHT:g}" '
           f'role="img" aria-label="{_attr(description)}" data-mode="'
           f'{_attr(diagram.labels.get("mode", ""))}">',
           f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>']
    for pos, text in diagram.x.ticks:
        x = sx(pos)
        code, _, name = text.partition(" ")
        out.append(f'<line class="grid" x1="{x}" y1="{TOP}" x2="{x}" y2="{TOP + plot_h}"/>')
        out.append(f'<text class="tick" x="{x}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                   f'<tspan font-weight="bold">{escape(code)}</tspan>'
                   f'<tspan x="{x}" dy="13">{escape(name)}</tspan></text>')
    for pos, text in diagram.y.ticks:
        y = sy(pos)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{LEFT + plot_w}" y2="{y}"/>')
        out.append(f'<text class="tick" x="{LEFT - 8}" y="{y + 4}" text-anchor="end">'
                   f'{escape(text)}</text>')
    out.append(f'<text class="axis-title" x="{LEFT + plot_w / 2}" y="{HEIGHT - 12}" '
               f'text-anchor="middle">{escape(diagram.x.title)}</text>')
    out.append(f'<text class="axis-title" transform="translate(16 {TOP + plot_h / 2}) '
               f'rotate(-90)" text-anchor="middle">{escape(diagram.y.title)}</text>')

    # markers in pixels; scenarios sharing a position are spread over a small cluster
    groups: dict[tuple[float, float], list[int]] = {}
    for i, p in enumerate(diagram.points):
        groups.setdefault((round(p.x, 6), round(p.y, 6)), []).append(i)
    centre: dict[int, tuple[float, float]] = {}
    for (x, y), members in groups.items():
        members.sort(key=lambda i: diagram.points[i].scenario)
        for i, (dx, dy) in zip(members, geo.dodge_offsets(len(members), RADIUS * 2.3),
                               strict=True):
            centre[i] = (round(sx(x) + dx, 2), round(sy(y) - dy, 2))
    index = geo.BoxIndex(cell=40.0)
    for cx, cy in centre.values():
        index.add(geo.point_box((cx, -cy), RADIUS + 1))

    for i, p in enumerate(diagram.points):  # earlier / residual positions behind the points
        other = p.earlier or p.residual
        if other is None:
            continue
        cx, cy = centre[i]
        ox, oy = sx(other[0]), sy(other[1])
        kind = "earlier" if p.earlier else "residual"
        out.append(f'<line class="link {kind}" data-ref="{_attr(p.scenario)}" x1="{ox}" '
                   f'y1="{oy}" x2="{cx}" y2="{cy}"/>')
        out.append(f'<circle class="{kind}-point" data-ref="{_attr(p.scenario)}" cx="{ox}" '
                   f'cy="{oy}" r="{RADIUS * 0.6:g}"/>')
    for i, p in enumerate(diagram.points):
        cx, cy = centre[i]
        fill, stroke = ("#ffffff", p.colour) if p.provisional else (p.colour, "#ffffff")
        out.append(
            f'<circle class="point{" provisional" if p.provisional else ""}" '
            f'data-scenario="{_attr(p.scenario)}" data-title="{_attr(p.title)}" '
            f'data-theme="{_attr(p.theme)}" data-impact="{_attr(p.impact)}" '
            f'data-likelihood="{_attr(p.likelihood)}" '
            f'data-provisional="{"1" if p.provisional else "0"}" tabindex="0" '
            f'cx="{cx}" cy="{cy}" r="{RADIUS}" fill="{fill}" stroke="{stroke}">'
            f'<title>{escape(p.title)}</title></circle>')
    bounds = (LEFT + 2, -(TOP + plot_h) + 2, LEFT + plot_w - 2, -TOP - 2)
    order = sorted(range(len(diagram.points)),
                   key=lambda i: (-(diagram.points[i].x + diagram.points[i].y),
                                  diagram.points[i].scenario))
    for i in order:
        p, (cx, cy) = diagram.points[i], centre[i]
        size = (len(p.scenario) * CHAR_W, TEXT_H)
        spot = geo.place_label((cx, -cy), size, (RADIUS + 2.0,), bounds, index)
        if spot is not None:
            bx0, by0, bx1, by1 = spot.box
            out.append(f'<text class="label" data-label="{_attr(p.scenario)}" '
                       f'x="{round((bx0 + bx1) / 2, 2)}" y="{round(-(by0 + by1) / 2 + 3.5, 2)}" '
                       f'text-anchor="middle">{escape(p.scenario)}</text>')
    out.append("</svg>")
    return "\n".join(out)


__all__ = ["render_diagram"]
