"""Typed models of the strategy cycle. No I/O, no web, database or report library."""

from weerbaar.domain.access import (
    ALL_CYCLES,
    ExpertSession,
    Role,
    SessionStatus,
    Submission,
    User,
)
from weerbaar.domain.classification import DEFAULT_LEVELS, ClassificationScheme
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
from weerbaar.domain.scope import Scope
from weerbaar.domain.scores import (
    BOUNDS,
    Bound,
    Conversion,
    CriterionScore,
    LikelihoodScore,
    ScenarioType,
    ScoreRange,
)
from weerbaar.domain.signal import Horizon, Signal, SignalStatus
from weerbaar.domain.strategy_text import DocumentChapter, GenericInstrument, StrategyText
from weerbaar.domain.text import LANGUAGES, Language, LocalText, Provenance, Status, weakest
from weerbaar.domain.threat_level import ThreatLevel, ThreatLevelEntry, ThreatLevelHistory

__all__ = [
    "ALL_CYCLES",
    "BOUNDS",
    "DEFAULT_LEVELS",
    "LANGUAGES",
    "Answer",
    "Bound",
    "CapabilityType",
    "ClassificationScheme",
    "Conversion",
    "CriterionScore",
    "Cycle",
    "CycleKind",
    "CycleStatus",
    "DocumentChapter",
    "EvidenceKind",
    "EvidenceLink",
    "ExpertScore",
    "ExpertSession",
    "GenericInstrument",
    "Horizon",
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
    "Role",
    "Scenario",
    "ScenarioType",
    "Scope",
    "ScoreRange",
    "SessionStatus",
    "Signal",
    "SignalStatus",
    "Status",
    "StrategyText",
    "Submission",
    "Theme",
    "ThemeKind",
    "ThemeReview",
    "ThreatLevel",
    "ThreatLevelEntry",
    "ThreatLevelHistory",
    "User",
    "Verdict",
    "Workspace",
    "suggested_verdict",
    "weakest",
]
