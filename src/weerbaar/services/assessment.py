"""Use case: assess a workspace, optionally draw its risk diagram and compare methods."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from weerbaar.domain import Language, Workspace
from weerbaar.errors import InvalidInput
from weerbaar.methods.assessment import assess, compare_methods
from weerbaar.methods.profile import Denominator, MethodProfile
from weerbaar.methods.ranking import RankComparison
from weerbaar.methods.residual import residual_scenarios
from weerbaar.methods.results import Assessment
from weerbaar.services.sources import resolve_workspace


@dataclass(frozen=True)
class AssessmentRun:
    workspace: Workspace
    profile: MethodProfile
    assessment: Assessment
    background: Assessment | None = None
    comparison: RankComparison | None = None
    residual: Assessment | None = None
    diagrams: tuple[Path, ...] = field(default=())


def run_assessment(
    workspace: str | Path,
    *,
    method: str | None = None,
    preference: str | None = None,
    denominator: str | None = None,
    diagrams: Sequence[str | Path] = (),
    compare_with: str | Path | None = None,
    compare_methods_: bool = False,
    lang: Language = "en",
    iso_risk: bool = False,
    db: str | None = None,
    residual: bool = False,
) -> AssessmentRun:
    """Load a workspace, assess it, and write the requested risk diagrams."""
    rule = None
    if denominator is not None:
        try:
            rule = Denominator(denominator)
        except ValueError:
            raise InvalidInput(f"unknown denominator rule {denominator!r}", location=["--denominator"],
                               expected="'all' or 'applicable'") from None
    ws, profile = resolve_workspace(workspace, db=db)
    result = assess(ws.scenarios, profile, method=method, preference=preference,
                    denominator=rule, title=ws.title)
    background = None
    if compare_with is not None:
        earlier, earlier_profile = resolve_workspace(compare_with, db=db)
        background = assess(earlier.scenarios, earlier_profile, method=result.method
                            if earlier_profile.id == profile.id else None,
                            preference=preference if earlier_profile.id == profile.id else None,
                            denominator=rule, title=earlier.title)
    residual_result = None
    if residual:
        residual_result = assess(residual_scenarios(ws.scenarios, ws.measures, profile), profile,
                                 method=method, preference=preference, denominator=rule,
                                 title=ws.title)
    comparison = (compare_methods(ws.scenarios, profile, preference=preference, denominator=rule)
                  if compare_methods_ else None)
    written: list[Path] = []
    title = ws.title
    plain = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    if ws.illustrative and "illustr" not in plain.lower():
        marker = "illustratieve scores" if lang == "nl" else "illustrative scores"
        title = f"{title} ({marker})" if title else marker
    if diagrams:
        from weerbaar.reports.diagram import draw_risk_diagram

        for target in diagrams:
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            draw_risk_diagram(result, profile, ws.themes, path, lang=lang,
                              background=background, iso_risk=iso_risk, title=title,
                              residual=residual_result)
            written.append(path)
    return AssessmentRun(workspace=ws, profile=profile, assessment=result,
                         background=background, comparison=comparison, diagrams=tuple(written),
                         residual=residual_result)
