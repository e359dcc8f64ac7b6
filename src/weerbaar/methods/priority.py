"""The priority list: what seriously or very seriously harms at least one interest.

A scenario is on the list when, for at least one interest, the highest expected class among that
interest's criteria reaches the cut (class C, "serious", by default — a setting). A theme is on
the list when one of its scenarios is; it carries its approach verdict. This is the candidate
agenda of the next strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from weerbaar.domain import Scenario, Theme, ThemeReview, Verdict
from weerbaar.methods.profile import MethodProfile


@dataclass(frozen=True)
class PriorityScenario:
    scenario: str
    title: str
    theme: str
    harmed: dict[str, str]  # interest id -> highest class code reaching the cut


@dataclass(frozen=True)
class PriorityTheme:
    theme: str
    verdict: Verdict | None
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class PriorityList:
    cut: str
    scenarios: tuple[PriorityScenario, ...] = ()
    themes: tuple[PriorityTheme, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"cut": self.cut,
                "scenarios": [{"id": s.scenario, "title": s.title, "theme": s.theme,
                               "harmed_interests": s.harmed} for s in self.scenarios],
                "themes": [{"id": t.theme, "verdict": t.verdict.value if t.verdict else None,
                            "scenarios": list(t.scenarios)} for t in self.themes]}


def harmed_interests(scenario: Scenario, profile: MethodProfile, cut: str = "C") -> dict[str, str]:
    """Interests whose highest expected criterion class reaches ``cut``, with that class."""
    threshold = profile.impact.parse(cut)
    out: dict[str, str] = {}
    for interest in profile.interests:
        best = max((scenario.impact[c.id].range.ev for c in profile.criteria
                    if c.interest == interest.id and c.id in scenario.impact), default=0.0)
        if best >= threshold:
            out[interest.id] = profile.impact.code(best)
    return out


def priority_list(scenarios: Sequence[Scenario], themes: Sequence[Theme],
                  reviews: Sequence[ThemeReview], profile: MethodProfile, *,
                  cut: str = "C") -> PriorityList:
    """Scenarios and themes that harm at least one interest at ``cut`` or worse."""
    profile.impact.parse(cut)  # refuse a cut that is not a class of this profile
    verdicts = {r.theme: r.verdict for r in reviews}
    listed = []
    for s in scenarios:
        harmed = harmed_interests(s, profile, cut)
        if harmed:
            listed.append(PriorityScenario(s.id, s.title, s.theme, harmed))
    listed.sort(key=lambda p: (-max(profile.impact.parse(c) for c in p.harmed.values()),
                               -len(p.harmed), p.scenario))
    by_theme = []
    for theme in themes:
        ids = tuple(p.scenario for p in listed if p.theme == theme.id)
        if ids:
            by_theme.append(PriorityTheme(theme.id, verdicts.get(theme.id), ids))
    return PriorityList(cut=cut, scenarios=tuple(listed), themes=tuple(by_theme))
