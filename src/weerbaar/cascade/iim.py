"""The inoperability input–output model (IIM), static and dynamic.

Static (Haimes & Jiang 2001): q = A* q + c*, so q = (I − A*)⁻¹ c*, where qⱼ is the inoperability
of process j, c* the initial perturbation (1 for a process that is fully out) and a*ⱼᵢ the
inoperability of j caused by a complete loss of i — here strength/5 of the dependency i → j.
The solution exists and is non-negative for every c* ≥ 0 exactly when the spectral radius
ρ(A*) < 1; the model refuses otherwise (:class:`~weerbaar.errors.MethodError`).

Dynamic (Santos & Haimes 2004; Lian & Haimes 2006): q(t+1) = q(t) + K (A* q(t) + c*(t) − q(t)),
with the diagonal K of resilience coefficients kᵢ ∈ (0, 1]. For a constant c* and ρ(A*) < 1 it
converges to the static solution.

The spectral radius is computed per strongly connected component (the eigenvalues of a matrix
are those of its diagonal blocks in block-triangular form): 0 for components without a cycle,
``numpy.linalg.eigvals`` for small ones, ``scipy.sparse.linalg.eigs`` for large ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import ArpackNoConvergence, eigs, spsolve

from weerbaar.cascade.graph import CascadeGraph, FloatArray
from weerbaar.errors import InvalidInput, MethodError

DENSE_LIMIT = 1500  # components up to this size use dense eigenvalues


def spectral_radius(matrix: sp.sparray | sp.spmatrix | FloatArray) -> float:
    """ρ(A): the largest absolute eigenvalue of a square matrix."""
    a = sp.csr_array(matrix)
    n = a.shape[0]
    if n == 0:
        return 0.0
    diag = np.abs(a.diagonal())
    rho = float(diag.max(initial=0.0))
    count, labels = connected_components(a, directed=True, connection="strong")
    if count == n:  # no cycles: triangular after permutation, eigenvalues are the diagonal
        return rho
    sizes = np.bincount(labels)
    for comp in np.flatnonzero(sizes > 1):
        members = np.flatnonzero(labels == comp)
        block = a[members][:, members]
        if len(members) <= DENSE_LIMIT:
            values = np.linalg.eigvals(block.toarray())
            rho = max(rho, float(np.abs(values).max()))
            continue
        try:
            values = eigs(block.astype(np.float64), k=1, which="LM", return_eigenvectors=False,
                          maxiter=max(1000, 20 * len(members)), tol=1e-10)
            rho = max(rho, float(np.abs(values).max()))
        except ArpackNoConvergence as exc:  # pragma: no cover - rare on these matrices
            raise MethodError(f"the spectral radius of a component of {len(members)} processes "
                              "did not converge") from exc
    return rho


def _require_stable(rho: float) -> None:
    if rho >= 1.0:
        raise MethodError(
            f"the spectral radius of A* is {rho:.6g} ≥ 1: the inoperability model "
            "(I − A*)⁻¹ c* has no meaningful (finite, non-negative) solution — the dependencies "
            "amplify each other without bound. Lower the strengths in the feedback loops or the "
            "coupling scale")


def perturbation(graph: CascadeGraph, outages: Sequence[int] | Mapping[int, float]) -> FloatArray:
    """c*: 1 (or the given fraction) for each initially inoperable process."""
    c = np.zeros(graph.n)
    items = outages.items() if isinstance(outages, Mapping) else ((i, 1.0) for i in outages)
    for i, value in items:
        if not 0.0 <= value <= 1.0:
            raise InvalidInput(f"initial inoperability {value:g} of {graph.ids[i]} is outside 0–1")
        c[i] = value
    if not c.any():
        raise InvalidInput("name at least one outage", location=["outages"])
    return c


@dataclass(frozen=True, eq=False)
class IimResult:
    """Static inoperability q per process (and the dynamic path when it was computed)."""

    ids: tuple[str, ...]
    perturbation: FloatArray
    q: FloatArray
    spectral_radius: float
    scale: float
    trajectory: FloatArray | None = None  # (steps + 1) × processes
    converged_at: int | None = None
    resilience: FloatArray | None = None

    def to_dict(self, *, trajectory: bool = False) -> dict[str, Any]:
        order = np.argsort(-self.q, kind="stable")
        out: dict[str, Any] = {
            "model": "inoperability_input_output", "spectral_radius": self.spectral_radius,
            "scale": self.scale,
            "perturbation": {self.ids[i]: float(self.perturbation[i])
                             for i in np.flatnonzero(self.perturbation)},
            "inoperability": [{"id": self.ids[i], "q": float(self.q[i])}
                              for i in order if self.q[i] > 0],
            "exceeds_one": [self.ids[i] for i in np.flatnonzero(self.q > 1.0 + 1e-12)]}
        if self.trajectory is not None:
            out["dynamic"] = {"steps": len(self.trajectory) - 1,
                              "converged_at": self.converged_at,
                              "final": {self.ids[i]: float(self.trajectory[-1, i])
                                        for i in order if self.q[i] > 0}}
            if trajectory:
                out["dynamic"]["trajectory"] = self.trajectory.tolist()
        return out


def static_iim(graph: CascadeGraph, outages: Sequence[int] | Mapping[int, float], *,
               scale: float = 1.0) -> IimResult:
    """q = (I − A*)⁻¹ c*, after checking ρ(A*) < 1."""
    a = graph.interdependency_matrix(scale)
    rho = spectral_radius(a)
    _require_stable(rho)
    c = perturbation(graph, outages)
    system = (sp.identity(graph.n, format="csc") - a.tocsc()).tocsc()
    q = np.asarray(spsolve(system, c), dtype=np.float64).reshape(graph.n)
    return IimResult(ids=graph.ids, perturbation=c, q=q, spectral_radius=rho, scale=scale)


def dynamic_iim(graph: CascadeGraph, outages: Sequence[int] | Mapping[int, float], *,
                resilience: float | Mapping[int, float] = 0.5, steps: int = 200,
                scale: float = 1.0, tolerance: float = 1e-10,
                perturb_until: int | None = None) -> IimResult:
    """q(t+1) = q(t) + K (A* q(t) + c* − q(t)) from q(0) = 0, for ``steps`` steps.

    ``resilience`` is k for every process, or per process index (others 0.5).
    ``perturb_until``: the perturbation c* holds for that many steps, then 0 (recovery).
    ``converged_at`` is the first step after which q moved less than ``tolerance``.
    """
    if steps < 1:
        raise InvalidInput("the dynamic model needs at least one step", location=["steps"])
    static = static_iim(graph, outages, scale=scale)
    k = np.full(graph.n, 0.5)
    if isinstance(resilience, Mapping):
        for i, v in resilience.items():
            k[i] = v
    else:
        k[:] = resilience
    if np.any((k <= 0) | (k > 1)):
        raise InvalidInput("resilience coefficients must lie in (0, 1]", location=["resilience"])
    a = graph.interdependency_matrix(scale)
    q = np.zeros(graph.n)
    path = np.empty((steps + 1, graph.n))
    path[0] = q
    converged: int | None = None
    for t in range(steps):
        c = static.perturbation if perturb_until is None or t < perturb_until else 0.0
        new = q + k * (a @ q + c - q)
        if converged is None and float(np.max(np.abs(new - q), initial=0.0)) < tolerance:
            converged = t + 1
        q = new
        path[t + 1] = q
    return IimResult(ids=graph.ids, perturbation=static.perturbation, q=static.q,
                     spectral_radius=static.spectral_radius, scale=scale, trajectory=path,
                     converged_at=converged, resilience=k)


__all__ = ["IimResult", "dynamic_iim", "perturbation", "spectral_radius", "static_iim"]
