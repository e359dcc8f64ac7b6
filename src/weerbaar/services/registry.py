"""The registry of use cases: every function the faces (CLI, web) may call.

A use case is a module-level function of ``weerbaar.services`` decorated with :func:`use_case`.
Its parameters start with the store (the unit of work; left out only by use cases that read
package data or the user's own files) and the :class:`~weerbaar.services.viewer.Viewer`; a call
without a viewer is refused with ``TypeError`` before anything runs, so no face can reach content
without saying who asks. :func:`identifies` marks the few functions that *make* a viewer (log in,
find the user of a login session); they are the only other functions the faces call.

Observers (:func:`observe`) see the name of every use case called; the tests use them to show
that every web route and CLI command reaches content through a use case.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from weerbaar.services.viewer import Viewer

P = ParamSpec("P")
R = TypeVar("R")

USE_CASES: dict[str, Callable[..., object]] = {}
IDENTIFIERS: dict[str, Callable[..., object]] = {}
_OBSERVERS: list[Callable[[str], None]] = []


def _name(fn: Callable[..., object]) -> str:
    return f"{fn.__module__.removeprefix('weerbaar.services.')}.{fn.__name__}"


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Register ``fn`` as a use case and refuse every call without a :class:`Viewer`."""
    name = _name(fn)
    params = list(inspect.signature(fn).parameters)
    if "viewer" not in params[:2]:
        raise TypeError(f"use case {name} must take (store, viewer, ...) or (viewer, ...)")
    position = params.index("viewer")

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        viewer = args[position] if len(args) > position else kwargs.get("viewer")
        if not isinstance(viewer, Viewer):
            raise TypeError(f"{name} needs a Viewer (who is asking), got {type(viewer).__name__}")
        for observer in _OBSERVERS:
            observer(name)
        return fn(*args, **kwargs)

    USE_CASES[name] = call
    return call


def identifies(fn: Callable[P, R]) -> Callable[P, R]:
    """Register ``fn`` as a function that makes a viewer (needs none itself)."""
    name = _name(fn)

    @functools.wraps(fn)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        for observer in _OBSERVERS:
            observer(name)
        return fn(*args, **kwargs)

    IDENTIFIERS[name] = call
    return call


@contextmanager
def observe() -> Iterator[list[str]]:
    """Collect the names of the use cases called inside the block (from any thread)."""
    seen: list[str] = []
    _OBSERVERS.append(seen.append)
    try:
        yield seen
    finally:
        _OBSERVERS.remove(seen.append)


__all__ = ["IDENTIFIERS", "USE_CASES", "identifies", "observe", "use_case"]
