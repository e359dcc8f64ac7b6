"""Use cases of the assessment: a workspace (a file, an example or a cycle) assessed with its
table and risk diagram; a cycle's diagram data for the interactive diagram; the priority list and
the capability gaps of a cycle.

The diagram data of a cycle is the expensive part of the dashboard: it is kept per cycle,
language and clearance while the database is unchanged (see :mod:`weerbaar.services.cache`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from weerbaar.domain import Language, Workspace
from weerbaar.errors import InvalidInput
from weerbaar.i18n import check_language, texts
from weerbaar.methods.assessment import assess, compare_methods
from weerbaar.methods.priority import PriorityList, priority_list
from weerbaar.methods.profile import Denominator, MethodProfile
from weerbaar.methods.ranking import RankComparison
from weerbaar.methods.residual import CapabilityGap, capability_gaps, residual_scenarios
from weerbaar.methods.results import Assessment, ScenarioResult
from weerbaar.reports.diagram import theme_colours
from weerbaar.services.cache import derived
from weerbaar.services.caveats import assessment_caveats
from weerbaar.services.compare import parent_beside, readable_parent
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.sources import CYCLE_PREFIX
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

# -- a workspace assessed (the `assess` command) ---------------------------------------------


@dataclass(frozen=True)
class AssessmentRun:
    workspace: Workspace
    profile: MethodProfile
    assessment: Assessment
    background: Assessment | None = None
    comparison: RankComparison | None = None
    residual: Assessment | None = None
    diagrams: dict[str, bytes] = field(default_factory=dict)  # format: the risk diagram


def _workspace_of(store: Store | None, viewer: Viewer,
               source: str) -> tuple[Workspace, MethodProfile]:
    """A workspace file, ``example:NAME``, or ``cycle:KEY`` from the database (as the viewer
    may see it, the reads logged)."""
    if source.startswith(CYCLE_PREFIX):
        if store is None:
            raise InvalidInput(f"{source} names a cycle, but no database is open",
                               location=["workspace"])
        scope = cycle_scope(store, viewer, source.removeprefix(CYCLE_PREFIX))
        scope.log_workspace()
        return scope.workspace()
    from weerbaar.services.sources import resolve_workspace

    return resolve_workspace(source)


def _rule(denominator: str | None) -> Denominator | None:
    if denominator is None:
        return None
    try:
        return Denominator(denominator)
    except ValueError:
        raise InvalidInput(f"unknown denominator rule {denominator!r}", location=["denominator"],
                           expected="'all' or 'applicable'") from None


@use_case
def run_assessment(store: Store | None, viewer: Viewer, workspace: str, *,
                   method: str | None = None, preference: str | None = None,
                   denominator: str | None = None, diagrams: Sequence[str] = (),
                   compare_with: str | None = None, compare_methods_: bool = False,
                   lang: str = "en", iso_risk: bool = False,
                   residual: bool = False) -> AssessmentRun:
    """Assess a workspace (a file, ``example:NAME`` or ``cycle:KEY``; ``store`` is needed for a
    cycle only) and draw its risk diagram in each of ``diagrams`` ("svg", "png")."""
    language = check_language(lang)
    rule = _rule(denominator)
    ws, profile = _workspace_of(store, viewer, workspace)
    result = assess(ws.scenarios, profile, method=method, preference=preference,
                    denominator=rule, title=ws.title)
    background = None
    if compare_with is not None:
        earlier, earlier_profile = _workspace_of(store, viewer, compare_with)
        same = earlier_profile.id == profile.id
        background = assess(earlier.scenarios, earlier_profile,
                            method=result.method if same else None,
                            preference=preference if same else None,
                            denominator=rule, title=earlier.title)
    residual_result = None
    if residual:
        residual_result = assess(residual_scenarios(ws.scenarios, ws.measures, profile),
                                 profile, method=method, preference=preference,
                                 denominator=rule, title=ws.title)
    comparison = (compare_methods(ws.scenarios, profile, preference=preference,
                                  denominator=rule) if compare_methods_ else None)
    drawn: dict[str, bytes] = {}
    if diagrams:
        from weerbaar.reports.diagram import render_risk_diagram
        from weerbaar.services.charts import figure_format

        formats = tuple(dict.fromkeys(figure_format(d, "diagram") for d in diagrams))
        drawn = render_risk_diagram(result, profile, ws.themes, formats=formats, lang=language,
                                    background=background, iso_risk=iso_risk,
                                    title=_title(ws, language), residual=residual_result)
    return AssessmentRun(workspace=ws, profile=profile, assessment=result,
                         background=background, comparison=comparison, diagrams=drawn,
                         residual=residual_result)


def _title(ws: Workspace, lang: Language) -> str | None:
    """The workspace's title, marked when its scores are illustrative."""
    title = ws.title
    plain = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    if ws.illustrative and "illustr" not in plain.lower():
        marker = texts(lang)("illustrative scores")
        title = f"{title} ({marker})" if title else marker
    return title


# -- the interactive diagram of a cycle ------------------------------------------------------


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


def _diagram_data(scope: CycleScope, parent: CycleScope | None,
                  lang: Language) -> dict[str, Any]:
    workspace, profile = scope.workspace()
    current = assess(workspace.scenarios, profile)
    residual = assess(residual_scenarios(workspace.scenarios, workspace.measures, profile),
                      profile)
    parent_points: list[dict[str, Any]] = []
    if parent is not None:
        base_ws = parent_beside(scope, parent)
        parent_points = _points(assess(base_ws.scenarios, parent.profile))
    colours = theme_colours(workspace.themes)
    withheld = parent is None and scope.cycle.parent is not None
    interests = {}
    for s in workspace.scenarios:
        interests[s.id] = sorted({profile.criterion(cid).interest for cid, score in s.impact.items()
                                  if score.range.ev >= profile.impact.lowest})
    return {
        "cycle": scope.key,
        "points": _points(current),
        "residual": _points(residual),
        "parent": parent_points,
        "parent_key": parent.key if parent is not None else None,
        "interests": interests,
        "interest_names": {i.id: i.name.get(lang) for i in profile.interests},
        "themes": [{"id": t.id, "name": t.name.get(lang), "colour": colours[t.id]}
                   for t in workspace.themes],
        "x_ticks": [{"position": lv.position, "label": f"{lv.code} {lv.name.get(lang)}"}
                    for lv in profile.likelihood_scale.levels],
        "y_ticks": [{"position": lv.position, "label": f"{lv.code} {lv.name.get(lang)}"}
                    for lv in profile.impact.levels],
        # the cycle has a parent the viewer may not read: left out, said, never named
        "parent_withheld": withheld,
        **assessment_caveats(workspace, current, lang=lang, parent_withheld=withheld).fields(),
    }


def _seen(scope: CycleScope) -> tuple[CycleScope | None, Hashable]:
    """The parent the viewer may read beside the cycle, and what the viewer's diagram depends
    on (the clearances and the parent shown): part of its cache key."""
    parent = readable_parent(scope)
    return parent, (scope.clearance, parent.key if parent else None,
                    parent.clearance if parent else None)


def diagram_of(scope: CycleScope, lang: Language,
               seen: tuple[CycleScope | None, Hashable] | None = None) -> dict[str, Any]:
    """The diagram data of the scope's cycle (kept while the database is unchanged; do not
    modify it)."""
    parent, key = seen if seen is not None else _seen(scope)
    return derived(scope.store, ("diagram", scope.key, lang, key), scope.token,
                   lambda: _diagram_data(scope, parent, lang))


def positions(scope: CycleScope, *, lang: str = "en") -> list[dict[str, Any]]:
    """The positions of the scope's scenarios on the risk diagram."""
    points: list[dict[str, Any]] = diagram_of(scope, check_language(lang))["points"]
    return points


@use_case
def diagram_data(store: Store, viewer: Viewer, cycle: str, *,
                 lang: str = "en") -> dict[str, Any]:
    """Everything the interactive risk diagram needs: points (current, residual, the parent
    cycle's), theme colours, interests harmed per scenario, axis labels and caveats (do not
    modify the result)."""
    scope = cycle_scope(store, viewer, cycle)
    data = diagram_of(scope, check_language(lang))
    scope.log_workspace()
    return data


@use_case
def diagram_json(store: Store, viewer: Viewer, cycle: str, *, lang: str = "en") -> bytes:
    """:func:`diagram_data` as UTF-8 JSON (kept like the data: the API's answer as sent)."""
    scope = cycle_scope(store, viewer, cycle)
    language = check_language(lang)
    seen = _seen(scope)
    body = derived(store, ("diagram.json", cycle, language, seen[1]), scope.token,
                   lambda: json.dumps(diagram_of(scope, language, seen), ensure_ascii=False,
                                      separators=(",", ":"), allow_nan=False).encode("utf-8"))
    scope.log_workspace()
    return body


@dataclass(frozen=True)
class Dashboard:
    """The dashboard of a cycle: the cycles the viewer may read, the chosen one, its themes
    and the interests of its method profile (names in the asked language)."""

    cycles: tuple[Any, ...]
    scope: CycleScope | None
    interests: tuple[tuple[str, str], ...] = ()

    @property
    def cycle(self) -> Any:
        return self.scope.cycle if self.scope is not None else None

    @property
    def themes(self) -> Any:
        return self.scope.workspace()[0].themes if self.scope is not None else ()


@use_case
def dashboard(store: Store, viewer: Viewer, cycle: str | None = None, *,
              lang: str = "en") -> Dashboard:
    """The dashboard: the chosen cycle (default: the newest the viewer may read)."""
    from weerbaar.services.cycles import list_cycles

    cycles = tuple(list_cycles(store, viewer))
    language = check_language(lang)
    if not cycles and cycle is None:
        return Dashboard(cycles, None)
    scope = cycle_scope(store, viewer, cycle or cycles[-1].key)
    interests = tuple((i.id, i.name.get(language)) for i in scope.profile.interests)
    return Dashboard(cycles, scope, interests)


# -- the priority list and the capability gaps -----------------------------------------------


@use_case
def cycle_priorities(store: Store, viewer: Viewer, cycle: str, *,
                     cut: str = "C") -> PriorityList:
    """Scenarios and themes that harm at least one interest at ``cut`` or worse, with their
    verdicts: the candidate agenda of the next strategy."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, profile = scope.workspace()
    try:
        result = priority_list(workspace.scenarios, workspace.themes, workspace.reviews,
                               profile, cut=cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["cut"],
                           expected=profile.impact.describe_codes()) from None
    scope.log_workspace(workspace)
    return result


@use_case
def cycle_gaps(store: Store, viewer: Viewer, cycle: str, *,
               cut: str = "C") -> list[CapabilityGap]:
    """Per scenario: the criteria scored at or above ``cut`` without a running measure."""
    scope = cycle_scope(store, viewer, cycle)
    workspace, profile = scope.workspace()
    try:
        profile.impact.parse(cut)
    except ValueError as exc:
        raise InvalidInput(str(exc), location=["cut"],
                           expected=profile.impact.describe_codes()) from None
    scope.log_workspace(workspace)
    return [gap for s in workspace.scenarios
            for gap in capability_gaps(s, workspace.measures, profile, cut=cut)]


__all__ = ["AssessmentRun", "Dashboard", "cycle_gaps", "cycle_priorities", "dashboard",
           "diagram_data", "diagram_json", "diagram_of", "positions", "run_assessment"]
