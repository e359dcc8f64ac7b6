"""Immutable results of an assessment: per scenario its aggregated impact and likelihood position."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from weerbaar.domain import ScenarioType, ScoreRange, Status


class WeakValue(BaseModel):
    """A method value a result rests on that is provisional or unknown (so the result is flagged)."""

    model_config = ConfigDict(frozen=True)

    what: str
    status: Status
    source: str | None = None
    note: str | None = None


class ScenarioResult(BaseModel):
    """Where one scenario lands on the risk diagram, and what that rests on.

    ``impact_score`` is the aggregated score S (ev/ll/ul); ``impact_position`` is 1 + log3(S) for
    the weighted sum, or the class grid position for ordinal methods; ``None`` when no criterion
    applies (S = 0). Likelihood positions are class-grid positions (half classes at .5).
    """

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    theme: str
    risk_category: str | None
    type: ScenarioType
    impact_score: ScoreRange | None
    impact_position: ScoreRange | None
    impact_class: str | None
    likelihood_position: ScoreRange | None
    likelihood_class: str | None
    likelihood_code: str | None = None
    weak_values: tuple[WeakValue, ...] = ()
    notes: tuple[str, ...] = ()
    unscored: tuple[str, ...] = ()
    """The profile's criteria the scenario does not score (counted as not applicable)."""

    @property
    def provisional(self) -> bool:
        """True when the result rests on a provisional or unknown value."""
        return bool(self.weak_values)

    def to_dict(self) -> dict[str, Any]:
        def rng(r: ScoreRange | None) -> dict[str, float] | None:
            return None if r is None else {"ev": r.ev, "ll": r.ll, "ul": r.ul}

        return {
            "id": self.id,
            "title": self.title,
            "theme": self.theme,
            "risk_category": self.risk_category,
            "type": self.type.value,
            "impact_score": rng(self.impact_score),
            "impact_position": None if self.impact_position is None else self.impact_position.ev,
            "impact_range": rng(self.impact_position),
            "impact_class": self.impact_class,
            "likelihood_position": (
                None if self.likelihood_position is None else self.likelihood_position.ev
            ),
            "likelihood_range": rng(self.likelihood_position),
            "likelihood_class": self.likelihood_class,
            "likelihood_code": self.likelihood_code,
            "provisional": self.provisional,
            "weak_values": [w.model_dump(mode="json") for w in self.weak_values],
            "notes": list(self.notes),
            "unscored": list(self.unscored),
        }


class Assessment(BaseModel):
    """The results of one assessment run, with the exact method it used."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    profile_id: str
    profile_version: str
    profile_hash: str
    method: str
    preference: str
    denominator: str
    results: tuple[ScenarioResult, ...]
    caveats: tuple[WeakValue, ...] = Field(
        default=(), description="Weak method values that apply to every result of this run."
    )

    def result(self, scenario_id: str) -> ScenarioResult:
        for r in self.results:
            if r.id == scenario_id:
                return r
        raise KeyError(scenario_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "profile": {"id": self.profile_id, "version": self.profile_version,
                        "hash": self.profile_hash},
            "method": self.method,
            "preference": self.preference,
            "denominator": self.denominator,
            "caveats": [c.model_dump(mode="json") for c in self.caveats],
            "results": [r.to_dict() for r in self.results],
        }
