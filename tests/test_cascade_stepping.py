"""The compiled time-stepped loop against the vectorised numpy formulation of the same model:
bit for bit equal on random graphs, for every rule, onset, buffer, recovery and restore time."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weerbaar.cascade import CascadeGraph, CombinationRule, Propagation, Timeline
from weerbaar.cascade.propagation import STEP_SLOPE, combine
from weerbaar.errors import InvalidInput


def vectorised(model: Propagation, graph: CascadeGraph, outages: np.ndarray,
               buffers: np.ndarray | None = None) -> Timeline:
    """The model with numpy over all edges at once, step by step (the reference)."""
    src = np.asarray(outages, dtype=np.int64)
    tau = graph.buffers(model.buffer if buffers is None else buffers)
    n, dt, steps, sup = graph.n, model.step, model.steps, graph.supplier
    w = graph.strength / 5.0
    linear = graph.linear & (graph.ramp > 0)
    slope = np.where(linear, 1.0 / np.where(linear, graph.ramp, 1.0), STEP_SLOPE)
    offset = np.where(linear, 0.0, 1.0)
    forced_until = math.inf if model.restore_after is None else model.restore_after
    x = np.zeros(n)
    x[src] = 1.0 if forced_until > 0 else 0.0
    since = np.where(x > 0, 0.0, np.inf)
    held, release = np.zeros(graph.m), np.full(graph.m, -np.inf)
    level = np.empty((steps + 1, n))
    level[0] = x
    first, peak = np.where(x > 0, 0.0, np.inf), x.copy()
    inop, affected = np.zeros(n), np.zeros(n)
    for k in range(1, steps + 1):
        t = k * dt
        inop += x * dt
        affected += (x > 0) * dt
        d = t - since[sup]
        with np.errstate(invalid="ignore", over="ignore"):
            phi = np.clip((d - tau) * slope + offset, 0.0, 1.0)
        on = x[sup] * w * phi
        grow = (on >= held) | (t >= release)
        held = np.where(grow, on, held)
        release = np.where(grow, graph.recovery + t, release)
        x = combine(held, graph, model.rule)
        if t < forced_until:
            x[src] = 1.0
        since = np.where(x > 0, np.minimum(since, t), np.inf)
        first = np.where((x > 0) & ~np.isfinite(first), t, first)
        peak = np.maximum(peak, x)
        level[k] = x
    return Timeline(ids=graph.ids, outages=tuple(src.tolist()), times=np.arange(steps + 1) * dt,
                    level=level, first=first, peak=peak, inoperability_hours=inop,
                    affected_hours=affected)


TIMES = st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 0.1, 0.3, 1 / 3, 4.75, 9.0])


@st.composite
def graphs(draw: st.DrawFn) -> CascadeGraph:
    n = draw(st.integers(2, 14))
    m = draw(st.integers(0, 4 * n))

    def many(strategy: st.SearchStrategy[float]) -> np.ndarray:
        return np.array(draw(st.lists(strategy, min_size=m, max_size=m)), dtype=np.float64)

    sup = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int64)
    shift = np.array(draw(st.lists(st.integers(1, n - 1), min_size=m, max_size=m)),
                     dtype=np.int64)
    low, width = many(TIMES), many(TIMES)
    return CascadeGraph.from_arrays(
        n, supplier=sup, dependent=(sup + shift) % n,
        strength=many(st.sampled_from([0.0, 1.0, 2.5, 4.0, 5.0, 5.0])), buffer_low=low,
        buffer_high=low + width, linear=np.array(draw(st.lists(st.booleans(), min_size=m,
                                                                max_size=m)), dtype=bool),
        recovery=many(TIMES))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.sampled_from(list(CombinationRule)), st.sampled_from(["low", "mid", "high"]),
       st.sampled_from([None, 0.0, 2.0, 3.5]), st.sampled_from([(6.0, 1.0), (9.0, 0.5),
                                                                (4.0, 2.0)]),
       st.integers(0, 2**32 - 1))
def test_compiled_steps_equal_the_vectorised_model(graph: CascadeGraph, rule: CombinationRule,
                                                   buffer: str, restore: float | None,
                                                   horizon: tuple[float, float],
                                                   seed: int) -> None:
    rng = np.random.default_rng(seed)
    outages = rng.choice(graph.n, int(rng.integers(1, 3)), replace=False)
    hours, step = horizon
    model = Propagation(hours=hours, step=step, rule=rule, buffer=buffer,  # type: ignore[arg-type]
                        restore_after=restore)
    got = model.run(graph, outages)
    want = vectorised(model, graph, outages)
    assert got.level is not None and want.level is not None
    assert np.array_equal(got.level, want.level)
    for name in ("first", "peak", "inoperability_hours", "affected_hours"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    summary = model.run(graph, outages, record=False)
    assert summary.level is None and np.array_equal(summary.peak, want.peak)


def test_drawn_buffers_on_a_larger_random_graph() -> None:
    rng = np.random.default_rng(5)
    n, m = 2000, 10000
    sup = rng.integers(0, n, m)
    low = rng.uniform(0.0, 12.0, m)
    graph = CascadeGraph.from_arrays(
        n, supplier=sup, dependent=(sup + rng.integers(1, n, m)) % n,
        strength=rng.integers(1, 6, m).astype(float), buffer_low=low,
        buffer_high=low + rng.uniform(0.0, 24.0, m), linear=rng.random(m) < 0.5,
        recovery=rng.uniform(0.0, 12.0, m))
    tau = rng.uniform(graph.buffer_low, graph.buffer_high)
    outages = rng.choice(n, 10, replace=False)
    for rule in CombinationRule:
        model = Propagation(hours=72, rule=rule, restore_after=24)
        got, want = model.run(graph, outages, buffers=tau), vectorised(model, graph, outages, tau)
        assert got.level is not None and np.array_equal(got.level, want.level)
        assert np.array_equal(got.inoperability_hours, want.inoperability_hours)
        assert 100 < np.isfinite(got.first).sum() <= n


def test_outages_must_be_processes() -> None:
    graph = CascadeGraph.from_arrays(2, supplier=np.array([0]), dependent=np.array([1]),
                                     strength=np.array([5.0]), buffer_low=np.array([1.0]))
    with pytest.raises(InvalidInput, match="not a process"):
        Propagation(hours=2).run(graph, [2])
    with pytest.raises(InvalidInput, match="at least one outage"):
        Propagation(hours=2).run(graph, [])
