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
    Lang,
    LangOption,
    ReasonOption,
    open_db,
    operator,
    out,
    print_json,
)
from weerbaar.cli.words import measure_status_name, plain, show, verdict_name, words
from weerbaar.domain import CapabilityType, MeasureStatus, Phase, Scope
from weerbaar.errors import InvalidInput
from weerbaar.i18n.names import scope_name

measures_app = typer.Typer(help="Measures and capabilities of a cycle.", no_args_is_help=True)
CutOption = Annotated[str, typer.Option("--cut", help="Lowest class that counts as serious harm.")]


@measures_app.command("list")
def measures_list(cycle: str, theme: Annotated[str | None, typer.Option("--theme")] = None,
                  scope: Annotated[str | None, typer.Option(
                      "--scope", help="Only this scope: european-netherlands, "
                                      "caribbean-netherlands, kingdom, or none.")] = None,
                  db: DbOption = None, as_json: JsonOption = False,
                  lang: LangOption = Lang.en) -> None:
    """List a cycle's measures (of one theme, of one scope); JSON: ``{"illustrative",
    "caveats", "measures"}``."""
    from weerbaar.services.caveats import scope_caveats
    from weerbaar.services.measures import list_measures

    found = list_measures(open_db(db), operator(), cycle, theme=theme, of_scope=scope)
    items, caveats = found.measures, scope_caveats(found.scope, lang.value)
    if as_json:
        print_json({**caveats.fields(), "measures": [m.model_dump(mode="json") for m in items]})
        return
    t = words(lang)
    table = Table(title=t("Measures in {cycle}", cycle=plain(cycle)), title_justify="left")
    for col in ("id", "title", "owner", "status", "themes", "scenarios", "effect", "scope"):
        table.add_column(t(col))
    for m in items:
        effect = []
        if m.effect.likelihood:
            effect.append(f"{t('likelihood')} -{m.effect.likelihood:g}")
        effect += [f"{c} -{v}" for c, v in m.effect.criteria.items()]
        table.add_row(plain(m.id), plain(m.title), plain(m.owner or ""),
                      measure_status_name(t, m.status), plain(", ".join(m.themes)),
                      plain(", ".join(m.scenarios)), plain(", ".join(effect)),
                      scope_name(t, m.scope) if m.scope else "")
    show(table, caveats)


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
    scope: Annotated[Scope | None, typer.Option(
        "--scope", help="The part of the Kingdom the measure concerns.")] = None,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Add a measure (with its expected effect, which gives the residual position)."""
    from weerbaar.services.measures import add_measure, new_measure

    measure = new_measure(
        id=measure_id, title=title, themes=tuple(theme or ()), scenarios=tuple(scenario or ()),
        owner=owner, partners=tuple(partner or ()), capability=capability, phase=phase,
        status=status, start=_day(start, "--start"), end=_day(end, "--end"),
        effect={"likelihood": likelihood_effect,
                "criteria": _criterion_effects(criterion_effect or []),
                "reasoning": effect_reasoning}, scope=scope)
    add_measure(open_db(db), operator(actor), cycle, measure, reason=reason)
    out.print(words(lang)("measure {measure} added to {cycle}", measure=measure_id, cycle=cycle),
              highlight=False, markup=False)


def priorities(cycle: str, cut: CutOption = "C", db: DbOption = None,
               as_json: JsonOption = False, lang: LangOption = Lang.en) -> None:
    """Scenarios and themes that seriously harm at least one interest, with their verdicts;
    JSON: the list with ``illustrative`` and ``caveats``."""
    from weerbaar.services.assessment import cycle_priorities
    from weerbaar.services.caveats import cycle_caveats

    store, viewer = open_db(db), operator()
    result = cycle_priorities(store, viewer, cycle, cut=cut)
    caveats = cycle_caveats(store, viewer, cycle, lang=lang.value)
    if as_json:
        print_json({**result.to_dict(), **caveats.fields()})
        return
    t = words(lang)
    table = Table(title=t("Priority list of {cycle} (cut {cut})", cycle=plain(cycle), cut=plain(cut)),
                  title_justify="left")
    for col in ("theme", "verdict", "scenarios (harmed interests: class)"):
        table.add_column(t(col))
    by_id = {s.scenario: s for s in result.scenarios}
    for theme in result.themes:
        listed = "; ".join(f"{sid} ({', '.join(f'{i}: {c}' for i, c in by_id[sid].harmed.items())})"
                           for sid in theme.scenarios)
        table.add_row(plain(theme.theme), verdict_name(t, theme.verdict), plain(listed))
    show(table, caveats)


def gaps(cycle: str, cut: CutOption = "C", db: DbOption = None, as_json: JsonOption = False,
         lang: LangOption = Lang.en) -> None:
    """Per scenario: criteria scored at or above the cut with no running measure; JSON:
    ``{"illustrative", "caveats", "cut", "gaps"}``."""
    from weerbaar.services.assessment import cycle_gaps
    from weerbaar.services.caveats import cycle_caveats

    store, viewer = open_db(db), operator()
    found = cycle_gaps(store, viewer, cycle, cut=cut)
    caveats = cycle_caveats(store, viewer, cycle, lang=lang.value)
    if as_json:
        print_json({**caveats.fields(), "cut": cut, "gaps": [
            {"scenario": g.scenario, "criterion": g.criterion, "class": g.code,
             "measures_planned": list(g.measures_planned)} for g in found]})
        return
    t = words(lang)
    table = Table(title=t("Capability gaps in {cycle} (cut {cut})", cycle=plain(cycle),
                          cut=plain(cut)), title_justify="left")
    for col in ("scenario", "criterion", "class", "planned measures"):
        table.add_column(t(col))
    for gap in found:
        table.add_row(plain(gap.scenario), plain(gap.criterion), gap.code,
                      plain(", ".join(gap.measures_planned)))
    show(table, caveats)


def register(app: typer.Typer) -> None:
    app.add_typer(measures_app, name="measures")
    app.command("priorities")(priorities)
    app.command("gaps")(gaps)


__all__ = ["register"]
