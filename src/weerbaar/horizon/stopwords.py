"""Dutch and English stop-word lists (package data) and a simple language guess.

scikit-learn ships an English list only; signals in this project are Dutch and English, and
without Dutch stop words the function words (``de``, ``het``, ``een``) would pull Dutch signals
together by language instead of by subject. The lists live in ``horizon/stopwords/*.txt``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

LANGUAGES = ("nl", "en")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@cache
def stop_words(language: str) -> frozenset[str]:
    """The stop words of one language (``nl`` or ``en``)."""
    if language not in LANGUAGES:
        raise ValueError(f"no stop-word list for language {language!r}; one of {LANGUAGES}")
    text = (resources.files("weerbaar.horizon") / "stopwords" / f"{language}.txt").read_text(
        encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def combined(languages: tuple[str, ...] = LANGUAGES) -> frozenset[str]:
    """The union of the named lists (the default for mixed Dutch and English corpora)."""
    out: frozenset[str] = frozenset()
    for language in languages:
        out |= stop_words(language)
    return out


def guess_language(text: str, *, minimum: int = 2) -> str | None:
    """``nl`` or ``en`` by which list covers more of the text's words; None when unclear.

    Counts words that are stop words of one language only; needs at least ``minimum`` of them
    and a clear majority. Good enough to tag a signal, not a language identifier.
    """
    nl, en = stop_words("nl"), stop_words("en")
    only_nl = only_en = 0
    for word in _WORD.findall(text.lower()):
        in_nl, in_en = word in nl, word in en
        only_nl += in_nl and not in_en
        only_en += in_en and not in_nl
    if max(only_nl, only_en) < minimum or only_nl == only_en:
        return None
    return "nl" if only_nl > only_en else "en"
