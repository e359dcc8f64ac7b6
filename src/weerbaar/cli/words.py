"""The command line's fixed words in the asked language (``--lang``), from the catalogues of
:mod:`weerbaar.i18n`: the names of verdicts, answers, statuses and kinds, and the note of a
run's caveats printed under a table. User text printed through Rich goes through
:func:`plain` (``[zet]`` stays ``[zet]``, never markup)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

if TYPE_CHECKING:
    from rich.table import Table

from weerbaar.domain import (
    Answer,
    CycleKind,
    CycleStatus,
    MeasureStatus,
    ScenarioType,
    Status,
    Verdict,
)
from weerbaar.i18n import Texts, texts

if TYPE_CHECKING:
    from weerbaar.cli.options import Lang
    from weerbaar.domain import Language
    from weerbaar.services.caveats import RunCaveats

VERDICT_CONTEXT = "verdict"
CYCLE_STATUS_CONTEXT = "cycle status"


def words(lang: Lang | Language) -> Texts:
    """The fixed texts of ``--lang``."""
    return texts("nl" if lang == "nl" else "en")


def plain(text: object) -> str:
    """User text (titles, reasoning, reasons) made safe to print with markup: printed as is."""
    return escape(str(text))


def verdict_name(t: Texts, verdict: Verdict | str | None) -> str:
    """A verdict's name ("intensify", "versterken"); "—" for none."""
    if verdict is None or verdict == "":
        return "—"
    return t.pgettext(VERDICT_CONTEXT, Verdict(verdict).value)


def answer_name(t: Texts, answer: Answer) -> str:
    return t.gettext(answer.value)


def measure_status_name(t: Texts, status: MeasureStatus) -> str:
    return t.gettext(status.value)


def cycle_kind_name(t: Texts, kind: CycleKind) -> str:
    return t.gettext(kind.value.replace("_", " "))


def cycle_status_name(t: Texts, status: CycleStatus) -> str:
    return t.pgettext(CYCLE_STATUS_CONTEXT, status.value)


def provenance_name(t: Texts, status: Status) -> str:
    """A provenance status ("provisional", "voorlopig")."""
    return t.gettext(status.label)


def scenario_type_name(t: Texts, kind: ScenarioType) -> str:
    return t.gettext(kind.value)


def change_status_name(t: Texts, status: str) -> str:
    """new, changed, removed (of a comparison)."""
    return t.gettext(status) if status in ("new", "changed", "removed") else status


def item_kind_name(t: Texts, kind: str) -> str:
    """scenario, review, measure (of a comparison)."""
    names = {"scenario": "scenario", "review": "theme review", "measure": "measure"}
    return t.gettext(names[kind]) if kind in names else kind


def yes_if(t: Texts, flag: bool) -> str:
    return t.gettext("yes") if flag else ""


def show(table: Table, caveats: RunCaveats) -> None:
    """Print ``table`` and, under it, its run's caveats (one line each, printed as they are)."""
    from weerbaar.cli.options import out

    out.print(table)
    for line in caveats.lines():
        out.print(line, style="yellow", highlight=False, markup=False)


__all__ = ["CYCLE_STATUS_CONTEXT", "VERDICT_CONTEXT", "answer_name", "change_status_name",
           "cycle_kind_name", "cycle_status_name", "item_kind_name", "measure_status_name",
           "plain", "provenance_name", "scenario_type_name", "show", "verdict_name", "words",
           "yes_if"]
