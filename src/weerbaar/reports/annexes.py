"""Annexes on the risk picture: the risk diagram, scenario and score tables, uncertainty.

Rows of scenarios resting on provisional or unknown method values are flagged (†) and listed in the
method annex with the values they rest on.
"""

from __future__ import annotations

from collections.abc import Callable

from weerbaar.methods.results import Assessment, ScenarioResult
from weerbaar.reports import figures
from weerbaar.reports.context import FLAG, Context, number
from weerbaar.reports.diagram import theme_colours
from weerbaar.reports.model import Align, Axis, Block, Figure, InteractiveDiagram, Paragraph, Point, Table
from weerbaar.reports.threat_level import with_scope


def ordered_results(assessment: Assessment) -> list[ScenarioResult]:
    """Highest impact first, then highest likelihood; unplaced scenarios last, by id."""
    def key(r: ScenarioResult) -> tuple[float, float, str]:
        i = r.impact_position.ev if r.impact_position else -99.0
        lk = r.likelihood_position.ev if r.likelihood_position else -99.0
        return (-i, -lk, r.id)

    return sorted(assessment.results, key=key)


def _span(low: float, high: float, code: Callable[[float], str]) -> str:
    a, b = code(low), code(high)
    return a if a == b else f"{a}–{b}"


def _placed(r: ScenarioResult) -> bool:
    return r.impact_position is not None and r.likelihood_position is not None


def interactive(ctx: Context, mode: str) -> InteractiveDiagram:
    """The data of the HTML risk diagram: one point per placed scenario, with its residual
    position (``mode`` "residual") or its position in the parent cycle ("earlier")."""
    _ = ctx.t
    data, profile = ctx.data, ctx.data.profile
    themes = data.workspace.themes
    placed = [r for r in data.assessment.results if _placed(r)]
    colours = theme_colours(themes, [r.theme for r in placed])
    residual = {r.id: r for r in data.residual.results if _placed(r)}
    earlier = ({r.id: r for r in data.parent.assessment.results if _placed(r)}
               if data.parent is not None else {})
    points = []
    xs, ys = [], []
    for r in placed:
        assert r.likelihood_position is not None and r.impact_position is not None
        other = residual.get(r.id) if mode == "residual" else earlier.get(r.id)
        pos = None
        if other is not None:
            assert other.likelihood_position is not None and other.impact_position is not None
            pos = (other.likelihood_position.ev, other.impact_position.ev)
            if pos == (r.likelihood_position.ev, r.impact_position.ev):
                pos = None
        points.append(Point(
            scenario=r.id, title=r.title, theme=ctx.theme_name(r.theme), colour=colours[r.theme],
            x=r.likelihood_position.ev, y=r.impact_position.ev, impact=ctx.impact_text(r),
            likelihood=ctx.likelihood_text(r), provisional=r.provisional,
            residual=pos if mode == "residual" else None,
            earlier=pos if mode == "earlier" else None))
        xs += [r.likelihood_position.ev] + ([pos[0]] if pos else [])
        ys += [r.impact_position.ev] + ([pos[1]] if pos else [])
    lik, imp = profile.likelihood_scale, profile.impact

    def limits(values: list[float], low: int, high: int) -> tuple[float, float]:
        return (min([low - 0.5, *(v - 0.3 for v in values)]),
                max([high + 0.5, *(v + 0.3 for v in values)]))

    used = {r.theme for r in placed}
    legend = tuple((t.id, ctx.theme_name(t.id), colours[t.id]) for t in themes if t.id in used)
    return InteractiveDiagram(
        points=tuple(points),
        x=Axis(_("Likelihood"), tuple((float(lv.position), f"{lv.code} {lv.name.get(ctx.t.lang)}")
                                      for lv in lik.levels), limits(xs, lik.lowest, lik.highest)),
        y=Axis(_("Impact"), tuple((float(lv.position), f"{lv.code} {lv.name.get(ctx.t.lang)}")
                                  for lv in imp.levels), limits(ys, imp.lowest, imp.highest)),
        legend=legend,
        labels={"impact": _("Impact"), "likelihood": _("Likelihood"), "theme": _("Theme"),
                "provisional": _("rests on provisional values"),
                "residual": _("residual position after measures"),
                "earlier": _("position in the parent cycle"), "mode": mode,
                "all": _("Show all themes")})


def diagram_annex(ctx: Context) -> list[Block]:
    _ = ctx.t
    data = ctx.data
    title = data.workspace.title or data.cycle.key
    blocks: list[Block] = [ctx.annex_heading(_("Risk diagram"))]
    blocks.append(Paragraph(_(
        "The risk diagram plots every scenario's aggregated impact against its likelihood. Both "
        "axes are logarithmic: each likelihood class is ten times as likely as the one below, "
        "each impact class three times the impact. Hollow markers rest on provisional values.")))
    drawn = figures.risk_diagram(ctx.clock, data.assessment, data.profile, data.workspace.themes,
                                 ctx.t.lang, title=title, residual=data.residual)
    blocks.append(Figure(
        key="risk-diagram", caption=ctx.figure_caption(_(
            "Risk diagram of {title}, with the residual position of scenarios after planned and "
            "running measures (dashed arrows).").format(title=title)),
        png=drawn.png, svg=drawn.svg, size_px=drawn.size_px,
        interactive=interactive(ctx, "residual")))
    if data.parent is not None:
        parent = data.parent.title or data.parent.key
        drawn = figures.risk_diagram(ctx.clock, data.assessment, data.profile,
                                     data.workspace.themes, ctx.t.lang, title=title,
                                     background=data.parent.assessment)
        blocks.append(Figure(
            key="risk-diagram-parent", caption=ctx.figure_caption(_(
                "Risk diagram of {title} with the positions in {parent} (grey) and an arrow "
                "for every scenario that moved.").format(title=title, parent=parent)),
            png=drawn.png, svg=drawn.svg, size_px=drawn.size_px,
            interactive=interactive(ctx, "earlier")))
    omitted = [r.id for r in data.assessment.results if not _placed(r)]
    if omitted:
        blocks.append(Paragraph(", ".join(omitted), kind="note",
                                label=_("Not drawn (no impact or likelihood):")))
    return blocks


def scenario_table(ctx: Context) -> Table:
    _ = ctx.t
    residual = {r.id: r for r in ctx.data.residual.results}
    rows, keys, flagged = [], [], set()
    for i, r in enumerate(ordered_results(ctx.data.assessment)):
        res = residual.get(r.id)
        moved = res is not None and (res.impact_position, res.likelihood_position) != (
            r.impact_position, r.likelihood_position)
        rows.append((
            r.title + (f" {FLAG}" if r.provisional else ""), r.id, ctx.theme_name(r.theme),
            ctx.impact_text(r),
            "—" if r.impact_position is None else
            f"{number(r.impact_position.ll, ctx.lang)}–{number(r.impact_position.ul, ctx.lang)}",
            ctx.likelihood_text(r),
            "—" if r.likelihood_position is None else _span(
                r.likelihood_position.ll, r.likelihood_position.ul,
                ctx.data.profile.likelihood_scale.code),
            (f"{ctx.impact_text(res)} / {ctx.likelihood_text(res)}" if moved and res else "")))
        keys.append(r.id)
        if r.provisional:
            flagged.add(i)
    return with_scope(ctx, after=2, table=Table(
        key="scenarios", caption=ctx.table_caption(_(
            "Scenarios by impact: expected position with its range, likelihood class, and the "
            "residual position after measures (impact / likelihood).")),
        header=(_("Scenario"), _("Id"), _("Theme"), _("Impact"), _("Impact range"),
                _("Likelihood"), _("Likelihood range"), _("Residual")),
        rows=tuple(rows), row_keys=tuple(keys), flagged=frozenset(flagged),
        align=("left", "left", "left", "right", "right", "center", "center", "left"),
        widths=(3.4, 1.9, 1.9, 1.2, 1.2, 1.1, 1.1, 1.6), wide=True))


def score_table(ctx: Context) -> Table:
    _ = ctx.t
    profile = ctx.data.profile
    criteria = [c.id for c in profile.criteria]
    scenarios = {s.id: s for s in ctx.data.workspace.scenarios}
    centre: list[Align] = ["center"] * (len(criteria) + 1)
    rows, keys, flagged = [], [], set()
    for r in ordered_results(ctx.data.assessment):
        s = scenarios.get(r.id)
        if s is None:
            continue
        cells = [ctx.impact_code_range(s.impact[c].range) if c in s.impact else "X"
                 for c in criteria]
        like = ctx.likelihood_code_range(s.likelihood.range) if s.likelihood else "—"
        rows.append((r.id + (f" {FLAG}" if r.provisional else ""), *cells, like))
        keys.append(r.id)
        if r.provisional:
            flagged.add(len(rows) - 1)
    return Table(
        key="scores", caption=ctx.table_caption(_(
            "Scores per criterion and likelihood: the expected class with the lower and upper "
            "limit in brackets, e.g. C (B–D).")),
        header=(_("Scenario"), *criteria, _("Likelihood")), rows=tuple(rows),
        row_keys=tuple(keys), flagged=frozenset(flagged),
        align=("left", *centre),
        widths=(3.0, *(1.0 for _c in criteria), 1.5), wide=True)


def criteria_table(ctx: Context) -> Table:
    _ = ctx.t
    profile = ctx.data.profile
    interests = {i.id: i.name.get(ctx.t.lang) for i in profile.interests}
    return Table(
        key="criteria", caption=ctx.table_caption(_("Impact criteria of the method profile.")),
        header=(_("Criterion"), _("Interest"), _("Name")),
        rows=tuple((c.id, interests.get(c.interest, c.interest), c.name.get(ctx.t.lang))
                   for c in profile.criteria),
        widths=(1.0, 3.0, 5.0))


def scenario_annex(ctx: Context) -> list[Block]:
    _ = ctx.t
    return [ctx.annex_heading(_("Scenarios and scores")), scenario_table(ctx),
            Paragraph(_("{flag} rests on provisional or unknown method values; see the annex on "
                        "method and provenance.").format(flag=FLAG), kind="note"),
            score_table(ctx), criteria_table(ctx)]


def uncertainty_annex(ctx: Context) -> list[Block]:
    """Uncertainty and rank robustness, when the caller asked for the analysis."""
    _ = ctx.t
    result = ctx.data.uncertainty
    if result is None:
        return []
    data = ctx.data
    blocks: list[Block] = [ctx.annex_heading(_("Uncertainty and rank robustness"))]
    blocks.append(Paragraph(_(
        "Each score's lower limit, expected value and upper limit is read as a {distribution} "
        "distribution; positions are computed exactly, ranks from {samples} samples with seed "
        "{seed} (engine: {engine}).").format(
            distribution=result.distribution, samples=f"{result.samples:,}".replace(
                ",", "." if ctx.lang == "nl" else ","), seed=result.seed, engine=result.engine)))
    drawn = figures.uncertainty_diagram(ctx.clock, result, data.assessment, data.profile,
                                        data.workspace.themes, ctx.t.lang,
                                        title=data.workspace.title)
    low, high = min(result.percentiles), max(result.percentiles)
    blocks.append(Figure(key="uncertainty-diagram", caption=ctx.figure_caption(_(
        "Risk diagram with the {low:g}–{high:g} % uncertainty box of every scenario.").format(
            low=low, high=high)), png=drawn.png, svg=drawn.svg, size_px=drawn.size_px))
    drawn = figures.rank_chart(ctx.clock, result, ctx.t.lang)
    blocks.append(Figure(key="rank-chart", caption=ctx.figure_caption(_(
        "Rank robustness: the distribution of every scenario's rank (1 = highest impact), the "
        "median and the central 90 %.")), png=drawn.png, svg=drawn.svg, size_px=drawn.size_px))
    rows, keys = [], []
    for s in sorted(result.scenarios, key=lambda s: (s.rank.median if s.rank else 10**9, s.id)):
        rank = "—" if s.rank is None else f"{s.rank.median} ({s.rank.low}–{s.rank.high})"
        rows.append((s.id, number(s.impact_at(low), ctx.lang), number(s.impact_ev, ctx.lang),
                     number(s.impact_at(high), ctx.lang),
                     "—" if s.likelihood is None else
                     f"{number(s.likelihood_at(low), ctx.lang, 1)}–"
                     f"{number(s.likelihood_at(high), ctx.lang, 1)}",
                     "—" if s.p_serious is None else f"{s.p_serious * 100:.0f} %", rank))
        keys.append(s.id)
    blocks.append(Table(
        key="uncertainty", caption=ctx.table_caption(_(
            "Impact position at the {low:g}th percentile, expected and at the {high:g}th; "
            "likelihood range; probability of at least serious impact ({serious}); median rank "
            "with its 90 % interval.").format(low=low, high=high, serious=result.serious_class)),
        header=(_("Scenario"), f"P{low:g}", _("Expected"), f"P{high:g}", _("Likelihood"),
                _("P(serious)"), _("Rank")),
        rows=tuple(rows), row_keys=tuple(keys),
        align=("left", "right", "right", "right", "center", "right", "center"),
        widths=(3.0, 1.0, 1.0, 1.0, 1.3, 1.2, 1.5)))
    return blocks


__all__ = ["diagram_annex", "interactive", "ordered_results", "scenario_annex",
           "uncertainty_annex"]
