"""Read a scoring workbook back into a :class:`~weerbaar.domain.Workspace`, listing every problem.

Scores go through the same resolution as workspace files (:class:`weerbaar.io.workspace._Resolver`):
class codes, half classes, natural-unit values and probabilities mean the same in both formats.
Unlike the YAML loader, reading does not stop at the first problem: it collects all of them, each
with its sheet and cell, and raises one :class:`~weerbaar.errors.ExcelProblems`.

Reading is bounded: files over :data:`MAX_BYTES`, archives unpacking to more than
:data:`MAX_UNPACKED` and workbooks over :data:`MAX_ROWS` rows are refused. Formulas are never
evaluated: a cell holding a formula is a problem (the workbook is opened with ``data_only=False``
so that a formula is seen as a formula rather than as Excel's cached result).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from weerbaar.domain import (
    BOUNDS,
    Bound,
    CriterionScore,
    ExpertScore,
    LikelihoodScore,
    LocalText,
    RiskCategory,
    Scenario,
    ScenarioType,
    Theme,
    ThemeKind,
    Workspace,
)
from weerbaar.errors import CellProblem, ExcelProblems, InvalidInput
from weerbaar.io import excel_layout as lay
from weerbaar.io.excel_sheets import (
    MAX_BYTES,
    MAX_PROBLEMS,
    MAX_ROWS,
    Cell,
    Sheet,
    SheetReader,
    TooManyProblems,
    cell_ref,
    cells_ref,
    check_file,
    open_workbook,
)
from weerbaar.io.workspace import CriterionInput, LikelihoodInput, _Resolver
from weerbaar.methods.profile import MethodProfile

__all__ = ["MAX_BYTES", "MAX_ROWS", "read_workbook"]
_LIMITS: tuple[Bound, Bound] = ("ll", "ul")
_PROBABILITY = re.compile(
    r"^\s*(?P<kind>annual probability|jaarkans|probability|kans)\b\s*:?\s*(?P<number>.*?)\s*$",
    re.IGNORECASE)
_NUMBER = re.compile(r"^(?P<n>(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[-+]?\d+)?)\s*(?P<pct>%)?$", re.IGNORECASE)


class _CellError(ValueError):
    """A problem in one of a score's cells (``bound``), raised while building the score's input."""

    def __init__(self, message: str, bound: Bound) -> None:
        super().__init__(message)
        self.bound = bound


@dataclass
class _ScenarioRow:
    row: int
    id: str
    title: str
    theme: str
    risk_category: str | None
    type: ScenarioType
    narrative: str | None
    impact: dict[str, CriterionScore]
    likelihood: LikelihoodScore | None
    experts: dict[str, ExpertScore] = field(default_factory=dict)


def _parse_probability(text: str, bound: Bound) -> tuple[str, float] | None:
    """``("probability" | "annual", p)`` for 'probability 0.02' / 'kans 2 %'; None for a class."""
    match = _PROBABILITY.match(text)
    if match is None:
        return None
    kind = "annual" if match["kind"].lower() in ("annual probability", "jaarkans") else "probability"
    number = _NUMBER.match(match["number"])
    if number is None:
        raise _CellError(f"{match['number']!r} is not a number; expected a probability such as "
                         f"'{match['kind']} 0.02' or '{match['kind']} 2 %'", bound)
    value = float(number["n"].replace(",", "."))
    return kind, value / 100 if number["pct"] else value


def _likelihood_input(cells: dict[Bound, str | None], reasoning: str | None) -> LikelihoodInput:
    """Classes or a probability ('probability 0.02', 'annual probability 0.0001') as resolver input."""
    forms = {b: _parse_probability(text, b) for b, text in cells.items() if text is not None}
    ev = forms.get("ev")
    if ev is None:
        for bound in _LIMITS:
            if forms.get(bound) is not None:
                raise _CellError("give either classes or a probability, not both", bound)
        return LikelihoodInput(ev=cells["ev"], ll=cells["ll"], ul=cells["ul"], reasoning=reasoning)
    kind, central = ev
    limits: dict[Bound, float | None] = {"ll": None, "ul": None}
    for bound in _LIMITS:
        if cells[bound] is None:
            continue
        form = forms.get(bound)
        if kind == "annual":
            raise _CellError("an annual probability takes no limits; give the limits as "
                             "'probability P' with a probability (not annual) as EV", bound)
        if form is None or form[0] != "probability":
            raise _CellError("give either classes or a probability, not both", bound)
        limits[bound] = form[1]
    if kind == "annual":
        return LikelihoodInput(annual_probability=central, reasoning=reasoning)
    return LikelihoodInput(probability=central, probability_low=limits["ll"],
                           probability_high=limits["ul"], reasoning=reasoning)


def _partners(text: str | None) -> tuple[str, ...]:
    """Partner ministries from one cell: ``"BZK; IenW"``."""
    if text is None:
        return ()
    return tuple(p.strip() for p in text.split(lay.PARTNER_SEPARATOR) if p.strip())


class _Builder(SheetReader):
    """Turns the sheets into themes, scenarios and experts' scores."""

    profile: MethodProfile | None = None
    resolver: _Resolver | None = None

    def use_profile(self, profile: MethodProfile | None) -> None:
        """Resolve scores against ``profile`` (``None`` when the workbook names no valid one)."""
        self.profile = profile
        self.resolver = _Resolver(self.path, {}, profile) if profile is not None else None

    # -- themes --------------------------------------------------------------------------------
    def themes(self) -> dict[str, Theme] | None:
        sheet = self.sheet(lay.THEMES)
        if sheet is None:
            self.problem(lay.THEMES, None, "sheet is missing")
            return None
        cols = self.check_header(sheet, lay.THEME_COLUMNS, ("theme id",))
        drafts: dict[str, dict[str, Any]] = {}
        for row, values in sheet.rows if "theme id" in cols else ():
            self._theme_row(sheet.name, row, values, cols, drafts)
        return {tid: Theme(id=tid, name=LocalText(nl=d["name nl"], en=d["name en"]),
                           kind=ThemeKind(d["kind"] or ThemeKind.THREAT), colour=d["colour"],
                           lead_ministry=d["lead ministry"], partners=_partners(d["partners"]),
                           risk_categories=tuple(d["categories"].values()))
                for tid, d in drafts.items()}

    def _theme_row(self, sheet: str, row: int, values: list[Cell], cols: dict[str, int],
                   drafts: dict[str, dict[str, Any]]) -> None:
        """Add one row: a theme (first row of its id) and/or one of its risk categories."""
        def get(name: str, strip: bool = True) -> str | None:
            return self.text(sheet, row, cols.get(name), values, strip=strip)

        tid = self.required(sheet, row, cols["theme id"], values, "theme id")
        if tid is None:
            return
        kind = get("kind")
        if kind is not None and kind.lower() not in {k.value for k in ThemeKind}:
            self.problem(sheet, cell_ref(cols["kind"], row),
                         f"kind {kind!r}; expected {' or '.join(k.value for k in ThemeKind)}")
            kind = None
        fields = {"kind": kind.lower() if kind else None, "name nl": get("name nl", False),
                  "name en": get("name en", False), "colour": get("colour"),
                  "lead ministry": get("lead ministry"), "partners": get("partners")}
        draft = drafts.setdefault(tid, {**fields, "row": row, "categories": {}})
        for name, value in fields.items():
            if value is None:
                continue
            if draft[name] is None:
                draft[name] = value
            elif draft[name] != value:
                self.problem(sheet, cell_ref(cols[name], row), f"theme {tid!r} has {name} "
                             f"{value!r} here but {draft[name]!r} on row {draft['row']}")
        self._category(sheet, row, tid, draft["categories"], get, cols)

    def _category(self, sheet: str, row: int, tid: str, categories: dict[str, RiskCategory],
                  get: Callable[[str, bool], str | None], cols: dict[str, int]) -> None:
        cid = get("risk category id", True)
        nl, en = get("risk category name nl", False), get("risk category name en", False)
        if cid is None:
            if nl is not None or en is not None:
                self.problem(sheet, cell_ref(cols.get("risk category id", 0), row),
                             "a risk category name without a risk category id")
            return
        if cid in categories:
            self.problem(sheet, cell_ref(cols["risk category id"], row),
                         f"risk category {cid!r} appears twice under theme {tid!r}")
            return
        categories[cid] = RiskCategory(id=cid, name=LocalText(nl=nl, en=en))

    # -- scenarios -----------------------------------------------------------------------------
    def scenarios(self, themes: dict[str, Theme] | None) -> dict[str, _ScenarioRow | None] | None:
        """Scenario rows by id (``None`` for a row whose id is known but which has problems)."""
        sheet = self.sheet(lay.SCENARIOS)
        if sheet is None:
            self.problem(lay.SCENARIOS, None, "sheet is missing")
            return None
        if self.profile is None:
            return None
        fixed, scores = self._scenario_columns(sheet)
        out: dict[str, _ScenarioRow | None] = {}
        rows_of: dict[str, int] = {}
        for row, values in sheet.rows:
            before = len(self.problems)
            sid = self.text(sheet.name, row, fixed.get("id"), values)
            if sid is not None and sid in rows_of:
                self.problem(sheet.name, cell_ref(fixed["id"], row),
                             f"scenario id {sid!r} is used twice (also on row {rows_of[sid]})")
            scenario = self._scenario_row(sheet.name, row, values, fixed, scores, themes)
            if sid is not None and sid not in rows_of:
                rows_of[sid] = row
                out[sid] = scenario if len(self.problems) == before else None
        return out

    def _scenario_columns(self, sheet: Sheet) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        """Fixed columns by name and score columns by subject (criterion id or likelihood) and part."""
        assert self.profile is not None
        criteria = {c.id for c in self.profile.criteria}
        fixed: dict[str, int] = {}
        scores: dict[str, dict[str, int]] = {}
        for column, name in enumerate(sheet.header):
            if name is None:
                continue
            where = cell_ref(column, 1)
            match = lay.SCORE_HEADER.match(name)
            if name in lay.SCENARIO_COLUMNS:
                target, key = fixed, name
            elif match and (match["subject"] in criteria or match["subject"] == lay.LIKELIHOOD):
                target, key = scores.setdefault(match["subject"], {}), match["part"].lower()
            elif match:
                self.problem(sheet.name, where, f"column {name!r}: criterion {match['subject']!r} is not "
                             f"in profile {self.profile.id}; expected one of {', '.join(sorted(criteria))}")
                continue
            else:
                self.problem(sheet.name, where, f"unknown column {name!r}; expected "
                             f"{', '.join(lay.SCENARIO_COLUMNS)} or '<criterion> EV|LL|UL|reasoning'")
                continue
            if key in target:
                self.problem(sheet.name, where, f"column {name!r} appears twice")
            target[key] = column
        for name in lay.REQUIRED_SCENARIO_COLUMNS:
            if name not in fixed:
                self.problem(sheet.name, "1:1", f"required column {name!r} is missing")
        for subject, parts in scores.items():
            if "ev" not in parts:
                self.problem(sheet.name, "1:1", f"column '{subject} EV' is missing")
        return fixed, scores

    def _scenario_row(self, sheet: str, row: int, values: list[Cell], fixed: dict[str, int],
                      scores: dict[str, dict[str, int]],
                      themes: dict[str, Theme] | None) -> _ScenarioRow | None:
        sid = self.required(sheet, row, fixed.get("id"), values, "id")
        title = self.required(sheet, row, fixed.get("title"), values, "title", strip=False)
        theme = self.required(sheet, row, fixed.get("theme"), values, "theme")
        category = self.text(sheet, row, fixed.get("risk_category"), values)
        kind = self._scenario_type(sheet, row, fixed.get("type"), values)
        narrative = self.text(sheet, row, fixed.get("narrative"), values, strip=False)
        if theme is not None and themes is not None:
            self._check_theme(sheet, row, fixed, theme, category, themes)
        impact = {}
        for subject, parts in scores.items():
            if subject == lay.LIKELIHOOD or "ev" not in parts:
                continue
            score = self.criterion(sheet, row, values, subject, parts)
            if score is not None:
                impact[subject] = score
        likelihood = None
        if lay.LIKELIHOOD in scores and "ev" in scores[lay.LIKELIHOOD] and kind is not None:
            likelihood = self.likelihood(sheet, row, values, scores[lay.LIKELIHOOD], kind)
        if sid is None or title is None or theme is None or kind is None:
            return None
        return _ScenarioRow(row, sid, title, theme, category, kind, narrative, impact, likelihood)

    def _scenario_type(self, sheet: str, row: int, column: int | None,
                       values: list[Cell]) -> ScenarioType | None:
        text = self.required(sheet, row, column, values, "type")
        if text is None:
            return None
        try:
            return ScenarioType(text.lower())
        except ValueError:
            self.problem(sheet, cell_ref(column or 0, row),
                         f"type {text!r}; expected {' or '.join(t.value for t in ScenarioType)}")
            return None

    def _check_theme(self, sheet: str, row: int, fixed: dict[str, int], theme: str,
                     category: str | None, themes: dict[str, Theme]) -> None:
        if theme not in themes:
            known = ", ".join(list(themes)[:20]) or "(no themes)"
            self.problem(sheet, cell_ref(fixed["theme"], row),
                         f"theme {theme!r} is not on sheet 'themes'; expected one of {known}")
            return
        ids = [c.id for c in themes[theme].risk_categories]
        if category is not None and category not in ids:
            self.problem(sheet, cell_ref(fixed["risk_category"], row),
                         f"risk category {category!r} is not under theme {theme!r}; "
                         f"expected {', '.join(ids) or '(none)'}")

    # -- scores --------------------------------------------------------------------------------
    def _score_cells(self, sheet: str, row: int, values: list[Cell],
                     parts: dict[str, int]) -> tuple[dict[Bound, str | None], str | None] | None:
        cells: dict[Bound, str | None] = {b: self.text(sheet, row, parts.get(b), values, strip=False)
                                          for b in BOUNDS}
        reasoning = self.text(sheet, row, parts.get(lay.REASONING), values, strip=False)
        if cells["ev"] is None:
            if cells["ll"] is not None or cells["ul"] is not None or reasoning is not None:
                self.problem(sheet, cell_ref(parts["ev"], row),
                             "EV is empty while LL, UL or reasoning is given")
            return None
        return cells, reasoning

    def _fail(self, sheet: str, row: int, parts: dict[str, int], exc: InvalidInput,
              bound: str | None = None) -> None:
        """Report a resolver error at the cell of the bound it names (else at all score cells)."""
        last = exc.location[-1] if exc.location else None
        bound = bound or (last if isinstance(last, str) else None)
        column = parts.get(bound) if bound is not None else None
        where = (cell_ref(column, row) if column is not None
                 else cells_ref([parts[b] for b in BOUNDS if b in parts], row))
        message = exc.message
        if exc.expected and "expected" not in message:
            message += f" (expected {exc.expected})"
        self.problem(sheet, where, message)

    def criterion(self, sheet: str, row: int, values: list[Cell], cid: str,
                  parts: dict[str, int]) -> CriterionScore | None:
        assert self.resolver is not None
        found = self._score_cells(sheet, row, values, parts)
        if found is None:
            return None
        cells, reasoning = found
        entry = CriterionInput(ev=cells["ev"] or "", ll=cells["ll"], ul=cells["ul"], reasoning=reasoning)
        try:
            return self.resolver.criterion_score(cid, entry, [row, cid])
        except InvalidInput as exc:
            self._fail(sheet, row, parts, exc)
            return None

    def likelihood(self, sheet: str, row: int, values: list[Cell], parts: dict[str, int],
                   kind: ScenarioType) -> LikelihoodScore | None:
        assert self.resolver is not None
        found = self._score_cells(sheet, row, values, parts)
        if found is None:
            return None
        cells, reasoning = found
        try:
            entry = _likelihood_input(cells, reasoning)
            return self.resolver.likelihood(entry, kind, [row, lay.LIKELIHOOD])
        except _CellError as exc:
            self.problem(sheet, cell_ref(parts.get(exc.bound, parts["ev"]), row), str(exc))
        except InvalidInput as exc:
            self._fail(sheet, row, parts, exc, self._bad_class(cells))
        return None

    def _bad_class(self, cells: dict[Bound, str | None]) -> str | None:
        """The first bound whose text is not a likelihood class (to point at its cell)."""
        assert self.profile is not None
        scale = self.profile.likelihood_scale
        for bound, text in cells.items():
            if text is None or _PROBABILITY.match(text):
                continue
            try:
                scale.parse(text)
            except ValueError:
                return bound
        return None

    # -- experts -------------------------------------------------------------------------------
    def experts(self, scenarios: dict[str, _ScenarioRow | None]) -> None:
        sheet = self.sheet(lay.EXPERTS, width=len(lay.EXPERT_COLUMNS) + 20)
        if sheet is None:
            return
        cols = self.check_header(sheet, lay.EXPERT_COLUMNS, lay.REQUIRED_EXPERT_COLUMNS)
        if any(name not in cols for name in lay.REQUIRED_EXPERT_COLUMNS):
            return
        parts = {"ev": cols["EV"], **{b: cols[b.upper()] for b in ("ll", "ul") if b.upper() in cols}}
        if "reasoning" in cols:
            parts[lay.REASONING] = cols["reasoning"]
        seen: dict[tuple[str, str, str], int] = {}
        for row, values in sheet.rows:
            self._expert_row(sheet.name, row, values, cols, parts, scenarios, seen)

    def _expert_row(self, sheet: str, row: int, values: list[Cell], cols: dict[str, int],
                    parts: dict[str, int], scenarios: dict[str, _ScenarioRow | None],
                    seen: dict[tuple[str, str, str], int]) -> None:
        assert self.profile is not None
        sid = self.required(sheet, row, cols["scenario"], values, "scenario")
        expert = self.required(sheet, row, cols["expert"], values, "expert")
        subject = self.required(sheet, row, cols["criterion"], values, "criterion")
        if sid is None or expert is None or subject is None:
            return
        if sid not in scenarios:
            self.problem(sheet, cell_ref(cols["scenario"], row),
                         f"scenario {sid!r} is not on sheet 'scenarios'")
            return
        criteria = [c.id for c in self.profile.criteria]
        if subject != lay.LIKELIHOOD and subject not in criteria:
            self.problem(sheet, cell_ref(cols["criterion"], row),
                         f"criterion {subject!r} is not in profile {self.profile.id}; expected "
                         f"one of {', '.join(criteria)} or likelihood")
            return
        if (sid, expert, subject) in seen:
            self.problem(sheet, cell_ref(cols["criterion"], row), f"expert {expert!r} scored "
                         f"{subject} of {sid!r} twice (also on row {seen[sid, expert, subject]})")
            return
        seen[sid, expert, subject] = row
        target = scenarios[sid]
        if target is None:
            return  # the scenario row has problems of its own
        self._add_expert_score(sheet, row, values, parts, target, expert, subject)

    def _add_expert_score(self, sheet: str, row: int, values: list[Cell], parts: dict[str, int],
                          target: _ScenarioRow, expert: str, subject: str) -> None:
        previous = target.experts.get(expert) or ExpertScore(expert=expert)
        if subject == lay.LIKELIHOOD:
            likelihood = self.likelihood(sheet, row, values, parts, target.type)
            if likelihood is not None:
                target.experts[expert] = previous.model_copy(update={"likelihood": likelihood})
            return
        score = self.criterion(sheet, row, values, subject, parts)
        if score is not None:
            impact = {**previous.impact, subject: score}
            target.experts[expert] = previous.model_copy(update={"impact": impact})


def read_workbook(path: Path | str, profile: MethodProfile | None = None) -> Workspace:
    """Read a scoring workbook; raise :class:`ExcelProblems` listing every problem found.

    The method profile is the one named on the ``readme`` sheet unless ``profile`` is given (then
    the readme must name the same profile or none).
    """
    path = Path(path)
    check_file(path)
    book = open_workbook(path)
    builder = _Builder(path, book)
    try:
        return _build(builder, profile)
    except TooManyProblems:
        builder.problems.append(CellProblem("workbook", None, f"stopped after {MAX_PROBLEMS:,} problems"))
        raise ExcelProblems(builder.problems, source=path) from None
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InvalidInput(f"the workbook is damaged: {exc}", source=path,
                           expected="an .xlsx file saved by Excel or LibreOffice") from None
    finally:
        book.close()


def _build(builder: _Builder, given: MethodProfile | None) -> Workspace:
    profile, facts = builder.readme(given)
    builder.use_profile(profile)
    themes = builder.themes()
    rows = builder.scenarios(themes)
    if rows is not None:
        builder.experts(rows)
    if builder.problems or profile is None or rows is None or themes is None:
        raise ExcelProblems(builder.problems, source=builder.path)
    scenarios = []
    for r in rows.values():
        assert r is not None
        scenarios.append(Scenario(id=r.id, title=r.title, theme=r.theme, risk_category=r.risk_category,
                                  type=r.type, narrative=r.narrative, impact=r.impact,
                                  likelihood=r.likelihood, experts=tuple(r.experts.values())))
    return Workspace(profile=profile.id, themes=tuple(themes.values()), scenarios=tuple(scenarios),
                     **facts)
