"""Monte Carlo over buffer times: known answers, reproducible by seed, chunking and Dask."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from weerbaar.cascade import CascadeGraph, Ensemble, Propagation
from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess
from weerbaar.io.vital_files import dutch_catalogue


def two_nodes(low: float, high: float) -> CascadeGraph:
    return CascadeGraph.from_catalogue(VitalCatalogue(
        processes=(VitalProcess(id="a", name={"en": "A"}), VitalProcess(id="b", name={"en": "B"})),
        dependencies=(Dependency(supplier="a", dependent="b", strength=5, buffer_hours_low=low,
                                 buffer_hours_high=high),)))


@pytest.mark.parametrize("distribution", ["uniform", "triangular"])
def test_time_to_impact_follows_the_buffer_distribution(distribution: str) -> None:
    # T_b = τ with τ ~ U(2, 4) (or triangular on [2, 4], mode 3): mean 3, all within [2, 4];
    # the stepped run loses 12 − ceil(τ) hours of b over a 12-hour horizon
    g = two_nodes(2, 4)
    result = Ensemble(runs=2000, seed=11, distribution=distribution,  # type: ignore[arg-type]
                      propagation=Propagation(hours=12)).run(g, [0])
    t = result.impact_hours[:, 1]
    assert t.min() >= 2 and t.max() <= 4 and abs(t.mean() - 3.0) < 0.1
    assert np.array_equal(result.inoperability_hours[:, 1], 12 - np.ceil(t))
    assert result.p_impact().tolist() == [1.0, 1.0]
    if distribution == "triangular":
        assert abs(np.mean(np.abs(t - 3) < 0.5) - 0.75) < 0.05  # P(|τ − 3| < 0.5) = 3/4


def test_a_horizon_shorter_than_the_buffer_gives_partial_impact() -> None:
    # τ ~ U(0, 10), horizon 5 h: P(reached) = 5/10
    result = Ensemble(runs=4000, seed=2, propagation=Propagation(hours=5)).run(two_nodes(0, 10),
                                                                             [0])
    assert abs(result.p_impact()[1] - 0.5) < 0.05
    assert result.to_dict()["processes"][1]["impact_hours"]["p95"] is None  # beyond the horizon


def test_same_seed_same_result_for_any_chunking() -> None:
    loaded = dutch_catalogue()
    g = CascadeGraph.from_catalogue(loaded.catalogue)
    one = Ensemble(runs=230, seed=7, chunk_size=50).run(g, g.indices(["1"]))
    two = Ensemble(runs=230, seed=7, chunk_size=1000).run(g, g.indices(["1"]))
    assert np.array_equal(one.impact_hours, two.impact_hours)
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())
    other = Ensemble(runs=230, seed=8).run(g, g.indices(["1"]))
    assert not np.array_equal(one.impact_hours, other.impact_hours)
    payload = one.to_dict()
    assert payload["illustrative"] is True and payload["runs"] == 230


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    pytest.importorskip("distributed")
    from weerbaar.compute.dask_backend import DaskExecutor

    with DaskExecutor("local", workers=2, processes=True) as executor:
        yield executor


def test_dask_gives_the_local_result_bit_for_bit(cluster: object) -> None:
    g = CascadeGraph.from_catalogue(dutch_catalogue().catalogue)
    ensemble = Ensemble(runs=300, seed=5, chunk_size=100)
    progress: list[tuple[int, int]] = []
    remote = ensemble.run(g, g.indices(["1", "9"]), executor=cluster,  # type: ignore[arg-type]
                          progress=lambda d, t: progress.append((d, t)))
    local = ensemble.run(g, g.indices(["1", "9"]))
    assert np.array_equal(remote.impact_hours, local.impact_hours)
    assert np.array_equal(remote.inoperability_hours, local.inoperability_hours)
    assert json.dumps(remote.to_dict()) == json.dumps(local.to_dict())
    assert progress == [(1, 3), (2, 3), (3, 3)]
