"""Near-duplicate signals: cosine similarity of TF-IDF vectors at or above a threshold.

Two signals are near-duplicates when the cosine similarity of their TF-IDF vectors over words
*and word pairs* (title and summary, stop words removed; ``TextSettings(ngram_max=2)``, see
:mod:`weerbaar.horizon.features`) is at least ``threshold``, default **0.6**. Word pairs make the
measure sensitive to wording: a copy with a dropped or doubled word, other capitalisation or
another source keeps most of its pairs and scores 0.75 and more on the synthetic corpora of the
tests, while distinct signals on the same subject, which share words but hardly any pairs, stay
below 0.45; 0.6 sits between with a margin on both sides. Texts that report the same development
in other words are *not* near-duplicates: they are separate signals that end up in one trend.

The similarities are computed sparse and blockwise — ``block`` query rows at a time against the
earlier rows — so memory stays at one block's non-zeros instead of an n x n dense matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

THRESHOLD = 0.6
BLOCK = 512


@dataclass(frozen=True)
class NearDuplicate:
    """Row ``row`` is a near-duplicate of the earlier row ``match`` (its most similar one)."""

    row: int
    match: int
    similarity: float


def near_duplicates(matrix: sparse.csr_matrix, rows: Sequence[int] | None = None, *,
                    threshold: float = THRESHOLD, block: int = BLOCK) -> list[NearDuplicate]:
    """For each of ``rows`` (default: all), its most similar *earlier* row at or above threshold.

    "Earlier" means a lower row index: put stored signals first and new ones after them, and
    every new signal is compared with all stored signals and with the new ones before it. Rows
    with no match are left out. The matrix rows must be unit length (as :func:`tfidf` gives).
    Ties go to the lowest row index.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    matrix = sparse.csr_matrix(matrix)
    queries = np.arange(matrix.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
    queries = np.sort(queries)
    transposed = matrix.T.tocsc()
    found: list[NearDuplicate] = []
    for start in range(0, len(queries), block):
        chunk = queries[start:start + block]
        limit = int(chunk.max())  # no row can match a row after itself
        sims = sparse.coo_matrix(matrix[chunk] @ transposed[:, :limit])
        keep = (sims.data >= threshold - 1e-6) & (sims.col < chunk[sims.row])
        r, c, v = sims.row[keep], sims.col[keep], sims.data[keep]
        if not len(r):
            continue
        order = np.lexsort((c, -v, r))  # per query row: highest similarity, then lowest column
        r, c, v = r[order], c[order], v[order]
        first = np.ones(len(r), dtype=bool)
        first[1:] = r[1:] != r[:-1]
        found.extend(NearDuplicate(int(chunk[i]), int(j), round(float(s), 4))
                     for i, j, s in zip(r[first], c[first], v[first], strict=True))
    return found
