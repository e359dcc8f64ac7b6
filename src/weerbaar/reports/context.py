"""Shared state and small text helpers of the report builder (one per report being built)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from weerbaar.domain import (
    Answer,
    CapabilityType,
    MeasureStatus,
    Phase,
    ScenarioType,
    ScoreRange,
    Theme,
    Verdict,
)
from weerbaar.i18n import Texts
from weerbaar.methods.results import ScenarioResult
from weerbaar.reports.data import ReportInput, ReportOptions
from weerbaar.reports.figures import FigureClock
from weerbaar.reports.model import Block, BulletList, Heading, Paragraph
from weerbaar.reports.style import HouseStyle

FLAG = "†"  # marks a result resting on provisional or unknown method values
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_BULLET = re.compile(r"^[-•–*]\s+")
_END = (".", ":", ";", "?", "!", ",", ")", "”", "’", "'")


@dataclass
class Context:
    data: ReportInput
    options: ReportOptions
    style: HouseStyle
    t: Texts
    clock: FigureClock = field(default_factory=FigureClock)
    annexes: int = 0
    figures: int = 0
    tables: int = 0
    _anchors: set[str] = field(default_factory=set)

    @property
    def lang(self) -> str:
        return self.t.lang

    def anchor(self, text: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
        name, n = base, 1
        while name in self._anchors:
            n += 1
            name = f"{base}-{n}"
        self._anchors.add(name)
        return name

    def heading(self, level: int, text: str, number: str | None = None) -> Heading:
        return Heading(level=level, text=text, anchor=self.anchor(text), number=number)

    def annex_heading(self, text: str) -> Heading:
        """A chapter heading: numbered as an annex in a review, a plain chapter in an analysis."""
        if self.options.kind == "analysis":
            return self.heading(1, text)
        _ = self.t
        self.annexes += 1
        return self.heading(1, text, number=_("Annex {number}").format(number=self.annexes))

    def figure_caption(self, text: str) -> str:
        _ = self.t
        self.figures += 1
        return _("Figure {number}").format(number=self.figures) + ". " + text

    def table_caption(self, text: str) -> str:
        _ = self.t
        self.tables += 1
        return _("Table {number}").format(number=self.tables) + ". " + text

    # names -------------------------------------------------------------------------------
    def theme_name(self, theme_id: str) -> str:
        for theme in self.data.workspace.themes:
            if theme.id == theme_id:
                return theme_title(theme, self.t)
        return theme_id

    def scenario_title(self, scenario_id: str) -> str:
        for s in self.data.workspace.scenarios:
            if s.id == scenario_id:
                return s.title
        return scenario_id

    def verdict(self, verdict: Verdict | None) -> str:
        _ = self.t
        return {
            Verdict.CONTINUE: _("continue: the current approach suffices"),
            Verdict.INTENSIFY: _("intensify: an intensified approach"),
            Verdict.ADJUST: _("adjust the approach"),
            Verdict.NEW: _("a new approach"),
        }.get(verdict, "—") if verdict is not None else "—"

    def answer(self, answer: Answer) -> str:
        _ = self.t
        return {Answer.YES: _("yes"), Answer.PARTLY: _("partly"), Answer.NO: _("no"),
                Answer.OPEN: _("open")}[answer]

    def status(self, status: MeasureStatus) -> str:
        _ = self.t
        return {MeasureStatus.PLANNED: _("planned"), MeasureStatus.RUNNING: _("running"),
                MeasureStatus.DONE: _("done"), MeasureStatus.STOPPED: _("stopped")}[status]

    def phase(self, phase: Phase | None) -> str:
        _ = self.t
        if phase is None:
            return ""
        return {Phase.PREVENTION: _("prevention"), Phase.PREPARATION: _("preparation"),
                Phase.RESPONSE: _("response"), Phase.AFTERCARE: _("aftercare")}[phase]

    def capability(self, capability: CapabilityType | None) -> str:
        _ = self.t
        if capability is None:
            return ""
        return {CapabilityType.PEOPLE: _("people"), CapabilityType.MATERIAL: _("material"),
                CapabilityType.KNOWLEDGE: _("knowledge"), CapabilityType.SKILLS: _("skills"),
                CapabilityType.PROCEDURES: _("procedures")}[capability]

    def scenario_type(self, kind: ScenarioType) -> str:
        _ = self.t
        return _("hazard") if kind is ScenarioType.HAZARD else _("threat")

    def change_status(self, status: str) -> str:
        _ = self.t
        return {"new": _("new"), "changed": _("changed"), "removed": _("removed")}.get(status,
                                                                                       status)

    def item_kind(self, kind: str) -> str:
        _ = self.t
        return {"scenario": _("scenario"), "review": _("theme review"),
                "measure": _("measure")}.get(kind, kind)

    # numbers -----------------------------------------------------------------------------
    def impact_text(self, r: ScenarioResult) -> str:
        if r.impact_position is None:
            return "—"
        code = r.impact_class or self.data.profile.impact.code(r.impact_position.ev)
        return f"{number(r.impact_position.ev, self.lang)} ({code})"

    def likelihood_text(self, r: ScenarioResult) -> str:
        if r.likelihood_position is None:
            return "—"
        return r.likelihood_code or self.data.profile.likelihood_scale.code(
            r.likelihood_position.ev)

    def impact_code_range(self, rng: ScoreRange) -> str:
        return code_range(rng, self.data.profile.impact.code)

    def likelihood_code_range(self, rng: ScoreRange) -> str:
        return code_range(rng, self.data.profile.likelihood_scale.code)


def theme_title(theme: Theme, t: Texts) -> str:
    return theme.name.get(t.lang) or theme.id


def number(value: float | None, lang: str, digits: int = 2) -> str:
    """A number in the report's language (decimal comma in Dutch)."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def code_range(rng: ScoreRange, code: Callable[[float], str]) -> str:
    """``C`` when certain, else ``C (B–D)``: the expected class with its lower and upper limit."""
    ev, ll, ul = (code(v) for v in (rng.ev, rng.ll, rng.ul))
    return ev if ll == ev == ul else f"{ev} ({ll}–{ul})"


def superscript(text: str) -> str:
    return text.translate(_SUPERSCRIPT)


def text_blocks(ctx: Context, text: str, level: int = 3) -> list[Block]:
    """Paragraphs of a stored text (separated by blank lines); a short single line without end
    punctuation is a sub-heading, as the seed's 'Klimaatverandering' under a theme part."""
    out: list[Block] = []
    bullets: list[str] = []
    for raw in re.split(r"\n\s*\n", text.strip()):
        block = " ".join(line.strip() for line in raw.strip().splitlines())
        if not block:
            continue
        bullet = _BULLET.match(block)
        if bullet:
            bullets.append(block[bullet.end():])
            continue
        if bullets:
            out.append(BulletList(tuple(bullets)))
            bullets = []
        if "\n" not in raw.strip() and len(block) <= 80 and not block.endswith(_END):
            out.append(ctx.heading(level, block))
        else:
            out.append(Paragraph(block))
    if bullets:
        out.append(BulletList(tuple(bullets)))
    return out


__all__ = ["FLAG", "Context", "code_range", "number", "superscript", "text_blocks",
           "theme_title"]
