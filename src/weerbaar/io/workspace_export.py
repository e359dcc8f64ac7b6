"""Write a workspace back to its file form: the canonical YAML that loading reads.

Export keeps what the user entered: a bound that was entered as a natural-unit value ("250
fatalities") is written as that text, a likelihood entered as a probability is written as a
probability. Loading the export gives the same workspace, and exporting that gives the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from weerbaar.domain import (
    BOUNDS,
    Bound,
    CriterionScore,
    ExpertScore,
    LikelihoodScore,
    OrdinalScale,
    Scenario,
    Theme,
    Workspace,
)
from weerbaar.methods.profile import MethodProfile

SCHEMA_ID = "weerbaar.workspace/1"


def _bounds(rng_codes: Mapping[Bound, str], reasoning: str | None) -> Any:
    if rng_codes["ev"] == rng_codes["ll"] == rng_codes["ul"] and not reasoning:
        return rng_codes["ev"]
    out: dict[str, Any] = {"ev": rng_codes["ev"], "ll": rng_codes["ll"], "ul": rng_codes["ul"]}
    if reasoning:
        out["reasoning"] = reasoning
    return out


def criterion_to_input(score: CriterionScore, scale: OrdinalScale) -> Any:
    entered = {c.bound: c.entered for c in score.conversions}
    codes = {b: entered.get(b, scale.code(score.range.get(b))) for b in BOUNDS}
    return _bounds(codes, score.reasoning)


def likelihood_to_input(score: LikelihoodScore, scale: OrdinalScale) -> Any:
    conv = {c.bound: c for c in score.conversions}
    if "ev" not in conv:
        codes = {b: scale.code(score.range.get(b)) for b in BOUNDS}
        return _bounds(codes, score.reasoning)
    out: dict[str, Any] = {}
    ev = conv["ev"]
    if ev.entered.startswith("annual probability "):
        out["annual_probability"] = float(ev.entered.removeprefix("annual probability "))
    else:
        out["probability"] = ev.value
    if conv["ll"].value != ev.value:
        out["probability_low"] = conv["ll"].value
    if conv["ul"].value != ev.value:
        out["probability_high"] = conv["ul"].value
    if score.reasoning:
        out["reasoning"] = score.reasoning
    return out


def _expert(expert: ExpertScore, profile: MethodProfile) -> dict[str, Any]:
    out: dict[str, Any] = {"expert": expert.expert}
    if expert.impact:
        out["impact"] = {cid: criterion_to_input(s, profile.impact)
                         for cid, s in expert.impact.items()}
    if expert.likelihood is not None:
        out["likelihood"] = likelihood_to_input(expert.likelihood, profile.likelihood_scale)
    if expert.marking is not None:
        out["marking"] = expert.marking
    return out


def scenario_to_input(scenario: Scenario, profile: MethodProfile) -> dict[str, Any]:
    """The file form of one scenario."""
    out: dict[str, Any] = {"id": scenario.id, "title": scenario.title, "theme": scenario.theme}
    if scenario.risk_category is not None:
        out["risk_category"] = scenario.risk_category
    out["type"] = scenario.type.value
    if scenario.narrative:
        out["narrative"] = scenario.narrative
    out["impact"] = {cid: criterion_to_input(s, profile.impact)
                     for cid, s in scenario.impact.items()}
    if scenario.likelihood is not None:
        out["likelihood"] = likelihood_to_input(scenario.likelihood, profile.likelihood_scale)
    if scenario.experts:
        out["experts"] = [_expert(e, profile) for e in scenario.experts]
    if scenario.marking is not None:
        out["marking"] = scenario.marking
    if scenario.scope is not None:
        out["scope"] = scenario.scope.value
    return out


def theme_to_input(theme: Theme) -> dict[str, Any]:
    out: dict[str, Any] = {"id": theme.id, "name": theme.name.model_dump(exclude_none=True),
                           "kind": theme.kind.value}
    if theme.colour:
        out["colour"] = theme.colour
    if theme.lead_ministry:
        out["lead_ministry"] = theme.lead_ministry
    if theme.partners:
        out["partners"] = list(theme.partners)
    out["risk_categories"] = [{"id": c.id, "name": c.name.model_dump(exclude_none=True)}
                              for c in theme.risk_categories]
    return out


def workspace_to_dict(workspace: Workspace, profile: MethodProfile) -> dict[str, Any]:
    """The whole workspace in file form (keys in the documented order)."""
    out: dict[str, Any] = {"schema": SCHEMA_ID}
    if workspace.title:
        out["title"] = workspace.title
    out["profile"] = workspace.profile
    out["language"] = workspace.language
    out["illustrative"] = workspace.illustrative
    if workspace.note:
        out["note"] = workspace.note
    if workspace.threat_level is not None:
        out["threat_level"] = workspace.threat_level.model_dump(mode="json",
                                                                exclude_defaults=True)
    out["themes"] = [theme_to_input(t) for t in workspace.themes]
    out["scenarios"] = [scenario_to_input(s, profile) for s in workspace.scenarios]
    if workspace.reviews:
        out["reviews"] = [r.model_dump(mode="json", exclude_defaults=True)
                          for r in workspace.reviews]
    if workspace.strategy_text is not None:
        out["strategy_text"] = workspace.strategy_text.model_dump(mode="json",
                                                                  exclude_defaults=True)
    if workspace.measures:
        out["measures"] = [m.model_dump(mode="json", exclude_defaults=True)
                           for m in workspace.measures]
    return out


def dump_workspace(workspace: Workspace, profile: MethodProfile) -> str:
    """Canonical YAML text of a workspace."""
    return yaml.safe_dump(workspace_to_dict(workspace, profile), sort_keys=False,
                          allow_unicode=True, width=100, default_flow_style=False)
