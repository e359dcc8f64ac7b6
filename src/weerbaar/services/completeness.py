"""Partial input is an error, never a deletion.

A document sent to be saved (an API body, a parsed form) that leaves out a field the stored
document has would, saved as it is, delete that field without anyone having asked for it. The
use cases refuse that: the field must be sent, or named in ``delete``.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel

from weerbaar.errors import InvalidInput


def check_complete(sent: BaseModel, current: BaseModel, delete: Collection[str], *,
                   where: str, kept: Collection[str] = ("marking",)) -> BaseModel:
    """``sent`` with the fields ``delete`` names reset to their defaults; a field ``current``
    has (not at its default) that ``sent`` leaves out without ``delete`` naming it is an
    error at ``where.FIELD``. Fields in ``kept`` (the marking) left out keep their value; the
    use case sees to that."""
    fields = type(current).model_fields
    unknown = sorted(set(delete) - set(fields))
    if unknown:
        raise InvalidInput(f"cannot delete {unknown[0]!r}: no such field", location=[where,
                                                                                      "delete"],
                           expected=", ".join(sorted(fields)))
    for name, info in fields.items():
        if name in delete or name in sent.model_fields_set or name in kept:
            continue
        if getattr(current, name) != info.get_default(call_default_factory=True):
            raise InvalidInput(f"{name!r} is missing; to delete it, name it in 'delete'",
                               location=[where, name],
                               expected="the whole document (or an explicit deletion)")
    reset = {name: fields[name].get_default(call_default_factory=True) for name in delete}
    return sent.model_copy(update=reset) if reset else sent


__all__ = ["check_complete"]
