"""Typed models of the strategy cycle. No I/O, no web, database or report library."""

from weerbaar.domain.cycle import Cycle, CycleKind, CycleStatus
from weerbaar.domain.measure import CapabilityType, Measure, MeasureEffect, MeasureStatus, Phase
from weerbaar.domain.review import (
    Answer,
    EvidenceKind,
    EvidenceLink,
    QuestionAnswer,
    ReviewPart,
    ReviewSection,
    ThemeReview,
    Verdict,
    suggested_verdict,
)
from weerbaar.domain.scale import Level, OrdinalScale
from weerbaar.domain.scenario import ExpertScore, RiskCategory, Scenario, Theme, ThemeKind, Workspace
from weerbaar.domain.scores import (
    BOUNDS,
    Bound,
    Conversion,
    CriterionScore,
    LikelihoodScore,
    ScenarioType,
    ScoreRange,
)
from weerbaar.domain.text import LANGUAGES, Language, LocalText, Provenance, Status, weakest

__all__ = [
    "BOUNDS",
    "LANGUAGES",
    "Answer",
    "Bound",
    "CapabilityType",
    "Conversion",
    "CriterionScore",
    "Cycle",
    "CycleKind",
    "CycleStatus",
    "EvidenceKind",
    "EvidenceLink",
    "ExpertScore",
    "Language",
    "Level",
    "LikelihoodScore",
    "LocalText",
    "Measure",
    "MeasureEffect",
    "MeasureStatus",
    "OrdinalScale",
    "Phase",
    "Provenance",
    "QuestionAnswer",
    "ReviewPart",
    "ReviewSection",
    "RiskCategory",
    "Scenario",
    "ScenarioType",
    "ScoreRange",
    "Status",
    "Theme",
    "ThemeKind",
    "ThemeReview",
    "Verdict",
    "Workspace",
    "suggested_verdict",
    "weakest",
]
