"""Write a scoring workbook: an empty template for a method profile, or a workspace's scores.

The workbook is what analysts fill in during a scoring session (layout in
:mod:`weerbaar.io.excel_layout`, described in ``docs/workspace.md``). Drop-downs offer the
profile's classes; quantitative criteria and hazard likelihood also accept typed values
("250 fatalities", "probability 0.02"), so their drop-downs do not refuse other input.

Every cell is written with :func:`weerbaar.io.cells.put`, the one cell writer of every workbook the
project writes: text is a string cell, never a formula, so a narrative "=HYPERLINK(...)" or
"@SUM(1)" is shown as text and is not evaluated by Excel (the cell also gets Excel's quote prefix,
so editing it keeps it text). Export writes what the user entered: a bound entered as a natural
value or a probability is written as that text, so reading the workbook back gives the same
workspace.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from weerbaar.domain import (
    BOUNDS,
    CriterionScore,
    Language,
    LikelihoodScore,
    OrdinalScale,
    Scenario,
    Workspace,
)
from weerbaar.errors import InvalidInput
from weerbaar.io import excel_layout as lay
from weerbaar.io.cells import CellValue, header_footer_text, put
from weerbaar.methods.profile import Criterion, CriterionKind, MethodProfile

_BOLD = Font(bold=True)
_LAST_ROW = 1_048_576
_EXAMPLES = {"fatalities": ("250 doden", "250 fatalities"), "persons": ("1500 personen", "1500 persons"),
             "EUR": ("13 mld euro", "EUR 13 bn")}


def _header(ws: Worksheet, headers: Sequence[str], widths: Sequence[float], freeze: str = "A2") -> None:
    for column, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        put(ws, 1, column, text)
        ws.cell(row=1, column=column).font = _BOLD
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = freeze


def _column_range(column: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}2:{letter}{_LAST_ROW}"


def _list_validation(ws: Worksheet, source: str, columns: Sequence[int], *, strict: bool,
                     prompt: str) -> None:
    """A drop-down on whole columns; ``strict=False`` offers the list but accepts typed values."""
    if not columns:
        return
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False,
                        showInputMessage=True, prompt=prompt[:255], showErrorMessage=strict)
    if strict:
        dv.errorStyle = "stop"
        dv.error = prompt[:255]
    for column in columns:
        dv.add(_column_range(column))
    ws.add_data_validation(dv)


# -- readme ------------------------------------------------------------------------------------

def _example_values(profile: MethodProfile) -> tuple[str, str]:
    """Examples of natural-unit values for the profile's quantitative criteria (nl, en)."""
    units = [c.unit or "" for c in profile.criteria if c.kind is CriterionKind.QUANTITATIVE]
    pairs = [_EXAMPLES.get(unit, (f"100 {unit}", f"100 {unit}")) for unit in units]
    return (", ".join(f"'{nl}'" for nl, _ in pairs) or "-",
            ", ".join(f"'{en}'" for _, en in pairs) or "-")


def _instructions(profile: MethodProfile) -> dict[Language, list[str]]:
    impact, likelihood = profile.impact, profile.likelihood_scale
    quantitative = ", ".join(c.id for c in profile.criteria if c.kind is CriterionKind.QUANTITATIVE)
    ex_nl, ex_en = _example_values(profile)
    half = f"{likelihood.codes[len(likelihood.codes) // 2]}-high"
    years = profile.likelihood.hazard.horizon_years
    horizon = f"{years.value:g}" if years is not None and years.value is not None else "?"
    nl = [
        f"Dit werkboek bevat de scenario's en scores van een risicobeoordeling volgens methodeprofiel "
        f"{profile.id} ({profile.name.get('nl')}).",
        "Tabblad 'scenarios': één rij per scenario. Verplicht: id (uniek), title, theme (een theme id "
        "van het tabblad 'themes') en type (hazard = niet-moedwillig, threat = moedwillig).",
        "Per criterium vier kolommen: '<id> EV' (verwachte waarde), '<id> LL' (ondergrens), "
        "'<id> UL' (bovengrens) en '<id> reasoning' (onderbouwing). Lege LL/UL zijn gelijk aan EV; "
        "een criterium zonder EV is niet gescoord.",
        f"Impactklassen: {impact.describe_codes()} (X = niet van toepassing).",
        f"Kwantitatieve criteria ({quantitative or '-'}) accepteren ook een waarde in natuurlijke "
        f"eenheden, bijvoorbeeld {ex_nl}; weerbaar zet die om naar een klasse.",
        f"Waarschijnlijkheid: klassen {', '.join(likelihood.codes)}, met halve klassen zoals "
        f"'{half}' (bovenste helft van de klasse). Voor hazards ook een kans binnen {horizon} jaar: "
        "'kans 0,02' of 'kans 2 %', of een jaarkans: 'jaarkans 0,0001'.",
        "Tabblad 'themes': één rij per risicocategorie; een thema zonder risicocategorieën krijgt "
        "één rij met een lege risicocategorie.",
        "Tabblad 'experts': scores van individuele experts, één rij per scenario, expert en "
        "criterium (of 'likelihood').",
        "Laat kopregels en tabbladnamen ongewijzigd. Formules worden niet geaccepteerd.",
    ]
    en = [
        f"This workbook holds the scenarios and scores of a risk assessment under method profile "
        f"{profile.id} ({profile.name.get('en')}).",
        "Sheet 'scenarios': one row per scenario. Required: id (unique), title, theme (a theme id "
        "from sheet 'themes') and type (hazard = non-malicious, threat = malicious).",
        "Four columns per criterion: '<id> EV' (expected value), '<id> LL' (lower limit), "
        "'<id> UL' (upper limit) and '<id> reasoning'. Empty LL/UL equal EV; a criterion without "
        "EV is not scored.",
        f"Impact classes: {impact.describe_codes()} (X = not applicable).",
        f"Quantitative criteria ({quantitative or '-'}) also accept a value in natural units, "
        f"for example {ex_en}; weerbaar converts it to a class.",
        f"Likelihood: classes {', '.join(likelihood.codes)}, with half classes such as '{half}' "
        f"(upper half of the class). For hazards also a probability within {horizon} years: "
        "'probability 0.02' or 'probability 2 %', or an annual probability: "
        "'annual probability 0.0001'.",
        "Sheet 'themes': one row per risk category; a theme without risk categories gets one row "
        "with an empty risk category.",
        "Sheet 'experts': individual experts' scores, one row per scenario, expert and criterion "
        "(or 'likelihood').",
        "Keep the header rows and sheet names as they are. Formulas are not accepted.",
    ]
    return {"nl": nl, "en": en}


def _write_readme(ws: Worksheet, profile: MethodProfile, workspace: Workspace | None,
                  lang: Language) -> None:
    put(ws, 1, 1, "weerbaar — scoreboek / scoring workbook")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    facts: list[CellValue] = [
        profile.id, profile.content_hash,
        workspace.title if workspace else None,
        workspace.language if workspace else lang,
        workspace.illustrative if workspace else False,
        workspace.note if workspace else None,
    ]
    row = 3
    for key, value in zip(lay.README_KEYS, facts, strict=True):
        put(ws, row, 1, key)
        ws.cell(row=row, column=1).font = _BOLD
        put(ws, row, 2, value)
        row += 1
    texts = _instructions(profile)
    order: tuple[Language, Language] = ("nl", "en") if lang == "nl" else ("en", "nl")
    headings = {"nl": "Instructies (Nederlands)", "en": "Instructions (English)"}
    for language in order:
        row += 1
        put(ws, row, 1, headings[language])
        ws.cell(row=row, column=1).font = _BOLD
        for line in texts[language]:
            row += 1
            put(ws, row, 1, line)
    row = _write_classes(ws, row + 2, "impact", profile.impact)
    row = _write_classes(ws, row + 1, lay.LIKELIHOOD, profile.likelihood_scale)
    _write_criteria(ws, row + 1, profile)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 50
    ws.column_dimensions["D"].width = 16
    ws.column_dimensions["E"].width = 14


def _write_classes(ws: Worksheet, row: int, what: str, scale: OrdinalScale) -> int:
    for column, text in enumerate((f"{what} class", "naam (nl)", "name (en)"), start=1):
        put(ws, row, column, text)
        ws.cell(row=row, column=column).font = _BOLD
    levels = ([scale.not_applicable] if scale.not_applicable else []) + list(scale.levels)
    for level in levels:
        row += 1
        put(ws, row, 1, level.code)
        put(ws, row, 2, level.name.nl)
        put(ws, row, 3, level.name.en)
        if scale.half_classes and level.position < scale.highest and level.position >= scale.lowest:
            row += 1
            put(ws, row, 1, f"{level.code}-high")
            put(ws, row, 2, f"{level.name.nl or level.code} (bovenste helft)")
            put(ws, row, 3, f"{level.name.en or level.code} (upper half)")
    return row + 1


def _write_criteria(ws: Worksheet, row: int, profile: MethodProfile) -> None:
    for column, text in enumerate(("criterion", "naam (nl)", "name (en)", "kind", "unit"), start=1):
        put(ws, row, column, text)
        ws.cell(row=row, column=column).font = _BOLD
    for criterion in profile.criteria:
        row += 1
        for column, value in enumerate((criterion.id, criterion.name.nl, criterion.name.en,
                                        criterion.kind.value, criterion.unit), start=1):
            put(ws, row, column, value)


# -- themes, lists -----------------------------------------------------------------------------

def _write_themes(ws: Worksheet, workspace: Workspace | None, lists: dict[str, str]) -> None:
    _header(ws, lay.THEME_COLUMNS, (24, 10, 36, 36, 28, 40, 40, 10, 16, 30))
    row = 1
    for theme in workspace.themes if workspace else ():
        head: list[CellValue] = [theme.id, theme.kind.value, theme.name.nl, theme.name.en]
        categories = theme.risk_categories or (None,)
        for category in categories:
            row += 1
            tail: list[CellValue] = ([category.id, category.name.nl, category.name.en]
                                     if category else [None, None, None])
            partners = f"{lay.PARTNER_SEPARATOR} ".join(theme.partners) or None
            for column, value in enumerate([*head, *tail, theme.colour, theme.lead_ministry,
                                            partners], start=1):
                put(ws, row, column, value)
    _list_validation(ws, lists["theme kind"], [2], strict=True, prompt="threat | generic")


_LIST_COLUMNS = ("impact", "likelihood", "type", "theme kind", "criterion")


def _list_ref(column: int, length: int) -> str:
    letter = get_column_letter(column)
    return f"{lay.LISTS}!${letter}$2:${letter}${length + 1}"


def _write_lists(ws: Worksheet, profile: MethodProfile) -> dict[str, str]:
    """Fill the hidden ``lists`` sheet; return each list's formula for data validations."""
    impact, likelihood = profile.impact, profile.likelihood_scale
    values: dict[str, list[str]] = {
        "impact": ([impact.not_applicable.code] if impact.not_applicable else []) + impact.codes,
        "likelihood": _likelihood_codes(likelihood),
        "type": ["hazard", "threat"],
        "theme kind": ["threat", "generic"],
        "criterion": [c.id for c in profile.criteria] + [lay.LIKELIHOOD],
    }
    refs = {}
    for column, name in enumerate(_LIST_COLUMNS, start=1):
        put(ws, 1, column, name)
        for row, value in enumerate(values[name], start=2):
            put(ws, row, column, value)
        refs[name] = _list_ref(column, len(values[name]))
    ws.sheet_state = "hidden"
    return refs


def _likelihood_codes(scale: OrdinalScale) -> list[str]:
    codes = []
    for level in scale.levels:
        codes.append(level.code)
        if scale.half_classes and level.position < scale.highest:
            codes.append(f"{level.code}-high")
    return codes


# -- scenarios and experts -------------------------------------------------------------------

def _criterion_cells(score: CriterionScore | None, scale: OrdinalScale) -> list[CellValue]:
    if score is None:
        return [None, None, None, None]
    entered = {c.bound: c.entered for c in score.conversions}
    return [*(entered.get(b, scale.code(score.range.get(b))) for b in BOUNDS), score.reasoning]


def _likelihood_cells(score: LikelihoodScore | None, scale: OrdinalScale) -> list[CellValue]:
    """Classes as codes; a probability as ``probability P`` (``annual probability P``)."""
    if score is None:
        return [None, None, None, None]
    conv = {c.bound: c for c in score.conversions if c.unit == "probability"}
    if "ev" not in conv:
        return [*(scale.code(score.range.get(b)) for b in BOUNDS), score.reasoning]
    ev = conv["ev"]
    first = ev.entered if ev.entered.startswith("annual ") else f"probability {ev.value!r}"
    limits = [f"probability {conv[b].value!r}" if b in conv and conv[b].value != ev.value else None
              for b in ("ll", "ul")]
    return [first, *limits, score.reasoning]


def _scenario_row(scenario: Scenario, profile: MethodProfile, impact: OrdinalScale,
                  likelihood: OrdinalScale) -> list[CellValue]:
    row: list[CellValue] = [scenario.id, scenario.title, scenario.theme, scenario.risk_category,
                            scenario.type.value, scenario.narrative]
    for criterion in profile.criteria:
        row.extend(_criterion_cells(scenario.impact.get(criterion.id), impact))
    row.extend(_likelihood_cells(scenario.likelihood, likelihood))
    return row


def _scenario_widths(profile: MethodProfile) -> list[float]:
    widths: list[float] = [28, 40, 24, 24, 10, 60]
    for criterion in profile.criteria:
        wide = criterion.kind is CriterionKind.QUANTITATIVE
        widths.extend([16 if wide else 8] * 3 + [30])
    widths.extend([18, 18, 18, 30])
    return widths


def _header_comment(criterion: Criterion, lang: Language) -> Comment:
    text = f"{criterion.name.get(lang)} ({criterion.kind.value}"
    text += f", {criterion.unit})" if criterion.unit else ")"
    return Comment(text, "weerbaar")


def _write_scenarios(ws: Worksheet, profile: MethodProfile, workspace: Workspace | None,
                     lists: dict[str, str], lang: Language) -> None:
    headers = lay.scenario_headers(profile)
    _header(ws, headers, _scenario_widths(profile), freeze="C2")
    impact, likelihood = profile.impact, profile.likelihood_scale
    for row, scenario in enumerate(workspace.scenarios if workspace else (), start=2):
        for column, value in enumerate(_scenario_row(scenario, profile, impact, likelihood), start=1):
            if value is not None:
                put(ws, row, column, value)
    first = len(lay.SCENARIO_COLUMNS) + 1
    quantitative: list[int] = []
    qualitative: list[int] = []
    for index, criterion in enumerate(profile.criteria):
        start = first + 4 * index
        ws.cell(row=1, column=start).comment = _header_comment(criterion, lang)
        target = quantitative if criterion.kind is CriterionKind.QUANTITATIVE else qualitative
        target.extend(range(start, start + 3))
    prompts = _prompts(profile, lang)
    _list_validation(ws, lists["impact"], qualitative, strict=True, prompt=prompts["impact"])
    _list_validation(ws, lists["impact"], quantitative, strict=False, prompt=prompts["quantitative"])
    likely = first + 4 * len(profile.criteria)
    _list_validation(ws, lists["likelihood"], list(range(likely, likely + 3)),
                     strict=not _has_bands(profile), prompt=prompts["likelihood"])
    _list_validation(ws, lists["type"], [5], strict=True, prompt="hazard | threat")
    _list_validation(ws, f"{lay.THEMES}!$A$2:$A$5000", [3], strict=False,
                     prompt=prompts["theme"])


def _has_bands(profile: MethodProfile) -> bool:
    return any(b.bands is not None and b.bands.value is not None
               for b in (profile.likelihood.hazard, profile.likelihood.threat))


def _prompts(profile: MethodProfile, lang: Language) -> dict[str, str]:
    codes = profile.impact.describe_codes()
    if lang == "nl":
        return {"impact": f"Klasse: {codes}", "theme": "Een theme id van tabblad 'themes'",
                "quantitative": f"Klasse ({codes}) of een waarde, bijv. '250 doden' of '13 mld euro'",
                "likelihood": "Klasse (halve klasse: 'C-high') of voor hazards 'kans 0,02'"}
    return {"impact": f"Class: {codes}", "theme": "A theme id from sheet 'themes'",
            "quantitative": f"Class ({codes}) or a value, e.g. '250 fatalities' or 'EUR 13 bn'",
            "likelihood": "Class (half class: 'C-high') or for hazards 'probability 0.02'"}


def _write_experts(ws: Worksheet, profile: MethodProfile, workspace: Workspace | None,
                   lists: dict[str, str]) -> None:
    _header(ws, lay.EXPERT_COLUMNS, (28, 20, 12, 16, 16, 16, 40))
    impact, likelihood = profile.impact, profile.likelihood_scale
    row = 1
    for scenario in workspace.scenarios if workspace else ():
        for expert in scenario.experts:
            lines: list[list[CellValue]] = [
                [cid, *_criterion_cells(score, impact)] for cid, score in expert.impact.items()]
            if expert.likelihood is not None:
                lines.append([lay.LIKELIHOOD, *_likelihood_cells(expert.likelihood, likelihood)])
            for line in lines:
                row += 1
                for column, value in enumerate([scenario.id, expert.expert, *line], start=1):
                    put(ws, row, column, value)
    _list_validation(ws, lists["criterion"], [3], strict=True, prompt="criterion id | likelihood")


# -- the workbook ------------------------------------------------------------------------------

def write_workbook(profile: MethodProfile, path: Path | str, workspace: Workspace | None = None,
                   *, lang: Language = "nl", marking: str | None = None) -> Path:
    """Write a scoring workbook for ``profile`` to ``path`` (see :func:`workbook_bytes`);
    returns the path written."""
    path = Path(path)
    path.write_bytes(workbook_bytes(profile, workspace, lang=lang, marking=marking))
    return path


def workbook_bytes(profile: MethodProfile, workspace: Workspace | None = None, *,
                   lang: Language = "nl", marking: str | None = None) -> bytes:
    """A scoring workbook for ``profile``: a template, or with ``workspace``'s scores.

    ``lang`` orders the readme's instructions and sets the language of drop-down prompts and
    header notes; headers and codes are language-neutral. ``marking`` (the highest
    classification marking of the content, or its label) is set in the workbook's properties
    and printed in capitals in the header and footer of every sheet.
    """
    if workspace is not None and workspace.profile != profile.id:
        raise InvalidInput(f"workspace is for profile {workspace.profile!r}",
                           expected=profile.id)
    wb = Workbook()
    wb.properties.title = (workspace.title if workspace and workspace.title
                           else f"weerbaar scoring workbook ({profile.id})")
    wb.properties.subject = profile.id
    wb.properties.creator = "weerbaar"
    readme = wb.active
    assert isinstance(readme, Worksheet)
    readme.title = lay.README
    _write_readme(readme, profile, workspace, lang)
    themes, scenarios = wb.create_sheet(lay.THEMES), wb.create_sheet(lay.SCENARIOS)
    experts = wb.create_sheet(lay.EXPERTS)
    lists = _write_lists(wb.create_sheet(lay.LISTS), profile)
    _write_themes(themes, workspace, lists)
    _write_scenarios(scenarios, profile, workspace, lists, lang)
    _write_experts(experts, profile, workspace, lists)
    if marking is not None:
        label = marking.upper()
        wb.properties.category = label
        wb.properties.keywords = f"classification: {label}"
        for sheet in wb.worksheets:
            assert isinstance(sheet, Worksheet)
            header, footer = sheet.oddHeader, sheet.oddFooter
            if header is not None and header.center is not None:
                header.center.text = header_footer_text(label)
            if footer is not None and footer.left is not None:
                footer.left.text = header_footer_text(label)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
