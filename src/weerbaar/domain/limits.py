"""Limits on what people type: how long a text may be, what an id and a user name look like, and
the range of numbers. One place, so the domain models, the workspace file format, the web forms
and the JSON API refuse the same input with the same words (an error names the field and what
was expected; the web application answers 422).

The limits hold for input. Content the store already holds is read without them
(:func:`stored_data`), so a database written before a limit existed stays readable; saving such
an item again needs it within the limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated

from pydantic import AfterValidator, Field

ID_MAX = 100
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
"""Keys of cycles, themes, risk categories, scenarios, measures, criteria and vital processes:
a slug of letters, digits, '.', '-' and '_' that starts with a letter or digit (so never "..",
never a "/")."""
ID_EXPECTED = "1 to 100 letters, digits, '.', '-' or '_', starting with a letter or digit"

USERNAME_MAX = 64
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"
USERNAME_EXPECTED = ("1 to 64 letters (a-z, A-Z), digits, '.', '-', '_' or '@', starting with a "
                     "letter or digit")

NAME_MAX = 200  # a person, a ministry, a partner, an expert, a colour, a condition
TITLE_MAX = 500  # titles, names of themes and risk categories, evidence references
TEXT_MAX = 20_000  # narratives, reasoning, descriptions, notes, footnotes
LONG_TEXT_MAX = 50_000  # one part of a theme review (the seed's longest is under 7,000)
REASON_MAX = 2_000  # why a revision was made
VALUE_TEXT_MAX = 100  # a score as typed: a class code or a natural-unit value
VALUE_MAX = 1e15  # the largest natural-unit value (fatalities, euros, people, …)
INT_MAX = 2**31 - 1  # revision and session numbers: what every store can hold
PASSWORD_MAX = 256
FIELD_MAX = LONG_TEXT_MAX  # any single field of a web form
ITEMS_MAX = 1_000  # ids listed in one field (a measure's themes, a review part's evidence)

_ID = re.compile(ID_PATTERN)
_USERNAME = re.compile(USERNAME_PATTERN)
_STORED: ContextVar[bool] = ContextVar("weerbaar_stored_data", default=False)


@contextmanager
def stored_data() -> Iterator[None]:
    """Within this block the domain models read content as stored, without the limits on
    input (the store reads every row inside one)."""
    token = _STORED.set(True)
    try:
        yield
    finally:
        _STORED.reset(token)


def reading_stored() -> bool:
    return _STORED.get()


def shown(value: str, width: int = 40) -> str:
    """A value quoted for an error message, cut to ``width`` characters."""
    return repr(value if len(value) <= width else value[:width] + "…")


def too_long(value: str, limit: int) -> str | None:
    """The problem with a text over ``limit`` characters, or None."""
    if len(value) <= limit:
        return None
    return f"at most {limit:,} characters (this has {len(value):,})"


def id_problem(value: str) -> str | None:
    """Why ``value`` is not an id, or None."""
    if _ID.fullmatch(value):
        return None
    return f"{shown(value)} is not an id: expected {ID_EXPECTED}"


def username_problem(value: str) -> str | None:
    """Why ``value`` is not a user name, or None."""
    if _USERNAME.fullmatch(value):
        return None
    return f"{shown(value)} is not a valid user name: expected {USERNAME_EXPECTED}"


def number_problem(value: float, *, limit: float = VALUE_MAX) -> str | None:
    """Why ``value`` is not a usable number (not finite, or beyond ±``limit``), or None."""
    if not math.isfinite(value):
        return f"{value!r} is not a finite number"
    if abs(value) > limit:
        return f"{value:g} is out of range: at most {limit:g}"
    return None


def _length(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        problem = too_long(value, limit)
        if problem is not None and not _STORED.get():
            raise ValueError(problem)
        return value

    check.__name__ = f"at_most_{limit}_characters"
    return check


def _check_id(value: str) -> str:
    problem = id_problem(value)
    if problem is not None and not _STORED.get():
        raise ValueError(problem)
    return value


Id = Annotated[str, AfterValidator(_check_id),
               Field(json_schema_extra={"pattern": ID_PATTERN, "maxLength": ID_MAX})]
"""A key (see :data:`ID_PATTERN`)."""
Name = Annotated[str, AfterValidator(_length(NAME_MAX)),
                  Field(json_schema_extra={"maxLength": NAME_MAX})]
Title = Annotated[str, AfterValidator(_length(TITLE_MAX)),
                   Field(json_schema_extra={"maxLength": TITLE_MAX})]
Text = Annotated[str, AfterValidator(_length(TEXT_MAX)),
                  Field(json_schema_extra={"maxLength": TEXT_MAX})]
LongText = Annotated[str, AfterValidator(_length(LONG_TEXT_MAX)),
                      Field(json_schema_extra={"maxLength": LONG_TEXT_MAX})]
Reason = Annotated[str, AfterValidator(_length(REASON_MAX)),
                    Field(json_schema_extra={"maxLength": REASON_MAX})]
ValueText = Annotated[str, AfterValidator(_length(VALUE_TEXT_MAX)),
                       Field(json_schema_extra={"maxLength": VALUE_TEXT_MAX})]
"""A score as typed: a class code ("C-high") or a natural-unit value ("250 fatalities")."""
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


__all__ = [
    "FIELD_MAX", "ID_EXPECTED", "ID_MAX", "ID_PATTERN", "INT_MAX", "ITEMS_MAX", "LONG_TEXT_MAX",
    "NAME_MAX", "PASSWORD_MAX", "REASON_MAX", "TEXT_MAX", "TITLE_MAX", "USERNAME_EXPECTED",
    "USERNAME_MAX", "USERNAME_PATTERN", "VALUE_MAX", "VALUE_TEXT_MAX", "FiniteFloat", "Id",
    "LongText", "Name", "Reason", "Text", "Title", "ValueText", "id_problem", "number_problem",
    "reading_stored", "shown", "stored_data", "too_long", "username_problem",
]
