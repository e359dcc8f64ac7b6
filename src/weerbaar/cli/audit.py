"""``weerbaar audit verify|anchor|export``: the hash-chained, signed audit log and read log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from weerbaar.cli.options import (
    DbOption,
    Lang,
    LangOption,
    open_db,
    operator,
    out,
    print_json,
    refuse_existing,
    write_new,
)
from weerbaar.cli.words import words

audit_app = typer.Typer(help="The append-only, hash-chained and signed audit log.",
                        no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[Path | None, typer.Option(
        "--anchor", help="An anchor written by `weerbaar audit anchor`: the database must still "
        "hold the anchored entries, and the chains must continue validly from them.")] = None,
    db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """Check the audit log (changes) and the read log (reads of marked content): each entry's
    hash and place in its chain and, with the audit key, its HMAC and the head's; a modified,
    deleted, reordered or forged entry, a rewound head or (with --anchor) a truncated or
    recomputed chain is reported (exit code 9)."""
    from weerbaar.services.audit import load_anchor, verify_audit

    check = verify_audit(open_db(db), operator(),
                         anchor=load_anchor(anchor) if anchor is not None else None)

    t = words(lang)

    def unsigned(count: int) -> str:
        return (" " + t("({count} unsigned, written before migration {migration}: checked by "
                        "their hashes)", count=count, migration=check.signed_from)
                if count else "")

    out.print(t("audit log of {database}: {count} entries{unsigned}, chain intact, HMACs valid",
                database=check.database, count=check.changes,
                unsigned=unsigned(check.unsigned_changes)), highlight=False, markup=False)
    out.print(t("read log: {count} entries{unsigned}, chain intact, HMACs valid",
                count=check.reads, unsigned=unsigned(check.unsigned_reads)), highlight=False,
              markup=False)
    out.print(t("signed with the audit key {key} ({source})", key=check.key_id,
                source=check.key_source), highlight=False, markup=False)
    if check.anchor is not None:
        points = check.anchor.chains
        out.print(t("anchor of {created}: the audit log's first {changes} and the read log's "
                    "first {reads} entries are as anchored, and the chains continue validly "
                    "from them", created=check.anchor.created_at,
                    changes=points["audit_log"].count, reads=points["read_log"].count),
                  highlight=False, markup=False)


@audit_app.command("anchor")
def audit_anchor(
    output: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the anchor to this new file (default: print it).")] = None,
    db: DbOption = None, lang: LangOption = Lang.en,
) -> None:
    """Write a signed checkpoint of both chains' heads (entries, last hash, time; HMAC with the
    audit key) to keep outside the database; `weerbaar audit verify --anchor FILE` checks the
    database against it. Refused when the chains do not verify (exit code 9)."""
    from weerbaar.services.audit import anchor_audit

    if output is not None:
        refuse_existing(output)
    anchor = anchor_audit(open_db(db), operator())
    if output is None:
        print_json(anchor.to_dict())
        return
    write_new(output, anchor.to_json())
    points = anchor.chains
    out.print(words(lang)("wrote {path}: audit log at entry {changes}, read log at entry {reads} "
                          "({created})", path=output, changes=points["audit_log"].count,
                          reads=points["read_log"].count, created=anchor.created_at),
              highlight=False, markup=False)


@audit_app.command("export")
def audit_export(output: Annotated[Path, typer.Option("--out", "-o")],
                 cycle: Annotated[str | None, typer.Option("--cycle")] = None,
                 reads: Annotated[bool, typer.Option(
                     "--reads", help="Export the read log instead of the log of changes.")] = False,
                 db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Write the audit log (or with --reads the read log), with each entry's hashes and HMAC,
    as JSON lines."""
    from weerbaar.services.audit import export_audit

    refuse_existing(output)
    rows = export_audit(open_db(db), operator(), cycle=cycle, reads=reads)
    write_new(output, "".join(json.dumps(row, ensure_ascii=False, default=str) + "\n"
                              for row in rows))
    out.print(words(lang)("wrote {count} entries to {path}", count=len(rows), path=output),
              highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


__all__ = ["register"]
