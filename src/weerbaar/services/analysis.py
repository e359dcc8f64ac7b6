"""Use case: uncertainty, sensitivity and rank robustness of a workspace (``weerbaar analyse``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from weerbaar.domain import Language, Workspace
from weerbaar.errors import InvalidInput
from weerbaar.i18n import check_language
from weerbaar.methods.profile import Denominator, MethodProfile
from weerbaar.methods.uncertainty import (
    Executor,
    LocalExecutor,
    Shape,
    UncertaintyAnalysis,
    UncertaintyResult,
)
from weerbaar.methods.uncertainty.sensitivity import (
    PreferenceComparison,
    WeightSensitivity,
    compare_preferences,
    sobol_indices,
    weight_sensitivity,
)
from weerbaar.methods.uncertainty.sobol import SobolResult
from weerbaar.services.registry import use_case
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

PhaseProgress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)``; phases: analysis, weights, sobol."""


@dataclass(frozen=True)
class AnalysisRun:
    workspace: Workspace
    profile: MethodProfile
    result: UncertaintyResult
    preferences: PreferenceComparison | None = None
    weights: WeightSensitivity | None = None
    sobol: SobolResult | None = None
    diagrams: dict[str, bytes] = field(default_factory=dict)  # format: uncertainty diagram
    rank_charts: dict[str, bytes] = field(default_factory=dict)  # format: rank chart


def _choice(value: str | None, kind: type[Shape] | type[Denominator], option: str
            ) -> Shape | Denominator | None:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        expected = " or ".join(f"'{v.value}'" for v in kind)
        raise InvalidInput(f"unknown value {value!r}", location=[option], expected=expected) from None


def _serious(value: str | None, profile: MethodProfile) -> float | None:
    if value is None:
        return None
    try:
        return profile.impact.parse(value)
    except ValueError:
        pass
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"{value!r} is not an impact class", location=["serious"],
                           expected=profile.impact.describe_codes()) from None


@contextmanager
def _executor(address: str | None) -> Iterator[Executor]:
    if address is None:
        yield LocalExecutor()
        return
    from weerbaar.compute.dask_backend import DaskExecutor

    with DaskExecutor(address) as executor:
        yield executor


def analyse(
    ws: Workspace,
    profile: MethodProfile,
    *,
    samples: int = 10_000,
    seed: int = 0,
    dask: str | None = None,
    distribution: str | None = None,
    serious: str | None = None,
    preference: str | None = None,
    method: str | None = None,
    denominator: str | None = None,
    experts: bool = True,
    chunk_size: int = 16_384,
    diagrams: Sequence[str] = (),
    rank_charts: Sequence[str] = (),
    sensitivity: bool = False,
    concentration: float = 100.0,
    sobol_samples: int = 4096,
    lang: Language = "en",
    progress: PhaseProgress | None = None,
) -> AnalysisRun:
    """Run the uncertainty analysis of a loaded workspace with the exact profile to use (and,
    if asked, the sensitivity analyses) locally or on Dask (``dask``: ``"local"`` or a scheduler
    address), and draw the charts in the formats asked ("svg", "png")."""
    shape = _choice(distribution, Shape, "distribution")
    rule = _choice(denominator, Denominator, "denominator")
    if concentration <= 0:
        raise InvalidInput("the concentration must be positive", location=["concentration"])
    if samples < 1:
        raise InvalidInput("the number of samples must be positive", location=["samples"])
    analysis = UncertaintyAnalysis(
        samples=samples, seed=seed, distribution=shape if isinstance(shape, Shape) else None,
        serious=_serious(serious, profile), method=method, preference=preference,
        denominator=rule if isinstance(rule, Denominator) else None, experts=experts,
        chunk_size=chunk_size)

    def phase(name: str) -> Callable[[int, int], None] | None:
        if progress is None:
            return None
        report = progress
        return lambda done, total: report(name, done, total)

    prefs = weights = sobol = None
    with _executor(dask) as executor:
        result = analysis.run(ws.scenarios, profile, executor=executor,
                              progress=phase("analysis"))
        if sensitivity:
            prefs = compare_preferences(analysis, ws.scenarios, profile, executor=executor)
            weights = weight_sensitivity(analysis, ws.scenarios, profile,
                                         concentration=concentration, executor=executor,
                                         progress=phase("weights"))
            sobol = sobol_indices(analysis, ws.scenarios, profile, samples=sobol_samples,
                                  executor=executor, progress=phase("sobol"))
    drawn: dict[str, bytes] = {}
    ranks: dict[str, bytes] = {}
    if diagrams or rank_charts:
        from weerbaar.methods.assessment import assess
        from weerbaar.reports.uncertainty_charts import (
            render_rank_chart,
            render_uncertainty_diagram,
        )
        from weerbaar.services.charts import figure_format

        if diagrams:
            assessment = assess(ws.scenarios, profile, method=method,
                                preference=result.preference,
                                denominator=analysis.denominator, title=ws.title)
            drawn = render_uncertainty_diagram(
                result, assessment, profile, ws.themes, lang=lang, title=ws.title,
                formats=tuple(dict.fromkeys(figure_format(d, "diagram") for d in diagrams)))
        if rank_charts:
            ranks = render_rank_chart(
                result, lang=lang,
                formats=tuple(dict.fromkeys(figure_format(d, "rank_chart") for d in rank_charts)))
    return AnalysisRun(workspace=ws, profile=profile, result=result, preferences=prefs,
                       weights=weights, sobol=sobol, diagrams=drawn, rank_charts=ranks)


@use_case
def run_analysis(store: Store | None, viewer: Viewer, workspace: str, *,
                 lang: str = "en", **options: Any) -> AnalysisRun:
    """:func:`analyse` a workspace: a file, ``example:NAME`` or ``cycle:KEY`` (``store`` is
    needed for a cycle only; it is read as the viewer may see it)."""
    from weerbaar.services.assessment import _workspace_of

    ws, profile = _workspace_of(store, viewer, workspace)
    return analyse(ws, profile, lang=check_language(lang), **options)


__all__ = ["AnalysisRun", "PhaseProgress", "analyse", "run_analysis"]
