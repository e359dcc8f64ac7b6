"""The database as a whole: ``db upgrade|status``, ``backup``, ``restore``, ``load-examples``."""

from __future__ import annotations

from pathlib import Path

import typer

from weerbaar.cli.options import ActorOption, DbOption, open_db, operator, out, refuse_existing

db_app = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its schema up to date."""
    from weerbaar.services.database import upgrade_schema

    state = upgrade_schema(open_db(db, check_schema=False), operator())
    out.print(f"{state.url}: at schema {state.current} (up to date)")
    if state.audit_key:  # where the audit key is, or that it was created now (store/audit.py)
        out.print(state.audit_key, highlight=False)


@db_app.command("status")
def db_status(db: DbOption = None) -> None:
    """Show the schema revision and any pending migrations."""
    from weerbaar.services.database import schema_status

    state = schema_status(open_db(db, check_schema=False), operator())
    pending = ", ".join(state.pending) or "none"
    out.print(f"{state.url}\n  current: {state.current or '(empty)'}\n  head:    {state.head}\n"
              f"  pending: {pending}")
    if state.pending:
        raise typer.Exit(1)


def backup(file: Path, db: DbOption = None) -> None:
    """Write a backup of the whole database (history and audit log included)."""
    from weerbaar.services.database import backup_database

    refuse_existing(file, "FILE")
    counts = backup_database(open_db(db), operator(), file)
    out.print(f"wrote {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def restore(file: Path, db: DbOption = None) -> None:
    """Restore a backup into an empty, upgraded database."""
    from weerbaar.services.database import restore_database

    counts = restore_database(open_db(db), operator(), file)
    out.print(f"restored {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def load_examples(db: DbOption = None, actor: ActorOption = None) -> None:
    """Put the example cycles (NVS 2019 and midterm review 2021) in the database."""
    from weerbaar.services.cycles import load_examples as load

    created = load(open_db(db), operator(actor))
    out.print(f"example cycles created: {', '.join(created)}" if created
              else "example cycles already present")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("load-examples")(load_examples)


__all__ = ["register"]
