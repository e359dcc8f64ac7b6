"""Same seed, same result on a 2-worker Dask LocalCluster as locally — bit for bit."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest
from tests.uncertainty_reference import random_triples, scenario

from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import Denominator
from weerbaar.methods.registry import get_profile
from weerbaar.methods.uncertainty import Shape, UncertaintyAnalysis
from weerbaar.methods.uncertainty.sensitivity import sobol_indices, weight_sensitivity

pytest.importorskip("distributed")

from weerbaar.compute.dask_backend import DaskExecutor


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskExecutor]:
    with DaskExecutor("local", workers=2, processes=True) as executor:
        yield executor


def _scenarios() -> list:  # type: ignore[type-arg]
    gra = get_profile("gra-2019")
    ids = [c.id for c in gra.criteria]
    rng = np.random.default_rng(8)
    out = [scenario(f"s{i}", random_triples(rng, ids), (2.0, 3.0, 4.0)) for i in range(70)]
    out.append(scenario("experts", random_triples(rng, ids), (1.0, 2.0, 3.0),
                        experts=[("a", random_triples(rng, ids[:5]), (2.0, 3.0, 3.0))]))
    return out


@pytest.mark.parametrize(("denominator", "shape"), [(Denominator.ALL, Shape.PERT),
                                                    (Denominator.APPLICABLE, Shape.TRIANGULAR)])
def test_dask_gives_the_local_result_bit_for_bit(cluster: DaskExecutor, denominator: Denominator,
                                                 shape: Shape) -> None:
    gra = get_profile("gra-2019")
    sc = _scenarios()
    samples = 12_000 if denominator is Denominator.ALL else 2_000
    analysis = UncertaintyAnalysis(samples=samples, seed=21, chunk_size=4096,
                                   denominator=denominator, distribution=shape)
    progress: list[tuple[int, int]] = []
    remote = analysis.run(sc, gra, executor=cluster, progress=lambda d, t: progress.append((d, t)))
    local = analysis.run(sc, gra)
    assert json.dumps(remote.to_dict(matrix=True)) == json.dumps(local.to_dict(matrix=True))
    assert progress[-1][0] == progress[-1][1] and len(progress) == progress[-1][1]


def test_dask_sensitivity_matches(cluster: DaskExecutor) -> None:
    gra = get_profile("gra-2019")
    sc = _scenarios()[:20]
    analysis = UncertaintyAnalysis(samples=5000, seed=2, chunk_size=2048)
    assert (json.dumps(weight_sensitivity(analysis, sc, gra, executor=cluster).to_dict())
            == json.dumps(weight_sensitivity(analysis, sc, gra).to_dict()))
    assert (json.dumps(sobol_indices(analysis, sc, gra, samples=1024, executor=cluster).to_dict())
            == json.dumps(sobol_indices(analysis, sc, gra, samples=1024).to_dict()))


def test_unreachable_scheduler_is_an_input_error() -> None:
    with pytest.raises(InvalidInput, match="Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_the_cli_does_not_import_dask() -> None:
    code = "import sys, weerbaar.cli; sys.exit('distributed' in sys.modules or 'dask' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
