"""Store-wide settings; the classification scheme is the first of them.

The scheme (which markings exist, in which order, the default marking and from which marking on
reads are logged) is kept under the key ``classification``; without a row the default scheme of
:class:`weerbaar.domain.ClassificationScheme` applies. Every stored marking must be one of the
scheme's levels: writes with another marking are refused, and a new scheme is refused while
stored content carries a marking it would not know. A scheme may be given by the name of a
shipped preset (``{"preset": "vir-bi"}``, see :data:`weerbaar.domain.classification.PRESETS`),
with its default marking and ``audit_reads_from`` changed if asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, insert, select, update

from weerbaar.domain import ClassificationScheme, Scenario, ThreatLevelHistory
from weerbaar.domain.classification import PRESETS, classification_preset
from weerbaar.errors import Conflict, InvalidInput
from weerbaar.store import audit
from weerbaar.store.core import Store, utcnow
from weerbaar.store.schema import measures, reviews, scenarios, settings, signals, threat_levels

CLASSIFICATION = "classification"


def scheme_of(conn: Connection) -> ClassificationScheme:
    """The classification scheme in force (the default scheme when none was set)."""
    value = conn.execute(select(settings.c.value).where(settings.c.key == CLASSIFICATION)).scalar()
    return ClassificationScheme() if value is None else ClassificationScheme.model_validate(value)


def classification_scheme(store: Store) -> ClassificationScheme:
    with store.read() as conn:
        return scheme_of(conn)


def markings_of(item: BaseModel) -> Iterator[tuple[str, str]]:
    """(where, marking) for every marking an item carries (a scenario's experts included)."""
    marking = getattr(item, "marking", None)
    if marking is not None:
        yield "marking", marking
    if isinstance(item, Scenario):
        for i, expert in enumerate(item.experts):
            if expert.marking is not None:
                yield f"experts[{i}].marking", expert.marking
    if isinstance(item, ThreatLevelHistory):
        for i, entry in enumerate(item.entries):
            if entry.marking is not None:
                yield f"entries[{i}].marking", entry.marking


def check_markings(scheme: ClassificationScheme, items: Iterable[tuple[str, BaseModel]]) -> None:
    """Refuse markings the scheme does not know; ``items`` are (label, item) pairs."""
    for label, item in items:
        for where, marking in markings_of(item):
            if not scheme.knows(marking):
                raise InvalidInput(f"{label}: unknown marking {marking!r}", location=[where],
                                   expected=f"one of {', '.join(scheme.levels)}")


def _stored_markings(conn: Connection) -> dict[str, int]:
    """How often each marking occurs in stored content (current documents)."""
    counts: dict[str, int] = {}
    for table in (scenarios, reviews, measures, signals, threat_levels):
        for (document,) in conn.execute(select(table.c.document)):
            found = [document.get("marking")]
            found += [e.get("marking") for e in document.get("experts") or ()]
            found += [e.get("marking") for e in document.get("entries") or ()]
            for marking in found:
                if marking is not None:
                    counts[marking] = counts.get(marking, 0) + 1
    return counts


def _from_preset(given: dict[str, Any]) -> dict[str, Any]:
    """``{"preset": NAME, "default": ..., "audit_reads_from": ...}`` as a whole scheme: the
    preset's, with the default marking and ``audit_reads_from`` given (None: the preset's)."""
    name = given["preset"]
    extra = sorted(set(given) - {"preset", "default", "audit_reads_from"})
    if extra:
        raise InvalidInput(f"a preset brings its own {extra[0]}",
                           location=["classification", extra[0]],
                           expected="preset, default, audit_reads_from")
    try:
        preset = classification_preset(name)
    except (KeyError, TypeError):
        raise InvalidInput(f"unknown classification preset {name!r}",
                           location=["classification", "preset"],
                           expected=f"one of {', '.join(PRESETS)}") from None
    chosen = {k: v for k, v in given.items() if k != "preset" and v is not None}
    return {**preset.model_dump(mode="json"), **chosen}


def set_classification_scheme(store: Store, scheme: ClassificationScheme | dict[str, Any], *,
                              actor: str) -> ClassificationScheme:
    """Put a new scheme in force (a scheme, its fields, or a preset by name:
    ``{"preset": "vir-bi"}``); refused while stored content carries a marking it lacks."""
    if isinstance(scheme, dict) and "preset" in scheme:
        scheme = _from_preset(scheme)
    try:
        new = (scheme if isinstance(scheme, ClassificationScheme)
               else ClassificationScheme.model_validate(scheme))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(str(first["msg"]).removeprefix("Value error, "),
                           location=["classification", *first["loc"]]) from None
    with store.transaction() as conn:
        unknown = {m: n for m, n in _stored_markings(conn).items() if not new.knows(m)}
        if unknown:
            listed = ", ".join(f"{m!r} ({n}x)" for m, n in sorted(unknown.items()))
            raise Conflict(f"stored content carries markings the new scheme lacks: {listed}; "
                           "mark that content again first")
        write_setting(conn, CLASSIFICATION, new.model_dump(mode="json"), actor=actor)
    return new


def write_setting(conn: Connection, key: str, value: dict[str, Any], *, actor: str) -> None:
    """Store one setting (inserted or replaced) and write the change to the audit log, in the
    caller's transaction."""
    at = utcnow()
    if conn.execute(select(settings.c.id).where(settings.c.key == key)).first():
        conn.execute(update(settings).where(settings.c.key == key)
                     .values(value=value, updated_at=at, updated_by=actor))
    else:
        conn.execute(insert(settings).values(key=key, value=value, updated_at=at,
                                             updated_by=actor))
    audit.append(conn, at=at, actor=actor, action="settings", entity_type="settings",
                 entity_key=key, detail=value)
