"""Values derived from the database, kept while the database is unchanged.

Loading a cycle (every document validated) and assessing it are the expensive parts of most
pages, so their results are kept per database in a :class:`cachetools.LRUCache`. Every change
appends to the audit chain, whose head (one small query) is the *change token*: a value is used
only while the token it was computed at is still current. Cached values are shared between
requests and callers and must not be modified.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import LRUCache

from weerbaar.store import Store, audit

T = TypeVar("T")
Token = tuple[str, int]
SIZE = 64


class DerivedValues:
    """An LRU of derived values of one database, each kept with its change token; one
    computation per key at a time (concurrent callers wait for its result)."""

    def __init__(self, size: int = SIZE) -> None:
        self._lock = threading.Lock()
        self._values: LRUCache[Hashable, tuple[Token, Any]] = LRUCache(maxsize=size)
        self._computing: dict[Hashable, threading.Lock] = {}

    def _hit(self, key: Hashable, token: Token) -> tuple[bool, Any]:
        with self._lock:
            found = self._values.get(key)
        if found is None or found[0] != token:
            return False, None
        return True, found[1]

    def get(self, key: Hashable, token: Token, compute: Callable[[], T]) -> T:
        hit, value = self._hit(key, token)
        if hit:
            return value  # type: ignore[no-any-return]
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            hit, value = self._hit(key, token)
            if hit:
                return value  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                self._values[key] = (token, value)
            return value


_BY_STORE: weakref.WeakKeyDictionary[Store, DerivedValues] = weakref.WeakKeyDictionary()
_BY_STORE_LOCK = threading.Lock()


def change_token(store: Store) -> Token:
    """Changes whenever anything in the database changes (the audit chain's head)."""
    with store.read() as conn:
        return audit.head(conn)


def derived(store: Store, key: Hashable, token: Token, compute: Callable[[], T]) -> T:
    """``compute()``, or the value computed for ``key`` while the token was ``token``."""
    with _BY_STORE_LOCK:
        values = _BY_STORE.get(store)
        if values is None:
            values = _BY_STORE[store] = DerivedValues()
    return values.get(key, token, compute)


__all__ = ["DerivedValues", "Token", "change_token", "derived"]
