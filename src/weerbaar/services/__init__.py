"""Use cases shared by the CLI and (later) the web application."""

from weerbaar.services.analysis import AnalysisRun, run_analysis
from weerbaar.services.assessment import AssessmentRun, run_assessment

__all__ = ["AnalysisRun", "AssessmentRun", "run_analysis", "run_assessment"]
