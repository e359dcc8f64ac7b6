"""The schema of a method profile: interests, criteria, scales, aggregation and likelihood.

A profile is package data (``methods/profiles/*.yaml``), validated by these models. Every number
is a :class:`Fact`: a value together with its provenance status and source. A value that is not
known stays empty (``value: null`` with ``status: unknown``); the schema refuses an invented number
marked unknown and an empty value marked anything else.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain import Level, LocalText, OrdinalScale, Provenance, ScenarioType, Status
from weerbaar.errors import FieldProblem

T = TypeVar("T")

SCHEMA_ID = "weerbaar.method-profile/1"

HALF_CLASS_OFFSET = 0.5
"""Where weerbaar places a half class ("C-high"): half-way between its class and the next."""

_OPTIONAL_KEYS = ("locator", "status_by_class", "half_class_offset")


def _without_absent(data: object) -> object:
    """The dump without empty optional keys added later, so stored profiles keep their hash."""
    if isinstance(data, dict):
        return {k: _without_absent(v) for k, v in data.items()
                if not (k in _OPTIONAL_KEYS and v is None)}
    if isinstance(data, list):
        return [_without_absent(v) for v in data]
    return data


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(_Model, Generic[T]):
    """A method value with its provenance. ``value`` is empty exactly when the status is unknown.

    ``locator`` says where the sources state the value (see :class:`Provenance`). A value per class
    (thresholds) whose classes are not all equally backed gives the stronger classes in
    ``status_by_class``; ``status`` is then the status of the other classes (the weakest).
    """

    value: T | None = None
    status: Status
    source: str | None = None
    locator: str | None = None
    status_by_class: dict[str, Status] | None = Field(
        default=None,
        description="Status of single classes where it differs from 'status' (thresholds).")
    note: str | None = None

    @model_validator(mode="after")
    def _empty_iff_unknown(self) -> Fact[T]:
        if self.status is Status.UNKNOWN and self.value is not None:
            raise ValueError("a value marked 'unknown' must be empty (value: null); do not invent it")
        if self.status is not Status.UNKNOWN and self.value is None:
            raise ValueError(f"an empty value must be marked 'unknown', not {self.status.value!r}")
        if self.status is not Status.UNKNOWN and not self.source:
            raise ValueError(f"a {self.status.value} value needs a source")
        if self.status_by_class is not None:
            classes = set(self.value) if isinstance(self.value, dict) else set()
            if not self.status_by_class.keys() <= classes:
                raise ValueError(f"status_by_class names classes {sorted(self.status_by_class)}; "
                                 f"expected classes of the value {sorted(classes)}")
            if Status.UNKNOWN in self.status_by_class.values():
                raise ValueError("a class of a known value cannot be 'unknown'")
        return self

    @property
    def provenance(self) -> Provenance:
        return Provenance(status=self.status, source=self.source, locator=self.locator,
                          note=self.note)

    def status_of(self, code: str) -> Status:
        """The status of one class's value (below the lowest class: that of the lowest class)."""
        by_class = self.status_by_class or {}
        if isinstance(self.value, dict) and self.value and code not in self.value:
            code = next(iter(self.value))
        return by_class.get(code, self.status)

    @property
    def known(self) -> bool:
        return self.value is not None


class Interest(_Model):
    id: str
    name: LocalText
    note: LocalText | None = None
    provenance: Provenance


class CriterionKind(StrEnum):
    """How a criterion is scored: from a measured value, from several indicators, or by judgement."""

    QUANTITATIVE = "quantitative"
    INDICATOR_TABLE = "indicator_table"
    QUALITATIVE = "qualitative"


class Indicator(_Model):
    id: str
    name: LocalText
    unit: str | None = None


class IndicatorRow(_Model):
    """One row of an indicator table: the class given when every indicator reaches its minimum."""

    code: str
    minimum: dict[str, float]


class Criterion(_Model):
    """An impact criterion. ``concept`` identifies it across profiles (ids collide across methods)."""

    id: str
    concept: str
    interest: str
    name: LocalText
    description: LocalText | None = None
    kind: CriterionKind
    unit: str | None = None
    thresholds: Fact[dict[str, float]] | None = Field(
        default=None,
        description="Lower bound of each class in the criterion's unit (quantitative criteria).",
    )
    indicators: tuple[Indicator, ...] = ()
    table: Fact[list[IndicatorRow]] | None = None
    levels: Fact[dict[str, LocalText]] | None = Field(
        default=None, description="Descriptions of the classes (qualitative criteria)."
    )
    provenance: Provenance

    @model_validator(mode="after")
    def _kind_fields(self) -> Criterion:
        if self.kind is CriterionKind.QUANTITATIVE:
            if self.thresholds is None or not self.unit:
                raise ValueError("a quantitative criterion needs 'unit' and 'thresholds'")
            if self.thresholds.value is not None:
                bounds = list(self.thresholds.value.values())
                if any(b2 <= b1 for b1, b2 in itertools.pairwise(bounds)):
                    raise FieldProblem(
                        "thresholds must increase from the lowest to the highest class",
                        ("thresholds", "value"),
                    )
        elif self.kind is CriterionKind.INDICATOR_TABLE:
            if not self.indicators or self.table is None:
                raise ValueError("an indicator-table criterion needs 'indicators' and 'table'")
        elif self.thresholds is not None:
            raise ValueError("only a quantitative criterion has thresholds")
        return self


class ScaleSpec(_Model):
    """An ordinal scale as written in a profile."""

    levels: tuple[Level, ...]
    not_applicable: Level | None = None
    half_classes: bool = False
    half_class_offset: Fact[float] | None = Field(
        default=None,
        description="Where a half class ('C-high') sits on the axis, as a fraction of a class. "
        "weerbaar places it at +0.5; the fact records the status of that position.")
    factor: Fact[float]
    provenance: Provenance

    @model_validator(mode="after")
    def _positions(self) -> ScaleSpec:
        offset = self.half_class_offset
        if offset is not None:
            if not self.half_classes:
                raise FieldProblem("a half-class offset needs 'half_classes: true'",
                                   ("half_class_offset",))
            if offset.value is not None and offset.value != HALF_CLASS_OFFSET:
                raise FieldProblem(
                    f"weerbaar places a half class at +{HALF_CLASS_OFFSET} of its class; "
                    f"got {offset.value}", ("half_class_offset", "value"))
        positions = [lv.position for lv in self.levels]
        if positions != list(range(1, len(positions) + 1)):
            raise FieldProblem(
                f"level positions must be 1, 2, 3, ... in order, got {positions}", ("levels",)
            )
        if self.not_applicable is not None and self.not_applicable.position != 0:
            raise FieldProblem(
                "the not-applicable level must have position 0", ("not_applicable", "position")
            )
        return self

    def scale(self) -> OrdinalScale:
        return OrdinalScale(
            levels=self.levels, not_applicable=self.not_applicable, half_classes=self.half_classes
        )


class Denominator(StrEnum):
    """Divide the weighted sum by the weight of all criteria, or of the applicable (non-X) ones."""

    ALL = "all"
    APPLICABLE = "applicable"


class WeightBasis(StrEnum):
    EQUAL = "equal"
    CRITERIA = "criteria"
    INTERESTS = "interests"


class PreferenceProfile(_Model):
    """A named set of weights. ``interests`` weights are split equally over each interest's criteria."""

    id: str
    name: LocalText
    description: LocalText | None = None
    basis: WeightBasis
    weights: dict[str, float] = Field(default_factory=dict)
    provenance: Provenance

    @model_validator(mode="after")
    def _weights(self) -> PreferenceProfile:
        if self.basis is WeightBasis.EQUAL and self.weights:
            raise ValueError("equal weights take no 'weights' mapping")
        if self.basis is not WeightBasis.EQUAL and not self.weights:
            raise ValueError(f"basis {self.basis.value!r} needs a 'weights' mapping")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("weights must not be negative")
        return self


class AggregationMethodId(StrEnum):
    WEIGHTED_SUM = "weighted_sum"
    MAX_CLASS = "max_class"
    OUTRANKING = "outranking"


class Aggregation(_Model):
    default_method: AggregationMethodId
    default_method_provenance: Provenance
    class_values: Fact[dict[str, float]]
    denominator: Fact[Denominator]
    denominator_fallback: Denominator = Field(
        default=Denominator.ALL,
        description="Rule used while the profile's own rule is unknown; results that depend on it "
        "(scenarios with criteria scored X) are flagged.",
    )
    default_preference: str
    preference_profiles: tuple[PreferenceProfile, ...]

    @model_validator(mode="after")
    def _preferences(self) -> Aggregation:
        ids = [p.id for p in self.preference_profiles]
        if len(set(ids)) != len(ids):
            raise ValueError(f"preference profile ids must be unique, got {ids}")
        if self.default_preference not in ids:
            raise ValueError(f"default_preference {self.default_preference!r} is not one of {ids}")
        return self


class LikelihoodBasis(_Model):
    """How the likelihood of one scenario type is judged."""

    basis: LocalText
    horizon_years: Fact[float] | None = None
    bands: Fact[dict[str, tuple[float, float]]] | None = Field(
        default=None,
        description="Probability of occurrence within the horizon for each class: [low, high).",
    )
    levels: Fact[dict[str, LocalText]] | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _bands(self) -> LikelihoodBasis:
        if self.bands is not None and self.bands.value is not None:
            previous_high = None
            for code, (low, high) in self.bands.value.items():
                if not 0.0 <= low < high <= 1.0:
                    raise ValueError(f"band {code}: expected 0 <= low < high <= 1, got {low}, {high}")
                if previous_high is not None and abs(low - previous_high) > 1e-12:
                    raise ValueError(f"band {code} must start where the previous band ends")
                previous_high = high
            if self.horizon_years is None:
                raise ValueError("probability bands need 'horizon_years'")
        return self


class Likelihood(_Model):
    scale: ScaleSpec
    hazard: LikelihoodBasis
    threat: LikelihoodBasis

    def basis(self, kind: ScenarioType) -> LikelihoodBasis:
        return self.hazard if kind is ScenarioType.HAZARD else self.threat


class UncertaintySpec(_Model):
    """Defaults of the uncertainty analysis (``weerbaar analyse``); both can be overridden per run.

    ``distribution`` is the shape of a score between its lower and upper limit on the continuous
    class scale; ``serious`` is the impact class from which a scenario counts as seriously harming
    national security (the strategy's cut, class C "ernstig"), reported as P(impact >= serious).
    """

    distribution: Literal["triangular", "pert"] = "triangular"
    serious: str = "C"
    note: str | None = None


class MethodProfile(_Model):
    """A complete, versioned description of one risk-assessment method."""

    schema_: Literal["weerbaar.method-profile/1"] = Field(alias="schema")
    id: str
    version: str
    year: int
    name: LocalText
    description: LocalText
    sources: dict[str, str]
    provenance: Provenance
    interests: tuple[Interest, ...]
    impact_scale: ScaleSpec
    criteria: tuple[Criterion, ...]
    aggregation: Aggregation
    likelihood: Likelihood
    uncertainty: UncertaintySpec | None = Field(
        default=None, description="Defaults of the uncertainty analysis (optional).")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _consistent(self) -> MethodProfile:
        interest_ids = {i.id for i in self.interests}
        codes = {lv.code for lv in self.impact_scale.levels}
        ids = [c.id for c in self.criteria]
        for index, c in enumerate(self.criteria):
            if ids.index(c.id) != index:
                raise FieldProblem(f"criterion id {c.id!r} is used twice", ("criteria", index, "id"))
            if c.interest not in interest_ids:
                raise FieldProblem(
                    f"interest {c.interest!r} is not one of {sorted(interest_ids)}",
                    ("criteria", index, "interest"),
                )
            if c.thresholds is not None and c.thresholds.value and set(c.thresholds.value) - codes:
                raise FieldProblem(
                    f"thresholds use classes outside {sorted(codes)}",
                    ("criteria", index, "thresholds", "value"),
                )
        values = self.aggregation.class_values.value
        if values is not None:
            needed = set(codes)
            if self.impact_scale.not_applicable is not None:
                needed.add(self.impact_scale.not_applicable.code)
            if set(values) != needed:
                raise FieldProblem(
                    f"class values must give exactly the classes {sorted(needed)}",
                    ("aggregation", "class_values", "value"),
                )
        for index, pref in enumerate(self.aggregation.preference_profiles):
            keys = set(pref.weights)
            allowed = set(ids) if pref.basis is WeightBasis.CRITERIA else interest_ids
            if keys - allowed:
                raise FieldProblem(
                    f"unknown ids {sorted(keys - allowed)}; expected ids from {sorted(allowed)}",
                    ("aggregation", "preference_profiles", index, "weights"),
                )
        if self.uncertainty is not None and self.uncertainty.serious not in codes:
            raise FieldProblem(
                f"serious class {self.uncertainty.serious!r} is not one of {sorted(codes)}",
                ("uncertainty", "serious"),
            )
        for src in sorted(self.cited_sources()):
            if src not in self.sources:
                raise FieldProblem(
                    f"source {src!r} is cited but not listed under 'sources'", ("sources",)
                )
        return self

    def cited_sources(self) -> set[str]:
        """Every source key cited by a provenance anywhere in the profile."""
        refs: set[str] = set()

        def walk(obj: object) -> None:
            if isinstance(obj, Provenance | Fact) and obj.source:
                refs.update(s.strip() for s in obj.source.split(";"))
            if isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name))
            elif isinstance(obj, list | tuple):
                for item in obj:
                    walk(item)
            elif isinstance(obj, dict):
                for item in obj.values():
                    walk(item)

        walk(self)
        return refs

    # -- convenience -------------------------------------------------------------------------
    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)

    def interest_of(self, criterion_id: str) -> Interest:
        cid = self.criterion(criterion_id).interest
        return next(i for i in self.interests if i.id == cid)

    def preference(self, preference_id: str | None = None) -> PreferenceProfile:
        wanted = preference_id or self.aggregation.default_preference
        for p in self.aggregation.preference_profiles:
            if p.id == wanted:
                return p
        raise KeyError(wanted)

    @property
    def impact(self) -> OrdinalScale:
        return self.impact_scale.scale()

    @property
    def likelihood_scale(self) -> OrdinalScale:
        return self.likelihood.scale.scale()

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the profile: an assessment records the exact profile."""
        data = self.model_dump(mode="json", by_alias=True)
        if data.get("uncertainty") is None:  # optional section: absent keeps earlier hashes
            data.pop("uncertainty", None)
        canonical = json.dumps(_without_absent(data), sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
