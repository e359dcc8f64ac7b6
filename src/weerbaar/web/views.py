"""Data shaped for pages and the interactive diagram (shared by the API and the pages).

Loading a cycle (every scenario validated) and assessing it are the expensive parts of the
dashboard, so their results are kept per database while the database is unchanged: every write
appends to the audit chain, and its head (one small query) is the cache key. Cached values are
shared between requests and must not be modified.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from weerbaar.domain import ClassificationScheme, Cycle, Language, User, Workspace
from weerbaar.domain.need_to_know import Marked, beside_child
from weerbaar.errors import NotFound
from weerbaar.methods.assessment import assess
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.residual import residual_scenarios
from weerbaar.methods.results import Assessment, ScenarioResult
from weerbaar.reports.diagram import theme_colours
from weerbaar.services.visibility import log_reads as record_reads
from weerbaar.services.visibility import log_workspace_reads
from weerbaar.store import Store, audit, cycle_workspace, get, get_cycle, list_cycles
from weerbaar.store.documents import Stored
from weerbaar.store.settings import classification_scheme

T = TypeVar("T")
Token = tuple[str, int]


class _Cache:
    """A small LRU of derived values, each stored with the change token it was computed at."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: OrderedDict[Hashable, tuple[Token, Any]] = OrderedDict()
        self.computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, token: Token) -> tuple[bool, Any]:
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] != token:
                return False, None
            self.items.move_to_end(key)
            return True, found[1]

    def put(self, key: Hashable, token: Token, value: Any) -> None:
        with self.lock:
            self.items[key] = (token, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def key_lock(self, key: Hashable) -> threading.Lock:
        with self.lock:
            return self.computing.setdefault(key, threading.Lock())


_CACHES: weakref.WeakKeyDictionary[Store, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def change_token(store: Store) -> Token:
    """Changes whenever anything in the database changes (the audit chain's head)."""
    with store.read() as conn:
        return audit.head(conn)


def _memo(store: Store, key: Hashable, token: Token, compute: Callable[[], T]) -> T:
    with _CACHES_LOCK:
        cache = _CACHES.get(store)
        if cache is None:
            cache = _CACHES[store] = _Cache()
    hit, value = cache.get(key, token)
    if hit:
        return value  # type: ignore[no-any-return]
    with cache.key_lock(key):  # one computation per key; the others wait for its result
        hit, value = cache.get(key, token)
        if hit:
            return value  # type: ignore[no-any-return]
        value = compute()
        cache.put(key, token, value)
        return value


def cycles_of(store: Store, token: Token | None = None) -> list[Cycle]:
    """``list_cycles``, kept while the database is unchanged."""
    return _memo(store, ("cycles",), token or change_token(store), lambda: list_cycles(store))


def workspace_of(store: Store, cycle: str, token: Token | None = None, *,
                 clearance: str | None = None) -> tuple[Workspace, MethodProfile]:
    """``cycle_workspace`` (at ``clearance``: what that clearance may see), kept while the
    database is unchanged."""
    return _memo(store, ("workspace", cycle, clearance), token or change_token(store),
                 lambda: cycle_workspace(store, cycle, clearance=clearance))


def scheme_of(store: Store, token: Token | None = None) -> ClassificationScheme:
    """The classification scheme in force, kept while the database is unchanged."""
    return _memo(store, ("scheme",), token or change_token(store),
                 lambda: classification_scheme(store))


def clearance_of(store: Store, user: User, cycle: str | None,
                 token: Token | None = None) -> str:
    """The marking up to which ``user`` may see ``cycle``'s content."""
    return user.clearance_for(cycle, scheme_of(store, token))


def visible_item(store: Store, cycle: str, kind: str, key: str, clearance: str,
                 token: Token | None = None) -> Stored[Any]:
    """A stored scenario, review or measure as someone with ``clearance`` sees it; one above the
    clearance is "not found", worded exactly as for a key that does not exist."""
    stored: Stored[Any] = get(store, cycle, kind, key)
    workspace, _ = workspace_of(store, cycle, token, clearance=clearance)
    keyed: dict[str, Any] = (
        {s.id: s for s in workspace.scenarios} if kind == "scenario"
        else {r.theme: r for r in workspace.reviews} if kind == "review"
        else {m.id: m for m in workspace.measures})
    seen = keyed.get(key)
    if seen is None:
        raise NotFound(f"cycle {cycle!r} has no {kind} {key!r}")
    return replace(stored, item=seen)


def log_reads(store: Store, user: User, cycle: str, channel: str, items: Iterable[Marked],
              token: Token | None = None) -> None:
    """Write the reads of marked content a response shows to the read log."""
    record_reads(store, actor=user.username, cycle=cycle, channel=channel, items=items,
                 within=scheme_of(store, token))


def log_workspace(store: Store, user: User, cycle: str, channel: str, workspace: Workspace,
                  token: Token | None = None) -> None:
    """``log_reads`` for everything a (redacted) workspace holds."""
    log_workspace_reads(store, actor=user.username, cycle=cycle, channel=channel,
                        workspace=workspace, within=scheme_of(store, token))


def _point(r: ScenarioResult) -> dict[str, Any] | None:
    if r.impact_position is None or r.likelihood_position is None:
        return None
    return {"id": r.id, "title": r.title, "theme": r.theme, "type": r.type.value,
            "x": r.likelihood_position.ev, "y": r.impact_position.ev,
            "x_range": [r.likelihood_position.ll, r.likelihood_position.ul],
            "y_range": [r.impact_position.ll, r.impact_position.ul],
            "impact_class": r.impact_class, "likelihood": r.likelihood_code,
            "provisional": r.provisional}


def _points(assessment: Assessment) -> list[dict[str, Any]]:
    return [p for p in (_point(r) for r in assessment.results) if p is not None]


def diagram_data(store: Store, cycle: str, *, lang: Language = "en",
                 clearance: str | None = None) -> dict[str, Any]:
    """Everything the dashboard's diagram needs: points, residual points, the parent's points,
    theme colours, interests harmed per scenario and the axis class names (kept while the
    database is unchanged; do not modify the result). At ``clearance``: what it may see."""
    token = change_token(store)
    return _memo(store, ("diagram", cycle, lang, clearance), token,
                 lambda: _diagram_data(store, cycle, lang, token, clearance))


def diagram_json(store: Store, cycle: str, *, lang: Language = "en",
                 clearance: str | None = None) -> bytes:
    """``diagram_data`` as UTF-8 JSON, kept like the data (the API's answer as it is sent)."""
    token = change_token(store)
    return _memo(store, ("diagram.json", cycle, lang, clearance), token, lambda: json.dumps(
        _memo(store, ("diagram", cycle, lang, clearance), token,
              lambda: _diagram_data(store, cycle, lang, token, clearance)),
        ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8"))


def _diagram_data(store: Store, cycle: str, lang: Language, token: Token,
                  clearance: str | None) -> dict[str, Any]:
    workspace, profile = workspace_of(store, cycle, token, clearance=clearance)
    current = assess(workspace.scenarios, profile)
    residual = assess(residual_scenarios(workspace.scenarios, workspace.measures, profile),
                      profile)
    parent_points: list[dict[str, Any]] = []
    parent = get_cycle(store, cycle).parent
    if parent is not None:
        base_ws, base_profile = workspace_of(store, parent, token, clearance=clearance)
        if clearance is not None:
            base_ws = beside_child(base_ws, workspace_of(store, cycle, token)[0], workspace)
        parent_points = _points(assess(base_ws.scenarios, base_profile))
    colours = theme_colours(workspace.themes)
    interests = {}
    for s in workspace.scenarios:
        interests[s.id] = sorted({profile.criterion(cid).interest for cid, score in s.impact.items()
                                  if score.range.ev >= profile.impact.lowest})
    return {
        "cycle": cycle,
        "points": _points(current),
        "residual": _points(residual),
        "parent": parent_points,
        "parent_key": parent,
        "interests": interests,
        "interest_names": {i.id: i.name.get(lang) for i in profile.interests},
        "themes": [{"id": t.id, "name": t.name.get(lang), "colour": colours[t.id]}
                   for t in workspace.themes],
        "x_ticks": [{"position": lv.position, "label": f"{lv.code} {lv.name.get(lang)}"}
                    for lv in profile.likelihood_scale.levels],
        "y_ticks": [{"position": lv.position, "label": f"{lv.code} {lv.name.get(lang)}"}
                    for lv in profile.impact.levels],
        "caveats": [c.what for c in current.caveats],
    }
