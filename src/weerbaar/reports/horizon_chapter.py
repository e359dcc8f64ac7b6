"""The horizon-scan chapter: the trends of the cycle's signals, the trends per theme, the signals
of the strong and of the weak trends, and which theme reviews cite a trend as evidence.

Built from the horizon-scan section (:func:`weerbaar.horizon.horizon_section`) and the trends the
report service gathers at the reader's clearance (``ReportInput.horizon``): signals above the
clearance are in no trend, no table and no count. A cycle without signals the reader may see has
no such chapter. Only the existing block types are used, so every writer renders it; the workbook
gets the same content as machine-readable tables (:func:`horizon_data`).

A review *cites a trend* when its evidence links signals of that trend (as ``horizon attach``
writes them): the evidence table names, per review part, each trend and how many of its signals
are cited.
"""

from __future__ import annotations

from collections.abc import Iterator

from weerbaar.domain import EvidenceKind, ReviewPart, Signal
from weerbaar.horizon import Strength, Trend
from weerbaar.reports.context import Context, number
from weerbaar.reports.data import HorizonInput
from weerbaar.reports.model import Block, Cell, Paragraph, Table
from weerbaar.reports.review_chapters import part_title


def strength_name(ctx: Context, strength: str) -> str:
    _ = ctx.t
    return {Strength.STRONG.value: _("strong"), Strength.WEAK.value: _("weak"),
            Strength.FADING.value: _("fading")}.get(strength, strength)


def trend_name(ctx: Context, trend: Trend) -> str:
    _ = ctx.t
    return _("trend {number}: {label}").format(number=trend.number, label=trend.label)


def _themes(ctx: Context, keys: dict[str, int] | tuple[str, ...]) -> str:
    if isinstance(keys, dict):
        ranked = sorted(keys.items(), key=lambda kv: (-kv[1], ctx.theme_name(kv[0])))
        return ", ".join(f"{ctx.theme_name(k)} ({n})" for k, n in ranked)
    return ", ".join(ctx.theme_name(k) for k in keys)


def _citations(horizon: HorizonInput, ctx: Context
               ) -> Iterator[tuple[str, ReviewPart, Trend | None, Signal]]:
    """(theme, part, trend or None, signal) for every visible signal a visible review cites, in
    the cycle's theme order and the parts' order."""
    signals = {s.id: s for s in horizon.signals}
    trend_of = {key: t for t in horizon.trends.trends for key in t.signals}
    reviews = {r.theme: r for r in ctx.data.workspace.reviews}
    for theme in ctx.data.workspace.themes:
        review = reviews.get(theme.id)
        if review is None:
            continue
        for part in ReviewPart:
            seen: set[str] = set()
            for link in review.section(part).evidence:
                if link.kind is not EvidenceKind.SIGNAL or link.ref not in signals:
                    continue  # a signal the reader may not see, or none of this cycle
                if link.ref not in seen:
                    seen.add(link.ref)
                    yield theme.id, part, trend_of.get(link.ref), signals[link.ref]


def _introduction(ctx: Context, horizon: HorizonInput) -> list[Block]:
    _ = ctx.t
    report, counts = horizon.trends, horizon.section.counts
    settings = report.settings.trends
    blocks: list[Block] = [Paragraph(_(
        "The horizon scan of this cycle holds {signals} signals, the newest of {date}. Signals "
        "that share their words are grouped into trends, each named by its most telling words. "
        "A trend's popularity counts every signal as 1 on its date, halving every {days} days; "
        "on the date of the newest signal a trend is strong at a popularity of {level} or more, "
        "fading when it has lost more than half of its highest popularity, and weak otherwise: "
        "holding its level but still small, the weak signals a horizon scan looks for.").format(
            signals=report.signals, date=report.as_of.isoformat() if report.as_of else "—",
            days=f"{settings.half_life_days:g}", level=f"{settings.strong_level:g}"))]
    blocks.append(Paragraph(_(
        "Trends: {strong} strong, {weak} weak, {fading} fading. Signals in no trend: "
        "{unclustered}.").format(strong=counts.get(Strength.STRONG.value, 0),
                                 weak=counts.get(Strength.WEAK.value, 0),
                                 fading=counts.get(Strength.FADING.value, 0),
                                 unclustered=len(report.unclustered))))
    return blocks


def _trend_table(ctx: Context, horizon: HorizonInput) -> Table:
    _ = ctx.t
    rows = tuple((str(t.number), t.label, strength_name(ctx, t.strength.value),
                  number(t.popularity, ctx.lang), str(t.size),
                  f"{t.first.isoformat()} – {t.last.isoformat()}", _themes(ctx, t.themes))
                 for t in horizon.trends.trends)
    as_of = horizon.trends.as_of.isoformat() if horizon.trends.as_of else "—"
    return Table(key="horizon-trends", caption=ctx.table_caption(_(
        "The trends of the horizon scan, by popularity on {date}.").format(date=as_of)),
        header=(_("No."), _("Trend"), _("Strength"), _("Popularity"), _("Signals"),
                _("Period"), _("Themes")),
        rows=rows, align=("right", "left", "left", "right", "right", "left", "left"),
        widths=(0.5, 2.4, 1.1, 1.5, 1.2, 1.9, 2.6))


def _theme_table(ctx: Context, horizon: HorizonInput) -> Table | None:
    _ = ctx.t
    rows = tuple((ctx.theme_name(ts.theme), str(line.number), line.label,
                  strength_name(ctx, line.strength), f"{line.signals} / {line.size}")
                 for ts in horizon.section.themes for line in ts.trends)
    if not rows:
        return None
    return Table(key="horizon-themes", caption=ctx.table_caption(_(
        "The trends per theme: the trends with signals of the theme, and how many of the "
        "trend's signals are of the theme.")),
        header=(_("Theme"), _("No."), _("Trend"), _("Strength"),
                _("Signals of the theme / of the trend")),
        rows=rows, align=("left", "right", "left", "left", "right"),
        widths=(2.6, 0.6, 3.4, 1.0, 1.6))


def _signal_blocks(ctx: Context, horizon: HorizonInput, strength: Strength) -> list[Block]:
    _ = ctx.t
    signals = {s.id: s for s in horizon.signals}
    trends = [t for t in horizon.trends.trends if t.strength is strength]
    strong = strength is Strength.STRONG
    blocks: list[Block] = [ctx.heading(2, _("Signals of the strong trends") if strong
                                       else _("Signals of the weak trends"))]
    if not trends:
        blocks.append(Paragraph(_("No trend is strong.") if strong else _("No trend is weak."),
                                kind="note"))
        return blocks
    rows = tuple((str(t.number), s.title, s.date.isoformat(), _themes(ctx, s.themes),
                  s.source or "")
                 for t in trends for s in (signals[k] for k in t.signals if k in signals))
    caption = (_("The signals of the strong trends, by trend and date.") if strong
               else _("The signals of the weak trends, by trend and date."))
    blocks.append(Table(
        key=f"horizon-{strength.value}", caption=ctx.table_caption(caption),
        header=(_("No."), _("Signal"), _("Date"), _("Themes"), _("Source")), rows=rows,
        align=("right", "left", "left", "left", "left"), widths=(0.6, 4.0, 1.4, 2.2, 3.0)))
    return blocks


def _evidence_blocks(ctx: Context, horizon: HorizonInput) -> list[Block]:
    _ = ctx.t
    blocks: list[Block] = [ctx.heading(2, _("Trends cited as evidence"))]
    grouped: dict[tuple[str, ReviewPart, int | None], list[Signal]] = {}
    trends: dict[int | None, Trend | None] = {None: None}
    for theme, part, trend, signal in _citations(horizon, ctx):
        key = trend.number if trend is not None else None
        trends[key] = trend
        grouped.setdefault((theme, part, key), []).append(signal)
    if not grouped:
        blocks.append(Paragraph(_("No theme review cites a signal of the horizon scan."),
                                kind="note"))
        return blocks
    blocks.append(Paragraph(_(
        "Theme reviews cite signals of the horizon scan as evidence. Per review part, the "
        "trends those signals belong to and how many of each trend's signals are cited.")))
    rows = []
    for (theme, part, key), cited in grouped.items():
        trend = trends[key]
        rows.append((ctx.theme_name(theme), part_title(ctx, part),
                     trend_name(ctx, trend) if trend is not None else _("no trend"),
                     f"{len(cited)} / {trend.size}" if trend is not None else str(len(cited))))
    blocks.append(Table(
        key="horizon-evidence", caption=ctx.table_caption(_(
            "The theme reviews citing signals of the horizon scan, per trend.")),
        header=(_("Theme review"), _("Part"), _("Trend"), _("Signals cited / in the trend")),
        rows=tuple(rows), align=("left", "left", "left", "right"),
        widths=(2.4, 2.6, 3.6, 1.4)))
    return blocks


def horizon_chapter(ctx: Context) -> list[Block]:
    """Heading 1 "Horizon scan" with its sections; nothing when the reader sees no signal."""
    _ = ctx.t
    horizon = ctx.data.horizon
    if horizon is None:
        return []
    blocks: list[Block] = [ctx.heading(1, _("Horizon scan")), *_introduction(ctx, horizon)]
    if not horizon.trends.trends:
        blocks.append(Paragraph(_(
            "The signals form no trend yet: a trend needs at least {n} signals that share their "
            "words.").format(n=horizon.trends.settings.clusters.min_size), kind="note"))
    else:
        blocks.append(ctx.heading(2, _("Trends")))
        blocks.append(_trend_table(ctx, horizon))
        themes = _theme_table(ctx, horizon)
        if themes is not None:
            blocks.append(ctx.heading(2, _("Trends per theme")))
            blocks.append(themes)
        blocks += _signal_blocks(ctx, horizon, Strength.STRONG)
        blocks += _signal_blocks(ctx, horizon, Strength.WEAK)
    blocks += _evidence_blocks(ctx, horizon)
    return blocks


def horizon_data(ctx: Context) -> tuple[Table, ...]:
    """The chapter's content for the workbook (numbers as numbers): the trends, every signal with
    its trend, and the citations; nothing when the reader sees no signal."""
    _ = ctx.t
    horizon = ctx.data.horizon
    if horizon is None:
        return ()
    report = horizon.trends
    trends: list[tuple[Cell, ...]] = [
        (t.number, t.label, strength_name(ctx, t.strength.value), round(t.popularity, 4),
         round(t.peak, 4), t.size, t.first.isoformat(), t.last.isoformat(),
         _themes(ctx, t.themes)) for t in report.trends]
    trend_of = {key: t for t in report.trends for key in t.signals}
    signals: list[tuple[Cell, ...]] = []
    for s in horizon.signals:
        trend = trend_of.get(s.id)
        signals.append((s.id, s.title, s.date.isoformat(), _themes(ctx, s.themes), s.source or "",
                        trend.number if trend is not None else None,
                        trend.label if trend is not None else "",
                        strength_name(ctx, trend.strength.value) if trend is not None else ""))
    cited: list[tuple[Cell, ...]] = [
        (ctx.theme_name(theme), part_title(ctx, part),
         trend.number if trend is not None else None, trend.label if trend is not None else "",
         signal.id, signal.title)
        for theme, part, trend, signal in _citations(horizon, ctx)]
    return (
        Table(key="horizon-trends-data", caption=_("Horizon scan – trends"),
              header=(_("No."), _("Trend"), _("Strength"), _("Popularity"), _("Peak"),
                      _("Signals"), _("First signal"), _("Last signal"), _("Themes")),
              rows=tuple(trends), number_format="0.00"),
        Table(key="horizon-signals-data", caption=_("Horizon scan – signals"),
              header=(_("Id"), _("Signal"), _("Date"), _("Themes"), _("Source"), _("No."),
                      _("Trend"), _("Strength")), rows=tuple(signals)),
        Table(key="horizon-evidence-data", caption=_("Horizon scan – evidence"),
              header=(_("Theme review"), _("Part"), _("No."), _("Trend"), _("Id"),
                      _("Signal")), rows=tuple(cited)),
    )


__all__ = ["horizon_chapter", "horizon_data", "strength_name", "trend_name"]
