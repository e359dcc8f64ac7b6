"""Known answers of every cascade model on small graphs computed by hand (in the comments)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from weerbaar.cascade import (
    CascadeGraph,
    CombinationRule,
    Propagation,
    criticality,
    dynamic_iim,
    spectral_radius,
    static_iim,
    time_to_impact,
)
from weerbaar.cascade import iim as iim_module
from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess
from weerbaar.errors import InvalidInput, MethodError


def graph(edges: list[tuple[str, str, float, float, float]] | list[dict], *ids: str,
          processes: tuple[VitalProcess, ...] = ()) -> CascadeGraph:
    """Edges (supplier, dependent, strength, buffer low, buffer high) or Dependency fields."""
    deps = []
    for e in edges:
        if isinstance(e, dict):
            deps.append(Dependency(**e))
        else:
            s, d, strength, low, high = e
            deps.append(Dependency(supplier=s, dependent=d, strength=strength,
                                   buffer_hours_low=low, buffer_hours_high=high))
    procs = processes or tuple(VitalProcess(id=i, name={"en": i.upper()}) for i in ids)
    return CascadeGraph.from_catalogue(VitalCatalogue(processes=procs, dependencies=tuple(deps)))


# a → b (buffer 2), b → c (3), a → c (10), c → d (1); all strength 5.
CHAIN = [("a", "b", 5, 2, 4), ("b", "c", 5, 3, 3), ("a", "c", 5, 10, 12), ("c", "d", 5, 1, 8)]


def hours(g: CascadeGraph, t: np.ndarray) -> dict[str, float]:
    return {g.ids[i]: float(t[i]) for i in range(g.n)}


def test_time_to_impact_known_answers() -> None:
    g = graph(CHAIN, "a", "b", "c", "d")
    # from a: T_b = 0 + 2; T_c = min(2 + 3, 0 + 10) = 5 (via b); T_d = 5 + 1 = 6
    t = time_to_impact(g, g.indices(["a"]))
    assert hours(g, t.hours) == {"a": 0, "b": 2, "c": 5, "d": 6}
    assert [g.ids[i] for i in t.path(g.index_of("d"))] == ["a", "b", "c", "d"]
    # two outages at once (multi-source): a and c → T_d = 0 + 1, T_b = 2
    t = time_to_impact(g, g.indices(["a", "c"]))
    assert hours(g, t.hours) == {"a": 0, "b": 2, "c": 0, "d": 1}
    assert g.ids[t.via[g.index_of("d")]] == "c" and t.origin[g.index_of("d")] == g.index_of("c")
    # high buffers: T_b = 4, T_c = min(4 + 3, 12) = 7, T_d = 7 + 8 = 15
    t = time_to_impact(g, g.indices(["a"]), buffer="high")
    assert hours(g, t.hours) == {"a": 0, "b": 4, "c": 7, "d": 15}
    # within a 5-hour horizon d (6 h) is not reached
    t = time_to_impact(g, g.indices(["a"]), horizon=5)
    assert hours(g, t.hours) == {"a": 0, "b": 2, "c": 5, "d": np.inf}
    assert t.to_dict()["reached"][-1] == {"id": "c", "hours": 5.0, "via": "b",
                                          "path": ["a", "b", "c"]}


def test_weak_dependencies_can_be_left_out() -> None:
    g = graph([("a", "b", 2, 2, 2), ("b", "c", 5, 3, 3), ("a", "c", 5, 10, 10)], "a", "b", "c")
    # with strength >= 3 only, c is reached directly: 10 h; b not at all
    t = time_to_impact(g, g.indices(["a"]), min_strength=3)
    assert hours(g, t.hours) == {"a": 0, "b": np.inf, "c": 10}


def test_stepped_first_impact_matches_time_to_impact_with_whole_hour_buffers() -> None:
    g = graph(CHAIN, "a", "b", "c", "d")
    run = Propagation(hours=8, step=1).run(g, g.indices(["a"]))
    # step onsets, w = 1: b = 1 from t = 2, c from t = 5, d from t = 6 (as T above)
    assert hours(g, run.first) == {"a": 0, "b": 2, "c": 5, "d": 6}
    # lost hours over [0, 8): a 8, b 8 − 2, c 8 − 5, d 8 − 6
    assert hours(g, run.inoperability_hours) == {"a": 8, "b": 6, "c": 3, "d": 2}
    assert run.level is not None and run.level[:, g.index_of("c")].tolist() == [
        0, 0, 0, 0, 0, 1, 1, 1, 1]


def test_no_buffer_acts_one_step_later() -> None:
    g = graph([("a", "b", 5, 0, 0)], "a", "b")
    run = Propagation(hours=3, step=1).run(g, g.indices(["a"]))
    assert run.first[g.index_of("b")] == 1.0  # effects travel one edge per step at the earliest


@pytest.mark.parametrize(("rule", "strengths", "expected"), [
    # c depends on a (w = 4/5 = 0.8) and b (w = 2/5 = 0.4), both out:
    (CombinationRule.NOISY_OR, (4, 2), 1 - (1 - 0.8) * (1 - 0.4)),  # 0.88
    (CombinationRule.CAPPED_SUM, (4, 2), 1.0),  # min(1, 1.2)
    (CombinationRule.CAPPED_SUM, (1, 2), 0.6),  # 0.2 + 0.4
    (CombinationRule.MAX, (4, 2), 0.8),
])
def test_combination_rules(rule: CombinationRule, strengths: tuple[int, int],
                           expected: float) -> None:
    g = graph([("a", "c", strengths[0], 0, 0), ("b", "c", strengths[1], 0, 0)], "a", "b", "c")
    run = Propagation(hours=2, step=1, rule=rule).run(g, g.indices(["a", "b"]))
    assert run.level is not None
    assert run.level[1:, g.index_of("c")] == pytest.approx([expected, expected])
    assert run.peak[g.index_of("c")] == pytest.approx(expected)


def test_linear_onset_ramps_over_the_buffer_range() -> None:
    # buffer 2–6 h, linear: the effect grows from 0 at 2 h to full at 6 h (ramp = 6 − 2 = 4):
    # x_b(t) = clip((t − 2) / 4, 0, 1) → 0, 0, 0, .25, .5, .75, 1, 1
    g = graph([{"supplier": "a", "dependent": "b", "strength": 5, "buffer_hours_low": 2,
                "buffer_hours_high": 6, "onset": "linear"}], "a", "b")
    run = Propagation(hours=7, step=1).run(g, g.indices(["a"]))
    assert run.level is not None
    assert run.level[:, 1] == pytest.approx([0, 0, 0, 0.25, 0.5, 0.75, 1, 1])
    assert run.first[1] == 3.0 and run.inoperability_hours[1] == pytest.approx(2.5)
    # an explicit ramp of 2 h: 0 at 2 h, .5 at 3 h, 1 from 4 h
    g = graph([{"supplier": "a", "dependent": "b", "strength": 5, "buffer_hours_low": 2,
                "buffer_hours_high": 6, "onset": "linear", "ramp_hours": 2}], "a", "b")
    run = Propagation(hours=5, step=1).run(g, g.indices(["a"]))
    assert run.level is not None and run.level[:, 1] == pytest.approx([0, 0, 0, 0.5, 1, 1])


def test_recovery_after_the_supplier_returns() -> None:
    # a is out for 4 h (restored at t = 4); b depends on a with no buffer.
    # b is hit one step later (t = 1) and comes back 3 h (recovery) after a: at t = 7.
    g = graph([{"supplier": "a", "dependent": "b", "strength": 5, "buffer_hours_low": 0,
                "buffer_hours_high": 0, "recovery_hours": 3}], "a", "b")
    run = Propagation(hours=10, step=1, restore_after=4).run(g, g.indices(["a"]))
    assert run.level is not None
    assert run.level[:, 0].tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
    assert run.level[:, 1].tolist() == [0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    # without a recovery lag b follows a one step later: back at t = 5
    g = graph([("a", "b", 5, 0, 0)], "a", "b")
    run = Propagation(hours=10, step=1, restore_after=4).run(g, g.indices(["a"]))
    assert run.level is not None and run.level[:, 1].tolist() == [0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    # an outage shorter than the buffer has no effect: a out 2 h, buffer 3 h
    g = graph([("a", "b", 5, 3, 3)], "a", "b")
    run = Propagation(hours=10, step=1, restore_after=2).run(g, g.indices(["a"]))
    assert not np.isfinite(run.first[1])


def test_horizon_must_be_whole_steps() -> None:
    with pytest.raises(InvalidInput, match="whole number of 2-hour steps"):
        Propagation(hours=7, step=2)


# IIM: a → b (strength 2.5: a*_ba = 0.5), b → a (2: a*_ab = 0.4), b → c (5: a*_cb = 1).
IIM_EDGES = [("a", "b", 2.5, 0, 0), ("b", "a", 2, 0, 0), ("b", "c", 5, 0, 0)]


def test_static_iim_known_answer_and_direct_inverse() -> None:
    g = graph(IIM_EDGES, "a", "b", "c")
    r = static_iim(g, g.indices(["a"]))
    # q_a = 0.4 q_b + 1, q_b = 0.5 q_a, q_c = q_b → q_a = 1 / (1 − 0.2) = 1.25, q_b = q_c = .625
    assert r.q == pytest.approx([1.25, 0.625, 0.625])
    # ρ: the {a, b} block [[0, .4], [.5, 0]] has eigenvalues ±√0.2
    assert r.spectral_radius == pytest.approx(np.sqrt(0.2))
    a = np.array([[0, 0.4, 0], [0.5, 0, 0], [0, 1.0, 0]])
    direct = np.linalg.inv(np.eye(3) - a) @ np.array([1.0, 0, 0])
    assert np.allclose(r.q, direct, rtol=0, atol=1e-12)
    assert np.allclose(g.interdependency_matrix().toarray(), a)


def test_static_iim_equals_direct_inverse_on_random_graphs() -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        n = int(rng.integers(3, 9))
        ids = [f"p{i}" for i in range(n)]
        pairs = {(int(a), int(b)) for a, b in rng.integers(0, n, (2 * n, 2)) if a != b}
        edges = [(ids[a], ids[b], float(rng.uniform(0, 1.5)), 0.0, 0.0) for a, b in sorted(pairs)]
        g = graph(edges, *ids)
        c = {0: 1.0, n - 1: 0.3}
        a = g.interdependency_matrix().toarray()
        rho = float(np.abs(np.linalg.eigvals(a)).max())
        assert spectral_radius(g.interdependency_matrix()) == pytest.approx(rho, abs=1e-12)
        if rho >= 1:
            continue
        cvec = np.zeros(n)
        cvec[0], cvec[n - 1] = 1.0, 0.3
        assert np.allclose(static_iim(g, c).q, np.linalg.inv(np.eye(n) - a) @ cvec, atol=1e-10)


def test_dynamic_iim_converges_to_the_static_solution() -> None:
    g = graph(IIM_EDGES, "a", "b", "c")
    static = static_iim(g, g.indices(["a"]))
    r = dynamic_iim(g, g.indices(["a"]), resilience=0.5, steps=400)
    assert r.trajectory is not None
    # first step: q(1) = q(0) + K (A* q(0) + c* − q(0)) = K c* = (0.5, 0, 0)
    assert r.trajectory[1] == pytest.approx([0.5, 0.0, 0.0])
    # second: q(2) = q(1) + K (A* q(1) + c* − q(1)) = (0.5 + 0.5·0.5, 0.5·0.25, 0) = (.75, .125, 0)
    assert r.trajectory[2] == pytest.approx([0.75, 0.125, 0.0])
    assert np.allclose(r.trajectory[-1], static.q, atol=1e-9) and r.converged_at is not None
    per = dynamic_iim(g, g.indices(["a"]), resilience={0: 0.2, 1: 0.9, 2: 1.0}, steps=600)
    assert per.trajectory is not None and np.allclose(per.trajectory[-1], static.q, atol=1e-9)
    # with the perturbation ending after 10 steps, every process recovers toward 0
    rec = dynamic_iim(g, g.indices(["a"]), steps=300, perturb_until=10)
    assert rec.trajectory is not None and np.abs(rec.trajectory[-1]).max() < 1e-9


def test_iim_refuses_a_spectral_radius_of_one_or_more() -> None:
    g = graph([("a", "b", 5, 0, 0), ("b", "a", 5, 0, 0)], "a", "b")  # ρ = 1
    with pytest.raises(MethodError, match=r"spectral radius of A\* is 1 ≥ 1"):
        static_iim(g, g.indices(["a"]))
    g = graph([("a", "b", 4, 0, 0), ("b", "a", 4, 0, 0)], "a", "b")  # ρ = 0.8
    assert static_iim(g, g.indices(["a"])).spectral_radius == pytest.approx(0.8)
    # two feedback loops through a (each 0.8 both ways): ρ = √(0.8² + 0.8²) ≈ 1.131
    g = graph([("a", "b", 4, 0, 0), ("b", "a", 4, 0, 0), ("a", "c", 4, 0, 0),
               ("c", "a", 4, 0, 0)], "a", "b", "c")
    with pytest.raises(MethodError, match=r"spectral radius of A\* is 1.1313\d* ≥ 1"):
        dynamic_iim(g, g.indices(["a"]))


def test_spectral_radius_of_large_components_uses_arpack(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # a ring of 12 with every weight 0.6 (plus a tail): ρ = (0.6^12)^(1/12) = 0.6
    n = 12
    rows = [*((i + 1) % n for i in range(n)), n]
    cols = [*range(n), 0]
    a = sp.csr_array((np.full(n + 1, 0.6), (rows, cols)), shape=(n + 1, n + 1))
    assert spectral_radius(a) == pytest.approx(0.6)
    monkeypatch.setattr(iim_module, "DENSE_LIMIT", 4)
    assert spectral_radius(a) == pytest.approx(0.6, abs=1e-8)
    assert spectral_radius(sp.csr_array((3, 3))) == 0.0


def test_criticality_ordering_on_a_constructed_graph() -> None:
    procs = (VitalProcess(id="p1", name={"en": "P1"}, category="A"),
             VitalProcess(id="p2", name={"en": "P2"}, category="B", serves={"population": 1000}),
             VitalProcess(id="p3", name={"en": "P3"}, category="B"),
             VitalProcess(id="p4", name={"en": "P4"}, category="B"),
             VitalProcess(id="p5", name={"en": "P5"}, category="A", serves={"population": 100}),
             VitalProcess(id="p6", name={"en": "P6"}, category="B"))
    g = graph([("p1", "p2", 5, 0, 0), ("p2", "p3", 5, 0, 0), ("p4", "p5", 5, 0, 0)],
              processes=procs)
    model = Propagation(hours=10, step=1)
    # weights A = 3, B = 1; a process hit k steps after the outage loses 10 − k hours:
    # p1: 3·10 + 9 + 8 = 47; p4: 10 + 3·9 = 37; p5: 30; p2: 10 + 9 = 19; p3: 10; p6: 10
    r = criticality(g, model)
    assert [(row.id, row.weighted_hours) for row in r.rows] == [
        ("p1", 47), ("p4", 37), ("p5", 30), ("p2", 19), ("p3", 10), ("p6", 10)]
    # by processes affected: p1 (3); p4, p2 (2; weighted 37 > 19); then p5, p3, p6
    assert [row.id for row in criticality(g, model, by="processes").rows] == [
        "p1", "p4", "p2", "p5", "p3", "p6"]
    # people-hours: p2 10·1000; p1 9·1000 (p2 hit at 1 h); p5 10·100; p4 9·100
    r = criticality(g, model, by="people")
    assert [(row.id, row.people_hours) for row in r.rows[:4]] == [
        ("p2", 10000), ("p1", 9000), ("p5", 1000), ("p4", 900)]
    assert r.population_known == 2


def test_conditional_dependencies_between_one_pair() -> None:
    deps = (Dependency(supplier="a", dependent="b", strength=5, buffer_hours_low=6,
                       buffer_hours_high=6, conditions={"season": "winter"}),
            Dependency(supplier="a", dependent="b", strength=5, buffer_hours_low=2,
                       buffer_hours_high=2, conditions={"mode": "wet"}))
    catalogue = VitalCatalogue(processes=(VitalProcess(id="a", name={"en": "A"}),
                                          VitalProcess(id="b", name={"en": "B"})),
                               dependencies=deps)
    # conditions left open hold (worst case): both apply and the shorter buffer counts
    g = CascadeGraph.from_catalogue(catalogue)
    assert g.m == 2 and time_to_impact(g, [0]).hours[1] == 2
    # in dry conditions only the winter dependency applies: 6 h
    g = CascadeGraph.from_catalogue(catalogue, conditions={"mode": "dry"})
    assert g.m == 1 and time_to_impact(g, [0]).hours[1] == 6


def _random_arrays(rng: np.random.Generator, n: int, m: int) -> dict[str, np.ndarray]:
    sup = rng.integers(0, n, m)
    dep = (sup + rng.integers(1, n, m)) % n
    return {"supplier": sup, "dependent": dep,
            "strength": rng.integers(0, 6, m).astype(float),
            "buffer_low": rng.integers(0, 20, m) / 2.0}


def test_time_to_impact_matches_networkx_on_random_graphs() -> None:
    nx = pytest.importorskip("networkx")
    rng = np.random.default_rng(12)
    for _ in range(40):
        n = int(rng.integers(2, 30))
        arrays = _random_arrays(rng, n, int(rng.integers(0, 4 * n)))
        g = CascadeGraph.from_arrays(n, **arrays)
        min_strength = float(rng.choice([0.0, 3.0]))
        sources = rng.choice(n, int(rng.integers(1, 3)), replace=False)
        ref = nx.DiGraph()
        ref.add_nodes_from(range(n))
        for a, b, s, w in zip(*arrays.values(), strict=True):
            if s > 0 and s >= min_strength and (not ref.has_edge(a, b) or ref[a][b]["w"] > w):
                ref.add_edge(int(a), int(b), w=float(w))
        expected = nx.multi_source_dijkstra_path_length(ref, set(sources.tolist()), weight="w")
        got = time_to_impact(g, sources, min_strength=min_strength).hours
        assert {i: float(v) for i, v in enumerate(got) if np.isfinite(v)} == expected


def test_stepped_first_impact_equals_the_rounded_shortest_path() -> None:
    # with full strengths and step onsets, the first step at which a process is affected is the
    # shortest path over buffers rounded up to whole steps, at least one step per edge
    rng = np.random.default_rng(4)
    for _ in range(25):
        n = int(rng.integers(2, 25))
        arrays = _random_arrays(rng, n, int(rng.integers(0, 3 * n)))
        arrays["strength"] = np.full(len(arrays["supplier"]), 5.0)
        g = CascadeGraph.from_arrays(n, **arrays)
        rounded = np.maximum(np.ceil(g.buffer_low), 1.0)
        src = rng.choice(n, 1)
        expected = time_to_impact(g, src, buffer=rounded, horizon=30).hours
        first = Propagation(hours=30, step=1).run(g, src, record=False).first
        assert np.array_equal(first, expected)
