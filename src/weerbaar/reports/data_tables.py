"""Machine-readable tables of a report (numbers as numbers), for the Excel workbook.

One row per scenario in the scenario table (aggregated scores and diagram positions as EV, LL and
UL, classes, flags, residual and parent positions) and in the score table (every criterion's and
the likelihood's EV, LL and UL as class codes); measures in one table; uncertainty percentiles and
ranks when the analysis ran.
"""

from __future__ import annotations

from weerbaar.domain import ScoreRange
from weerbaar.methods.results import ScenarioResult
from weerbaar.reports.context import Context
from weerbaar.reports.model import Cell, Table
from weerbaar.reports.threat_level import with_scope


def _range(rng: ScoreRange | None) -> tuple[Cell, Cell, Cell]:
    if rng is None:
        return (None, None, None)
    return (round(rng.ev, 6), round(rng.ll, 6), round(rng.ul, 6))


def _ev(result: ScenarioResult | None) -> tuple[Cell, Cell]:
    if result is None:
        return (None, None)
    return (None if result.impact_position is None else round(result.impact_position.ev, 6),
            None if result.likelihood_position is None
            else round(result.likelihood_position.ev, 6))


def scenario_data(ctx: Context) -> Table:
    _ = ctx.t
    data = ctx.data
    ev, ll, ul = _("EV"), _("LL"), _("UL")
    scenarios = {s.id: s for s in data.workspace.scenarios}
    residual = {r.id: r for r in data.residual.results}
    parent = ({r.id: r for r in data.parent.assessment.results} if data.parent is not None
              else {})
    rows = []
    flagged = set()
    for i, r in enumerate(data.assessment.results):
        s = scenarios.get(r.id)
        rows.append((
            r.id, r.title, ctx.theme_name(r.theme), r.risk_category or "",
            ctx.scenario_type(r.type), *_range(r.impact_score), *_range(r.impact_position),
            r.impact_class or "", *_range(r.likelihood_position), ctx.likelihood_text(r),
            _("yes") if r.provisional else "",
            "; ".join(f"{w.what} ({w.status.value})" for w in r.weak_values),
            *_ev(residual.get(r.id)), *_ev(parent.get(r.id)),
            s.narrative.strip() if s is not None and s.narrative else ""))
        if r.provisional:
            flagged.add(i)
    score, impact, like = _("Score"), _("Impact position"), _("Likelihood position")
    header = (_("Id"), _("Scenario"), _("Theme"), _("Risk category"), _("Type"),
              f"{score} {ev}", f"{score} {ll}", f"{score} {ul}",
              f"{impact} {ev}", f"{impact} {ll}", f"{impact} {ul}", _("Impact class"),
              f"{like} {ev}", f"{like} {ll}", f"{like} {ul}", _("Likelihood class"),
              _("Provisional"), _("Rests on"), _("Residual impact"), _("Residual likelihood"),
              _("Parent impact"), _("Parent likelihood"), _("Narrative"))
    return with_scope(ctx, after=4, table=Table(
        key="scenarios", caption=_("Scenarios"), header=header, rows=tuple(rows),
        row_keys=tuple(r.id for r in data.assessment.results), flagged=frozenset(flagged),
        number_format="0.00"))


def score_data(ctx: Context) -> Table:
    _ = ctx.t
    profile = ctx.data.profile
    ev, ll, ul = _("EV"), _("LL"), _("UL")
    impact, like = profile.impact, profile.likelihood_scale
    header: list[str] = [_("Id"), _("Scenario")]
    for c in profile.criteria:
        header += [f"{c.id} {ev}", f"{c.id} {ll}", f"{c.id} {ul}"]
    header += [f"{_('Likelihood')} {b}" for b in (ev, ll, ul)]
    rows = []
    for s in ctx.data.workspace.scenarios:
        row: list[Cell] = [s.id, s.title]
        for c in profile.criteria:
            score = s.impact.get(c.id)
            row += (["X", "X", "X"] if score is None else
                    [impact.code(score.range.ev), impact.code(score.range.ll),
                     impact.code(score.range.ul)])
        row += ([None, None, None] if s.likelihood is None else
                [like.code(s.likelihood.range.ev), like.code(s.likelihood.range.ll),
                 like.code(s.likelihood.range.ul)])
        rows.append(tuple(row))
    return Table(key="scores", caption=_("Scores"), header=tuple(header), rows=tuple(rows),
                 row_keys=tuple(s.id for s in ctx.data.workspace.scenarios))


def measure_data(ctx: Context) -> Table:
    _ = ctx.t
    rows = tuple((m.id, m.title, ", ".join(ctx.theme_name(t) for t in m.themes), m.owner or "",
                  ctx.status(m.status), ctx.phase(m.phase), ctx.capability(m.capability),
                  ", ".join(m.scenarios), m.effect.likelihood,
                  ", ".join(f"{c}: {v}" for c, v in m.effect.criteria.items()),
                  m.start.isoformat() if m.start else "", m.end.isoformat() if m.end else "")
                 for m in ctx.data.workspace.measures)
    return Table(key="measures", caption=_("Measures"), header=(
        _("Id"), _("Measure"), _("Themes"), _("Owner"), _("Status"), _("Phase"), _("Capability"),
        _("Scenarios"), _("Likelihood classes down"), _("Impact classes down"), _("Start"),
        _("End")), rows=rows, number_format="0.0")


def uncertainty_data(ctx: Context) -> Table | None:
    _ = ctx.t
    result = ctx.data.uncertainty
    if result is None:
        return None
    pcts = result.percentiles
    header = [_("Id"), _("Scenario")]
    header += [f"{_('Impact')} P{p:g}" for p in pcts] + [f"{_('Likelihood')} P{p:g}" for p in pcts]
    header += [_("P(serious)"), _("Median rank"), _("Rank 5 %"), _("Rank 95 %"),
               _("Expected rank")]
    rows = []
    for s in result.scenarios:
        rows.append((s.id, s.title,
                     *(s.impact_at(p) for p in pcts), *(s.likelihood_at(p) for p in pcts),
                     s.p_serious, *((s.rank.median, s.rank.low, s.rank.high, s.rank.expected)
                                    if s.rank else (None,) * 4)))
    return Table(key="uncertainty", caption=_("Uncertainty"), header=tuple(header),
                 rows=tuple(rows), row_keys=result.ids, number_format="0.000")


def data_tables(ctx: Context) -> tuple[Table, ...]:
    tables = [scenario_data(ctx), score_data(ctx)]
    extra = uncertainty_data(ctx)
    if extra is not None:
        tables.append(extra)
    tables.append(measure_data(ctx))
    return tuple(tables)


__all__ = ["data_tables"]
