"""Text features of signals: TF-IDF with Dutch and English stop words (the default).

Each signal's title and summary become one row of a sparse matrix: term frequency (sublinear,
``1 + log tf``) times inverse document frequency (smoothed, ``ln((1 + n) / (1 + df)) + 1``),
each row scaled to unit length so that a dot product is the cosine similarity (scikit-learn's
``TfidfVectorizer``; Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, ch. 6).
Accents are folded (``beïnvloeding`` = ``beinvloeding``), words of at least two letters are
kept, and the stop words of the configured languages are dropped.

Sentence embeddings are the optional alternative (``weerbaar.horizon.embeddings``); the TF-IDF
matrix is still computed then, for near-duplicates and for the trends' top terms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from weerbaar.horizon.stopwords import LANGUAGES, combined

TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"  # a letter, then letters or digits: 2+ characters


@dataclass(frozen=True)
class TextSettings:
    """How texts become TF-IDF vectors.

    ``languages``: whose stop words to drop (default Dutch and English; ``()`` keeps all words).
    ``ngram_max``: 1 for single words, 2 to add word pairs. ``min_df``/``max_df``: drop terms
    in fewer documents / in more than that share of documents. ``max_features``: vocabulary cap.
    """

    languages: tuple[str, ...] = LANGUAGES
    ngram_max: int = 1
    min_df: int = 1
    max_df: float = 1.0
    max_features: int | None = 100_000

    def to_dict(self) -> dict[str, object]:
        return {"languages": list(self.languages), "ngram_max": self.ngram_max,
                "min_df": self.min_df, "max_df": self.max_df,
                "max_features": self.max_features}


@dataclass(frozen=True)
class TextFeatures:
    """Unit-length TF-IDF rows (CSR, one per text) and the term of every column."""

    matrix: sparse.csr_matrix
    terms: tuple[str, ...]

    @property
    def size(self) -> int:
        return int(self.matrix.shape[0])

    def top_terms(self, rows: Sequence[int], n: int = 5) -> tuple[str, ...]:
        """The ``n`` terms with the highest mean weight over ``rows`` (ties: alphabetical)."""
        if not rows or not self.terms:
            return ()
        mean = np.asarray(self.matrix[list(rows)].mean(axis=0)).ravel()
        order = sorted(np.flatnonzero(mean), key=lambda j: (-mean[j], self.terms[j]))
        return tuple(self.terms[j] for j in order[:n])


def tfidf(texts: Sequence[str], settings: TextSettings = TextSettings()) -> TextFeatures:
    """TF-IDF features of ``texts`` (an empty vocabulary gives a matrix with no columns)."""
    if not texts:
        return TextFeatures(sparse.csr_matrix((0, 0)), ())
    max_df = settings.max_df if len(texts) * settings.max_df >= 2 else 1.0  # tiny corpora
    vectorizer = TfidfVectorizer(
        lowercase=True, strip_accents="unicode", token_pattern=TOKEN_PATTERN,
        stop_words=sorted(combined(settings.languages)) if settings.languages else None,
        ngram_range=(1, settings.ngram_max), min_df=settings.min_df, max_df=max_df,
        max_features=settings.max_features, sublinear_tf=True, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # empty vocabulary: only stop words, digits or punctuation
        return TextFeatures(sparse.csr_matrix((len(texts), 0), dtype=np.float32), ())
    return TextFeatures(sparse.csr_matrix(matrix), tuple(vectorizer.get_feature_names_out()))
