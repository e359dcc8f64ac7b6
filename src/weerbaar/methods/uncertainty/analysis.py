"""Uncertainty of every scenario's position and rank: configure once, then run on scenarios.

>>> analysis = UncertaintyAnalysis(samples=20_000, seed=1)          # doctest: +SKIP
>>> result = analysis.run(workspace.scenarios, get_profile("gra-2019"))  # doctest: +SKIP

Per scenario: percentiles of the impact and likelihood positions, P(impact ≥ serious), the rank
distribution; over all scenarios the matrix of "A outranks B" probabilities. How (see
docs/method.md, "Uncertainty"): exact marginal distributions per scenario (convolution of the
criteria for the weighted sum, product for the highest class; a mixture over the judgements where
experts scored separately), outranking probabilities exactly from those marginals, and ranks by
sampling one value per scenario from quantile tables, in seeded blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from weerbaar.domain import Scenario
from weerbaar.errors import InvalidInput, MethodError
from weerbaar.methods.aggregation import WeightedSum, preference_weights
from weerbaar.methods.assessment import assess
from weerbaar.methods.profile import (
    AggregationMethodId,
    Denominator,
    MethodProfile,
    UncertaintySpec,
)
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.cdf import Cdf, mix
from weerbaar.methods.uncertainty.distributions import Shape
from weerbaar.methods.uncertainty.engine import (
    Executor,
    ImpactModel,
    ImpactTask,
    LocalExecutor,
    Progress,
    batch_size,
    impact_cdfs,
    impact_tasks,
)
from weerbaar.methods.uncertainty.exact import FFT_SIZE, criterion_cdf
from weerbaar.methods.uncertainty.opinions import Judgements, disagreement, judgements
from weerbaar.methods.uncertainty.ranks import (
    ATOMS,
    RankTask,
    outranking_matrix,
    rank_counts,
    rank_table,
)
from weerbaar.methods.uncertainty.results import (
    RankSummary,
    ScenarioUncertainty,
    UncertaintyResult,
)
from weerbaar.methods.uncertainty.sampling import chunk_plan

FloatArray = NDArray[np.float64]

SERIOUS_TOLERANCE = 1e-9  # the same tolerance the class of a position uses


@dataclass(frozen=True, eq=False)
class Marginals:
    """Exact (or sampled) distributions per scenario, before ranks are sampled.

    ``impact[i]`` is a CDF of the aggregated score (S for the weighted sum, the position for the
    highest class), ``None`` when every criterion is certainly X; ``likelihood[i]`` a CDF of the
    likelihood position, ``None`` when unscored.
    """

    assessment: Assessment
    model: ImpactModel
    judgements: Judgements
    impact: tuple[Cdf | None, ...]
    likelihood: tuple[Cdf | None, ...]
    impact_points: FloatArray  # deterministic score of every judgement
    serious: float
    serious_class: str

    def positions(self, scores: FloatArray) -> FloatArray:
        """Diagram positions of scores, exactly as the deterministic method computes them."""
        if self.model.method is AggregationMethodId.MAX_CLASS:
            return np.asarray(scores, dtype=np.float64)
        ws = WeightedSum(raw_weights=self.model.weights, class_values=self.model.class_values,
                         factor=self.model.factor, denominator=self.model.denominator)
        return ws.positions(np.asarray(scores, dtype=np.float64))

    def p_serious(self, index: int) -> float | None:
        """P(impact position ≥ serious) of scenario ``index``."""
        m = self.impact[index]
        if m is None:
            return None
        threshold = self.model.to_score(np.array(self.serious - SERIOUS_TOLERANCE))
        return float(1.0 - m.left(threshold))

    def outranking(self) -> FloatArray:
        """P(row outranks column) for all pairs (scenarios without impact score 0)."""
        cdfs = [m if m is not None else Cdf.point(0.0) for m in self.impact]
        return outranking_matrix(cdfs, self.model.to_position, self.model.to_score)


@dataclass(frozen=True)
class UncertaintyAnalysis:
    """Monte Carlo propagation of EV/LL/UL scores through the aggregation (configured once).

    ``samples`` and ``seed`` drive the rank distribution (and the sampled marginals of the
    ``applicable`` rule); the same seed gives bit-identical results for any ``chunk_size`` and on
    any executor. ``distribution`` and ``serious`` (a position; 3 = class C) default to the
    profile's ``uncertainty`` section. ``experts`` pools the individual experts' scores with the
    agreed ones; ``disagreement_threshold`` (classes) flags scenarios whose judgements lie apart.
    """

    samples: int = 10_000
    seed: int = 0
    distribution: Shape | None = None
    serious: float | None = None
    percentiles: tuple[float, ...] = (5.0, 50.0, 95.0)
    method: str | None = None
    preference: str | None = None
    denominator: Denominator | None = None
    experts: bool = True
    disagreement_threshold: float = 1.0
    chunk_size: int = 16_384
    atoms: int = ATOMS
    fft_size: int = FFT_SIZE

    def __post_init__(self) -> None:
        if self.samples < 1:
            raise InvalidInput("the number of samples must be at least 1", location=["samples"])
        if self.chunk_size < 1:
            raise InvalidInput("the chunk size must be at least 1", location=["chunk_size"])
        if not 0 <= self.seed < 2**63:
            raise InvalidInput("the seed must be a non-negative integer", location=["seed"])
        if any(not 0.0 < p < 100.0 for p in self.percentiles):
            raise InvalidInput("percentiles must lie strictly between 0 and 100")

    # -- configuration -------------------------------------------------------------------------
    def serious_cut(self, profile: MethodProfile) -> tuple[float, str]:
        """The serious cut as a position and class code (run setting, else the profile's)."""
        scale = profile.impact
        if self.serious is not None:
            position = float(self.serious)
        else:
            spec = profile.uncertainty or UncertaintySpec()
            position = scale.parse(spec.serious) if spec.serious in scale.codes else 3.0
        if not scale.lowest <= position <= scale.highest:
            raise InvalidInput(f"the serious cut {position:g} lies outside the impact scale",
                               location=["serious"], expected=scale.describe_codes())
        return position, scale.code(position)

    def _model(self, profile: MethodProfile, assessment: Assessment) -> ImpactModel:
        method = AggregationMethodId(assessment.method)
        spec = profile.uncertainty or UncertaintySpec()
        shape = self.distribution or Shape(spec.distribution)
        if method is AggregationMethodId.WEIGHTED_SUM:
            ws = WeightedSum.from_profile(profile, assessment.preference, self.denominator)
            return ImpactModel(method=method, weights=ws.weights, class_values=ws.class_values,
                               factor=ws.factor, denominator=ws.denominator, shape=shape,
                               fft_size=self.fft_size)
        weights = preference_weights(profile, profile.preference(assessment.preference))
        return ImpactModel(method=method, weights=weights,
                           class_values=np.arange(profile.impact.highest + 1, dtype=float),
                           factor=1.0, denominator=Denominator.ALL, shape=shape,
                           fft_size=self.fft_size)

    # -- marginals -----------------------------------------------------------------------------
    def prepare(self, scenarios: Sequence[Scenario], profile: MethodProfile
                ) -> tuple[Assessment, ImpactModel, Judgements, FloatArray, list[ImpactTask]]:
        """The deterministic assessment, the impact model, the judgements, their deterministic
        scores and the impact tasks of a run."""
        assessment = assess(scenarios, profile, method=self.method, preference=self.preference,
                            denominator=self.denominator)
        model = self._model(profile, assessment)
        js = judgements(scenarios, profile, experts=self.experts)
        points = self._points(js, profile, assessment, model)
        tasks = impact_tasks(model, js.lo, js.mode, js.hi, points, samples=self.samples,
                             seed=self.seed)
        return assessment, model, js, points, tasks

    def marginals(self, scenarios: Sequence[Scenario], profile: MethodProfile, *,
                  executor: Executor | None = None, progress: Progress | None = None,
                  extra_tasks: int = 0) -> Marginals:
        """Distributions of impact and likelihood per scenario (no rank sampling).

        ``progress`` is called after every task with ``extra_tasks`` added to the total (the
        rank chunks that :meth:`run` does next).
        """
        assessment, model, js, points, tasks = self.prepare(scenarios, profile)
        serious, serious_class = self.serious_cut(profile)
        total = len(tasks) + extra_tasks
        rows: list[Cdf] = []
        for done, part in enumerate((executor or LocalExecutor()).map(impact_cdfs, model, tasks)):
            rows.extend(part)
            if progress is not None:
                progress(done + 1, total)
        impact: list[Cdf | None] = []
        likelihood: list[Cdf | None] = []
        for index in range(len(scenarios)):
            own = js.rows_of(index)
            parts = [rows[r] for r in own]
            certain_nothing = all(p.is_point and p.lo <= 0.0 for p in parts)
            impact.append(None if certain_nothing else mix(parts))
            triples = [(float(t[0]), float(t[1]), float(t[2]))
                       for t in js.likelihood[own] if np.isfinite(t[1])]
            likelihood.append(mix([criterion_cdf(model.shape, *t) for t in triples])
                              if triples else None)
        return Marginals(assessment=assessment, model=model, judgements=js, impact=tuple(impact),
                         likelihood=tuple(likelihood), impact_points=points, serious=serious,
                         serious_class=serious_class)

    @staticmethod
    def _points(js: Judgements, profile: MethodProfile, assessment: Assessment,
                model: ImpactModel) -> FloatArray:
        """Deterministic scores per judgement; agreed rows exactly as ``assess()`` computes them."""
        ev = js.mode.astype(np.int_)
        if np.any(ev != js.mode):
            raise MethodError("impact scores must be whole classes")
        scorer = None
        if model.method is AggregationMethodId.WEIGHTED_SUM:
            scorer = WeightedSum.from_profile(profile, assessment.preference,
                                              model.denominator).scores
        points = np.empty(len(ev))
        agreed = js.agreed_rows
        others = np.setdiff1d(np.arange(len(ev)), agreed)
        points[agreed] = model.points(ev[agreed], scorer)
        if len(others):
            points[others] = model.points(ev[others], scorer)
        return points

    # -- the run -------------------------------------------------------------------------------
    def run(self, scenarios: Sequence[Scenario], profile: MethodProfile, *,
            executor: Executor | None = None, progress: Progress | None = None) -> UncertaintyResult:
        """Analyse ``scenarios`` under ``profile``; ``progress(done, total)`` after every task."""
        executor = executor or LocalExecutor()
        plan = chunk_plan(self.samples, self.chunk_size)
        marg = self.marginals(scenarios, profile, executor=executor, progress=progress,
                              extra_tasks=len(plan))
        first = -(-len(marg.judgements.owner) // batch_size(marg.model))
        total = first + len(plan)
        outranking = marg.outranking() if scenarios else np.zeros((0, 0))
        counts = np.zeros((len(scenarios), len(scenarios)), dtype=np.int64)
        if scenarios:
            table = rank_table([m if m is not None else Cdf.point(0.0) for m in marg.impact],
                               self.atoms)
            tasks = [RankTask(seed=self.seed, samples=self.samples, first=a, stop=b)
                     for a, b in plan]
            for done, part in enumerate(executor.map(rank_counts, table, tasks)):
                counts += part
                if progress is not None:
                    progress(first + done + 1, total)
        return self._result(scenarios, profile, marg, outranking, counts)

    def _result(self, scenarios: Sequence[Scenario], profile: MethodProfile, marg: Marginals,
                outranking: FloatArray, counts: NDArray[np.int64]) -> UncertaintyResult:
        a = marg.assessment
        p = np.asarray(self.percentiles) / 100.0
        expected = 1.0 + np.nansum(outranking, axis=0) if len(scenarios) else np.zeros(0)
        out = []
        for index, scenario in enumerate(scenarios):
            r = a.results[index]
            own = marg.judgements.rows_of(index)
            ev_positions = marg.positions(marg.impact_points[own])
            impact = likelihood = None
            if marg.impact[index] is not None:
                q = marg.positions(marg.impact[index].quantile(p))  # type: ignore[union-attr]
                q = np.where(np.isnan(q), profile.impact.lowest - 1.0, q)
                impact = tuple(zip(self.percentiles, (float(v) for v in q), strict=True))
            if marg.likelihood[index] is not None:
                q = marg.likelihood[index].quantile(p)  # type: ignore[union-attr]
                likelihood = tuple(zip(self.percentiles, (float(v) for v in q), strict=True))
            out.append(ScenarioUncertainty(
                id=scenario.id, title=scenario.title, theme=scenario.theme,
                impact=impact, likelihood=likelihood,
                impact_ev=None if r.impact_position is None else r.impact_position.ev,
                likelihood_ev=None if r.likelihood_position is None else r.likelihood_position.ev,
                p_serious=marg.p_serious(index),
                rank=RankSummary.from_counts(counts[index], float(expected[index])),
                disagreement=disagreement(ev_positions, marg.judgements.likelihood[own, 1],
                                          self.disagreement_threshold),
            ))
        return UncertaintyResult(
            profile_id=profile.id, profile_version=profile.version,
            profile_hash=profile.content_hash, method=a.method, preference=a.preference,
            denominator=a.denominator, distribution=marg.model.shape.value,
            serious=marg.serious, serious_class=marg.serious_class, samples=self.samples,
            seed=self.seed, engine="sampled" if marg.model.sampled else "exact",
            percentiles=tuple(float(x) for x in self.percentiles), experts=self.experts,
            scenarios=tuple(out), outranking=outranking, caveats=a.caveats,
        )


__all__ = ["Marginals", "UncertaintyAnalysis"]
