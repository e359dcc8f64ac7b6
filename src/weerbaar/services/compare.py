"""Use case: compare two cycles — content changes, movements on the risk diagram, verdicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weerbaar.domain import Language, Verdict
from weerbaar.domain.need_to_know import beside_child
from weerbaar.methods.assessment import assess
from weerbaar.store import CycleComparison, Store, compare_cycles, cycle_workspace


@dataclass(frozen=True)
class Move:
    """A scenario present in both cycles, with its positions before and after."""

    scenario: str
    impact: tuple[float | None, float | None]
    likelihood: tuple[float | None, float | None]
    reasons: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        return self.impact[0] != self.impact[1] or self.likelihood[0] != self.likelihood[1]

    def describe(self) -> str:
        def pair(p: tuple[float | None, float | None]) -> str:
            a, b = (f"{v:.2f}" if v is not None else "—" for v in p)
            return a if a == b else f"{a} → {b}"

        return f"impact {pair(self.impact)}, likelihood {pair(self.likelihood)}"


@dataclass(frozen=True)
class VerdictChange:
    theme: str
    before: Verdict | None
    after: Verdict | None
    reasoning: str | None

    def describe(self) -> str:
        def name(v: Verdict | None) -> str:
            return v.value if v is not None else "none"

        return f"verdict {name(self.before)} → {name(self.after)}"


@dataclass(frozen=True)
class CompareResult:
    comparison: CycleComparison
    moves: tuple[Move, ...] = ()
    verdicts: tuple[VerdictChange, ...] = ()
    diagram: Path | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        out = self.comparison.to_dict()
        out["moves"] = [{"scenario": m.scenario, "impact": list(m.impact),
                         "likelihood": list(m.likelihood), "reasons": list(m.reasons)}
                        for m in self.moves if m.moved]
        out["verdicts"] = [{"theme": v.theme,
                            "before": v.before.value if v.before else None,
                            "after": v.after.value if v.after else None,
                            "reasoning": v.reasoning} for v in self.verdicts]
        return out


def compare(store: Store, base: str | None, cycle: str, *, diagram: Path | None = None,
            lang: Language = "en", clearance: str | None = None) -> CompareResult:
    """Compare ``cycle`` with ``base`` (default: its parent); optionally draw the movements.
    With a ``clearance``, only what someone with that clearance may see in both cycles."""
    comparison = compare_cycles(store, base, cycle, clearance=clearance)
    if comparison.base is None:
        return CompareResult(comparison)
    new_ws, new_profile = cycle_workspace(store, cycle, clearance=clearance)
    old_ws, old_profile = cycle_workspace(store, comparison.base, clearance=clearance)
    if clearance is not None:
        old_ws = beside_child(old_ws, cycle_workspace(store, cycle)[0], new_ws)
    after = assess(new_ws.scenarios, new_profile, title=new_ws.title)
    before = assess(old_ws.scenarios, old_profile, title=old_ws.title)
    reasons = {i.key: i.reasons for i in comparison.items if i.kind == "scenario"}
    old_results = {r.id: r for r in before.results}
    moves = []
    for r in after.results:
        old = old_results.get(r.id)
        if old is None:
            continue
        moves.append(Move(
            scenario=r.id,
            impact=(old.impact_position.ev if old.impact_position else None,
                    r.impact_position.ev if r.impact_position else None),
            likelihood=(old.likelihood_position.ev if old.likelihood_position else None,
                        r.likelihood_position.ev if r.likelihood_position else None),
            reasons=reasons.get(r.id, ())))
    old_reviews = {r.theme: r for r in old_ws.reviews}
    verdicts = []
    for review in new_ws.reviews:
        previous = old_reviews.get(review.theme)
        before_verdict = previous.verdict if previous else None
        if review.verdict != before_verdict:
            verdicts.append(VerdictChange(review.theme, before_verdict, review.verdict,
                                          review.verdict_reasoning))
    written = None
    if diagram is not None:
        from weerbaar.reports.diagram import draw_risk_diagram

        diagram.parent.mkdir(parents=True, exist_ok=True)
        draw_risk_diagram(after, new_profile, new_ws.themes, diagram, lang=lang,
                          background=before, show_ranges=False, title=f"{new_ws.title or cycle} ← "
                          f"{old_ws.title or comparison.base}")
        written = diagram
    return CompareResult(comparison, tuple(moves), tuple(verdicts), written)
