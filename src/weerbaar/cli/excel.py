"""``weerbaar excel template|import|export``: scoring workbooks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from weerbaar.cli.options import (
    ActorOption,
    ClearanceOption,
    DbOption,
    Lang,
    LangOption,
    ReasonOption,
    open_db,
    operator,
    out,
    refuse_existing,
    write_new,
)
from weerbaar.cli.words import words
from weerbaar.domain import CycleKind

excel_app = typer.Typer(help="Excel scoring workbooks: template, import, export.",
                        no_args_is_help=True)
OutOption = Annotated[Path, typer.Option("--out", "-o")]


@excel_app.command("template")
def excel_template(profile: Annotated[str, typer.Option("--profile", help="Method profile id.")],
                   output: OutOption, lang: LangOption = Lang.nl) -> None:
    """Write an empty scoring workbook for a method profile."""
    from weerbaar.services.excel import scoring_template

    refuse_existing(output)
    write_new(output, scoring_template(operator(), profile, lang=lang.value))
    out.print(words(lang)("wrote {path}", path=output), highlight=False, markup=False)


@excel_app.command("import")
def excel_import(file: Path,
                 cycle: Annotated[str, typer.Option("--cycle", help="Cycle to import into.")],
                 kind: Annotated[CycleKind | None, typer.Option(
                     "--kind", help="Kind of a new cycle.")] = None,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="Check everything, write nothing.")] = False,
                 db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None, lang: LangOption = Lang.en) -> None:
    """Import a scoring workbook (all or nothing; every problem listed with sheet and cell)."""
    from weerbaar.services.excel import import_workbook

    result = import_workbook(open_db(db), operator(actor), file, key=cycle, kind=kind,
                             reason=reason, dry_run=dry_run)
    t = words(lang)
    if result.created:
        out.print(t("{file}: no problems; would create cycle {cycle} with {count} scenarios"
                    if dry_run else
                    "{file}: no problems; did create cycle {cycle} with {count} scenarios",
                    file=file, cycle=cycle, count=result.scenarios), highlight=False,
                  markup=False)
    elif result.report is not None:
        r = result.report
        out.print(t("{file}: no problems; would add {added}, change {changed}, remove {removed} "
                    "in cycle {cycle} (unchanged {unchanged})" if dry_run else
                    "{file}: no problems; did add {added}, change {changed}, remove {removed} "
                    "in cycle {cycle} (unchanged {unchanged})", file=file, added=len(r.added),
                    changed=len(r.changed), removed=len(r.removed), cycle=cycle,
                    unchanged=r.unchanged), highlight=False, markup=False)


@excel_app.command("export")
def excel_export(cycle: str, output: OutOption, lang: LangOption = Lang.nl,
                 clearance: ClearanceOption = None, db: DbOption = None,
                 actor: ActorOption = None) -> None:
    """Write a cycle's scores as a scoring workbook (the template's structure), marked with the
    highest marking it contains."""
    from weerbaar.services.excel import export_workbook

    refuse_existing(output)
    store = open_db(db)
    book = export_workbook(store, operator(actor, clearance, store=store), cycle,
                           lang=lang.value)
    write_new(output, book.content)
    out.print(words(lang)("wrote {path}", path=output), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(excel_app, name="excel")


__all__ = ["register"]
