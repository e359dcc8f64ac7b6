"""Fixed text in Dutch and English from gettext catalogues: one mechanism for the web pages, the
command line, the charts and the reports.

The catalogues are ``weerbaar/i18n/<lang>/LC_MESSAGES/weerbaar.po`` (package data); message ids
are the English text. They are read with Babel at run time (no compile step at build time) and
turned into a :class:`gettext.GNUTranslations` object in memory, cached per language, so
``gettext``, ``ngettext`` and ``pgettext`` behave exactly as with compiled ``.mo`` files.

Only fixed text (headings, labels, captions, messages) goes through the catalogues; content such
as review texts keeps the language of the data. A language must be one of :data:`LANGUAGES`:
:func:`check_language` refuses any other, naming where it was given.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from weerbaar.domain import LANGUAGES, Language
from weerbaar.errors import InvalidInput

DOMAIN = "weerbaar"


def check_language(value: str | None, location: str = "lang",
                   default: Language = "en") -> Language:
    """``value`` as a language (``default`` when not given); an unknown one is refused, never
    replaced silently."""
    if value is None or value == "":
        return default
    for known in LANGUAGES:
        if value == known:
            return known
    raise InvalidInput(f"unknown language {value!r}", location=[location],
                       expected=" or ".join(LANGUAGES))


def catalogue_text(lang: Language) -> str:
    """The ``.po`` source of a language's catalogue."""
    path = resources.files("weerbaar.i18n") / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    return path.read_text(encoding="utf-8")


@cache
def translations(lang: Language) -> gettext.NullTranslations:
    """The translations of ``lang`` (English message ids fall back to themselves)."""
    catalog = read_po(io.StringIO(catalogue_text(lang)), locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Texts:
    """Short access to one language's fixed texts: ``t("Annex")``, ``t.n("scenario", ...)``."""

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang
        self._t = translations(lang)

    def __call__(self, message: str, **values: object) -> str:
        """The translation of ``message``, with ``{name}`` fields filled from ``values``."""
        text = self._t.gettext(message)
        return text.format(**values) if values else text

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._t.pgettext(context, message)


@cache
def texts(lang: Language) -> Texts:
    """The (shared) :class:`Texts` of a language."""
    return Texts(lang)


def labels(lang: Language, messages: Mapping[str, str]) -> dict[str, str]:
    """``messages`` (key: English message id) translated into ``lang``."""
    t = texts(lang)
    return {key: t.gettext(message) for key, message in messages.items()}


__all__ = ["DOMAIN", "Texts", "catalogue_text", "check_language", "labels", "texts",
           "translations"]
