"""One translation mechanism: the gettext catalogues of weerbaar.i18n hold the fixed text of the
web pages, the command line, the charts and the reports; an unknown language is refused."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import weerbaar
from weerbaar.errors import InvalidInput
from weerbaar.i18n import catalogue_text, check_language, labels, texts

SRC = Path(weerbaar.__file__).parent


def _catalogue(lang: str) -> dict[str, str]:
    catalog = read_po(io.StringIO(catalogue_text(lang)), locale=lang)  # type: ignore[arg-type]
    return {str(m.id): str(m.string) for m in catalog if m.id}


def _template_messages() -> set[str]:
    found = set()
    for path in (SRC / "web" / "templates").glob("*.html"):
        found |= set(re.findall(r'_\("((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8")))
    return found


def _chart_messages() -> set[str]:
    from weerbaar.reports import cascade_charts, diagram, uncertainty_charts

    return {m for module in (diagram, cascade_charts, uncertainty_charts)
            for m in module.MESSAGES.values()}


def test_every_message_of_pages_and_charts_has_a_dutch_translation() -> None:
    dutch = _catalogue("nl")
    wanted = _template_messages() | _chart_messages()
    assert len(wanted) > 100
    missing = sorted(m for m in wanted if not dutch.get(m))
    assert not missing, missing


def test_no_module_keeps_its_own_table_of_translations() -> None:
    for path in SRC.rglob("*.py"):
        if "i18n" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert "dict[Language, dict[str, str]]" not in source, path
        assert not re.search(r"TEXTS: dict\[str, tuple\[str, str\]\]", source), path


def test_translation_and_fields() -> None:
    assert texts("nl")("Likelihood") == "Waarschijnlijkheid"
    assert texts("en")("Likelihood") == "Likelihood"
    assert texts("nl")("A password needs at least {n} characters.", n=12).count("12") == 1
    assert labels("nl", {"x": "Impact", "y": "Likelihood"})["y"] == "Waarschijnlijkheid"


@pytest.mark.parametrize("value", ["de", "NL", "english", " nl"])
def test_an_unknown_language_is_refused_naming_where(value: str) -> None:
    with pytest.raises(InvalidInput, match="unknown language") as caught:
        check_language(value, "lang")
    assert caught.value.location == ["lang"]


def test_a_missing_language_takes_the_default() -> None:
    assert check_language(None) == "en" and check_language("", default="nl") == "nl"
    assert check_language("nl") == "nl"
