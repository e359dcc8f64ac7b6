"""Use cases shared by the CLI and (later) the web application."""

from weerbaar.services.assessment import AssessmentRun, run_assessment

__all__ = ["AssessmentRun", "run_assessment"]
