"""Need-to-know: what of a cycle someone with a given clearance may see.

Pure functions over the domain models; the store applies them when content is read for someone
with a clearance, so every channel (pages, API, search, exports, reports) sees the same subset.
The rules are those of :mod:`weerbaar.domain.classification`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from weerbaar.domain.classification import ClassificationScheme
from weerbaar.domain.measure import Measure
from weerbaar.domain.review import EvidenceKind, ReviewSection, ThemeReview
from weerbaar.domain.scenario import Scenario, Workspace
from weerbaar.domain.signal import Signal
from weerbaar.domain.strategy_text import StrategyText
from weerbaar.domain.threat_level import ThreatLevelHistory


@dataclass(frozen=True)
class Marked:
    """One marked item: what kind, its key and its (effective) marking."""

    kind: str  # scenario, score, review, measure, signal
    key: str
    marking: str


def visible_scenario(scenario: Scenario, scheme: ClassificationScheme,
                     clearance: str) -> Scenario | None:
    """The scenario as someone cleared to ``clearance`` sees it (experts' scores above the
    clearance left out), or None when the scenario itself is above it."""
    if not scheme.allows(clearance, scenario.marking):
        return None
    experts = tuple(e for e in scenario.experts
                    if scheme.allows(clearance, scheme.combined(scenario.marking, e.marking)))
    return scenario if len(experts) == len(scenario.experts) else scenario.model_copy(
        update={"experts": experts})


def _keep_links(section: ReviewSection, visible: dict[EvidenceKind, set[str] | None]
                ) -> ReviewSection:
    kept = tuple(link for link in section.evidence
                 if (allowed := visible.get(link.kind)) is None or link.ref in allowed)
    return section if len(kept) == len(section.evidence) else section.model_copy(
        update={"evidence": kept})


def visible_review(review: ThemeReview, scheme: ClassificationScheme, clearance: str, *,
                   scenarios: set[str], measures: set[str] | None = None,
                   signals: set[str] | None = None) -> ThemeReview | None:
    """The review without evidence links to invisible items, or None when it is above the
    clearance. ``scenarios``/``measures``/``signals``: the visible keys (None: not checked)."""
    if not scheme.allows(clearance, review.marking):
        return None
    visible: dict[EvidenceKind, set[str] | None] = {
        EvidenceKind.SCENARIO: scenarios, EvidenceKind.MEASURE: measures,
        EvidenceKind.SIGNAL: signals}
    sections = {part: _keep_links(s, visible) for part, s in review.sections.items()}
    if all(sections[p] is review.sections[p] for p in sections):
        return review
    return review.model_copy(update={"sections": sections})


def visible_measure(measure: Measure, scheme: ClassificationScheme, clearance: str, *,
                    scenarios: set[str]) -> Measure | None:
    """The measure without its links to invisible scenarios, or None when above the clearance."""
    if not scheme.allows(clearance, measure.marking):
        return None
    kept = tuple(s for s in measure.scenarios if s in scenarios)
    return measure if len(kept) == len(measure.scenarios) else measure.model_copy(
        update={"scenarios": kept})


def visible_signals(signals: Iterable[Signal], scheme: ClassificationScheme, clearance: str, *,
                    scenarios: set[str] | None = None) -> list[Signal]:
    """The signals at or below the clearance (links to invisible scenarios left out)."""
    out = []
    for signal in signals:
        if not scheme.allows(clearance, signal.marking):
            continue
        if scenarios is not None and any(s not in scenarios for s in signal.scenarios):
            signal = signal.model_copy(
                update={"scenarios": tuple(s for s in signal.scenarios if s in scenarios)})
        out.append(signal)
    return out


def visible_threat_level(history: ThreatLevelHistory, scheme: ClassificationScheme,
                         clearance: str) -> ThreatLevelHistory:
    """The threat-level history without its entries above the clearance (the history itself
    is not marked: who may read the cycle may know it keeps one)."""
    kept = tuple(e for e in history.entries if scheme.allows(clearance, e.marking))
    return history if len(kept) == len(history.entries) else history.model_copy(
        update={"entries": kept})


def visible_strategy_text(text: StrategyText, scheme: ClassificationScheme, clearance: str, *,
                          scenarios: set[str], measures: set[str] | None = None,
                          signals: set[str] | None = None) -> StrategyText | None:
    """The strategy text without its instruments' evidence links to invisible items, or None
    when it is above the clearance (as a cycle without one)."""
    if not scheme.allows(clearance, text.marking):
        return None
    visible: dict[EvidenceKind, set[str] | None] = {
        EvidenceKind.SCENARIO: scenarios, EvidenceKind.MEASURE: measures,
        EvidenceKind.SIGNAL: signals}
    instruments = []
    for instrument in text.instruments:
        kept = tuple(link for link in instrument.evidence
                     if (allowed := visible.get(link.kind)) is None or link.ref in allowed)
        instruments.append(instrument if len(kept) == len(instrument.evidence)
                           else instrument.model_copy(update={"evidence": kept}))
    if all(a is b for a, b in zip(instruments, text.instruments, strict=True)):
        return text
    return text.model_copy(update={"instruments": tuple(instruments)})


def redact_workspace(workspace: Workspace, scheme: ClassificationScheme, clearance: str, *,
                     signals: set[str] | None = None) -> Workspace:
    """The workspace as someone cleared to ``clearance`` sees it (themes are never marked)."""
    scenarios = tuple(s for s in (visible_scenario(s, scheme, clearance)
                                  for s in workspace.scenarios) if s is not None)
    scenario_keys = {s.id for s in scenarios}
    measures = tuple(m for m in (visible_measure(m, scheme, clearance, scenarios=scenario_keys)
                                 for m in workspace.measures) if m is not None)
    measure_keys = {m.id for m in measures}
    reviews = tuple(r for r in (visible_review(r, scheme, clearance, scenarios=scenario_keys,
                                               measures=measure_keys, signals=signals)
                                for r in workspace.reviews) if r is not None)
    threat_level = (None if workspace.threat_level is None
                    else visible_threat_level(workspace.threat_level, scheme, clearance))
    strategy_text = (None if workspace.strategy_text is None
                     else visible_strategy_text(workspace.strategy_text, scheme, clearance,
                                                scenarios=scenario_keys, measures=measure_keys,
                                                signals=signals))
    return workspace.model_copy(update={"scenarios": scenarios, "measures": measures,
                                        "reviews": reviews, "threat_level": threat_level,
                                        "strategy_text": strategy_text})


def beside_child(base: Workspace, child: Workspace, child_seen: Workspace) -> Workspace:
    """A parent cycle's workspace (already redacted) as shown beside its child: scenarios hidden
    in the child (``child`` whole, ``child_seen`` as the reader sees it) are left out of the
    parent too, so an old position does not show a scenario whose marking was raised since."""
    hidden = {s.id for s in child.scenarios} - {s.id for s in child_seen.scenarios}
    if not hidden:
        return base
    return base.model_copy(update={"scenarios": tuple(s for s in base.scenarios
                                                      if s.id not in hidden)})


def scenario_markings(scenario: Scenario, scheme: ClassificationScheme) -> Iterator[Marked]:
    """A scenario and its experts' scores with their effective markings."""
    yield Marked("scenario", scenario.id, scheme.effective(scenario.marking))
    for e in scenario.experts:
        yield Marked("score", f"{scenario.id}/{e.expert}",
                     scheme.combined(scenario.marking, e.marking))


def threat_level_markings(history: ThreatLevelHistory,
                          scheme: ClassificationScheme) -> Iterator[Marked]:
    """The entries of a threat-level history with their effective markings (``dtn/INDEX``)."""
    for index, entry in enumerate(history.entries):
        yield Marked("threat_level", f"dtn/{index}", scheme.effective(entry.marking))


def strategy_text_marking(text: StrategyText, scheme: ClassificationScheme) -> Marked:
    """The strategy text (introduction, conclusion, instruments) with its effective marking."""
    return Marked("strategy_text", "strategy-text", scheme.effective(text.marking))


def marked_items(workspace: Workspace, scheme: ClassificationScheme,
                 signals: Sequence[Signal] = ()) -> Iterator[Marked]:
    """Every marked item of a workspace (and signals) with its effective marking."""
    for s in workspace.scenarios:
        yield from scenario_markings(s, scheme)
    for r in workspace.reviews:
        yield Marked("review", r.theme, scheme.effective(r.marking))
    for m in workspace.measures:
        yield Marked("measure", m.id, scheme.effective(m.marking))
    for g in signals:
        yield Marked("signal", g.id, scheme.effective(g.marking))
    if workspace.threat_level is not None:
        yield from threat_level_markings(workspace.threat_level, scheme)
    if workspace.strategy_text is not None:
        yield strategy_text_marking(workspace.strategy_text, scheme)


def highest_marking(workspace: Workspace, scheme: ClassificationScheme,
                    signals: Sequence[Signal] = ()) -> str:
    """The highest marking of what a workspace (and signals) contains: the marking a report or
    export of it carries. Themes alone count at the lowest marking."""
    return scheme.highest(m.marking for m in marked_items(workspace, scheme, signals))


def audited_items(items: Iterable[Marked], scheme: ClassificationScheme) -> list[Marked]:
    """The items whose reading is written to the read log."""
    return [m for m in items if scheme.audited(m.marking)]
