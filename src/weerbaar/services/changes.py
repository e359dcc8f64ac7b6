"""What changed between two revisions of a document, in the words of the domain.

:func:`describe_changes` compares two stored documents (the JSON form of a scenario, theme
review, measure, signal, vital process or dependency) and says what changed as the people who
score and review would say it: ``2.1 Fatalities`` · ``expected value`` · ``25 fatalities (B)`` →
``250 fatalities (C)``. It never shows a document's internal key paths, and it is free of
noise: a class and the natural value it was converted from are one line, values derived from
what was entered (a conversion's rule, its threshold status) are not listed on their own, and
what looks the same on both sides is no change.

Pure: no store, no web, no I/O; the fixed text comes from the gettext catalogues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_decimal

from weerbaar.domain import ClassificationScheme, Language, OrdinalScale, ReviewPart
from weerbaar.i18n import Texts, texts
from weerbaar.methods.profile import MethodProfile

ABSENT = "—"

# English message ids of the catalogues (weerbaar.i18n); translated when a change is described.
BOUNDS = {"ev": "expected value", "ll": "lower limit", "ul": "upper limit"}
PART_TITLES = {
    ReviewPart.SUMMARY.value: "Short summary",
    ReviewPart.THREAT.value: "Development of the threat and the risks",
    ReviewPart.RESILIENCE.value: "Development of resilience",
    ReviewPart.APPROACH.value: "Development of the approach",
}
QUESTIONS = {
    "comprehensive": "Is there a comprehensive approach?",
    "more_resilient": "Does that approach make us more resilient given the threat?",
}
FIELDS = {
    "title": "title", "theme": "theme", "risk_category": "risk category", "type": "type",
    "narrative": "narrative", "marking": "marking", "removed": "removed",
    "reasoning": "reasoning", "derivation": "derivation", "horizon_years": "time window (years)",
    "description": "description", "themes": "themes", "scenarios": "scenarios",
    "owner": "owner", "partners": "partners", "capability": "capability", "phase": "phase",
    "status": "status", "start": "start", "end": "end", "summary": "summary",
    "source": "source", "date": "date", "language": "language", "interests": "interests",
    "risk_categories": "risk categories", "horizon": "horizon", "novelty": "novelty",
    "impact": "impact", "plausibility": "plausibility", "notes": "notes", "name": "name",
    "category": "category", "sector": "sector", "population": "population served",
    "kind": "kind", "aspects": "aspects of daily life", "basic_need": "basic need",
    "illustrative": "illustrative", "supplier": "supplier", "dependent": "dependent",
    "strength": "strength", "buffer_hours_low": "buffer (hours), low",
    "buffer_hours_high": "buffer (hours), high", "onset": "onset",
    "ramp_hours": "ramp (hours)", "recovery_hours": "recovery (hours)",
    "conditions": "conditions", "note": "note", "text": "text", "evidence": "evidence",
    "answer": "answer", "verdict": "verdict", "score": "score",
}
# fields whose values are fixed words of the domain (enumerations), shown translated
WORDS = frozenset({"type", "capability", "phase", "status", "answer", "verdict", "horizon",
                   "kind", "onset", "decision"})
SUBJECTS = {
    "scenario": "Scenario", "review": "Theme review", "measure": "Measure", "signal": "Signal",
    "process": "Process", "dependency": "Dependency",
}


@dataclass(frozen=True)
class DomainChange:
    """One change as a reader would name it: what (``subject``, e.g. ``2.1 Fatalities``), which
    side of it (``aspect``, e.g. ``expected value``) and its value before and after, as shown."""

    subject: str
    aspect: str
    before: str
    after: str

    def to_dict(self) -> dict[str, str]:
        return {"subject": self.subject, "aspect": self.aspect, "before": self.before,
                "after": self.after}


class _Describer:
    """Collects the changes of one pair of documents in one language."""

    def __init__(self, profile: MethodProfile, lang: Language,
                 scheme: ClassificationScheme | None) -> None:
        self.profile, self.lang, self.scheme = profile, lang, scheme
        self.t: Texts = texts(lang)
        self.changes: list[DomainChange] = []

    # -- values as shown ------------------------------------------------------------------------
    def value(self, value: Any, field: str = "") -> str:
        if value is None or value == "" or value == [] or value == {}:
            return ABSENT
        if isinstance(value, bool):
            return self.t("yes") if value else self.t("no")
        if isinstance(value, int | float):
            return format_decimal(value, locale=self.lang)
        if isinstance(value, str):
            return self.t.gettext(value) if field in WORDS else value
        if isinstance(value, list | tuple):
            return ", ".join(self.value(v, field) for v in value)
        if isinstance(value, dict):
            if set(value) <= {"nl", "en"}:  # a text in both languages
                first = value.get(self.lang) or next((v for v in value.values() if v), None)
                return self.value(first)
            return "; ".join(f"{k}: {self.value(v, k)}" for k, v in value.items())
        return str(value)

    def marking(self, value: Any) -> str:
        if value is None and self.scheme is not None:
            return self.t("{level} (default)", level=self.scheme.default)
        return self.value(value) if value is not None else self.t("none")

    def label(self, field: str) -> str:
        known = FIELDS.get(field)
        return self.t.gettext(known) if known else field.replace("_", " ")

    def criterion(self, criterion_id: str) -> str:
        for c in self.profile.criteria:
            if c.id == criterion_id:
                return f"{c.id} {c.name.get(self.lang)}"
        return criterion_id

    def criterion_order(self, ids: Iterable[str]) -> list[str]:
        order = {c.id: i for i, c in enumerate(self.profile.criteria)}
        return sorted(set(ids), key=lambda k: (order.get(k, len(order)), k))

    # -- recording ------------------------------------------------------------------------------
    def add(self, subject: str, aspect: str, before: str, after: str) -> None:
        if before != after:
            self.changes.append(DomainChange(subject, aspect, before, after))

    def field(self, subject: str, name: str, before: Mapping[str, Any],
              after: Mapping[str, Any]) -> None:
        """A plain field of the document, compared as shown."""
        a, b = before.get(name), after.get(name)
        if a == b:
            return
        if name == "marking":
            self.add(subject, self.label(name), self.marking(a), self.marking(b))
        elif isinstance(a, dict) and isinstance(b, dict) and not set(a) | set(b) <= {"nl", "en"}:
            for key in sorted(set(a) | set(b)):
                if a.get(key) != b.get(key):
                    self.add(subject, f"{self.label(name)}, {self.label(key)}",
                             self.value(a.get(key), key), self.value(b.get(key), key))
        else:
            self.add(subject, self.label(name), self.value(a, name), self.value(b, name))

    def rest(self, subject: str, before: Mapping[str, Any], after: Mapping[str, Any],
             handled: Iterable[str]) -> None:
        """Every field not described otherwise (fields the describer does not know yet too)."""
        done = set(handled)
        keys = [k for k in after if k not in done] + [k for k in before
                                                      if k not in done and k not in after]
        for name in keys:
            self.field(subject, name, before, after)

    # -- scores ---------------------------------------------------------------------------------
    def bound(self, score: Mapping[str, Any], bound: str, scale: OrdinalScale) -> str:
        """A bound of a score as entered: ``250 fatalities (C)``, or the class code alone."""
        position = (score.get("range") or {}).get(bound)
        if position is None:
            return ABSENT
        code = scale.code(float(position))
        for conversion in score.get("conversions") or ():
            if conversion.get("bound") == bound and conversion.get("entered"):
                return f"{conversion['entered']} ({code})"
        return code

    def whole(self, score: Mapping[str, Any], scale: OrdinalScale) -> str:
        """A whole score: ``B`` when its limits equal it, else ``EV B, LL A, UL C``."""
        ev, ll, ul = (self.bound(score, b, scale) for b in BOUNDS)
        if ll == ev == ul:
            return ev
        return ", ".join(f"{self.t.gettext(short)} {shown}"
                         for short, shown in (("EV", ev), ("LL", ll), ("UL", ul)))

    def derivation(self, value: Any) -> str:
        if not isinstance(value, dict):
            return self.value(value)
        head = " ".join(str(value[k]) for k in ("source", "run_id") if value.get(k))
        decision = value.get("decision")
        if decision:
            chosen = self.t.gettext(str(decision))
            head = f"{head}: {chosen} {value.get('class') or ''}".strip(": ").strip()
        return head or self.value(value)

    def score(self, subject: str, before: Mapping[str, Any] | None,
              after: Mapping[str, Any] | None, scale: OrdinalScale) -> None:
        """One score (of a criterion or the likelihood): the bounds with the natural values they
        were entered as, the reasoning, how it was derived; one line for a score added or
        removed."""
        if before is None and after is None:
            return
        if before is None or after is None:
            self.add(subject, self.label("score"),
                     self.whole(before, scale) if before is not None else ABSENT,
                     self.whole(after, scale) if after is not None else ABSENT)
            present = before if before is not None else after
            assert present is not None
            for name in ("reasoning", "derivation"):
                shown = (self.derivation if name == "derivation" else self.value)(
                    present.get(name))
                if shown != ABSENT:
                    self.add(subject, self.label(name), ABSENT if before is None else shown,
                             shown if before is None else ABSENT)
            return
        was = [self.bound(before, bound, scale) for bound in BOUNDS]
        now = [self.bound(after, bound, scale) for bound in BOUNDS]
        if len(set(was)) == len(set(now)) == 1:  # a point score stays one: one line
            self.add(subject, self.label("score"), was[0], now[0])
        else:
            for aspect, a, b in zip(BOUNDS.values(), was, now, strict=True):
                self.add(subject, self.t.gettext(aspect), a, b)
        self.add(subject, self.label("reasoning"), self.value(before.get("reasoning")),
                 self.value(after.get("reasoning")))
        self.add(subject, self.label("derivation"), self.derivation(before.get("derivation")),
                 self.derivation(after.get("derivation")))
        # range and conversions are the bounds above; criterion is the subject
        self.rest(subject, before, after,
                  ("criterion", "range", "conversions", "reasoning", "derivation"))

    def scores(self, before: Mapping[str, Any], after: Mapping[str, Any],
               name: Callable[[str], str]) -> None:
        """The impact scores and the likelihood of a scenario or of one expert's scores."""
        a_impact, b_impact = before.get("impact") or {}, after.get("impact") or {}
        for criterion in self.criterion_order([*a_impact, *b_impact]):
            self.score(name(self.criterion(criterion)), a_impact.get(criterion),
                       b_impact.get(criterion), self.profile.impact)
        self.score(name(self.t("Likelihood")), before.get("likelihood"),
                   after.get("likelihood"), self.profile.likelihood_scale)

    def of_expert(self, name: str) -> Callable[[str], str]:
        """Names a score of one expert: ``2.1 Fatalities (expert eva)``."""
        return lambda subject: self.t("{subject} (expert {name})", subject=subject, name=name)

    # -- kinds of document ----------------------------------------------------------------------
    def scenario(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        subject = self.t("Scenario")
        for name in ("removed", "title", "type", "theme", "risk_category", "narrative",
                     "marking"):
            self.field(subject, name, before, after)
        self.scores(before, after, lambda s: s)
        a_experts = {e.get("expert"): e for e in before.get("experts") or ()}
        b_experts = {e.get("expert"): e for e in after.get("experts") or ()}
        for expert in [*b_experts, *(e for e in a_experts if e not in b_experts)]:
            a, b = a_experts.get(expert) or {}, b_experts.get(expert) or {}
            if a == b:
                continue
            who = self.t("Expert {name}", name=expert)
            if not a or not b:
                self.add(who, self.t("scores"), self.t("given") if a else ABSENT,
                         self.t("given") if b else ABSENT)
            self.field(who, "marking", a, b)
            self.scores(a, b, self.of_expert(str(expert)))
            self.rest(who, a, b, ("expert", "marking", "impact", "likelihood"))
        self.rest(subject, before, after, ("id", "removed", "title", "type", "theme",
                                           "risk_category", "narrative", "marking", "impact",
                                           "likelihood", "experts"))

    def review(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        subject = self.t("Theme review")
        for name in ("removed", "theme", "marking"):
            self.field(subject, name, before, after)
        a_parts, b_parts = before.get("sections") or {}, after.get("sections") or {}
        order = list(PART_TITLES)
        for part in sorted(set(a_parts) | set(b_parts),
                           key=lambda p: (order.index(p) if p in order else len(order), p)):
            title = self.t.gettext(PART_TITLES[part]) if part in PART_TITLES else part
            a, b = a_parts.get(part) or {}, b_parts.get(part) or {}
            self.add(title, self.label("text"), self.value(a.get("text")),
                     self.value(b.get("text")))
            self.add(title, self.label("evidence"), self.evidence(a.get("evidence")),
                     self.evidence(b.get("evidence")))
        for name, question in QUESTIONS.items():
            a, b = before.get(name) or {}, after.get(name) or {}
            asked = self.t.gettext(question)
            self.add(asked, self.label("answer"), self.value(a.get("answer"), "answer"),
                     self.value(b.get("answer"), "answer"))
            self.add(asked, self.label("reasoning"), self.value(a.get("reasoning")),
                     self.value(b.get("reasoning")))
        verdict = self.t("Approach verdict")
        self.add(verdict, self.label("verdict"), self.value(before.get("verdict"), "verdict"),
                 self.value(after.get("verdict"), "verdict"))
        self.add(verdict, self.label("reasoning"), self.value(before.get("verdict_reasoning")),
                 self.value(after.get("verdict_reasoning")))
        a_notes, b_notes = before.get("footnotes") or {}, after.get("footnotes") or {}
        for key in sorted(set(a_notes) | set(b_notes), key=lambda k: (len(k), k)):
            self.add(self.t("Footnote {key}", key=key), self.label("text"),
                     self.value(a_notes.get(key)), self.value(b_notes.get(key)))
        self.rest(subject, before, after, ("removed", "theme", "marking", "sections",
                                           *QUESTIONS, "verdict", "verdict_reasoning",
                                           "footnotes"))

    def evidence(self, links: Any) -> str:
        if not links:
            return ABSENT
        return "; ".join(f"{self.t.gettext(str(link.get('kind')))} {link.get('ref')}"
                         + (f" ({link['note']})" if link.get("note") else "")
                         for link in links)

    def measure(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        subject = self.t("Measure")
        fields = ("removed", "title", "description", "status", "owner", "partners", "themes",
                  "scenarios", "capability", "phase", "start", "end", "marking")
        for name in fields:
            self.field(subject, name, before, after)
        a, b = before.get("effect") or {}, after.get("effect") or {}
        down = self.t("effect (classes down)")
        self.add(self.t("Likelihood"), down, self.value(a.get("likelihood")),
                 self.value(b.get("likelihood")))
        a_criteria, b_criteria = a.get("criteria") or {}, b.get("criteria") or {}
        for criterion in self.criterion_order([*a_criteria, *b_criteria]):
            self.add(self.criterion(criterion), down, self.value(a_criteria.get(criterion)),
                     self.value(b_criteria.get(criterion)))
        effect = self.t("Expected effect")
        self.add(effect, self.label("reasoning"), self.value(a.get("reasoning")),
                 self.value(b.get("reasoning")))
        self.rest(effect, a, b, ("likelihood", "criteria", "reasoning"))
        self.rest(subject, before, after, ("id", *fields, "effect"))

    def plain(self, kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        """Signals, vital processes and dependencies: their fields by name."""
        subject = self.t.gettext(SUBJECTS.get(kind, kind))
        if kind == "process":
            a, b = before.get("serves") or {}, after.get("serves") or {}
            for name in ("population", "description"):
                aspect = self.label(name) if name == "population" else self.t("who is served")
                self.add(subject, aspect, self.value(a.get(name)), self.value(b.get(name)))
            self.rest(subject, a, b, ("population", "description"))
        self.rest(subject, before, after, ("id", "serves"))


def describe_changes(kind: str, before: Mapping[str, Any], after: Mapping[str, Any],
                     profile: MethodProfile, lang: Language, *,
                     scheme: ClassificationScheme | None = None) -> list[DomainChange]:
    """What changed from ``before`` to ``after`` (two revisions of a document of ``kind``:
    scenario, review, measure, signal, process or dependency, in their stored JSON form), in
    the words of ``profile`` and the language ``lang``; empty when nothing shown changed.

    ``scheme`` names the default marking of content that carries none.
    """
    describer = _Describer(profile, lang, scheme)
    if kind == "scenario":
        describer.scenario(before, after)
    elif kind == "review":
        describer.review(before, after)
    elif kind == "measure":
        describer.measure(before, after)
    else:
        describer.plain(kind, before, after)
    return describer.changes


__all__ = ["DomainChange", "describe_changes"]
