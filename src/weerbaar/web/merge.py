"""A stale form merged with what someone else saved meanwhile (three-way, per field).

For every field of a form there are three values: the one the editor started from (*base*, the
revision the form was opened at), the editor's own (*mine*) and the current one (*theirs*).
Where only the editor changed a field, theirs is kept out; where only the other saved a change,
it is taken (the editor never overwrites a change they did not see); where both changed it
differently, it is a conflict that the editor must decide explicitly.

On the merged form a conflicting field ``F`` carries the other's value in a hidden
``F:theirs`` and a required choice ``F:choice`` (``mine`` or ``theirs``); :func:`apply_choices`
turns a submitted merged form back into plain fields, or names the fields still undecided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

THEIRS = ":theirs"
CHOICE = ":choice"


@dataclass(frozen=True)
class Merge:
    """The merged form: ``values`` to show, ``conflicts`` (field → (mine, theirs)) to decide,
    ``taken`` (field → theirs) adopted from the other's save."""

    values: dict[str, str]
    conflicts: dict[str, tuple[str, str]] = field(default_factory=dict)
    taken: dict[str, str] = field(default_factory=dict)


def _norm(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def three_way(base: Mapping[str, str], mine: Mapping[str, str], theirs: Mapping[str, str],
              fields: Iterable[str]) -> Merge:
    """Merge ``mine`` with ``theirs`` over ``fields``, both made from ``base``; other keys of
    ``mine`` (the reason, the marking…) are kept as typed."""
    values = {k: v for k, v in mine.items() if not k.endswith((THEIRS, CHOICE))}
    conflicts: dict[str, tuple[str, str]] = {}
    taken: dict[str, str] = {}
    for name in fields:
        b, m, t = (_norm(base.get(name)), _norm(mine.get(name)), _norm(theirs.get(name)))
        if m == t or t == b:
            continue
        if m == b:
            values[name] = theirs.get(name, "")
            taken[name] = theirs.get(name, "")
        else:
            conflicts[name] = (mine.get(name, ""), theirs.get(name, ""))
    return Merge(values, conflicts, taken)


def apply_choices(form: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """A submitted merged form as plain fields (each decided conflict with the value chosen),
    and the conflicting fields left undecided."""
    out = {k: v for k, v in form.items() if not k.endswith((THEIRS, CHOICE))}
    undecided = []
    for key, theirs in form.items():
        if not key.endswith(THEIRS):
            continue
        name = key.removesuffix(THEIRS)
        choice = form.get(name + CHOICE)
        if choice == "theirs":
            out[name] = theirs
        elif choice != "mine":
            undecided.append(name)
    return out, undecided


__all__ = ["CHOICE", "THEIRS", "Merge", "apply_choices", "three_way"]
