"""Annexes on the cycle: priority list, measures per theme, comparison with the parent, method and
provenance (every provisional or unknown value the results rest on)."""

from __future__ import annotations

from weerbaar.domain import Measure, Provenance, Verdict
from weerbaar.domain.review import SUGGESTION_RULE, VERDICT_PROVENANCE
from weerbaar.reports.context import FLAG, Context
from weerbaar.reports.model import Block, BulletList, Paragraph, Table


def priority_table(ctx: Context) -> Table:
    _ = ctx.t
    profile = ctx.data.profile
    interests = {i.id: i.name.get(ctx.t.lang) for i in profile.interests}
    by_id = {s.scenario: s for s in ctx.data.priorities.scenarios}
    rows = []
    for theme in ctx.data.priorities.themes:
        listed = "; ".join(
            f"{by_id[sid].title} ("
            + ", ".join(f"{interests.get(i, i)}: {c}" for i, c in by_id[sid].harmed.items())
            + ")" for sid in theme.scenarios)
        rows.append((ctx.theme_name(theme.theme), ctx.verdict(theme.verdict), listed))
    return Table(
        key="priorities", caption=ctx.table_caption(_(
            "Priority list: themes with scenarios that harm at least one interest at class "
            "{cut} or worse, with the approach verdict and the harmed interests.").format(
                cut=ctx.data.priorities.cut)),
        header=(_("Theme"), _("Verdict"), _("Scenarios (harmed interests: class)")),
        rows=tuple(rows), widths=(2.0, 2.0, 6.0))


def priority_blocks(ctx: Context, level: int) -> list[Block]:
    _ = ctx.t
    heading = (ctx.annex_heading(_("Priority list")) if level == 1
               else ctx.heading(level, _("Priority list")))
    text = _("Scenarios that seriously or very seriously harm at least one interest form the "
             "candidate agenda of the next strategy.")
    if not ctx.data.priorities.themes:
        return [heading, Paragraph(text), Paragraph(_("No scenario reaches the cut."),
                                                    kind="note")]
    return [heading, Paragraph(text), priority_table(ctx)]


def _effect(ctx: Context, m: Measure) -> str:
    _ = ctx.t
    parts = []
    if m.effect.likelihood:
        parts.append(_("likelihood −{n}").format(n=f"{m.effect.likelihood:g}"))
    parts += [f"{c} −{v}" for c, v in m.effect.criteria.items() if v]
    return ", ".join(parts)


def measures_annex(ctx: Context) -> list[Block]:
    _ = ctx.t
    ws = ctx.data.workspace
    blocks: list[Block] = [ctx.annex_heading(_("Measures per theme"))]
    if not ws.measures:
        return [*blocks, Paragraph(_("No measures have been recorded in this cycle."),
                                   kind="note")]
    blocks.append(Paragraph(_(
        "Planned and running measures give the residual position; done measures are taken to "
        "be reflected in the current scores, stopped ones have no effect. Effects are in "
        "classes.")))
    for theme in ws.themes:
        items = [m for m in ws.measures if theme.id in m.themes]
        if not items:
            continue
        blocks.append(ctx.heading(2, ctx.theme_name(theme.id)))
        blocks.append(Table(
            key=f"measures-{theme.id}", caption=ctx.table_caption(
                _("Measures of the theme {theme}.").format(theme=ctx.theme_name(theme.id))),
            header=(_("Measure"), _("Owner"), _("Status"), _("Phase"), _("Capability"),
                    _("Scenarios"), _("Effect")),
            rows=tuple((m.title, m.owner or "", ctx.status(m.status), ctx.phase(m.phase),
                        ctx.capability(m.capability), ", ".join(m.scenarios), _effect(ctx, m))
                       for m in items),
            widths=(3.5, 1.2, 1.1, 1.2, 1.2, 2.2, 1.6)))
    return blocks


def comparison_annex(ctx: Context) -> list[Block]:
    _ = ctx.t
    parent = ctx.data.parent
    blocks: list[Block] = [ctx.annex_heading(_("Comparison with the parent cycle"))]
    if parent is None:
        return [*blocks, Paragraph(_("This cycle has no parent cycle to compare with."),
                                   kind="note")]
    name = parent.title or parent.key
    counts = {status: sum(1 for c in parent.changes if c.kind == "scenario" and c.status == status)
              for status in ("new", "changed", "removed")}
    blocks.append(Paragraph(_(
        "Compared with {parent} ({key}): {new} new, {changed} changed and {removed} removed "
        "scenarios; {unchanged} scenarios unchanged.").format(
            parent=name, key=parent.key, unchanged=parent.unchanged.get("scenario", 0), **counts)))
    before = {r.id: r for r in parent.assessment.results}
    rows, keys = [], []
    for r in ctx.data.assessment.results:
        old = before.get(r.id)
        if old is None or (old.impact_position, old.likelihood_position) == (
                r.impact_position, r.likelihood_position):
            continue
        reasons = next((c.reasons for c in parent.changes
                        if c.kind == "scenario" and c.key == r.id), ())
        rows.append((r.title, ctx.impact_text(old), ctx.impact_text(r), ctx.likelihood_text(old),
                     ctx.likelihood_text(r), "; ".join(reasons)))
        keys.append(r.id)
    if rows:
        blocks.append(Table(
            key="moves", caption=ctx.table_caption(_("Scenarios that moved on the risk diagram.")),
            header=(_("Scenario"), _("Impact before"), _("Impact now"), _("Likelihood before"),
                    _("Likelihood now"), _("Reasons")),
            rows=tuple(rows), row_keys=tuple(keys), widths=(3.0, 1.3, 1.3, 1.2, 1.2, 3.0),
            align=("left", "right", "right", "center", "center", "left")))
    changes = [c for c in parent.changes if c.status != "changed" or c.kind != "scenario"]
    if changes:
        blocks.append(Table(
            key="changes", caption=ctx.table_caption(_(
                "New and removed scenarios, and changed theme reviews and measures.")),
            header=(_("Kind"), _("Key"), _("Change"), _("Reasons")),
            rows=tuple((ctx.item_kind(c.kind), c.key, ctx.change_status(c.status),
                        "; ".join(c.reasons)) for c in changes),
            widths=(1.5, 3.0, 1.2, 4.5)))
    if parent.verdicts:
        blocks.append(Table(
            key="verdict-changes", caption=ctx.table_caption(_("Verdicts that changed.")),
            header=(_("Theme"), _("Before"), _("Now")),
            rows=tuple((ctx.theme_name(t), ctx.verdict(b), ctx.verdict(a))
                       for t, b, a in parent.verdicts),
            widths=(3.0, 3.0, 3.0)))
    return blocks


def provenance_annex(ctx: Context) -> list[Block]:
    _ = ctx.t
    data, profile, a = ctx.data, ctx.data.profile, ctx.data.assessment
    blocks: list[Block] = [ctx.annex_heading(_("Method and provenance"))]
    rows = [
        (_("Method profile"), f"{profile.name.get(ctx.t.lang)} ({profile.id}, "
         + _("version {version}").format(version=profile.version) + ")"),
        (_("Content hash"), a.profile_hash),
        (_("Aggregation method"), a.method),
        (_("Preference profile"), a.preference),
        (_("Rule for not-applicable criteria"), a.denominator),
        (_("Cycle"), f"{data.cycle.key} ({data.cycle.status.value})"),
        (_("Scenarios"), str(len(a.results))),
    ]
    blocks.append(Table(key="method", caption=ctx.table_caption(_("The method used.")),
                        header=(_("Item"), _("Value")), rows=tuple(rows), widths=(3.0, 7.0)))
    if data.workspace.illustrative:
        blocks.append(Paragraph(_("The scores are illustrative: this is not an official "
                                  "assessment."), kind="warning"))
    blocks.append(Paragraph(_(
        "Every method value has a provenance status: verified, corroborated, provisional or "
        "unknown. Results resting on a provisional or unknown value are flagged {flag} in the "
        "tables; values that apply to every result are listed once as caveats.").format(
            flag=FLAG)))
    blocks.extend(method_values(ctx))
    blocks.append(ctx.heading(2, _("Caveats for every result")))
    if a.caveats:
        blocks.append(BulletList(tuple(
            f"{c.what} — {ctx_status(ctx, c.status.value)}"
            + (f" ({c.source})" if c.source else "") + (f": {c.note}" if c.note else "")
            for c in a.caveats)))
    else:
        blocks.append(Paragraph(_("None."), kind="note"))
    blocks.append(ctx.heading(2, _("Provisional values per scenario")))
    weak: dict[tuple[str, str, str], list[str]] = {}
    for r in a.results:
        for w in r.weak_values:
            weak.setdefault((w.what, w.status.value, w.source or ""), []).append(r.id)
    if weak:
        blocks.append(Table(
            key="provenance", caption=ctx.table_caption(_(
                "Provisional and unknown values, and the flagged scenarios that rest on them.")),
            header=(_("Value"), _("Status"), _("Source"), _("Scenarios")),
            rows=tuple((what, ctx_status(ctx, status), source, ", ".join(ids))
                       for (what, status, source), ids in weak.items()),
            widths=(3.5, 1.3, 1.7, 4.0)))
    else:
        blocks.append(Paragraph(_("No scenario rests on a provisional or unknown value."),
                                kind="note"))
    flagged = sum(1 for r in a.results if r.provisional)
    blocks.append(Paragraph(_("{flagged} of {total} scenarios are flagged.").format(
        flagged=flagged, total=len(a.results)), kind="note"))
    return blocks


def method_values(ctx: Context) -> list[Block]:
    """The profile's main method values with status, source and locator; the verdict rule."""
    _ = ctx.t
    profile, a = ctx.data.profile, ctx.data.assessment
    scale, like = profile.impact_scale, profile.likelihood
    items: list[tuple[str, Provenance]] = [
        (_("Impact classes"), scale.provenance),
        (_("Impact class factor"), scale.factor.provenance),
        (_("Aggregation method") + f" ({profile.aggregation.default_method.value})",
         profile.aggregation.default_method_provenance),
        (_("Class values"), profile.aggregation.class_values.provenance),
        (_("Preference profile") + f" ({a.preference})", profile.preference(a.preference).provenance),
        (_("Likelihood classes"), like.scale.provenance),
        (_("Likelihood class factor"), like.scale.factor.provenance),
    ]
    if like.scale.half_class_offset is not None:
        items.append((_("Position of a half class"), like.scale.half_class_offset.provenance))
    if like.hazard.horizon_years is not None:
        items.append((_("Time window (years)"), like.hazard.horizon_years.provenance))
    if like.hazard.bands is not None:
        items.append((_("Probability bands"), like.hazard.bands.provenance))
    if ctx.data.workspace.reviews:
        items.append((_("Verdict suggested by the two answers"), SUGGESTION_RULE))
        items.append((_("The verdict “a new approach”"), VERDICT_PROVENANCE[Verdict.NEW]))
    blocks: list[Block] = [Paragraph(_(
        "A value marked “weerbaar rule” is a rule of weerbaar's own, documented with its method: "
        "it is shown wherever it is used and does not flag a result. The table gives each main "
        "method value's status, its sources and where they state it."))]
    blocks.append(Table(
        key="method-values", caption=ctx.table_caption(_("Method values and their sources.")),
        header=(_("Value"), _("Status"), _("Source"), _("Where")),
        rows=tuple((what, ctx_status(ctx, p.status.value), p.source or "—", p.locator or "—")
                   for what, p in items),
        widths=(3.0, 1.4, 2.4, 3.2)))
    return blocks


def ctx_status(ctx: Context, status: str) -> str:
    _ = ctx.t
    return {"verified": _("verified"), "corroborated": _("corroborated"),
            "weerbaar-rule": _("weerbaar rule"), "provisional": _("provisional"),
            "unknown": _("unknown")}.get(status, status)


__all__ = ["comparison_annex", "measures_annex", "priority_blocks", "provenance_annex"]
