"""The caveats of a run: what every table and every machine answer with results must say with
them, so they never travel without it.

A run's caveats (:class:`RunCaveats`) are ``illustrative`` (the workspace's scores are
illustrative judgements, not an official assessment) and a list of :class:`Caveat`, each with a
stable ``code``, a ``message`` in the asked language, what it ``concerns`` and which
``items`` (method values, preference profiles, criteria):

============================== =====================================================================
code                           when
============================== =====================================================================
``illustrative-scores``        the workspace (or cycle) is marked illustrative
``provisional-method-value``   every result rests on a method value that is provisional or unknown
``provisional-preference``     the preference profile used has provisional or unknown weights
``provisional-scenario-value`` some results rest on a provisional or unknown value (a criterion's
                               thresholds, the likelihood bands); the number of scenarios is given
``provisional-preferences``    preference profiles compared side by side whose weights are weak
``unscored-criteria``          scenarios that do not score some of the profile's criteria
``parent-withheld``            the cycle has a parent cycle the viewer holds no role on
``illustrative-dependencies``  a cascade run rests on the illustrative dependency set (vital
                               processes), not an official matrix
============================== =====================================================================

The same :class:`RunCaveats` gives the JSON fields (:meth:`RunCaveats.fields`) and the note
printed under tables (:meth:`RunCaveats.lines`). Messages are fixed text of the catalogues; the
method values' names (``weights of preference profile default``) are translated by their
pattern, anything else is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from weerbaar.domain import Language, Status, Workspace
from weerbaar.i18n import Texts, check_language, texts
from weerbaar.methods.assessment import HALF_CLASS_CAVEAT, assess
from weerbaar.methods.results import Assessment, ScenarioResult, WeakValue
from weerbaar.services.cache import derived
from weerbaar.services.registry import use_case
from weerbaar.services.scope import CycleScope, cycle_scope
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

if TYPE_CHECKING:
    from weerbaar.services.analysis import AnalysisRun
    from weerbaar.services.assessment import AssessmentRun

ILLUSTRATIVE = "illustrative-scores"
METHOD_VALUE = "provisional-method-value"
PREFERENCE = "provisional-preference"
SCENARIO_VALUE = "provisional-scenario-value"
PREFERENCES = "provisional-preferences"
UNSCORED = "unscored-criteria"
PARENT_WITHHELD = "parent-withheld"
DEPENDENCIES = "illustrative-dependencies"

# names of method values (methods.assessment), as English message ids with their fields
_VALUE_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"aggregation method (?P<method>\S+)"), "aggregation method {method}"),
    (re.compile(r"weights of preference profile (?P<profile>\S+)"),
     "weights of preference profile {profile}"),
    (re.compile(r"class values"), "class values"),
    (re.compile(r"denominator rule for X criteria \(using '(?P<rule>[^']+)'\)"),
     "denominator rule for X criteria (using '{rule}')"),
    (re.compile(re.escape(HALF_CLASS_CAVEAT)),
     "position of a half class on the likelihood axis (+0.5), where a likelihood uses one"),
    (re.compile(r"thresholds of criterion (?P<criterion>\S+)"),
     "thresholds of criterion {criterion}"),
    (re.compile(r"likelihood probability bands"), "likelihood probability bands"),
)
_PREFERENCE = re.compile(r"weights of preference profile (?P<profile>\S+)")


def value_name(what: str, t: Texts) -> str:
    """A method value's name (``WeakValue.what``) in ``t``'s language; unknown names as given."""
    for pattern, message in _VALUE_NAMES:
        found = pattern.fullmatch(what)
        if found:
            return t(message, **found.groupdict())
    return what


def status_name(status: Status, t: Texts) -> str:
    """A provenance status as shown ("voorlopig", "provisional")."""
    return t.gettext(status.label)


@dataclass(frozen=True)
class Caveat:
    """One caveat of a run: ``code`` (stable, for scripts), ``message`` (for people, in the
    asked language), what it ``concerns`` and which ``items``."""

    code: str
    message: str
    concerns: str
    items: tuple[str, ...] = ()
    status: str | None = None
    source: str | None = None
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "concerns": self.concerns,
                "items": list(self.items), "status": self.status, "source": self.source,
                "count": self.count}


@dataclass(frozen=True)
class RunCaveats:
    """Whether a run's scores are illustrative, and its caveats."""

    illustrative: bool
    caveats: tuple[Caveat, ...] = ()
    lang: Language = "en"

    def fields(self) -> dict[str, Any]:
        """The two top-level fields of every machine answer with results."""
        return {"illustrative": self.illustrative,
                "caveats": [c.to_dict() for c in self.caveats]}

    def codes(self) -> list[str]:
        return [c.code for c in self.caveats]

    def lines(self) -> list[str]:
        """The caveats as printed under a table, one line each (empty: nothing to say)."""
        return [c.message for c in self.caveats]

    def merged(self, other: RunCaveats) -> RunCaveats:
        """These caveats and ``other``'s (two cycles compared), each said once."""
        seen = {(c.code, c.items) for c in self.caveats}
        both = self.caveats + tuple(c for c in other.caveats if (c.code, c.items) not in seen)
        first = tuple(c for c in both if c.code == ILLUSTRATIVE)  # said first, as in a run
        return replace(self, illustrative=self.illustrative or other.illustrative,
                       caveats=first + tuple(c for c in both if c.code != ILLUSTRATIVE))

    def with_parent_withheld(self, withheld: bool = True) -> RunCaveats:
        """With the caveat that the parent cycle is left out (when ``withheld``)."""
        if not withheld or PARENT_WITHHELD in self.codes():
            return self
        t = texts(self.lang)
        return replace(self, caveats=(*self.caveats, Caveat(
            code=PARENT_WITHHELD, concerns=t("parent cycle"),
            message=t("This cycle has a parent cycle you hold no role on; it is left out.")))
        )


def _illustrative(t: Texts) -> Caveat:
    return Caveat(code=ILLUSTRATIVE, concerns=t("workspace"),
                  message=t("Illustrative scores: not an official assessment."))


def _run_value(w: WeakValue, t: Texts) -> Caveat:
    name, status = value_name(w.what, t), status_name(w.status, t)
    preference = _PREFERENCE.fullmatch(w.what)
    if preference is not None:
        profile = preference.group("profile")
        return Caveat(code=PREFERENCE, concerns=t("preference profile"), items=(profile,),
                      status=w.status.value, source=w.source,
                      message=t("The weights of preference profile {profile} are not "
                                "established (status: {status}); every result depends on them.",
                                profile=profile, status=status))
    return Caveat(code=METHOD_VALUE, concerns=t("method value"), items=(w.what,),
                  status=w.status.value, source=w.source,
                  message=t("All results rest on {value} (status: {status}).", value=name,
                            status=status))


def run_caveats(*, illustrative: bool, run_values: Iterable[WeakValue] = (),
                results: Sequence[ScenarioResult] = (), lang: str = "en",
                provisional_preferences: Sequence[str] = (),
                parent_withheld: bool = False) -> RunCaveats:
    """The caveats of a run: ``illustrative`` scores, the weak method values every result rests
    on (``run_values``), the weak values some ``results`` rest on (counted per value), the
    scenarios not scoring some criteria, the weak preference profiles compared, and a parent
    cycle left out."""
    language = check_language(lang)
    t = texts(language)
    found: list[Caveat] = [_illustrative(t)] if illustrative else []
    found += [_run_value(w, t) for w in run_values]
    weak: dict[str, tuple[WeakValue, set[str]]] = {}
    unscored: dict[str, set[str]] = {}
    for r in results:
        for w in r.weak_values:
            weak.setdefault(w.what, (w, set()))[1].add(r.id)
        for criterion in r.unscored:
            unscored.setdefault(criterion, set()).add(r.id)
    for what, (w, ids) in weak.items():
        found.append(Caveat(
            code=SCENARIO_VALUE, concerns=t("scenario results"), items=(what,),
            status=w.status.value, source=w.source, count=len(ids),
            message=t("Results of {count} scenario(s) rest on {value} (status: {status}).",
                      count=len(ids), value=value_name(what, t), status=status_name(w.status, t))))
    if provisional_preferences:
        names = ", ".join(provisional_preferences)
        found.append(Caveat(
            code=PREFERENCES, concerns=t("preference profile"),
            items=tuple(provisional_preferences),
            message=t("Preference profiles compared whose weights are not established: "
                      "{profiles}.", profiles=names)))
    if unscored:
        scenarios = set().union(*unscored.values())
        found.append(Caveat(
            code=UNSCORED, concerns=t("scenario scores"), items=tuple(sorted(unscored)),
            count=len(scenarios),
            message=t("{count} scenario(s) incomplete: criteria {criteria} not scored.",
                      count=len(scenarios), criteria=", ".join(sorted(unscored)))))
    return RunCaveats(illustrative, tuple(found), language).with_parent_withheld(
        parent_withheld)


def cascade_caveats(illustrative: bool, lang: str = "en") -> RunCaveats:
    """The caveats of a cascade run (or the catalogue it ran on): the illustrative dependency
    set, when it was used."""
    t = texts(check_language(lang))
    found = (Caveat(code=DEPENDENCIES, concerns=t("dependencies"), message=t(
        "ILLUSTRATIVE dependencies: judgement values for demos, not an official matrix")),
    ) if illustrative else ()
    return RunCaveats(illustrative, found, check_language(lang))


def assessment_caveats(workspace: Workspace, assessment: Assessment, *, lang: str = "en",
                       parent_withheld: bool = False) -> RunCaveats:
    """The caveats of one assessment of ``workspace``."""
    return run_caveats(illustrative=workspace.illustrative, run_values=assessment.caveats,
                       results=assessment.results, lang=lang, parent_withheld=parent_withheld)


def assessment_run_caveats(run: AssessmentRun, lang: str = "en") -> RunCaveats:
    """The caveats of ``weerbaar assess`` (the residual positions rest on the same values)."""
    return assessment_caveats(run.workspace, run.assessment, lang=lang)


def analysis_caveats(run: AnalysisRun, lang: str = "en") -> RunCaveats:
    """The caveats of an uncertainty analysis: its run's weak values, the weak values of each
    scenario's central result, and the weak preference profiles compared."""
    r = run.result
    central = assess(run.workspace.scenarios, run.profile, method=r.method,
                     preference=r.preference, title=run.workspace.title)
    weak = run.preferences.provisional if run.preferences is not None else ()
    return run_caveats(illustrative=run.workspace.illustrative, run_values=r.caveats,
                       results=central.results, lang=lang, provisional_preferences=weak)


def scope_caveats(scope: CycleScope, lang: str = "en", *,
                  parent_withheld: bool = False) -> RunCaveats:
    """The caveats of the scope's cycle assessed with its profile's defaults, as the scope's
    viewer sees it (kept while the database is unchanged). Names method values and counts, no
    scenario: it adds nothing to the read log."""
    language = check_language(lang)

    def compute() -> RunCaveats:
        workspace, profile = scope.workspace()
        return assessment_caveats(workspace, assess(workspace.scenarios, profile),
                                  lang=language)

    found = derived(scope.store, ("caveats", scope.key, scope.clearance, language), scope.token,
                    compute)
    return found.with_parent_withheld(parent_withheld)


@use_case
def cycle_caveats(store: Store, viewer: Viewer, cycle: str, *, lang: str = "en",
                  base: str | None = None, parent_withheld: bool = False) -> RunCaveats:
    """The caveats of a cycle's results (with ``base``: of both cycles compared; with
    ``parent_withheld``: saying the parent cycle is left out)."""
    found = scope_caveats(cycle_scope(store, viewer, cycle), lang,
                          parent_withheld=parent_withheld)
    if base is not None and base != cycle:
        found = found.merged(scope_caveats(cycle_scope(store, viewer, base), lang))
    return found


__all__ = ["Caveat", "RunCaveats", "analysis_caveats", "assessment_caveats",
           "assessment_run_caveats", "cascade_caveats", "cycle_caveats", "run_caveats",
           "scope_caveats", "status_name", "value_name"]
