"""Rank distributions by sampling from quantile tables, and exact outranking probabilities.

Scenarios are independent of each other (each has its own judgements), so their joint
distribution is the product of the marginals. Ranks need that joint: each sample draws one
impact per scenario and ranks them. Instead of drawing every criterion (18 draws per scenario and
sample), a sample draws one value per scenario from a **quantile table** of its exact marginal:
M equally likely atoms Q((j + ½)/M), j = 0..M−1 (stratified quantisation, M = 4096).

The atoms of all scenarios are ranked once, globally; a table of integer keys (the dense global
rank of each atom's value) replaces the values, so a sample is: 32 random bits per scenario, one
table look-up, a row sort of integers and a histogram. Where two scenarios can take the same value
(shared point masses), every sample breaks the tie at random with 20 further random bits, so tied
scenarios take each order equally often; otherwise the scenario rides in the key's low bits.
Quantisation moves every scenario's CDF by at most 1/(2M), so a rank probability moves by at most
n/(2M) (a worst-case bound; only scenarios of similar impact contribute). Rank 1 is the highest
impact.

The "A outranks B" probabilities need no sampling at all: for independent A and B,
P(A > B) + ½ P(A = B) = ∫ (F_B(z−) + F_B(z)) / 2 dF_A(z), computed for all pairs at once on a
common grid (trapezoidal in F, exact at point masses, and P(A > B) + P(B > A) = 1 exactly).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from weerbaar.errors import MethodError
from weerbaar.methods.uncertainty.cdf import Cdf
from weerbaar.methods.uncertainty.sampling import (
    BLOCK,
    STREAM_RANKS,
    block_generator,
    block_sizes,
)

FloatArray = NDArray[np.float64]

ATOMS = 4096
PAIR_GRID = 4096
MAX_SCENARIOS = 4096
OWNER_MASK = 0xFFF  # low 12 bits: the atom index when drawn, the scenario in the sort key


@dataclass(frozen=True, eq=False)
class RankTable:
    """Quantile-table keys for rank sampling, ``keys[j, a]`` for atom j of scenario a.

    The key is the dense global rank of the atom's value among all atoms (equal values share a
    rank). When no two scenarios share a value (``ties`` false, the usual case), the scenario is
    packed into the key's low ``owner_bits`` and a sample is a sort of 32-bit keys; otherwise
    every sample breaks ties between equal values at random (64-bit keys).
    """

    keys: NDArray[np.uint32]
    scenarios: int
    atoms: int
    ties: bool
    owner_bits: int


def rank_table(marginals: Sequence[Cdf], atoms: int = ATOMS) -> RankTable:
    """Build the key table from the scenarios' marginal CDFs (values must be ≥ 0)."""
    n = len(marginals)
    if n > MAX_SCENARIOS:
        raise MethodError(f"rank sampling supports up to {MAX_SCENARIOS} scenarios, got {n}")
    if atoms < 2 or atoms > ATOMS or atoms & (atoms - 1):
        raise MethodError(f"the quantile table needs a power of two up to {ATOMS} atoms")
    p = (np.arange(atoms) + 0.5) / atoms
    values = np.stack([m.quantile(p) for m in marginals]) + 0.0  # (n, atoms); -0.0 -> 0.0
    if np.any(values < 0):
        raise MethodError("rank sampling needs non-negative impact scores")
    flat = values.ravel()
    # each scenario's atoms are an ascending run: a stable (merge) sort is fast on them
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    same = ordered[1:] == ordered[:-1]
    owners = order // atoms
    ties = bool(np.any(same & (owners[1:] != owners[:-1])))
    dense = np.empty(n * atoms, dtype=np.uint32)
    dense[order] = np.concatenate([[0], np.cumsum(~same)]).astype(np.uint32)
    owner_bits = max(1, (n - 1).bit_length())
    table = np.ascontiguousarray(dense.reshape(n, atoms).T)  # (atoms, n)
    if not ties and int(table.max(initial=0)) < 2 ** (32 - owner_bits):
        table = (table << np.uint32(owner_bits)) | np.arange(n, dtype=np.uint32)
    else:
        ties = True
    table.flags.writeable = False
    return RankTable(keys=table, scenarios=n, atoms=atoms, ties=ties, owner_bits=owner_bits)


@dataclass(frozen=True)
class RankTask:
    """One chunk of rank sampling: blocks ``first`` up to ``stop`` of ``samples`` in total."""

    seed: int
    samples: int
    first: int
    stop: int


def rank_counts(table: RankTable, task: RankTask) -> NDArray[np.int64]:
    """Counts (scenario × rank − 1) over the chunk's samples.

    Each sample draws 32 random bits per scenario: the low 12 pick the atom; where scenarios can
    tie, the high 20 break ties at random and the low 12 bits of the 64-bit sort key carry the
    scenario.
    """
    n, atoms = table.scenarios, table.atoms
    flat = table.keys.ravel()
    column = np.arange(n, dtype=np.intp)
    owner = np.arange(n, dtype=np.uint32)
    reverse = (n - 1 - np.arange(n)).astype(np.int64)
    pick = np.uint32(atoms - 1)
    high_mask = np.uint32(0xFFFFFFFF ^ OWNER_MASK)
    owner_mask = (1 << table.owner_bits) - 1
    counts = np.zeros(n * n, dtype=np.int64)
    sizes = block_sizes(task.samples)
    # buffers reused by every block: no allocation (and no page faults) in the loop
    index = np.empty((BLOCK, n), dtype=np.intp)
    dense = np.empty((BLOCK, n), dtype=np.uint32)
    keys = np.empty((BLOCK, n), dtype=np.uint64)
    for block in range(task.first, task.stop):
        size = sizes[block]
        idx, den = index[:size], dense[:size]
        bits = block_generator(task.seed, STREAM_RANKS, block).bit_generator
        raw = bits.random_raw((size * n + 1) // 2).view(np.uint32)[: size * n].reshape(size, n)
        np.bitwise_and(raw, pick, out=idx, casting="unsafe")
        idx *= n
        idx += column
        np.take(flat, idx, out=den)
        if table.ties:
            key = keys[:size]
            np.left_shift(den, np.uint64(32), out=key, dtype=np.uint64)
            raw &= high_mask
            raw |= owner
            np.bitwise_or(key, raw, out=key)
            key.sort(axis=1)
            slot = key.view(np.int64)
            slot &= OWNER_MASK
        else:
            den.sort(axis=1)
            den &= np.uint32(owner_mask)
            slot = idx
            np.copyto(slot, den, casting="unsafe")
        slot *= n
        slot += reverse
        counts += np.bincount(slot.ravel(), minlength=n * n)
    return counts.reshape(n, n)


def outranking_matrix(marginals: Sequence[Cdf], to_position: Callable[[FloatArray], FloatArray],
                      to_score: Callable[[FloatArray], FloatArray],
                      grid: int = PAIR_GRID) -> FloatArray:
    """P(row scenario's impact > column's) + ½ P(equal), for all pairs; NaN on the diagonal.

    The common grid is uniform in diagram position (so it resolves the logarithmic scale evenly)
    plus every point mass, with left and right limits, so ties and atoms are exact.
    """
    n = len(marginals)
    lo = min(m.lo for m in marginals)
    hi = max(m.hi for m in marginals)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = to_position(np.array([lo, hi]))
    z = np.zeros(0)
    if np.isfinite(y[1]):
        y_lo = y[0] if np.isfinite(y[0]) else y[1] - 10.0
        z = to_score(np.linspace(max(y_lo, y[1] - 12.0), y[1], grid))
    atoms = np.concatenate([m.atoms() for m in marginals] + [np.array([lo, hi])])
    z = np.unique(np.concatenate([z, atoms, atoms]))
    is_atom = np.isin(z, atoms)
    points = np.repeat(z, np.where(is_atom, 2, 1))
    first_of_pair = np.zeros(len(points), dtype=bool)
    first_of_pair[np.cumsum(np.where(is_atom, 2, 1))[is_atom] - 2] = True
    values = np.empty((n, len(points)))
    at_atom = np.repeat(is_atom, np.where(is_atom, 2, 1))
    atom_points = points[at_atom]
    atom_left = first_of_pair[at_atom]
    for a, m in enumerate(marginals):
        values[a] = m.interp(points)
        values[a, at_atom] = np.where(atom_left, m.left(atom_points), m.right(atom_points))
    step = np.diff(values, axis=1)
    middle = np.ascontiguousarray(((values[:, 1:] + values[:, :-1]) / 2.0).T)
    matrix = step @ middle
    np.fill_diagonal(matrix, np.nan)
    return np.asarray(matrix, dtype=np.float64)


__all__ = ["ATOMS", "RankTable", "RankTask", "outranking_matrix", "rank_counts", "rank_table"]
