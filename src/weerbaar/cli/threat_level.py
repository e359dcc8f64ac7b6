"""``weerbaar cycle threat-level`` (the national terrorism threat level's history, and recording
a change) and ``weerbaar cycle scenarios`` (the scenarios with their scope, filterable)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.cycles import cycles_app
from weerbaar.cli.options import (
    ActorOption,
    DbOption,
    JsonOption,
    Lang,
    LangOption,
    open_db,
    operator,
    out,
    print_json,
)
from weerbaar.cli.words import plain

ScopeFilterOption = Annotated[str | None, typer.Option(
    "--scope", help="Only this scope: european-netherlands, caribbean-netherlands, kingdom, or "
                    "none (no scope stated).")]


def threat_level(
    cycle: str,
    level: Annotated[str | None, typer.Option(
        "--set", help="Record a new level: 1-5 (1 minimal, 2 limited, 3 significant, "
                      "4 substantial, 5 critical).")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="Since when (YYYY-MM-DD), if the source dates it.")] = None,
    period: Annotated[str | None, typer.Option(
        "--period", help="Since when, in the source's words (when it gives no date).")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", "-m", help="The source or reasoning of the new level (kept with the "
                               "entry and in the history).")] = None,
    theme: Annotated[str | None, typer.Option(
        "--theme", help="The theme the level is shown beside (needed for the first entry).")
    ] = None,
    marking: Annotated[str | None, typer.Option("--marking", help="Marking of the entry.")] = None,
    expected: Annotated[int | None, typer.Option(
        "--expected-revision", help="Revision the change was made against.")] = None,
    lang: LangOption = Lang.en, db: DbOption = None, actor: ActorOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show a cycle's national terrorism threat level (DTN 1-5) and its history; with --set,
    record a new level first (coordinator). An indicator, never part of any likelihood."""
    from weerbaar.i18n import texts
    from weerbaar.i18n.names import threat_level_text
    from weerbaar.services.threat_level import (
        get_threat_level,
        new_entry,
        parse_date,
        parse_level,
        record_threat_level,
    )

    store = open_db(db)
    if level is not None:
        entry = new_entry(level=parse_level(level, "--set"), date=parse_date(date, "--date"),
                          period=period, source=reason, marking=marking)
        revision = record_threat_level(store, operator(actor), cycle, entry,
                                       expected_revision=expected, theme=theme, reason=reason)
        if not as_json:
            out.print(f"threat level of {cycle} recorded as revision {revision}")
    elif (date, period, theme, marking, expected) != (None,) * 5:
        from weerbaar.errors import InvalidInput

        raise InvalidInput("--date, --period, --theme, --marking and --expected-revision go "
                           "with a new level", location=["--set"], expected="--set LEVEL")
    record = get_threat_level(store, operator(actor), cycle)
    if as_json:
        print_json(record.to_dict())
        return
    t = texts(lang.language)
    current = record.current
    out.print(f"[bold]{t('National terrorism threat level')}[/bold] — {plain(cycle)}"
              + (f" ({plain(t('beside theme {theme}', theme=record.theme))})"
                 if record.theme else ""), highlight=False)
    if current is None:
        out.print(t("No threat level recorded."), highlight=False)
        return
    out.print(f"{t('Current threat level')}: {threat_level_text(t, current.level)}",
              highlight=False)
    table = Table(title=t("History of the threat level"), title_justify="left")
    for col in (t("Level"), t("Since"), t("Source"), t("Marking")):
        table.add_column(col, overflow="fold")
    for entry in record.history.entries if record.history else ():
        since = entry.date.isoformat() if entry.date else (entry.period or t("unknown"))
        table.add_row(threat_level_text(t, entry.level), plain(since), plain(entry.source or ""),
                      plain(entry.marking or ""))
    out.print(table)
    out.print(t("The threat level is an indicator, not a probability: it does not enter the "
                "likelihood."), highlight=False)


def cycle_scenarios(cycle: str, scope: ScopeFilterOption = None, lang: LangOption = Lang.en,
                    db: DbOption = None, as_json: JsonOption = False) -> None:
    """List a cycle's scenarios with their theme and scope (of one scope with --scope)."""
    from weerbaar.i18n import texts
    from weerbaar.i18n.names import scope_name
    from weerbaar.services.scenarios import list_scenarios

    rows = list_scenarios(open_db(db), operator(), cycle, of_scope=scope).rows
    if as_json:
        print_json([{"id": r.scenario.id, "title": r.scenario.title, "theme": r.scenario.theme,
                     "scope": r.scenario.scope.value if r.scenario.scope else None,
                     "marking": r.marking, "revision": r.revision} for r in rows])
        return
    t = texts(lang.language)
    table = Table(title=f"Scenarios in {cycle}", title_justify="left")
    for col in ("id", "title", "theme", "scope", "marking"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(plain(r.scenario.id), plain(r.scenario.title), plain(r.scenario.theme),
                      scope_name(t, r.scenario.scope), plain(r.marking or ""))
    out.print(table)


def register(app: typer.Typer) -> None:
    del app  # both are commands of ``weerbaar cycle``
    cycles_app.command("threat-level")(threat_level)
    cycles_app.command("scenarios")(cycle_scenarios)


__all__ = ["ScopeFilterOption", "register"]
