"""A cycle's strategy text (introduction, conclusion, generic instruments) as a versioned
document: one per cycle, key ``strategy-text``."""

from __future__ import annotations

from weerbaar.domain import StrategyText
from weerbaar.domain.strategy_text import STRATEGY_TEXT_KEY
from weerbaar.store.documents import DocumentKind
from weerbaar.store.schema import strategy_texts

STRATEGY_TEXT: DocumentKind[StrategyText] = DocumentKind(
    table=strategy_texts, entity="strategy_text", model=StrategyText,
    key_of=lambda _text: STRATEGY_TEXT_KEY)

__all__ = ["STRATEGY_TEXT"]
