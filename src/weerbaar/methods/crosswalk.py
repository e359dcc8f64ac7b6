"""Crosswalks between method profiles: how a cycle scored against one profile is carried to the
next (``gra-2019`` → ``rnv-2022``).

A crosswalk is package data (``methods/crosswalks/FROM--TO.yaml``): for every criterion of the
source profile the criterion of the target profile it becomes (``same``, ``renamed``, ``moved``)
or none (``dropped``), the target's criteria that are new (left unscored), and for every theme
whether it is ``kept``, ``renamed`` or ``merged`` with others. Every entry carries a note and its
provenance status: a link is only as firm as its sources, and a mapping that is a judgement says
so.

:func:`carry_workspace` is pure: it gives the carried workspace and the list of changes. A score
is carried only when its classes mean the same on the target: the target scale has the same
class at the same position (half classes included), the criterion is scored the same way and its
class boundaries are equal; otherwise it goes to the unmapped list with the reason. Every source
score ends up in exactly one of the two lists. Criteria of the target profile a scenario does not
score (the new ones, and those whose score was not carried) are its outstanding criteria
(:func:`unscored_criteria`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from weerbaar.domain import (
    CriterionScore,
    LikelihoodScore,
    LocalText,
    Measure,
    OrdinalScale,
    Provenance,
    RiskCategory,
    Scenario,
    ScenarioType,
    Status,
    Theme,
    ThemeKind,
    ThemeReview,
    Workspace,
)
from weerbaar.domain.scores import BOUNDS, ScoreRange
from weerbaar.errors import FieldProblem, InvalidInput, MethodError, NotFound
from weerbaar.methods.profile import Criterion, MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.util.yamlfile import line_of, read_yaml, validate_file

SCHEMA_ID = "weerbaar.crosswalk/1"
_PACKAGE = "weerbaar.methods.crosswalks"
LIKELIHOOD = "likelihood"
"""The item of a likelihood score in the carried and unmapped lists (criterion ids otherwise)."""


class CriterionChange(StrEnum):
    """What becomes of a criterion: the same one, the same one reworded, another id, or none."""

    SAME = "same"
    RENAMED = "renamed"
    MOVED = "moved"
    DROPPED = "dropped"


class ThemeChange(StrEnum):
    """What becomes of a theme: kept as it is, renamed, or merged with others into one."""

    KEPT = "kept"
    RENAMED = "renamed"
    MERGED = "merged"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CriterionLink(_Model):
    """A criterion of the source profile and the criterion of the target it becomes."""

    source: str = Field(alias="from")
    target: str | None = Field(default=None, alias="to")
    change: CriterionChange
    note: LocalText | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _fits_change(self) -> CriterionLink:
        if self.change is CriterionChange.DROPPED:
            if self.target is not None:
                raise FieldProblem("a dropped criterion has no target; leave 'to' out", ("to",))
        elif self.target is None:
            raise FieldProblem(f"a {self.change.value} criterion needs its target", ("to",))
        elif self.change is CriterionChange.MOVED and self.target == self.source:
            raise FieldProblem("a moved criterion goes to another id; with the same id it is "
                               "'same' or 'renamed'", ("change",))
        elif self.change is not CriterionChange.MOVED and self.target != self.source:
            raise FieldProblem(f"a {self.change.value} criterion keeps its id ({self.source}); "
                               "to another id it is 'moved'", ("change",))
        return self


class NewCriterion(_Model):
    """A criterion of the target profile that the source does not have: left unscored."""

    id: str
    note: LocalText | None = None
    provenance: Provenance


class ThemeLink(_Model):
    """A theme of the source cycle and what it becomes; ``name`` renames it (optional)."""

    source: str = Field(alias="from")
    target: str | None = Field(default=None, alias="to")
    change: ThemeChange
    name: LocalText | None = None
    note: LocalText | None = None
    provenance: Provenance

    @model_validator(mode="after")
    def _fits_change(self) -> ThemeLink:
        if self.change is ThemeChange.KEPT:
            if self.target is not None or self.name is not None:
                raise FieldProblem("a kept theme has no 'to' and no 'name'", ("change",))
        elif self.target is None:
            raise FieldProblem(f"a {self.change.value} theme needs its target", ("to",))
        elif self.change is ThemeChange.RENAMED and self.target == self.source:
            raise FieldProblem("a renamed theme gets another id; with the same id it is 'kept'",
                               ("to",))
        return self

    @property
    def goes_to(self) -> str:
        return self.target or self.source


class Crosswalk(_Model):
    """The mapping of one method profile onto the next, with the provenance of every link."""

    schema_: Literal["weerbaar.crosswalk/1"] = Field(alias="schema")
    id: str
    source: str = Field(alias="from")
    target: str = Field(alias="to")
    name: LocalText
    description: LocalText | None = None
    sources: dict[str, str]
    provenance: Provenance
    criteria: tuple[CriterionLink, ...]
    new_criteria: tuple[NewCriterion, ...] = ()
    themes: tuple[ThemeLink, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Crosswalk:
        if self.id != f"{self.source}--{self.target}":
            raise FieldProblem(f"the id of a crosswalk from {self.source} to {self.target} is "
                               f"{self.source}--{self.target}", ("id",))
        _unique([c.source for c in self.criteria], "criteria", "from")
        targets = [c.target for c in self.criteria]
        for index, target in enumerate(targets):
            if target is not None and targets.index(target) != index:
                first = self.criteria[targets.index(target)].source
                raise FieldProblem(f"criterion {target} is the target of {first} and of "
                                   f"{self.criteria[index].source}; their scores would collide",
                                   ("criteria", index, "to"))
        _unique([n.id for n in self.new_criteria], "new_criteria", "id")
        for index, new in enumerate(self.new_criteria):
            if new.id in targets:
                raise FieldProblem(f"criterion {new.id} is new, but also the target of a link",
                                   ("new_criteria", index, "id"))
        _unique([t.source for t in self.themes], "themes", "from")
        self._check_theme_targets()
        for key in sorted(self.cited_sources()):
            if key not in self.sources:
                raise FieldProblem(f"source {key!r} is cited but not listed under 'sources'",
                                   ("sources",))
        return self

    def _check_theme_targets(self) -> None:
        kept = {t.source for t in self.themes if t.change is ThemeChange.KEPT}
        into: dict[str, list[int]] = {}
        for index, link in enumerate(self.themes):
            if link.target is not None:
                into.setdefault(link.target, []).append(index)
        for target, indices in into.items():
            links = [self.themes[i] for i in indices]
            last = indices[-1]
            if any(t.change is ThemeChange.RENAMED for t in links):
                if len(links) > 1 or target in kept:
                    raise FieldProblem(f"theme {target!r} receives more than one theme: that is a "
                                       "merge ('change: merged')", ("themes", last, "change"))
                continue
            if len(links) + (target in kept) < 2:
                raise FieldProblem(f"theme {target!r} receives one theme only: that is a rename "
                                   "('change: renamed')", ("themes", last, "change"))
            names = {(t.name.nl, t.name.en) for t in links if t.name is not None}
            if len(names) > 1:
                raise FieldProblem(f"the themes merged into {target!r} give different names",
                                   ("themes", last, "name"))

    def cited_sources(self) -> set[str]:
        provenances = [self.provenance, *(c.provenance for c in self.criteria),
                       *(n.provenance for n in self.new_criteria),
                       *(t.provenance for t in self.themes)]
        return {s.strip() for p in provenances if p.source for s in p.source.split(";")}

    def link(self, criterion: str) -> CriterionLink | None:
        return next((c for c in self.criteria if c.source == criterion), None)

    def theme_link(self, theme: str) -> ThemeLink | None:
        return next((t for t in self.themes if t.source == theme), None)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: a carried cycle records the exact crosswalk."""
        data = self.model_dump(mode="json", by_alias=True)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode("utf-8")).hexdigest()

    def record(self) -> dict[str, str]:
        """What a carried cycle keeps of its crosswalk: id, profiles and content hash."""
        return {"id": self.id, "from": self.source, "to": self.target, "hash": self.content_hash}


def _unique(values: Sequence[str], section: str, key: str) -> None:
    for index, value in enumerate(values):
        if values.index(value) != index:
            raise FieldProblem(f"{value!r} is listed twice", (section, index, key))


# -- checks against the two profiles ---------------------------------------------------------

Problem = tuple[tuple[str | int, ...], str, str | None]


def crosswalk_problems(crosswalk: Crosswalk, source: MethodProfile,
                       target: MethodProfile) -> list[Problem]:
    """What in the crosswalk does not fit its two profiles: (key path, message, expected).

    Every criterion of the source is linked once; every criterion id exists in its profile;
    every criterion of the target is a link's target or new; a ``same`` or ``renamed`` link
    joins criteria of one concept, with equal names (``same``) or reworded ones (``renamed``).
    """
    problems: list[Problem] = []
    for key, profile, wanted in (("from", source, crosswalk.source),
                                 ("to", target, crosswalk.target)):
        if profile.id != wanted:
            problems.append(((key,), f"profile {profile.id!r} given for {wanted!r}", wanted))
    source_ids = [c.id for c in source.criteria]
    target_ids = [c.id for c in target.criteria]
    linked = {c.source for c in crosswalk.criteria}
    for index, link in enumerate(crosswalk.criteria):
        where: tuple[str | int, ...] = ("criteria", index)
        if link.source not in source_ids:
            problems.append(((*where, "from"), f"criterion {link.source!r} is not in profile "
                             f"{source.id}", f"one of {', '.join(source_ids)}"))
            continue
        if link.target is None:
            continue
        if link.target not in target_ids:
            problems.append(((*where, "to"), f"criterion {link.target!r} is not in profile "
                             f"{target.id}", f"one of {', '.join(target_ids)}"))
            continue
        before, after = source.criterion(link.source), target.criterion(link.target)
        if link.change in (CriterionChange.SAME, CriterionChange.RENAMED):
            if before.concept != after.concept:
                problems.append(((*where, "change"), f"{link.source} measures {before.concept} in "
                                 f"{source.id} but {after.concept} in {target.id}: not the same "
                                 "criterion", "moved (a judgement) or dropped"))
            elif (before.name == after.name) != (link.change is CriterionChange.SAME):
                wanted = "same" if before.name == after.name else "renamed"
                problems.append(((*where, "change"), f"the names of {link.source} in the two "
                                 f"profiles {'are equal' if wanted == 'same' else 'differ'}",
                                 wanted))
    for cid in source_ids:
        if cid not in linked:
            problems.append((("criteria",), f"criterion {cid} of {source.id} is not in the "
                             "crosswalk", "a link for every criterion of the source profile"))
    accounted = {c.target for c in crosswalk.criteria if c.target is not None}
    for index, new in enumerate(crosswalk.new_criteria):
        if new.id not in target_ids:
            problems.append((("new_criteria", index, "id"), f"criterion {new.id!r} is not in "
                             f"profile {target.id}", f"one of {', '.join(target_ids)}"))
        accounted.add(new.id)
    for cid in target_ids:
        if cid not in accounted:
            problems.append((("new_criteria",), f"criterion {cid} of {target.id} is neither a "
                             "link's target nor new", "every criterion of the target profile"))
    return problems


# -- files and the shipped crosswalks --------------------------------------------------------

def load_crosswalk_file(path: Path | str, *, text: str | None = None) -> Crosswalk:
    """Load a crosswalk and check it against its two (shipped) profiles; every error names the
    file, the key path and the line."""
    path = Path(path)
    data, lines = read_yaml(path, text=text)
    if not isinstance(data, dict):
        raise InvalidInput("a crosswalk must be a mapping", source=path, line=1,
                           expected="keys such as 'schema', 'id', 'from', 'to', 'criteria'")
    crosswalk = validate_file(Crosswalk, data, source=path, lines=lines)
    profiles = []
    for key in ("from", "to"):
        try:
            profiles.append(get_profile(getattr(crosswalk, "source" if key == "from" else "target")))
        except NotFound as exc:
            raise InvalidInput(str(exc), source=path, location=[key],
                               line=line_of(lines, [key]), expected="a shipped method profile") from None
    problems = crosswalk_problems(crosswalk, profiles[0], profiles[1])
    if problems:
        location, message, expected = problems[0]
        more = f" ({len(problems) - 1} more problem(s) in this file)" if len(problems) > 1 else ""
        raise InvalidInput(message + more, source=path, location=list(location),
                           line=line_of(lines, location), expected=expected)
    return crosswalk


def _shipped_files() -> dict[str, resources.abc.Traversable]:
    return {entry.name.removesuffix(".yaml"): entry
            for entry in resources.files(_PACKAGE).iterdir() if entry.name.endswith(".yaml")}


def crosswalk_ids() -> list[str]:
    """Ids of the shipped crosswalks (``FROM--TO``), sorted."""
    return sorted(_shipped_files())


def describe_crosswalks() -> str:
    """The shipped crosswalks as ``gra-2019 → rnv-2022, …`` (for messages)."""
    return ", ".join(i.replace("--", " → ") for i in crosswalk_ids()) or "(none)"


@cache
def get_crosswalk(source: str, target: str) -> Crosswalk:
    """The shipped crosswalk from profile ``source`` to ``target``; a pair without one is a
    :class:`MethodError` naming both profiles and the crosswalks there are."""
    files = _shipped_files()
    name = f"{source}--{target}"
    if name not in files:
        raise MethodError(f"no crosswalk from method profile {source!r} to {target!r}: a cycle "
                          f"cannot be carried between them; crosswalks: {describe_crosswalks()}")
    entry = files[name]
    crosswalk = load_crosswalk_file(Path(f"{_PACKAGE.replace('.', '/')}/{entry.name}"),
                                    text=entry.read_text(encoding="utf-8"))
    return crosswalk


# -- the change list -------------------------------------------------------------------------

class ChangeKind(StrEnum):
    CRITERION_SAME = "criterion_same"
    CRITERION_RENAMED = "criterion_renamed"
    CRITERION_MOVED = "criterion_moved"
    CRITERION_DROPPED = "criterion_dropped"
    CRITERION_NEW = "criterion_new"
    THEME_KEPT = "theme_kept"
    THEME_RENAMED = "theme_renamed"
    THEME_MERGED = "theme_merged"
    THEME_UNLISTED = "theme_unlisted"
    SCORE_DROPPED = "score_dropped"
    SCENARIO_INCOMPLETE = "scenario_incomplete"
    REVIEW_NOT_CARRIED = "review_not_carried"
    MEASURE_EFFECT_DROPPED = "measure_effect_dropped"


# The English message ids of the catalogues (weerbaar.i18n); the faces translate them.
MESSAGES: dict[str, str] = {
    ChangeKind.CRITERION_SAME: "Criterion {source} → {target}: the same criterion",
    ChangeKind.CRITERION_RENAMED: "Criterion {source} → {target}: the same criterion, renamed",
    ChangeKind.CRITERION_MOVED: "Criterion {source} → {target}: moved to another id",
    ChangeKind.CRITERION_DROPPED: "Criterion {source}: no counterpart in {profile}; its scores "
                                  "are not carried",
    ChangeKind.CRITERION_NEW: "Criterion {target} is new in {profile}: not scored yet",
    ChangeKind.THEME_KEPT: "Theme {source}: kept as it is",
    ChangeKind.THEME_RENAMED: "Theme {source} → {target}: renamed",
    ChangeKind.THEME_MERGED: "Theme {source} → {target}: merged",
    ChangeKind.THEME_UNLISTED: "Theme {source} is not in the crosswalk: kept as it is",
    ChangeKind.SCORE_DROPPED: "Scenario {scenario}: the score of {item} is not carried: {reason}",
    "score_dropped_expert": "Scenario {scenario}, expert {expert}: the score of {item} is not "
                            "carried: {reason}",
    ChangeKind.SCENARIO_INCOMPLETE: "Scenario {scenario}: incomplete: {criteria} not scored",
    ChangeKind.REVIEW_NOT_CARRIED: "The review of theme {source} is not carried: theme {target} "
                                   "would get several reviews; it stays in the parent cycle",
    ChangeKind.MEASURE_EFFECT_DROPPED: "Measure {measure}: the effect on criterion {item} is not "
                                       "carried: {reason}",
    # reasons
    "no_counterpart": "criterion {item} has no counterpart in {profile}",
    "class_not_on_target": "class {code} is not a class of {profile} at the same place",
    "kind_differs": "{item} is scored another way in {profile}",
    "boundaries_differ": "the class boundaries of {item} differ in {profile}",
    "bands_differ": "the likelihood bands or time window differ in {profile}",
    "not_in_profile": "criterion {item} is not in {profile}",
    LIKELIHOOD: "likelihood",
}


@dataclass(frozen=True)
class Message:
    """A fixed text of the catalogues (English message id) and the values of its fields; a
    value may itself be a message (a reason)."""

    key: str
    values: Mapping[str, str | Message] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES[self.key]

    def render(self, gettext: Callable[[str], str] = str) -> str:
        values = {k: v.render(gettext) if isinstance(v, Message) else v
                  for k, v in self.values.items()}
        return gettext(self.template).format(**values)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.render(),
                "values": {k: v.to_dict() if isinstance(v, Message) else v
                           for k, v in self.values.items()}}


@dataclass(frozen=True)
class CarryChange:
    """One line of the change list: what changed, the status of the link it rests on (a
    crosswalk entry's provenance) and the crosswalk's note."""

    kind: ChangeKind
    message: Message
    subject: str
    status: Status | None = None
    note: LocalText | None = None

    def render(self, gettext: Callable[[str], str] = str, lang: str = "en") -> str:
        text = self.message.render(gettext)
        if self.note is not None:
            text += f" — {self.note.get('nl' if lang == 'nl' else 'en')}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "subject": self.subject, **self.message.to_dict(),
                "status": self.status.value if self.status is not None else None,
                "note": self.note.model_dump() if self.note is not None else None}


@dataclass(frozen=True)
class CarriedScore:
    """A score that landed on the target: ``item`` (a criterion id or ``likelihood``) becomes
    ``target``; ``expert`` is empty for the agreed scores."""

    scenario: str
    item: str
    target: str
    expert: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "item": self.item, "target": self.target,
                "expert": self.expert}


@dataclass(frozen=True)
class UnmappedScore:
    """A score that was not carried, and why."""

    scenario: str
    item: str
    reason: Message
    expert: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "item": self.item, "expert": self.expert,
                "reason": self.reason.to_dict()}


@dataclass(frozen=True)
class CarriedWorkspace:
    """A workspace carried through a crosswalk, with everything that changed on the way."""

    workspace: Workspace
    crosswalk: Crosswalk
    source: MethodProfile
    target: MethodProfile
    themes: Mapping[str, str]
    """Each source theme and the theme it became."""
    carried: tuple[CarriedScore, ...]
    unmapped: tuple[UnmappedScore, ...]
    incomplete: Mapping[str, tuple[str, ...]]
    """Per scenario the target's criteria it does not score (in profile order)."""
    changes: tuple[CarryChange, ...]
    review_origins: Mapping[str, str]
    """Each carried review's theme and the source theme it came from."""

    def to_dict(self) -> dict[str, Any]:
        return {"crosswalk": self.crosswalk.record(),
                "source_profile": {"id": self.source.id, "hash": self.source.content_hash},
                "target_profile": {"id": self.target.id, "hash": self.target.content_hash},
                "themes": dict(self.themes),
                "carried": [c.to_dict() for c in self.carried],
                "unmapped": [u.to_dict() for u in self.unmapped],
                "incomplete": {k: list(v) for k, v in self.incomplete.items()},
                "changes": [c.to_dict() for c in self.changes]}


# -- carrying a workspace --------------------------------------------------------------------

def unscored_criteria(scenario: Scenario, profile: MethodProfile) -> tuple[str, ...]:
    """The profile's criteria the scenario's agreed scores leave out (its outstanding
    criteria), in profile order."""
    return tuple(c.id for c in profile.criteria if c.id not in scenario.impact)


def _same_classes(rng: ScoreRange, before: OrdinalScale, after: OrdinalScale) -> str | None:
    """The first class of ``rng`` that is not the same class at the same place on ``after``."""
    for bound in BOUNDS:
        position = rng.get(bound)
        code = before.code(position)
        try:
            if abs(after.parse(code) - position) < 1e-9:
                continue
        except ValueError:
            pass
        return code
    return None


def _criterion_differs(before: Criterion, after: Criterion) -> str | None:
    """Why a score of ``before`` would mean something else on ``after`` (a reason key)."""
    if before.kind is not after.kind:
        return "kind_differs"
    for name in ("thresholds", "table"):
        old, new = getattr(before, name), getattr(after, name)
        if (old.value if old is not None else None) != (new.value if new is not None else None):
            return "boundaries_differ"
    return None


def _likelihood_differs(source: MethodProfile, target: MethodProfile, kind: ScenarioType) -> bool:
    def facts(profile: MethodProfile) -> tuple[object, ...]:
        basis = profile.likelihood.basis(kind)
        return tuple(getattr(basis, n).value if getattr(basis, n) is not None else None
                     for n in ("horizon_years", "bands", "levels"))

    return facts(source) != facts(target)


@dataclass
class _Carrier:
    crosswalk: Crosswalk
    source: MethodProfile
    target: MethodProfile
    carried: list[CarriedScore] = field(default_factory=list)
    unmapped: list[UnmappedScore] = field(default_factory=list)
    changes: list[CarryChange] = field(default_factory=list)

    def reason(self, key: str, item: str, **values: str) -> Message:
        return Message(key, {"item": item, "profile": self.target.id, **values})

    def criterion_target(self, cid: str) -> tuple[str | None, Message | None]:
        """The target criterion of a source criterion's score, or why there is none."""
        link = self.crosswalk.link(cid)
        if link is None or cid not in {c.id for c in self.source.criteria}:
            return None, self.reason("not_in_profile", cid)
        if link.target is None:
            return None, self.reason("no_counterpart", cid)
        why = _criterion_differs(self.source.criterion(cid), self.target.criterion(link.target))
        return (None, self.reason(why, cid)) if why else (link.target, None)

    def impact(self, scenario: str, expert: str | None,
               scores: Mapping[str, CriterionScore]) -> dict[str, CriterionScore]:
        out: dict[str, CriterionScore] = {}
        for cid, score in scores.items():
            target, why = self.criterion_target(cid)
            if target is not None:
                code = _same_classes(score.range, self.source.impact, self.target.impact)
                if code is not None:
                    target, why = None, self.reason("class_not_on_target", cid, code=code)
            if target is None:
                assert why is not None
                self.drop(scenario, expert, cid, why)
                continue
            out[target] = score if target == cid else score.model_copy(update={"criterion": target})
            self.carried.append(CarriedScore(scenario, cid, target, expert))
        return out

    def likelihood(self, scenario: str, expert: str | None, kind: ScenarioType,
                   score: LikelihoodScore | None) -> LikelihoodScore | None:
        if score is None:
            return None
        code = _same_classes(score.range, self.source.likelihood_scale,
                             self.target.likelihood_scale)
        why = (self.reason("class_not_on_target", LIKELIHOOD, code=code) if code is not None else
               self.reason("bands_differ", LIKELIHOOD)
               if _likelihood_differs(self.source, self.target, kind) else None)
        if why is not None:
            self.drop(scenario, expert, LIKELIHOOD, why)
            return None
        self.carried.append(CarriedScore(scenario, LIKELIHOOD, LIKELIHOOD, expert))
        return score

    def drop(self, scenario: str, expert: str | None, item: str, why: Message) -> None:
        self.unmapped.append(UnmappedScore(scenario, item, why, expert))
        shown: str | Message = Message(LIKELIHOOD) if item == LIKELIHOOD else item
        values: dict[str, str | Message] = {"scenario": scenario, "item": shown, "reason": why}
        if expert is not None:
            values["expert"] = expert
        key = "score_dropped_expert" if expert else ChangeKind.SCORE_DROPPED
        self.changes.append(CarryChange(ChangeKind.SCORE_DROPPED, Message(key, values), scenario))

    def scenario(self, s: Scenario, themes: Mapping[str, str]) -> Scenario:
        impact = self.impact(s.id, None, s.impact)
        likelihood = self.likelihood(s.id, None, s.type, s.likelihood)
        experts = tuple(
            e.model_copy(update={"impact": self.impact(s.id, e.expert, e.impact),
                                 "likelihood": self.likelihood(s.id, e.expert, s.type,
                                                               e.likelihood)})
            for e in s.experts)
        return s.model_copy(update={"theme": themes.get(s.theme, s.theme), "impact": impact,
                                    "likelihood": likelihood, "experts": experts})

    def measure(self, m: Measure, themes: Mapping[str, str]) -> Measure:
        effects: dict[str, int] = {}
        for cid, steps in m.effect.criteria.items():
            target, why = self.criterion_target(cid)
            if target is None:
                assert why is not None
                self.changes.append(CarryChange(
                    ChangeKind.MEASURE_EFFECT_DROPPED,
                    Message(ChangeKind.MEASURE_EFFECT_DROPPED,
                            {"measure": m.id, "item": cid, "reason": why}), m.id))
                continue
            effects[target] = steps
        effect = m.effect if effects == m.effect.criteria else \
            m.effect.model_copy(update={"criteria": effects})
        return m.model_copy(update={
            "themes": tuple(dict.fromkeys(themes.get(t, t) for t in m.themes)), "effect": effect})


def _criterion_changes(crosswalk: Crosswalk, target: MethodProfile) -> list[CarryChange]:
    kinds = {CriterionChange.SAME: ChangeKind.CRITERION_SAME,
             CriterionChange.RENAMED: ChangeKind.CRITERION_RENAMED,
             CriterionChange.MOVED: ChangeKind.CRITERION_MOVED,
             CriterionChange.DROPPED: ChangeKind.CRITERION_DROPPED}
    changes = []
    for link in crosswalk.criteria:
        kind = kinds[link.change]
        changes.append(CarryChange(kind, Message(kind, {"source": link.source,
                                                        "target": link.target or "",
                                                        "profile": target.id}),
                                   link.source, link.provenance.status, link.note))
    for new in crosswalk.new_criteria:
        changes.append(CarryChange(ChangeKind.CRITERION_NEW, Message(
            ChangeKind.CRITERION_NEW, {"target": new.id, "profile": target.id}), new.id,
            new.provenance.status, new.note))
    return changes


def _carry_themes(themes: Sequence[Theme], crosswalk: Crosswalk
                  ) -> tuple[dict[str, str], tuple[Theme, ...], list[CarryChange]]:
    """Each theme's target, the target themes (in the order of their first source) and the
    changes. Merged themes pool their risk categories (the first of an id wins), partners and
    kind (a threat if any is)."""
    mapping: dict[str, str] = {}
    groups: dict[str, list[Theme]] = {}
    changes = []
    names: dict[str, LocalText] = {}
    for theme in themes:
        link = crosswalk.theme_link(theme.id)
        target = link.goes_to if link is not None else theme.id
        mapping[theme.id] = target
        groups.setdefault(target, []).append(theme)
        if link is not None and link.name is not None:
            names[target] = link.name
        if link is None:
            kind = ChangeKind.THEME_UNLISTED
            changes.append(CarryChange(kind, Message(kind, {"source": theme.id}), theme.id))
            continue
        kind = {ThemeChange.KEPT: ChangeKind.THEME_KEPT, ThemeChange.RENAMED:
                ChangeKind.THEME_RENAMED, ThemeChange.MERGED: ChangeKind.THEME_MERGED}[link.change]
        changes.append(CarryChange(kind, Message(kind, {"source": theme.id, "target": target}),
                                   theme.id, link.provenance.status, link.note))
    carried = []
    for target, members in groups.items():
        links = [crosswalk.theme_link(t.id) for t in members]
        if len(members) > 1 and not all(
                (link is not None and link.change is ThemeChange.MERGED) or t.id == target
                for t, link in zip(members, links, strict=True)):
            raise MethodError(f"themes {', '.join(t.id for t in members)} would all become theme "
                              f"{target!r}, but crosswalk {crosswalk.id} merges none of them "
                              "there; rename one of them or merge them")
        first = next((t for t in members if t.id == target), members[0])
        categories: dict[str, RiskCategory] = {}
        for member in members:
            for category in member.risk_categories:
                categories.setdefault(category.id, category)
        carried.append(first.model_copy(update={
            "id": target, "name": names.get(target, first.name),
            "kind": ThemeKind.THREAT if any(m.kind is ThemeKind.THREAT for m in members)
            else first.kind,
            "partners": tuple(dict.fromkeys(p for m in members for p in m.partners)),
            "risk_categories": tuple(categories.values())}))
    return mapping, tuple(carried), changes


def _carry_reviews(reviews: Sequence[ThemeReview], themes: Mapping[str, str]
                   ) -> tuple[tuple[ThemeReview, ...], dict[str, str], list[CarryChange]]:
    by_target: dict[str, list[ThemeReview]] = {}
    for review in reviews:
        by_target.setdefault(themes.get(review.theme, review.theme), []).append(review)
    carried, origins, changes = [], {}, []
    for target, group in by_target.items():
        if len(group) == 1:
            carried.append(group[0] if group[0].theme == target
                           else group[0].model_copy(update={"theme": target}))
            origins[target] = group[0].theme
            continue
        for review in group:
            kind = ChangeKind.REVIEW_NOT_CARRIED
            changes.append(CarryChange(kind, Message(kind, {"source": review.theme,
                                                            "target": target}), review.theme))
    return tuple(carried), origins, changes


def carry_workspace(workspace: Workspace, crosswalk: Crosswalk, source: MethodProfile,
                    target: MethodProfile) -> CarriedWorkspace:
    """Carry ``workspace`` (scored against ``source``) to ``target`` through ``crosswalk``.

    Scores land on their target criterion when their classes mean the same there, or go to the
    unmapped list with the reason; themes are kept, renamed or merged, and every reference to a
    theme (scenarios, reviews, measures, the threat level, a generic instrument of the strategy
    text) follows; a measure's effect on a criterion follows its criterion. Nothing of the
    input is changed.
    """
    if workspace.profile != source.id or crosswalk.source != source.id or \
            crosswalk.target != target.id:
        raise MethodError(f"crosswalk {crosswalk.id} carries {crosswalk.source} to "
                          f"{crosswalk.target}; asked to carry a {workspace.profile} workspace "
                          f"from {source.id} to {target.id}")
    problems = crosswalk_problems(crosswalk, source, target)
    if problems:
        location, message, _ = problems[0]
        raise MethodError(f"crosswalk {crosswalk.id} does not fit the profiles "
                          f"({'.'.join(map(str, location))}): {message}")
    carrier = _Carrier(crosswalk, source, target)
    changes = _criterion_changes(crosswalk, target)
    mapping, themes, theme_changes = _carry_themes(workspace.themes, crosswalk)
    changes += theme_changes
    scenarios = tuple(carrier.scenario(s, mapping) for s in workspace.scenarios)
    reviews, origins, review_changes = _carry_reviews(workspace.reviews, mapping)
    measures = tuple(carrier.measure(m, mapping) for m in workspace.measures)
    threat_level = workspace.threat_level
    if threat_level is not None and threat_level.theme is not None:
        threat_level = threat_level.model_copy(
            update={"theme": mapping.get(threat_level.theme, threat_level.theme)})
    strategy_text = workspace.strategy_text
    if strategy_text is not None:  # an instrument keyed by its generic theme follows a rename
        ids = [mapping.get(i.id, i.id) for i in strategy_text.instruments]
        if len(set(ids)) == len(ids) and ids != [i.id for i in strategy_text.instruments]:
            strategy_text = strategy_text.model_copy(update={"instruments": tuple(
                i if i.id == new else i.model_copy(update={"id": new})
                for i, new in zip(strategy_text.instruments, ids, strict=True))})
    incomplete: dict[str, tuple[str, ...]] = {}
    for scenario in scenarios:
        missing = unscored_criteria(scenario, target)
        if missing:
            incomplete[scenario.id] = missing
    changes += carrier.changes + review_changes
    changes += [CarryChange(ChangeKind.SCENARIO_INCOMPLETE, Message(
        ChangeKind.SCENARIO_INCOMPLETE, {"scenario": sid, "criteria": ", ".join(missing)}), sid)
        for sid, missing in incomplete.items()]
    carried = workspace.model_copy(update={
        "profile": target.id, "themes": themes, "scenarios": scenarios, "reviews": reviews,
        "measures": measures, "threat_level": threat_level, "strategy_text": strategy_text})
    return CarriedWorkspace(
        workspace=carried, crosswalk=crosswalk, source=source, target=target, themes=mapping,
        carried=tuple(carrier.carried), unmapped=tuple(carrier.unmapped), incomplete=incomplete,
        changes=tuple(changes), review_origins=origins)


__all__ = [
    "LIKELIHOOD",
    "MESSAGES",
    "CarriedScore",
    "CarriedWorkspace",
    "CarryChange",
    "ChangeKind",
    "CriterionChange",
    "CriterionLink",
    "Crosswalk",
    "Message",
    "NewCriterion",
    "ThemeChange",
    "ThemeLink",
    "UnmappedScore",
    "carry_workspace",
    "crosswalk_ids",
    "crosswalk_problems",
    "describe_crosswalks",
    "get_crosswalk",
    "load_crosswalk_file",
    "unscored_criteria",
]
