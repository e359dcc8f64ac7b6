"""``weerbaar audit verify|export``: the hash-chained audit log and read log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from weerbaar.cli.options import DbOption, open_db, operator, out, refuse_existing, write_new

audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the hash chains of the audit log (changes) and the read log (reads of marked
    content): a modified, deleted or reordered entry is reported (exit code 9)."""
    from weerbaar.services.audit import verify_audit

    check = verify_audit(open_db(db), operator())
    out.print(f"audit log of {check.database}: {check.changes} entries, chain intact")
    out.print(f"read log: {check.reads} entries, chain intact")


@audit_app.command("export")
def audit_export(output: Annotated[Path, typer.Option("--out", "-o")],
                 cycle: Annotated[str | None, typer.Option("--cycle")] = None,
                 reads: Annotated[bool, typer.Option(
                     "--reads", help="Export the read log instead of the log of changes.")] = False,
                 db: DbOption = None) -> None:
    """Write the audit log (or with --reads the read log), with each entry's hashes, as JSON
    lines."""
    from weerbaar.services.audit import export_audit

    refuse_existing(output)
    rows = export_audit(open_db(db), operator(), cycle=cycle, reads=reads)
    write_new(output, "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n"
                              for row in rows))
    out.print(f"wrote {len(rows)} entries to {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


__all__ = ["register"]
