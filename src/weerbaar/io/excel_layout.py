"""The layout of a scoring workbook, shared by the writer and the reader.

A workbook has the sheets ``readme`` (workspace facts and instructions), ``themes`` (one row per
risk category), ``scenarios`` (one row per scenario, four columns per criterion and four for
likelihood), ``experts`` (individual experts' scores) and a hidden ``lists`` sheet with the values
the drop-downs offer. Header texts are fixed English identifiers so a workbook reads the same
whatever the user's language.

Text is stored the way Excel stores it: as a string cell (never a formula), with OOXML's
``_xHHHH_`` escapes for characters XML cannot carry (carriage return, control characters), so any
text survives a write/read round trip exactly; the writing is :mod:`weerbaar.io.cells`', shared
with every other workbook the project writes.
"""

from __future__ import annotations

import re

from weerbaar.domain import Bound
from weerbaar.io.cells import FORMULA_STARTS, MAX_TEXT, escape_text, unescape_text
from weerbaar.methods.profile import MethodProfile

README = "readme"
THEMES = "themes"
SCENARIOS = "scenarios"
EXPERTS = "experts"
LISTS = "lists"

README_KEYS = ("profile", "profile hash", "title", "language", "illustrative", "note")
THEME_COLUMNS = ("theme id", "kind", "name nl", "name en", "risk category id",
                 "risk category name nl", "risk category name en", "colour", "lead ministry",
                 "partners")
PARTNER_SEPARATOR = ";"
SCENARIO_COLUMNS = ("id", "title", "theme", "risk_category", "type", "narrative")
REQUIRED_SCENARIO_COLUMNS = ("id", "title", "theme", "type")
EXPERT_COLUMNS = ("scenario", "expert", "criterion", "EV", "LL", "UL", "reasoning")
REQUIRED_EXPERT_COLUMNS = ("scenario", "expert", "criterion", "EV")
LIKELIHOOD = "likelihood"
REASONING = "reasoning"
BOUND_LABEL: dict[Bound, str] = {"ev": "EV", "ll": "LL", "ul": "UL"}
LABEL_BOUND: dict[str, Bound] = {"ev": "ev", "ll": "ll", "ul": "ul"}
SCORE_HEADER = re.compile(r"^(?P<subject>.+?)\s+(?P<part>EV|LL|UL|reasoning)$", re.IGNORECASE)


def score_headers(subject: str) -> tuple[str, str, str, str]:
    """The four column headers of a criterion id (or ``likelihood``): EV, LL, UL, reasoning."""
    return (f"{subject} EV", f"{subject} LL", f"{subject} UL", f"{subject} {REASONING}")


def scenario_headers(profile: MethodProfile) -> list[str]:
    """All headers of the ``scenarios`` sheet for a profile, in order."""
    headers = list(SCENARIO_COLUMNS)
    for criterion in profile.criteria:
        headers.extend(score_headers(criterion.id))
    headers.extend(score_headers(LIKELIHOOD))
    return headers


__all__ = ["BOUND_LABEL", "EXPERTS", "EXPERT_COLUMNS", "FORMULA_STARTS", "LABEL_BOUND",
           "LIKELIHOOD", "LISTS", "MAX_TEXT", "PARTNER_SEPARATOR", "README", "README_KEYS",
           "REASONING", "REQUIRED_EXPERT_COLUMNS", "REQUIRED_SCENARIO_COLUMNS", "SCENARIOS",
           "SCENARIO_COLUMNS", "SCORE_HEADER", "THEMES", "THEME_COLUMNS", "escape_text",
           "scenario_headers", "score_headers", "unescape_text"]
