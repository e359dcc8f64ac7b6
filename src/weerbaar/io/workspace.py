"""Workspace files: a human-readable YAML description of scenarios and scores.

The file format is defined by :class:`WorkspaceFile` (JSON Schema in ``docs/workspace.schema.json``).
Loading validates the structure, resolves class codes and natural-unit values against the named
method profile, and reports the first problem with the file, key path and line.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, ValidationError

from weerbaar.domain import (
    BOUNDS,
    Bound,
    Conversion,
    CriterionScore,
    ExpertScore,
    LikelihoodScore,
    Measure,
    Scenario,
    ScenarioType,
    Scope,
    ScoreRange,
    StrategyText,
    Theme,
    ThemeKind,
    ThemeReview,
    ThreatLevelHistory,
    Workspace,
)
from weerbaar.domain.classification import MARKING_PATTERN
from weerbaar.domain.limits import (
    VALUE_MAX,
    VALUE_TEXT_MAX,
    FiniteFloat,
    Id,
    Name,
    Text,
    Title,
    ValueText,
    number_problem,
    too_long,
)
from weerbaar.errors import InvalidInput, KeyPath, MethodError, NotFound
from weerbaar.methods.profile import CriterionKind, MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.methods.scales import (
    class_for_value,
    likelihood_class_for_probability,
    parse_natural_value,
    window_probability,
)
from weerbaar.util.yamlfile import LineMap, invalid_from_validation, line_of, read_yaml

SCHEMA_ID = "weerbaar.workspace/1"
EXAMPLES = {
    "nvs-2019": "nvs-2019.yaml",
    "midterm-2021": "midterm-2021.yaml",
}
EXAMPLE_PREFIX = "example:"



def _value(raw: object) -> object:
    """A score as typed: a text of at most VALUE_TEXT_MAX characters, or a finite number
    within ±VALUE_MAX (checked before the text or number is read)."""
    problem = None
    if isinstance(raw, str):
        problem = too_long(raw, VALUE_TEXT_MAX)
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            problem = number_problem(float(raw))
        except OverflowError:
            problem = f"out of range: at most {VALUE_MAX:g}"
    if problem is not None:
        raise ValueError(problem)
    return raw


Value = Annotated[str | float, BeforeValidator(_value)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CriterionInput(_Input):
    """A criterion score: class codes or natural-unit values; limits default to the EV."""

    ev: Value = Field(description="Expected value: a class (X, A–E) or a value such as '250 fatalities'.")
    ll: Value | None = Field(default=None, description="Lower limit (default: the expected value).")
    ul: Value | None = Field(default=None, description="Upper limit (default: the expected value).")
    reasoning: Text | None = None


class LikelihoodInput(_Input):
    """Likelihood as classes (half classes such as 'C-high' allowed) or as a probability."""

    ev: ValueText | None = None
    ll: ValueText | None = None
    ul: ValueText | None = None
    probability: FiniteFloat | None = Field(
        default=None, description="Probability of occurrence within the horizon (0.02 = 2 %)."
    )
    probability_low: FiniteFloat | None = None
    probability_high: FiniteFloat | None = None
    horizon_years: FiniteFloat | None = None
    annual_probability: FiniteFloat | None = None
    reasoning: Text | None = None


def _shape(raw: object) -> str:
    """Which form a score was given in: a mapping (with limits, reasoning, a probability) or a
    single value. Only that branch reports errors, at the key that holds them (the tags are
    left out of key paths)."""
    return "[entry]" if isinstance(raw, dict | BaseModel) else "[value]"


Score = Annotated[Annotated[Value, Tag("[value]")] | Annotated[CriterionInput, Tag("[entry]")],
                  Discriminator(_shape)]
Likelihood = Annotated[Annotated[ValueText, Tag("[value]")]
                       | Annotated[LikelihoodInput, Tag("[entry]")], Discriminator(_shape)]


class ExpertInput(_Input):
    """One expert's own scores (a subset of criteria is allowed)."""

    expert: Name = Field(min_length=1)
    impact: dict[Id, Score] = Field(default_factory=dict)
    likelihood: Likelihood | None = None
    marking: str | None = Field(default=None, pattern=MARKING_PATTERN,
                                description="Classification marking of this expert's score.")


class ScenarioInput(_Input):
    id: Id
    title: Title = Field(min_length=1)
    theme: Id
    risk_category: Id | None = None
    type: ScenarioType
    narrative: Text | None = None
    impact: dict[Id, Score] = Field(default_factory=dict)
    likelihood: Likelihood | None = None
    experts: list[ExpertInput] = Field(
        default_factory=list, description="Individual experts' scores beside the agreed ones."
    )
    marking: str | None = Field(
        default=None, pattern=MARKING_PATTERN,
        description="Classification marking of the scenario and its agreed scores.")
    scope: Scope | None = Field(
        default=None, description="The part of the Kingdom the scenario concerns "
                                  "(european-netherlands, caribbean-netherlands, kingdom); "
                                  "left out: none stated.")


class WorkspaceFile(_Input):
    """The top level of a workspace file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True,
                              json_schema_extra={"$id": SCHEMA_ID})

    schema_: Literal["weerbaar.workspace/1"] = Field(alias="schema")
    title: Title | None = None
    profile: Id
    language: Literal["nl", "en"] = "nl"
    illustrative: bool = False
    note: Text | None = None
    themes: list[Theme] = Field(default_factory=list)
    scenarios: list[ScenarioInput] = Field(default_factory=list)
    reviews: list[ThemeReview] = Field(
        default_factory=list, description="Per theme: the four review parts, questions, verdict.")
    measures: list[Measure] = Field(default_factory=list)
    threat_level: ThreatLevelHistory | None = Field(
        default=None, description="The national terrorism threat level (DTN, 1–5) as it "
                                  "developed, oldest first, shown beside the theme it names; "
                                  "an indicator, never part of the likelihood.")
    strategy_text: StrategyText | None = Field(
        default=None, description="The strategy document's own parts, word for word: its "
                                  "introduction, its conclusion and its generic instruments "
                                  "(a text and evidence each; no questions, no verdict).")


def workspace_json_schema() -> dict[str, Any]:
    """JSON Schema of the workspace file format (written to ``docs/workspace.schema.json``)."""
    schema = WorkspaceFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def example_path(name: str) -> Path:
    """Path of a shipped example workspace (``nvs-2019``, ``midterm-2021``)."""
    if name not in EXAMPLES:
        raise NotFound(f"no example {name!r}; shipped examples: {', '.join(EXAMPLES)}")
    with resources.as_file(resources.files("weerbaar.data.examples") / EXAMPLES[name]) as p:
        return Path(p)


def example_text(name: str) -> str:
    """The text of a shipped example workspace."""
    if name not in EXAMPLES:
        raise NotFound(f"no example {name!r}; shipped examples: {', '.join(EXAMPLES)}")
    entry = resources.files("weerbaar.data.examples") / EXAMPLES[name]
    return entry.read_text(encoding="utf-8")


class _Resolver:
    """Turns validated input into domain objects, reporting problems with file and key path."""

    def __init__(self, source: Path, lines: LineMap, profile: MethodProfile) -> None:
        self.source, self.lines, self.profile = source, lines, profile

    def fail(self, message: str, path: KeyPath, expected: str | None = None) -> InvalidInput:
        return InvalidInput(message, source=self.source, location=path,
                            line=line_of(self.lines, path), expected=expected)

    def criterion_score(self, cid: str, raw: Value | CriterionInput, path: KeyPath) -> CriterionScore:
        try:
            criterion = self.profile.criterion(cid)
        except KeyError:
            ids = ", ".join(c.id for c in self.profile.criteria)
            raise self.fail(f"criterion {cid!r} is not in profile {self.profile.id}", path,
                            f"one of {ids}") from None
        entry = raw if isinstance(raw, CriterionInput) else CriterionInput(ev=raw)
        scale = self.profile.impact
        positions: dict[Bound, float] = {}
        conversions: list[Conversion] = []
        for bound in BOUNDS:
            value = getattr(entry, bound)
            value = entry.ev if value is None else value
            where = [*path, bound] if isinstance(raw, CriterionInput) else list(path)
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            try:
                if not numeric or criterion.kind is not CriterionKind.QUANTITATIVE:
                    try:
                        positions[bound] = scale.parse(str(value))
                        continue
                    except ValueError:
                        if criterion.kind is not CriterionKind.QUANTITATIVE:
                            raise
                amount, _ = parse_natural_value(value, criterion)
                na = scale.not_applicable.code if scale.not_applicable else scale.codes[0]
                conv = class_for_value(amount, criterion, bound=bound, entered=str(value),
                                       not_applicable=na)
                conversions.append(conv)
                positions[bound] = scale.parse(conv.code)
            except (ValueError, MethodError) as exc:
                raise self.fail(str(exc), where) from None
        try:
            rng = ScoreRange(**positions)
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            codes = {b: scale.code(p) for b, p in positions.items()}
            raise self.fail(f"{msg} ({codes['ll']} / {codes['ev']} / {codes['ul']})", path) from None
        return CriterionScore(criterion=cid, range=rng, reasoning=entry.reasoning,
                              conversions=tuple(conversions))

    def likelihood(self, raw: str | LikelihoodInput, kind: ScenarioType,
                   path: KeyPath) -> LikelihoodScore:
        entry = raw if isinstance(raw, LikelihoodInput) else LikelihoodInput(ev=raw)
        scale = self.profile.likelihood_scale
        basis = self.profile.likelihood.basis(kind)
        probabilistic = (entry.probability, entry.annual_probability)
        conversions: list[Conversion] = []
        positions: dict[Bound, float] = {}
        try:
            if any(p is not None for p in probabilistic):
                if entry.ev is not None or entry.ll is not None or entry.ul is not None:
                    raise ValueError("give either classes (ev/ll/ul) or a probability, not both")
                horizon = basis.horizon_years.value if basis.horizon_years else None
                if entry.annual_probability is not None:
                    if horizon is None:
                        raise MethodError("the profile has no planning horizon for this type")
                    central = window_probability(entry.annual_probability, horizon)
                    given_horizon: float | None = horizon
                    entered = f"annual probability {entry.annual_probability!r}"
                else:
                    assert entry.probability is not None
                    central, given_horizon = entry.probability, entry.horizon_years
                    entered = f"probability {entry.probability!r}"
                probs = {"ev": central, "ll": entry.probability_low, "ul": entry.probability_high}
                for bound in BOUNDS:
                    p = probs[bound]
                    p = central if p is None else p
                    code, status, source, rule = likelihood_class_for_probability(
                        p, basis, horizon_years=given_horizon)
                    positions[bound] = scale.parse(code)
                    conversions.append(Conversion(
                        bound=bound, entered=entered if bound == "ev" else f"probability {p!r}",
                        value=p, unit="probability", code=code, threshold_status=status,
                        threshold_source=source, rule=rule))
            else:
                if entry.ev is None:
                    raise ValueError("likelihood needs 'ev' (a class) or 'probability'")
                for bound in BOUNDS:
                    value = getattr(entry, bound)
                    positions[bound] = scale.parse(entry.ev if value is None else value)
            rng = ScoreRange(**positions)
        except ValidationError as exc:
            msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise self.fail(msg, path) from None
        except (ValueError, MethodError) as exc:
            raise self.fail(str(exc), path, f"a class: {scale.describe_codes()}") from None
        return LikelihoodScore(range=rng, reasoning=entry.reasoning,
                               conversions=tuple(conversions))

    def scenario(self, index: int, raw: ScenarioInput, themes: dict[str, Theme]) -> Scenario:
        path: list[str | int] = ["scenarios", index]
        if raw.theme not in themes:
            raise self.fail(f"theme {raw.theme!r} is not defined under 'themes'", [*path, "theme"],
                            f"one of {', '.join(themes) or '(no themes defined)'}")
        categories = {c.id for c in themes[raw.theme].risk_categories}
        if raw.risk_category is not None and raw.risk_category not in categories:
            raise self.fail(
                f"risk category {raw.risk_category!r} is not under theme {raw.theme!r}",
                [*path, "risk_category"], f"one of {', '.join(sorted(categories)) or '(none)'}")
        impact = {cid: self.criterion_score(cid, value, [*path, "impact", cid])
                  for cid, value in raw.impact.items()}
        likelihood = (None if raw.likelihood is None
                      else self.likelihood(raw.likelihood, raw.type, [*path, "likelihood"]))
        experts = []
        names: set[str] = set()
        for e_index, e in enumerate(raw.experts):
            e_path = [*path, "experts", e_index]
            if e.expert in names:
                raise self.fail(f"expert {e.expert!r} appears twice", [*e_path, "expert"])
            names.add(e.expert)
            experts.append(ExpertScore(
                expert=e.expert,
                impact={cid: self.criterion_score(cid, v, [*e_path, "impact", cid])
                        for cid, v in e.impact.items()},
                likelihood=(None if e.likelihood is None
                            else self.likelihood(e.likelihood, raw.type, [*e_path, "likelihood"])),
                marking=e.marking,
            ))
        return Scenario(id=raw.id, title=raw.title, theme=raw.theme,
                        risk_category=raw.risk_category, type=raw.type, narrative=raw.narrative,
                        impact=impact, likelihood=likelihood, experts=tuple(experts),
                        marking=raw.marking, scope=raw.scope)


def load_workspace(path: Path | str, *, profile: MethodProfile | None = None) -> Workspace:
    """Load a workspace file (or ``example:NAME``) and resolve it against its method profile."""
    text = None
    if isinstance(path, str) and path.startswith(EXAMPLE_PREFIX):
        name = path.removeprefix(EXAMPLE_PREFIX)
        text = example_text(name)
        path = Path(f"example:{name}")
    path = Path(path)
    data, lines = read_yaml(path, text=text)
    if not isinstance(data, dict):
        raise InvalidInput("a workspace must be a mapping", source=path, line=1,
                           expected="keys 'schema', 'profile', 'themes', 'scenarios'")
    try:
        parsed = WorkspaceFile.model_validate(data)
    except ValidationError as exc:
        raise invalid_from_validation(exc, source=path, lines=lines) from None
    if profile is None:
        try:
            profile = get_profile(parsed.profile)
        except NotFound as exc:
            raise InvalidInput(str(exc), source=path, location=["profile"],
                               line=line_of(lines, ["profile"])) from None
    elif profile.id != parsed.profile:
        raise InvalidInput(f"workspace is for profile {parsed.profile!r}", source=path,
                           location=["profile"], expected=profile.id)
    resolver = _Resolver(path, lines, profile)
    themes: dict[str, Theme] = {}
    for index, theme in enumerate(parsed.themes):
        if theme.id in themes:
            raise resolver.fail(f"theme id {theme.id!r} is used twice", ["themes", index, "id"])
        themes[theme.id] = theme
    scenarios: list[Scenario] = []
    seen: set[str] = set()
    for index, raw in enumerate(parsed.scenarios):
        if raw.id in seen:
            raise resolver.fail(f"scenario id {raw.id!r} is used twice",
                                ["scenarios", index, "id"], "unique scenario ids")
        seen.add(raw.id)
        scenarios.append(resolver.scenario(index, raw, themes))
    _check_reviews(resolver, parsed.reviews, themes)
    _check_measures(resolver, parsed.measures, themes, seen, profile)
    if parsed.threat_level is not None and parsed.threat_level.theme is not None \
            and parsed.threat_level.theme not in themes:
        raise resolver.fail(f"theme {parsed.threat_level.theme!r} is not defined under 'themes'",
                            ["threat_level", "theme"], f"one of {', '.join(themes)}")
    return Workspace(profile=profile.id, title=parsed.title, language=parsed.language,
                     illustrative=parsed.illustrative, note=parsed.note,
                     themes=tuple(themes.values()), scenarios=tuple(scenarios),
                     reviews=tuple(parsed.reviews), measures=tuple(parsed.measures),
                     threat_level=parsed.threat_level, strategy_text=parsed.strategy_text)


def _check_reviews(resolver: _Resolver, reviews: list[ThemeReview],
                   themes: dict[str, Theme]) -> None:
    seen: set[str] = set()
    for index, review in enumerate(reviews):
        path: list[str | int] = ["reviews", index]
        if review.theme not in themes:
            raise resolver.fail(f"theme {review.theme!r} is not defined under 'themes'",
                                [*path, "theme"], f"one of {', '.join(themes)}")
        if review.theme in seen:
            raise resolver.fail(f"theme {review.theme!r} has two reviews", [*path, "theme"])
        seen.add(review.theme)
        if themes[review.theme].kind is ThemeKind.GENERIC and review.verdict is not None:
            raise resolver.fail("a generic instrument gets no approach verdict",
                                [*path, "verdict"], "no verdict for generic instruments")


def _check_measures(resolver: _Resolver, measures: list[Measure], themes: dict[str, Theme],
                    scenario_ids: set[str], profile: MethodProfile) -> None:
    ids: set[str] = set()
    criteria = {c.id for c in profile.criteria}
    for index, measure in enumerate(measures):
        path: list[str | int] = ["measures", index]
        if measure.id in ids:
            raise resolver.fail(f"measure id {measure.id!r} is used twice", [*path, "id"])
        ids.add(measure.id)
        for t_index, theme in enumerate(measure.themes):
            if theme not in themes:
                raise resolver.fail(f"theme {theme!r} is not defined under 'themes'",
                                    [*path, "themes", t_index])
        for s_index, sid in enumerate(measure.scenarios):
            if sid not in scenario_ids:
                raise resolver.fail(f"scenario {sid!r} is not in this workspace",
                                    [*path, "scenarios", s_index])
        for cid in measure.effect.criteria:
            if cid not in criteria:
                raise resolver.fail(f"criterion {cid!r} is not in profile {profile.id}",
                                    [*path, "effect", "criteria", cid])


def resolve_scenario(raw: dict[str, Any], profile: MethodProfile, themes: tuple[Theme, ...], *,
                     source: str = "request", index: int = 0) -> Scenario:
    """One scenario in file form (class codes, natural-unit values) resolved against a profile.

    Used by forms and the API, so a score typed in the browser means exactly what it means in a
    workspace file. Errors name the key path, e.g. ``impact.2.1.ll``.
    """
    try:
        parsed = ScenarioInput.model_validate(raw)
    except ValidationError as exc:
        raise invalid_from_validation(exc, source=source) from None
    resolver = _Resolver(Path(source), {}, profile)
    try:
        return resolver.scenario(index, parsed, {t.id: t for t in themes})
    except InvalidInput as exc:
        location = exc.location or []
        trimmed = location[2:] if location[:1] == ["scenarios"] else location
        raise InvalidInput(exc.message, source=source, location=trimmed,
                           expected=exc.expected) from None


def resolve_expert_score(raw: dict[str, Any], profile: MethodProfile, kind: ScenarioType, *,
                         source: str = "request") -> ExpertScore:
    """One expert's scores in file form (a subset of criteria allowed), resolved."""
    try:
        parsed = ExpertInput.model_validate(raw)
    except ValidationError as exc:
        raise invalid_from_validation(exc, source=source) from None
    resolver = _Resolver(Path(source), {}, profile)
    return ExpertScore(
        expert=parsed.expert,
        impact={cid: resolver.criterion_score(cid, v, ["impact", cid])
                for cid, v in parsed.impact.items()},
        likelihood=(None if parsed.likelihood is None
                    else resolver.likelihood(parsed.likelihood, kind, ["likelihood"])),
        marking=parsed.marking)
