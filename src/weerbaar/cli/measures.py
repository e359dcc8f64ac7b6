"""``weerbaar measures list|add``, ``weerbaar priorities`` and ``weerbaar gaps``."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import (
    ActorOption,
    DbOption,
    JsonOption,
    ReasonOption,
    open_db,
    operator,
    out,
    print_json,
)
from weerbaar.domain import CapabilityType, MeasureStatus, Phase
from weerbaar.errors import InvalidInput

measures_app = typer.Typer(help="Measures and capabilities of a cycle.", no_args_is_help=True)
CutOption = Annotated[str, typer.Option("--cut", help="Lowest class that counts as serious harm.")]


@measures_app.command("list")
def measures_list(cycle: str, theme: Annotated[str | None, typer.Option("--theme")] = None,
                  db: DbOption = None, as_json: JsonOption = False) -> None:
    """List a cycle's measures."""
    from weerbaar.services.measures import list_measures

    items = list_measures(open_db(db), operator(), cycle, theme=theme).measures
    if as_json:
        print_json([m.model_dump(mode="json") for m in items])
        return
    table = Table(title=f"Measures in {cycle}", title_justify="left")
    for col in ("id", "title", "owner", "status", "themes", "scenarios", "effect"):
        table.add_column(col)
    for m in items:
        effect = []
        if m.effect.likelihood:
            effect.append(f"likelihood -{m.effect.likelihood:g}")
        effect += [f"{c} -{v}" for c, v in m.effect.criteria.items()]
        table.add_row(m.id, m.title, m.owner or "", m.status.value, ", ".join(m.themes),
                      ", ".join(m.scenarios), ", ".join(effect))
    out.print(table)


def _criterion_effects(items: list[str]) -> dict[str, int]:
    effects = {}
    for item in items:
        cid, sep, steps = item.partition("=")
        if not sep or not steps.strip().isdigit():
            raise InvalidInput(f"{item!r} is not CRITERION=CLASSES",
                               location=["--criterion-effect"], expected="e.g. 2.1=1")
        effects[cid.strip()] = int(steps)
    return effects


def _day(value: str | None, option: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(f"{value!r} is not a date", location=[option],
                           expected="YYYY-MM-DD") from None


@measures_app.command("add")
def measures_add(
    cycle: str,
    measure_id: Annotated[str, typer.Option("--id")],
    title: Annotated[str, typer.Option("--title")],
    theme: Annotated[list[str] | None, typer.Option("--theme")] = None,
    scenario: Annotated[list[str] | None, typer.Option("--scenario")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    partner: Annotated[list[str] | None, typer.Option("--partner")] = None,
    capability: Annotated[CapabilityType | None, typer.Option("--capability")] = None,
    phase: Annotated[Phase | None, typer.Option("--phase")] = None,
    status: Annotated[MeasureStatus, typer.Option("--status")] = MeasureStatus.PLANNED,
    start: Annotated[str | None, typer.Option("--start", help="YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option("--end", help="YYYY-MM-DD")] = None,
    likelihood_effect: Annotated[float, typer.Option(
        "--likelihood-effect", help="Likelihood classes down (0.5 steps).")] = 0.0,
    criterion_effect: Annotated[list[str] | None, typer.Option(
        "--criterion-effect", help="CRITERION=CLASSES down, e.g. 2.1=1 (repeatable).")] = None,
    effect_reasoning: Annotated[str | None, typer.Option("--effect-reasoning")] = None,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Add a measure (with its expected effect, which gives the residual position)."""
    from weerbaar.services.measures import add_measure, new_measure

    measure = new_measure(
        id=measure_id, title=title, themes=tuple(theme or ()), scenarios=tuple(scenario or ()),
        owner=owner, partners=tuple(partner or ()), capability=capability, phase=phase,
        status=status, start=_day(start, "--start"), end=_day(end, "--end"),
        effect={"likelihood": likelihood_effect,
                "criteria": _criterion_effects(criterion_effect or []),
                "reasoning": effect_reasoning})
    add_measure(open_db(db), operator(actor), cycle, measure, reason=reason)
    out.print(f"measure {measure_id} added to {cycle}")


def priorities(cycle: str, cut: CutOption = "C", db: DbOption = None,
               as_json: JsonOption = False) -> None:
    """Scenarios and themes that seriously harm at least one interest, with their verdicts."""
    from weerbaar.services.assessment import cycle_priorities

    result = cycle_priorities(open_db(db), operator(), cycle, cut=cut)
    if as_json:
        print_json(result.to_dict())
        return
    table = Table(title=f"Priority list of {cycle} (cut {cut})", title_justify="left")
    for col in ("theme", "verdict", "scenarios (harmed interests: class)"):
        table.add_column(col)
    by_id = {s.scenario: s for s in result.scenarios}
    for theme in result.themes:
        listed = "; ".join(f"{sid} ({', '.join(f'{i}: {c}' for i, c in by_id[sid].harmed.items())})"
                           for sid in theme.scenarios)
        table.add_row(theme.theme, theme.verdict.value if theme.verdict else "—", listed)
    out.print(table)


def gaps(cycle: str, cut: CutOption = "C", db: DbOption = None) -> None:
    """Per scenario: criteria scored at or above the cut with no running measure."""
    from weerbaar.services.assessment import cycle_gaps

    found = cycle_gaps(open_db(db), operator(), cycle, cut=cut)
    table = Table(title=f"Capability gaps in {cycle} (cut {cut})", title_justify="left")
    for col in ("scenario", "criterion", "class", "planned measures"):
        table.add_column(col)
    for gap in found:
        table.add_row(gap.scenario, gap.criterion, gap.code, ", ".join(gap.measures_planned))
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(measures_app, name="measures")
    app.command("priorities")(priorities)
    app.command("gaps")(gaps)


__all__ = ["register"]
