"""``weerbaar classification show|set``: the classification scheme."""

from __future__ import annotations

from typing import Annotated

import typer

from weerbaar.cli.options import ActorOption, DbOption, open_db, operator, out

classification_app = typer.Typer(
    help="Classification markings: the ordered levels, the default marking and read logging.",
    no_args_is_help=True)


@classification_app.command("show")
def classification_show(db: DbOption = None) -> None:
    """Show the scheme in force."""
    from weerbaar.services.classification import current_scheme

    scheme = current_scheme(open_db(db), operator())
    out.print(f"markings (lowest first): {' < '.join(scheme.levels)}")
    out.print(f"unmarked content counts as: {scheme.default}")
    out.print(f"reads are logged from: {scheme.audit_reads_from}")


@classification_app.command("set")
def classification_set(
    levels: Annotated[str, typer.Option(
        "--levels", help="Comma-separated markings, lowest first.")],
    default: Annotated[str, typer.Option(
        "--default", help="The marking of content that carries none.")],
    audit_reads_from: Annotated[str, typer.Option(
        "--audit-reads-from", help="Reads of content marked this or higher are logged.")],
    db: DbOption = None, actor: ActorOption = None,
) -> None:
    """Put a new scheme in force (refused while stored content carries a marking it lacks)."""
    from weerbaar.services.classification import set_scheme

    scheme = set_scheme(open_db(db), operator(actor),
                        {"levels": [p.strip() for p in levels.split(",") if p.strip()],
                         "default": default, "audit_reads_from": audit_reads_from})
    out.print(f"classification scheme set: {' < '.join(scheme.levels)}")


def register(app: typer.Typer) -> None:
    app.add_typer(classification_app, name="classification")


__all__ = ["register"]
