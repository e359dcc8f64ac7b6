"""Use case: uncertainty, sensitivity and rank robustness of a workspace (``weerbaar analyse``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from weerbaar.domain import Language, Workspace
from weerbaar.errors import InvalidInput
from weerbaar.io import load_workspace
from weerbaar.methods.profile import Denominator, MethodProfile
from weerbaar.methods.registry import get_profile
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
    files: tuple[Path, ...] = field(default=())


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
        raise InvalidInput(f"{value!r} is not an impact class", location=["--serious"],
                           expected=profile.impact.describe_codes()) from None


@contextmanager
def _executor(address: str | None) -> Iterator[Executor]:
    if address is None:
        yield LocalExecutor()
        return
    from weerbaar.compute.dask_backend import DaskExecutor

    with DaskExecutor(address) as executor:
        yield executor


def run_analysis(
    workspace: str | Path | tuple[Workspace, MethodProfile],
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
    diagrams: Sequence[str | Path] = (),
    rank_charts: Sequence[str | Path] = (),
    sensitivity: bool = False,
    concentration: float = 100.0,
    sobol_samples: int = 4096,
    lang: Language = "en",
    progress: PhaseProgress | None = None,
) -> AnalysisRun:
    """Load a workspace, run the uncertainty analysis (and, if asked, the sensitivity analyses)
    locally or on Dask (``dask``: ``"local"`` or a scheduler address), and write the charts.

    ``workspace`` is a file, ``example:NAME``, or an already loaded workspace with the exact
    profile to use (e.g. a cycle's, as the report service passes it)."""
    if isinstance(workspace, tuple):
        ws, profile = workspace
    else:
        ws = load_workspace(str(workspace))
        profile = get_profile(ws.profile)
    shape = _choice(distribution, Shape, "--distribution")
    rule = _choice(denominator, Denominator, "--denominator")
    if concentration <= 0:
        raise InvalidInput("the concentration must be positive", location=["--concentration"])
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
    written: list[Path] = []
    if diagrams or rank_charts:
        from weerbaar.methods.assessment import assess
        from weerbaar.reports.uncertainty_charts import draw_rank_chart, draw_uncertainty_diagram

        assessment = assess(ws.scenarios, profile, method=method, preference=result.preference,
                            denominator=analysis.denominator, title=ws.title)
        for target in diagrams:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            draw_uncertainty_diagram(result, assessment, profile, ws.themes, path, lang=lang,
                                     title=ws.title)
            written.append(path)
        for target in rank_charts:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            draw_rank_chart(result, path, lang=lang)
            written.append(path)
    return AnalysisRun(workspace=ws, profile=profile, result=result, preferences=prefs,
                       weights=weights, sobol=sobol, files=tuple(written))


__all__ = ["AnalysisRun", "PhaseProgress", "run_analysis"]
