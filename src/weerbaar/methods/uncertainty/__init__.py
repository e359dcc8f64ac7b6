"""Uncertainty, sensitivity and rank robustness of scenario assessments (numpy only).

The engine is configured once (:class:`UncertaintyAnalysis`) and then applied to scenarios; work
is split into pure tasks that an :class:`Executor` runs (here, or on Dask through
``weerbaar.compute``). See docs/method.md, section "Uncertainty".
"""

from weerbaar.methods.uncertainty.analysis import Marginals, UncertaintyAnalysis
from weerbaar.methods.uncertainty.cdf import Cdf, mix
from weerbaar.methods.uncertainty.distributions import ClassValueMap, Shape
from weerbaar.methods.uncertainty.engine import Executor, LocalExecutor, Progress
from weerbaar.methods.uncertainty.opinions import Disagreement
from weerbaar.methods.uncertainty.results import (
    RankSummary,
    ScenarioUncertainty,
    UncertaintyResult,
)

__all__ = [
    "Cdf",
    "ClassValueMap",
    "Disagreement",
    "Executor",
    "LocalExecutor",
    "Marginals",
    "Progress",
    "RankSummary",
    "ScenarioUncertainty",
    "Shape",
    "UncertaintyAnalysis",
    "UncertaintyResult",
    "mix",
]
