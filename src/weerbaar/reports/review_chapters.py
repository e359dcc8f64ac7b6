"""The review chapters: per threat theme the four parts and the verdict; the generic instruments.

The structure is the seed's (midterm review 2021): every theme is a chapter with the sub-headings
short summary, development of the threat and the risks, of resilience, and of the approach, which
ends in the two resilience questions and the approach verdict. Generic instruments (crisis
management, the joint research programme) share one chapter with their text, taken from the
cycle's strategy text, and get no questions and no verdict.
"""

from __future__ import annotations

from weerbaar.domain import (
    EvidenceKind,
    ReviewPart,
    ReviewSection,
    Status,
    Theme,
    ThemeKind,
    ThemeReview,
    suggested_verdict,
)
from weerbaar.domain.review import SUGGESTION_RULE, VERDICT_PROVENANCE
from weerbaar.reports.context import Context, superscript, text_blocks, theme_title
from weerbaar.reports.model import Block, Paragraph
from weerbaar.reports.strategy_chapters import footnote_blocks, instrument_title
from weerbaar.reports.threat_level import threat_level_blocks


def part_title(ctx: Context, part: ReviewPart) -> str:
    _ = ctx.t
    return {
        ReviewPart.SUMMARY: _("Short summary"),
        ReviewPart.THREAT: _("Development of the threat and the risks"),
        ReviewPart.RESILIENCE: _("Development of resilience"),
        ReviewPart.APPROACH: _("Development of the approach"),
    }[part]


def _evidence(ctx: Context, section: ReviewSection) -> list[Block]:
    _ = ctx.t
    scenarios = [ctx.scenario_title(e.ref) for e in section.evidence
                 if e.kind is EvidenceKind.SCENARIO]
    measures = [e.ref for e in section.evidence if e.kind is EvidenceKind.MEASURE]
    titles = {m.id: m.title for m in ctx.data.workspace.measures}
    signals = [e.ref for e in section.evidence if e.kind is EvidenceKind.SIGNAL]
    signal_titles = ({s.id: s.title for s in ctx.data.horizon.signals}
                     if ctx.data.horizon is not None else {})
    out: list[Block] = []
    if scenarios:
        out.append(Paragraph("; ".join(scenarios), label=_("Scenarios:"), kind="note"))
    if measures:
        out.append(Paragraph("; ".join(titles.get(m, m) for m in measures),
                             label=_("Measures:"), kind="note"))
    if signals:
        out.append(Paragraph("; ".join(signal_titles.get(g, g) for g in signals),
                             label=_("Horizon-scan signals:"), kind="note"))
    return out


def _footnotes(ctx: Context, review: ThemeReview) -> list[Block]:
    _ = ctx.t
    if not review.footnotes:
        return []

    def order(key: str) -> tuple[int, str]:
        return (int(key), key) if key.isdigit() else (10**9, key)

    return [Paragraph(review.footnotes[k], label=superscript(k), kind="note")
            for k in sorted(review.footnotes, key=order)]


def _verdict(ctx: Context, review: ThemeReview) -> list[Block]:
    _ = ctx.t
    out: list[Block] = []
    for answer, label in ((review.comprehensive, _("Is there a comprehensive approach?")),
                          (review.more_resilient,
                           _("Does the approach make the country more resilient?"))):
        text = ctx.answer(answer.answer)
        if answer.reasoning:
            text += f" — {answer.reasoning}"
        out.append(Paragraph(text, label=label))
    verdict = ctx.verdict(review.verdict)
    if review.verdict_reasoning:
        verdict += f". {review.verdict_reasoning.strip()}"
    out.append(Paragraph(verdict, label=_("Verdict on the approach:"), kind="quote"))
    out.extend(_verdict_rule_notes(ctx, review))
    return out


def _verdict_rule_notes(ctx: Context, review: ThemeReview) -> list[Block]:
    """The suggestion of the two answers and the verdict "new", labelled as weerbaar's own rule."""
    _ = ctx.t
    notes = []
    suggestion = suggested_verdict(review.comprehensive.answer, review.more_resilient.answer)
    if suggestion is not None:
        notes.append(_("The two answers point to: {verdict}").format(
            verdict=ctx.verdict(suggestion)) + f" ({_('weerbaar rule')}, {SUGGESTION_RULE.locator})")
    origin = VERDICT_PROVENANCE[review.verdict] if review.verdict is not None else None
    if origin is not None and origin.status is Status.WEERBAAR_RULE:
        notes.append(_("The verdict {verdict} is weerbaar's own category").format(
            verdict=f"“{ctx.verdict(review.verdict)}”") + f" ({_('weerbaar rule')}, {origin.locator})")
    return [Paragraph(". ".join(notes) + ".", kind="note")] if notes else []


def theme_chapter(ctx: Context, theme: Theme, review: ThemeReview | None) -> list[Block]:
    """Heading 1 for the theme, Heading 2 for each of the four parts."""
    _ = ctx.t
    blocks: list[Block] = [ctx.heading(1, theme_title(theme, ctx.t))]
    if theme.lead_ministry:
        lead = theme.lead_ministry
        if theme.partners:
            lead += " (" + _("with") + " " + ", ".join(theme.partners) + ")"
        blocks.append(Paragraph(lead, label=_("Lead ministry:"), kind="note"))
    blocks.extend(threat_level_blocks(ctx, theme))
    if review is None:
        review = ThemeReview(theme=theme.id)
        blocks.append(Paragraph(_("No review has been recorded for this theme yet."),
                                kind="warning"))
    for part in ReviewPart:
        blocks.append(ctx.heading(2, part_title(ctx, part)))
        section = review.section(part)
        text = text_blocks(ctx, section.text) if section.text.strip() else []
        blocks.extend(text or [Paragraph(_("No text recorded."), kind="note")])
        blocks.extend(_evidence(ctx, section))
        if part is ReviewPart.APPROACH:
            blocks.extend(_verdict(ctx, review))
    blocks.extend(_footnotes(ctx, review))
    return blocks


def generic_chapter(ctx: Context, themes: list[Theme],
                    reviews: dict[str, ThemeReview]) -> list[Block]:
    """One chapter for the generic instruments, each a section with its text (no questions,
    no verdict): first those of the cycle's strategy text with their evidence, then generic
    themes the strategy text has no instrument for, with their review's text."""
    _ = ctx.t
    strategy = ctx.data.workspace.strategy_text
    instruments = strategy.instruments if strategy is not None else ()
    themes = [t for t in themes if t.id not in {i.id for i in instruments}]
    if not themes and not instruments:
        return []
    blocks: list[Block] = [ctx.heading(1, _("Generic instruments for national security"))]
    for instrument in instruments:
        blocks.append(ctx.heading(2, instrument_title(ctx, instrument)))
        body = text_blocks(ctx, instrument.text) if instrument.text.strip() else []
        blocks.extend(body or [Paragraph(_("No text recorded."), kind="note")])
        blocks.extend(_evidence(ctx, ReviewSection(evidence=instrument.evidence)))
        blocks.extend(footnote_blocks(instrument.footnotes))
    for theme in themes:
        blocks.append(ctx.heading(2, theme_title(theme, ctx.t)))
        review = reviews.get(theme.id)
        texts = [review.section(p).text for p in ReviewPart] if review else []
        body = [b for text in texts if text.strip() for b in text_blocks(ctx, text)]
        blocks.extend(body or [Paragraph(_("No text recorded."), kind="note")])
        if review is not None:
            blocks.extend(_footnotes(ctx, review))
    return blocks


def review_chapters(ctx: Context) -> list[Block]:
    ws = ctx.data.workspace
    reviews = {r.theme: r for r in ws.reviews}
    blocks: list[Block] = []
    for theme in ws.themes:
        if theme.kind is ThemeKind.THREAT:
            blocks.extend(theme_chapter(ctx, theme, reviews.get(theme.id)))
    blocks.extend(generic_chapter(ctx, [t for t in ws.themes if t.kind is ThemeKind.GENERIC],
                                  reviews))
    return blocks


__all__ = ["generic_chapter", "part_title", "review_chapters", "theme_chapter"]
