"""Which part of the Kingdom of the Netherlands a scenario or a measure concerns.

The Kingdom's security strategy (2023) covers the whole Kingdom; the national risk assessment and
its scenarios have mostly looked at the European Netherlands, and the Caribbean Netherlands
(Bonaire, Sint Eustatius and Saba) have threats of their own (the seed, the midterm review 2021,
names the conflict in Venezuela as a threat to the supply lines of the Caribbean Netherlands).

A scenario or measure without a scope has none stated: it concerns the cycle as a whole, and
weerbaar does not presume which part of the Kingdom that is. Such an item is shown without a
scope, and a workspace file or export leaves the key out (so files and databases written before
the scope existed load and round-trip unchanged).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from weerbaar.domain.text import LocalText


class Scope(StrEnum):
    """The part of the Kingdom a scenario or measure concerns."""

    EUROPEAN_NETHERLANDS = "european-netherlands"
    CARIBBEAN_NETHERLANDS = "caribbean-netherlands"  # Bonaire, Sint Eustatius, Saba
    KINGDOM = "kingdom"  # the whole Kingdom


SCOPE_NAMES: dict[Scope, LocalText] = {
    Scope.EUROPEAN_NETHERLANDS: LocalText(nl="Europees Nederland", en="European Netherlands"),
    Scope.CARIBBEAN_NETHERLANDS: LocalText(nl="Caribisch Nederland", en="Caribbean Netherlands"),
    Scope.KINGDOM: LocalText(nl="Koninkrijk", en="Kingdom"),
}
SCOPE_EXPECTED = ", ".join(s.value for s in Scope)


def absent(value: Any) -> bool:
    """An optional value that is left out of a document when it is not given (``exclude_if``)."""
    return value is None


__all__ = ["SCOPE_EXPECTED", "SCOPE_NAMES", "Scope", "absent"]
