"""The compiled shortest-path kernel against scipy's Dijkstra and networkx on random graphs:
times bit for bit equal, with ties, zero buffers, parallel and weak edges, several outages,
unreached processes and a horizon that cuts exactly at a label; every route it reports is one
of the shortest."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra

from weerbaar.cascade import CascadeGraph, time_to_impact
from weerbaar.cascade.shortest_path import bucket_width, shortest_times
from weerbaar.errors import InvalidInput

# buffer times with many ties and zeros, a few awkward binary fractions, and values whose sums
# round (0.1 + 0.2 != 0.3): the kernel must form every sum as scipy does
BUFFERS = st.sampled_from([0.0, 0.0, 0.5, 1.0, 1.0, 2.0, 3.0, 0.1, 0.2, 0.3, 1 / 3, 7.25, 12.0])


@st.composite
def graphs(draw: st.DrawFn) -> tuple[CascadeGraph, np.ndarray]:
    n = draw(st.integers(1, 30))
    m = draw(st.integers(0, 4 * n)) if n > 1 else 0
    sup = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int64)
    shift = np.array(draw(st.lists(st.integers(1, max(n - 1, 1)), min_size=m, max_size=m)),
                     dtype=np.int64)
    dep = (sup + shift) % n if n > 1 else sup
    low = np.array(draw(st.lists(BUFFERS, min_size=m, max_size=m)), dtype=np.float64)
    strength = np.array(draw(st.lists(st.integers(0, 5), min_size=m, max_size=m)), dtype=float)
    graph = CascadeGraph.from_arrays(n, supplier=sup, dependent=dep, strength=strength,
                                     buffer_low=low)
    k = draw(st.integers(1, min(n, 4)))
    sources = np.array(draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)))
    return graph, sources  # outages may repeat: counted once


def reference(graph: CascadeGraph, sources: np.ndarray, min_strength: float,
              limit: float) -> np.ndarray:
    mask = (graph.strength > 0) & (graph.strength >= min_strength)
    matrix = graph.supply_matrix(graph.buffer_low, mask)
    return np.asarray(dijkstra(matrix, directed=True, indices=np.unique(sources), min_only=True,
                               limit=limit), dtype=np.float64)


def check_routes(graph: CascadeGraph, sources: np.ndarray, hours: np.ndarray, via: np.ndarray,
                 origin: np.ndarray, min_strength: float) -> None:
    """Every reached process names a supplier on a shortest route, and its chain ends at the
    outage ``origin`` names; outages and unreached processes have none."""
    usable = (graph.strength > 0) & (graph.strength >= min_strength)
    outages = set(sources.tolist())
    for j in range(graph.n):
        if not np.isfinite(hours[j]):
            assert via[j] == -1 and origin[j] == -1
            continue
        if j in outages:
            assert hours[j] == 0 and via[j] == -1 and origin[j] == j
            continue
        i = via[j]
        edges = (graph.supplier == i) & (graph.dependent == j) & usable
        assert edges.any() and (hours[i] + graph.buffer_low[edges] == hours[j]).any()
        chain = [j]
        while via[chain[-1]] >= 0:
            chain.append(int(via[chain[-1]]))
            assert len(chain) <= graph.n
        assert chain[-1] == origin[j] and chain[-1] in outages


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.sampled_from([0.0, 3.0]), st.sampled_from([None, 0.0, 1.0, 2.5, 3.0, 24.0]),
       st.booleans())
def test_times_equal_scipy_bit_for_bit(case: tuple[CascadeGraph, np.ndarray],
                                       min_strength: float, horizon: float | None,
                                       predecessors: bool) -> None:
    graph, sources = case
    limit = math.inf if horizon is None else horizon
    times = time_to_impact(graph, sources, min_strength=min_strength, horizon=horizon,
                           predecessors=predecessors)
    assert np.array_equal(times.hours, reference(graph, sources, min_strength, limit))
    if predecessors:
        check_routes(graph, sources, times.hours, times.via, times.origin, min_strength)
    else:
        assert (times.via == -1).all() and (times.origin == -1).all()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(), st.sampled_from([None, 2.0, 24.0]),
       st.sampled_from([1e-3, 0.05, 1.0, 12.0, 1e6]), st.sampled_from([None, 0, 1, 3, 10]))
def test_every_bucket_width_and_the_heap_give_the_same_times(
        case: tuple[CascadeGraph, np.ndarray], horizon: float | None, longest: float,
        bucket_scans: int | None) -> None:
    # a bucket width far below the buffer times (many buckets), far above them (one bucket:
    # processes scanned repeatedly), and the switch to the binary heap at any point
    graph, sources = case
    _, ptr, dep = graph.supply_edges()
    weights, _ = graph.supply_weights("low")
    usable = graph.supply_usable(0.0)
    limit = math.inf if horizon is None else horizon
    dist, pred, origin = shortest_times(ptr, dep, weights, sources, limit=limit, usable=usable,
                                        longest=longest, predecessors=True,
                                        bucket_scans=bucket_scans)
    assert np.array_equal(dist, reference(graph, sources, 0.0, limit))
    assert pred is not None and origin is not None
    check_routes(graph, sources, dist, pred, origin, 0.0)


def test_matches_networkx_with_a_cutoff_on_a_larger_random_graph() -> None:
    rng = np.random.default_rng(8)
    n, m = 3000, 15000
    sup = rng.integers(0, n, m)
    dep = (sup + rng.integers(1, n, m)) % n
    low = rng.uniform(0.0, 12.0, m)
    graph = CascadeGraph.from_arrays(n, supplier=sup, dependent=dep,
                                     strength=np.full(m, 5.0), buffer_low=low)
    sources = rng.choice(n, 10, replace=False)
    ref = nx.DiGraph()
    ref.add_nodes_from(range(n))
    for a, b, w in zip(sup.tolist(), dep.tolist(), low.tolist(), strict=True):
        if not ref.has_edge(a, b) or ref[a][b]["weight"] > w:
            ref.add_edge(a, b, weight=w)
    expected = nx.multi_source_dijkstra_path_length(ref, set(sources.tolist()), cutoff=20.0)
    got = time_to_impact(graph, sources, horizon=20.0).hours
    assert {j: float(v) for j, v in enumerate(got) if np.isfinite(v)} == expected
    assert 0 < len(expected) < n  # the cutoff leaves some processes unreached


def test_a_label_equal_to_the_horizon_counts_as_reached() -> None:
    graph = CascadeGraph.from_arrays(3, supplier=np.array([0, 1]), dependent=np.array([1, 2]),
                                     strength=np.full(2, 5.0), buffer_low=np.array([0.1, 0.2]))
    at = 0.1 + 0.2  # 0.30000000000000004, not 0.3
    assert time_to_impact(graph, [0], horizon=at).hours[2] == at
    assert time_to_impact(graph, [0], horizon=0.3).hours[2] == np.inf
    assert time_to_impact(graph, [0], horizon=0.0).hours.tolist() == [0.0, np.inf, np.inf]


def test_zero_buffers_parallel_edges_and_weak_edges() -> None:
    # 0 → 1 twice (4 h and 1 h, the second weak), 1 → 2 with no buffer, 2 → 0 (a cycle)
    graph = CascadeGraph.from_arrays(
        4, supplier=np.array([0, 0, 1, 2]), dependent=np.array([1, 1, 2, 0]),
        strength=np.array([5.0, 2.0, 5.0, 5.0]), buffer_low=np.array([4.0, 1.0, 0.0, 0.0]))
    t = time_to_impact(graph, [0])
    assert t.hours.tolist() == [0.0, 1.0, 1.0, np.inf]
    assert t.path(2) == [0, 1, 2] and t.origin[2] == 0
    assert time_to_impact(graph, [0], min_strength=3).hours.tolist() == [0.0, 4.0, 4.0, np.inf]
    # a process that is its own outage and reachable at zero cost from another outage
    both = time_to_impact(graph, [0, 2])
    assert both.hours.tolist() == [0.0, 1.0, 0.0, np.inf] and both.via[0] == -1


def test_outages_and_buffers_are_checked() -> None:
    graph = CascadeGraph.from_arrays(2, supplier=np.array([0]), dependent=np.array([1]),
                                     strength=np.array([5.0]), buffer_low=np.array([1.0]))
    with pytest.raises(InvalidInput, match="not a process"):
        time_to_impact(graph, [2])
    with pytest.raises(InvalidInput, match="not a process"):
        time_to_impact(graph, [-1])
    with pytest.raises(InvalidInput, match="at least one outage"):
        time_to_impact(graph, [])
    with pytest.raises(InvalidInput, match="finite and not negative"):
        time_to_impact(graph, [0], buffer=np.array([-1.0]))
    with pytest.raises(InvalidInput, match="must not be negative"):
        time_to_impact(graph, [0], horizon=-1.0)


def test_bucket_width() -> None:
    assert bucket_width(12.0, 72.0) == (12.0 / 128, 768)
    assert bucket_width(0.0, 72.0) == (72.0, 1)  # zero buffers only: one bucket
    assert bucket_width(5.0, 0.0) == (1.0, 1)  # a horizon of 0
    delta, buckets = bucket_width(1e-9, 1e9)  # capped number of buckets
    assert buckets == 1 << 20 and delta == 1e9 / (1 << 20)


def test_kernels_compile_in_memory_when_no_cache_location_is_writable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import numba

    from weerbaar.cascade import jit

    real = numba.njit

    def njit(*args: object, **options: object) -> object:
        if options.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, **options)

    monkeypatch.setattr(numba, "njit", njit)

    def double(a: np.ndarray) -> np.ndarray:
        return a * 2

    kernel = jit.compiled(double)
    assert kernel(np.arange(3)).tolist() == [0, 2, 4]
