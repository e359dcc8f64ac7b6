"""The database as a whole: ``db upgrade|status``, ``backup``, ``restore``, ``load-examples``."""

from __future__ import annotations

from pathlib import Path

import typer

from weerbaar.cli.options import (
    ActorOption,
    DbOption,
    Lang,
    LangOption,
    open_db,
    operator,
    out,
    refuse_existing,
)
from weerbaar.cli.words import words

db_app = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Create the database or bring its schema up to date."""
    from weerbaar.services.database import upgrade_schema

    state = upgrade_schema(open_db(db, check_schema=False), operator())
    out.print(words(lang)("{url}: at schema {revision} (up to date)", url=state.url,
                          revision=state.current), highlight=False, markup=False)
    if state.audit_key:  # where the audit key is, or that it was created now (store/audit.py)
        out.print(state.audit_key, highlight=False)


@db_app.command("status")
def db_status(db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Show the schema revision and any pending migrations."""
    from weerbaar.services.database import schema_status

    t = words(lang)
    state = schema_status(open_db(db, check_schema=False), operator())
    pending = ", ".join(state.pending) or t("none")
    out.print(t("{url}\n  current: {current}\n  head:    {head}\n  pending: {pending}",
                url=state.url, current=state.current or t("(empty)"), head=state.head,
                pending=pending), highlight=False, markup=False)
    if state.pending:
        raise typer.Exit(1)


def backup(file: Path, db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Write a backup of the whole database (history and audit log included)."""
    from weerbaar.services.database import backup_database

    refuse_existing(file, "FILE")
    counts = backup_database(open_db(db), operator(), file)
    out.print(words(lang)("wrote {path}: {counts}", path=file, counts=", ".join(
        f"{k} {v}" for k, v in counts.items())), highlight=False, markup=False)


def restore(file: Path, db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Restore a backup into an empty, upgraded database."""
    from weerbaar.services.database import restore_database

    counts = restore_database(open_db(db), operator(), file)
    out.print(words(lang)("restored {path}: {counts}", path=file, counts=", ".join(
        f"{k} {v}" for k, v in counts.items())), highlight=False, markup=False)


def load_examples(db: DbOption = None, actor: ActorOption = None,
                  lang: LangOption = Lang.en) -> None:
    """Put the example cycles (NVS 2019 and midterm review 2021) in the database."""
    from weerbaar.services.cycles import load_examples as load

    t = words(lang)
    created = load(open_db(db), operator(actor))
    out.print(t("example cycles created: {cycles}", cycles=", ".join(created)) if created
              else t("example cycles already present"), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("load-examples")(load_examples)


__all__ = ["register"]
