"""Build a :class:`ReportDocument` from a cycle's data: the midterm review or the risk analysis.

The review follows the seed's structure: introduction; per threat theme the short summary and the
development of the threat and risks, of resilience and of the approach with its verdict; the generic
instruments; the horizon scan (when the reader may see signals); conclusion and outlook (with the
priority list); then the annexes: risk diagram, scenario and score tables, uncertainty (when
computed), measures per theme, comparison with the parent cycle, method and provenance. The
analysis variant leaves out the review chapters.
"""

from __future__ import annotations

from datetime import date

from weerbaar.domain import CycleKind, ThemeKind, Verdict
from weerbaar.i18n import Texts
from weerbaar.reports.annexes import diagram_annex, scenario_annex, uncertainty_annex
from weerbaar.reports.annexes_cycle import (
    comparison_annex,
    measures_annex,
    priority_blocks,
    provenance_annex,
)
from weerbaar.reports.context import FLAG, Context
from weerbaar.reports.data import ReportInput, ReportOptions
from weerbaar.reports.data_tables import data_tables
from weerbaar.reports.figures import FigureClock
from weerbaar.reports.horizon_chapter import horizon_chapter, horizon_data
from weerbaar.reports.model import Block, BulletList, Cover, Paragraph, ReportDocument
from weerbaar.reports.review_chapters import review_chapters
from weerbaar.reports.strategy_chapters import document_chapter
from weerbaar.reports.style import HouseStyle, load_style


def kind_name(ctx: Context, kind: CycleKind) -> str:
    _ = ctx.t
    return {CycleKind.STRATEGY: _("strategy"), CycleKind.MIDTERM_REVIEW: _("midterm review"),
            CycleKind.RISK_ANALYSIS: _("risk analysis"),
            CycleKind.REGIONAL_PROFILE: _("regional risk profile")}[kind]


def _introduction(ctx: Context) -> list[Block]:
    _ = ctx.t
    data = ctx.data
    title = data.workspace.title or data.cycle.key
    blocks: list[Block] = [ctx.heading(1, _("Introduction"))]
    blocks.append(Paragraph(_("This document is the {kind} of the cycle “{title}” ({key}).").format(
        kind=kind_name(ctx, data.cycle.kind), title=title, key=data.cycle.key)))
    blocks.append(Paragraph(_(
        "The strategy rests on the triangle of interests, threats and risks, and resilience: "
        "which interests do we protect, what threatens them so much that society could be "
        "disrupted, and what can we do to raise resilience against those threats?")))
    if ctx.options.kind == "review":
        blocks.append(Paragraph(_(
            "Every theme of the strategy is discussed under four headings: a short summary, the "
            "development of the threat and the risks, the development of resilience, and the "
            "development of the approach, which ends in a verdict: does the current approach "
            "suffice, or must it be intensified or adjusted? The generic instruments for "
            "national security follow, then the conclusion and outlook.")))
    else:
        blocks.append(Paragraph(_(
            "This risk analysis gives the risk diagram, the scores of every scenario, the "
            "priority list and the measures per theme, with the method and the provenance of "
            "every number.")))
    if data.parent is not None:
        blocks.append(Paragraph(_(
            "The baseline is the cycle {parent} ({key}); an annex compares the two.").format(
                parent=data.parent.title or data.parent.key, key=data.parent.key)))
    profile = data.profile
    blocks.append(Paragraph(_(
        "{scenarios} scenarios in {themes} themes were assessed with the method profile "
        "{profile} ({criteria} impact criteria).").format(
            scenarios=len(data.workspace.scenarios),
            themes=sum(1 for t in data.workspace.themes if t.kind is ThemeKind.THREAT),
            profile=profile.name.get(ctx.t.lang), criteria=len(profile.criteria))))
    if data.workspace.note:
        blocks.append(Paragraph(data.workspace.note.strip(), kind="note"))
    if data.workspace.illustrative:
        blocks.append(Paragraph(_("The scores in this document are illustrative: it is not an "
                                  "official assessment."), kind="warning"))
    return blocks


def _conclusion(ctx: Context) -> list[Block]:
    _ = ctx.t
    data = ctx.data
    blocks: list[Block] = [ctx.heading(1, _("Conclusion and outlook"))]
    reviews = {r.theme: r for r in data.workspace.reviews}
    threat_themes = [t for t in data.workspace.themes if t.kind is ThemeKind.THREAT]
    blocks.append(Paragraph(_(
        "For each of the {n} themes the review asked whether the current approach suffices. "
        "The verdicts:").format(n=len(threat_themes))))
    groups: list[str] = []
    for verdict in (*Verdict, None):
        names = [ctx.theme_name(t.id) for t in threat_themes
                 if (reviews[t.id].verdict if t.id in reviews else None) == verdict]
        if names:
            label = ctx.verdict(verdict) if verdict is not None else _("no verdict yet")
            groups.append(f"{label}: {', '.join(names)}")
    blocks.append(BulletList(tuple(groups)))
    blocks.extend(priority_blocks(ctx, 2))
    blocks.append(ctx.heading(2, _("Outlook")))
    blocks.append(Paragraph(_(
        "The findings of this review, the priority list and the comparison with the baseline "
        "feed the next strategy. The annexes give the evidence: the risk diagram, the scores of "
        "every scenario, the measures per theme and the provenance of every number.")))
    flagged = sum(1 for r in data.assessment.results if r.provisional)
    if flagged:
        blocks.append(Paragraph(_(
            "{flagged} scenario results rest on provisional method values ({flag}); they should "
            "be confirmed before the numbers are used in the next strategy.").format(
                flagged=flagged, flag=FLAG), kind="note"))
    return blocks


def _cover(ctx: Context, style: HouseStyle, report_date: date, classification: str) -> Cover:
    _ = ctx.t
    data = ctx.data
    kind = (_("Midterm review") if ctx.options.kind == "review" else _("Risk analysis"))
    lines = [_("Cycle: {key} ({kind})").format(key=data.cycle.key,
                                                kind=kind_name(ctx, data.cycle.kind))]
    if data.cycle.period_start or data.cycle.period_end:
        lines.append(_("Period: {start} – {end}").format(start=data.cycle.period_start or "…",
                                                          end=data.cycle.period_end or "…"))
    lines.append(_("Date: {date}").format(date=report_date.isoformat()))
    lines.append(_("Classification: {marking}").format(marking=classification))
    return Cover(title=data.workspace.title or data.cycle.title or data.cycle.key, subtitle=kind,
                 lines=tuple(lines), organisation=style.organisation.get(ctx.t.lang),
                 text=style.cover_text.get(ctx.t.lang),
                 illustrative=_("Illustrative scores: not an official assessment.")
                 if data.workspace.illustrative else None)


def build_report(data: ReportInput, options: ReportOptions | None = None) -> ReportDocument:
    """The report of a cycle in the options' kind and language, with its figures drawn."""
    options = options or ReportOptions()
    style = load_style(options.template)
    ctx = Context(data=data, options=options, style=style, t=Texts(options.lang),
                  clock=FigureClock.wanting(options.figure_formats))
    _ = ctx.t
    report_date = options.report_date or date.today()
    classification = (style.marking_label(data.marking, options.lang, data.scheme) if data.marking
                      else options.classification or style.classification_text(options.lang))
    cover = _cover(ctx, style, report_date, classification)
    blocks: list[Block] = document_chapter(ctx, "introduction", _introduction(ctx))
    if options.kind == "review":
        blocks += review_chapters(ctx)
        blocks += horizon_chapter(ctx)
        blocks += document_chapter(ctx, "conclusion", _conclusion(ctx))
        blocks += diagram_annex(ctx)
    else:
        blocks += diagram_annex(ctx)
        blocks += priority_blocks(ctx, 1)
        blocks += horizon_chapter(ctx)
    blocks += scenario_annex(ctx)
    blocks += uncertainty_annex(ctx)
    blocks += measures_annex(ctx)
    blocks += comparison_annex(ctx)
    blocks += provenance_annex(ctx)
    return ReportDocument(
        kind=options.kind, lang=options.lang, cycle=data.cycle.key, title=cover.title,
        subject=f"{cover.subtitle} — {data.cycle.key}",
        keywords=(data.cycle.key, cover.subtitle, classification, data.profile.id),
        classification=classification, date=report_date, cover=cover,
        toc_title=_("Contents"), blocks=tuple(blocks),
        labels={"page": _("Page {page} of {pages}"), "contents": _("Contents"),
                "flag": FLAG, "classification": _("Classification"),
                "toc_hint": _("Update the table of contents (F9) to fill it in."),
                "cycle": _("Cycle"), "generated": _("Generated by weerbaar"),
                "info": _("Report"),
                "flag_legend": _("{flag} rests on provisional or unknown method values.").format(
                    flag=FLAG),
                "sheet:priorities": _("Priority list"), "sheet:moves": _("Moves"),
                "sheet:changes": _("Changes"), "sheet:verdict-changes": _("Verdicts"),
                "sheet:provenance": _("Provenance"), "sheet:method": _("Method"),
                "sheet:criteria": _("Criteria")},
        figure_seconds=ctx.clock.seconds, data=data_tables(ctx) + horizon_data(ctx))


__all__ = ["build_report"]
