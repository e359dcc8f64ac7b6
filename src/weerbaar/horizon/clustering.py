"""Clustering signals into trends, with the number of trends chosen from the data.

Steps (all reproducible from the seed):

1. **Reduce.** Sparse TF-IDF rows are projected on their leading ``components`` singular vectors
   (latent semantic analysis; Deerwester et al. 1990) and scaled back to unit length, so that
   signals that use related words come close even when they share few exact words. Dense
   vectors (sentence embeddings) are only scaled to unit length.
2. **Link.** Average-linkage agglomerative clustering on cosine distance (``1 - cosine``) builds
   the full merge tree. Up to ``exact_limit`` signals the tree is built over the signals
   themselves; above it, the tree is built over a random sample of ``exact_limit`` signals
   (seeded) and every other signal joins the cluster of its most similar sampled signal (the
   sampling scheme of CURE; Guha, Rastogi & Shim 1998). Time and memory stay at n x
   ``exact_limit`` instead of the n² of a full distance matrix; a trend with only a handful of
   signals among very many may fall below ``min_size`` in the sample and be absorbed.
3. **Cut.** With a fixed ``threshold`` the tree is cut where merges exceed that cosine distance.
   Without one (the default) every cut into 2..``max_clusters`` clusters is scored by the mean
   silhouette (Rousseeuw 1987) on cosine distance, over at most ``silhouette_sample`` signals,
   and the *finest* cut whose silhouette is within ``silhouette_tolerance`` (10 %) of the best
   is taken. The best silhouette alone favours coarse splits — in a Dutch and English corpus
   often the split by language, which the generic words of each language support — while an
   analyst wants specific trends. A corpus whose best silhouette stays below
   ``min_silhouette`` has no cluster structure and is one group.
4. **Keep.** Clusters smaller than ``min_size`` are not trends: their signals are *unclustered*
   (label ``-1``). Clusters are numbered by size, largest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize

Vectors: TypeAlias = "sparse.csr_matrix | NDArray[np.floating]"


@dataclass(frozen=True)
class ClusterSettings:
    """How signals are grouped (see the module's description of the four steps)."""

    threshold: float | None = None  # cosine distance cut; None: chosen by silhouette
    min_size: int = 3
    max_clusters: int = 60
    components: int = 100
    exact_limit: int = 2_000
    silhouette_sample: int = 2_000
    silhouette_tolerance: float = 0.1
    min_silhouette: float = 0.05

    def to_dict(self) -> dict[str, object]:
        return {"threshold": self.threshold, "min_size": self.min_size,
                "max_clusters": self.max_clusters, "components": self.components,
                "exact_limit": self.exact_limit, "silhouette_sample": self.silhouette_sample,
                "silhouette_tolerance": self.silhouette_tolerance,
                "min_silhouette": self.min_silhouette}


@dataclass(frozen=True)
class Clustering:
    """The cluster of every signal (``-1``: unclustered) and how the cut was chosen."""

    labels: NDArray[np.int64]
    count: int
    silhouette: float | None
    cut: str  # "silhouette", "threshold" or "single"

    def members(self, cluster: int) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.labels == cluster)]


def reduce(vectors: Vectors, components: int, seed: int) -> NDArray[np.float64]:
    """Unit-length dense vectors: LSA for sparse input, plain scaling for dense input."""
    if sparse.issparse(vectors):
        n, m = vectors.shape
        k = min(components, m - 1, n - 1)
        if k >= 2:
            dense = TruncatedSVD(n_components=k, random_state=seed).fit_transform(vectors)
        else:
            dense = sparse.csr_matrix(vectors).toarray()
    else:
        dense = np.asarray(vectors, dtype=np.float64)
    return np.asarray(normalize(dense), dtype=np.float64)


def cosine_distances(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """``1 - cosine`` between unit vectors, clipped to [0, 2]."""
    return np.asarray(np.clip(1.0 - points @ points.T, 0.0, 2.0), dtype=np.float64)


def silhouette(distance: NDArray[np.float64], labels: NDArray[np.int64]) -> float:
    """Mean silhouette from a distance matrix; singletons count 0 (Rousseeuw 1987)."""
    _, labels = np.unique(labels, return_inverse=True)
    k = int(labels.max()) + 1
    if k < 2:
        return -1.0
    onehot = np.zeros((len(labels), k))
    onehot[np.arange(len(labels)), labels] = 1.0
    sizes = onehot.sum(axis=0)
    sums = distance @ onehot  # distance of each point to every cluster, summed
    own = sizes[labels]
    a = np.where(own > 1, sums[np.arange(len(labels)), labels] / np.maximum(own - 1, 1), 0.0)
    other = sums / sizes
    other[np.arange(len(labels)), labels] = np.inf
    b = other.min(axis=1)
    s = np.where(own > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-12), 0.0)
    return float(s.mean())


def cluster(vectors: Vectors, settings: ClusterSettings = ClusterSettings(), *,
            seed: int = 0) -> Clustering:
    """Group the rows of ``vectors`` (sparse TF-IDF or dense embeddings) into clusters."""
    n = int(vectors.shape[0])
    if n < max(2, settings.min_size):
        return _finish(np.zeros(n, dtype=np.int64), settings, None, "single")
    points = reduce(vectors, settings.components, seed)
    empty = np.linalg.norm(points, axis=1) < 1e-9  # no words left after the stop words
    if empty.any():
        rest = np.flatnonzero(~empty)
        labels = np.full(n, -1, dtype=np.int64)
        if len(rest) < max(2, settings.min_size):
            return Clustering(labels=labels, count=0, silhouette=None, cut="single")
        inner = _cluster_points(points[rest], settings, seed)
        labels[rest] = inner.labels
        return Clustering(labels=labels, count=inner.count, silhouette=inner.silhouette,
                          cut=inner.cut)
    return _cluster_points(points, settings, seed)


def _cluster_points(points: NDArray[np.float64], settings: ClusterSettings,
                    seed: int) -> Clustering:
    n = len(points)
    rng = np.random.default_rng(seed)
    if n > settings.exact_limit:
        chosen = np.sort(rng.choice(n, settings.exact_limit, replace=False))
        centres = points[chosen]
        unit_of = np.empty(n, dtype=np.int64)
        for start in range(0, n, 2_048):  # most similar sampled signal, a block at a time
            unit_of[start:start + 2_048] = np.argmax(points[start:start + 2_048] @ centres.T,
                                                     axis=1)
        unit_of[chosen] = np.arange(len(chosen))
    else:
        centres, unit_of = points, np.arange(n, dtype=np.int64)
    tree = linkage(centres, method="average", metric="cosine")
    sample = (np.sort(rng.choice(n, settings.silhouette_sample, replace=False))
              if n > settings.silhouette_sample else np.arange(n))
    distance = cosine_distances(points[sample])
    if settings.threshold is not None:
        units = fcluster(tree, t=settings.threshold, criterion="distance")
        labels = units[unit_of].astype(np.int64)
        return _finish(labels, settings, silhouette(distance, labels[sample]), "threshold")
    cuts: list[tuple[float, NDArray[np.int64]]] = []
    for k in range(2, min(settings.max_clusters, len(centres)) + 1):
        labels = fcluster(tree, t=k, criterion="maxclust")[unit_of].astype(np.int64)
        cuts.append((silhouette(distance, labels[sample]), labels))
    top = max(score for score, _ in cuts)
    if top < settings.min_silhouette:
        return _finish(np.zeros(n, dtype=np.int64), settings, top, "single")
    score, labels = [cut for cut in cuts
                     if cut[0] >= top * (1 - settings.silhouette_tolerance) - 1e-12][-1]
    return _finish(labels, settings, score, "silhouette")


def _finish(labels: NDArray[np.int64], settings: ClusterSettings, silhouette: float | None,
            cut: str) -> Clustering:
    ids, counts = np.unique(labels, return_counts=True)
    keep = [int(c) for _, c in sorted(
        ((-int(size), int(cid)) for cid, size in zip(ids, counts, strict=True)
         if size >= settings.min_size))]
    number = {cid: i for i, cid in enumerate(keep)}
    out = np.array([number.get(int(v), -1) for v in labels], dtype=np.int64)
    return Clustering(labels=out, count=len(keep), silhouette=silhouette, cut=cut)
