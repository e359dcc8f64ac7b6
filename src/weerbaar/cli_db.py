"""CLI commands on the database: ``db``, ``cycles``, ``scenario`` history, ``backup``/``restore``."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from weerbaar.domain import CycleKind
from weerbaar.errors import InvalidInput
from weerbaar.services.cycles import export_file, import_file, load_examples

out = Console(soft_wrap=False)
err = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option(
    "--db", envvar="WEERBAAR_DB",
    help="Database: a SQLite file path or postgresql://... (default: the user's SQLite file).")]
ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Who makes the change (default: the login name).")]
ReasonOption = Annotated[str | None, typer.Option("--reason", "-m", help="Why (kept in history).")]
ClearanceOption = Annotated[str | None, typer.Option(
    "--clearance", help="Leave out everything marked above this marking (for a recipient with "
    "that clearance); default: everything.")]

db_app = typer.Typer(help="Create and upgrade the database.", no_args_is_help=True)
cycles_app = typer.Typer(help="Cycles: import, export, freeze, clone, compare.",
                         no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)
excel_app = typer.Typer(help="Excel scoring workbooks: template, import, export.",
                        no_args_is_help=True)
history_app = typer.Typer(help="Revision history of scenarios, reviews and measures.",
                          no_args_is_help=True)


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _clearance(store: Any, clearance: str | None) -> str | None:
    """``--clearance``, checked against the store's classification scheme."""
    if clearance is None:
        return None
    from weerbaar.services.visibility import check_level
    from weerbaar.store.settings import classification_scheme

    return check_level(classification_scheme(store), clearance, "--clearance")


def _open(db: str | None):  # type: ignore[no-untyped-def]
    from weerbaar.store import open_store

    return open_store(db)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its schema up to date."""
    from weerbaar.store import open_store, upgrade

    store = open_store(db, check_schema=False)
    state = upgrade(store.engine)
    out.print(f"{state.url}: at schema {state.current} (up to date)")


@db_app.command("status")
def db_status(db: DbOption = None) -> None:
    """Show the schema revision and any pending migrations."""
    from weerbaar.store import open_store, status

    store = open_store(db, check_schema=False)
    state = status(store.engine)
    pending = ", ".join(state.pending) or "none"
    out.print(f"{state.url}\n  current: {state.current or '(empty)'}\n  head:    {state.head}\n"
              f"  pending: {pending}")
    if state.pending:
        raise typer.Exit(1)


@cycles_app.command("list")
def cycles_list(db: DbOption = None) -> None:
    """List the cycles in the database."""
    from weerbaar.store import list_cycles

    rows = [(c.key, c.kind.value, c.parent or "", c.profile_id, c.status.value, c.title or "")
            for c in list_cycles(_open(db))]
    table = Table(title="Cycles", title_justify="left")
    for index, col in enumerate(("key", "kind", "parent", "profile", "status")):
        width = max([len(col), *(len(r[index]) for r in rows)])
        table.add_column(col, no_wrap=True, min_width=width)
    table.add_column("title", overflow="ellipsis", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    out.print(table)


@cycles_app.command("import")
def cycles_import(
    workspace: Annotated[str, typer.Argument(help="Workspace file or example:NAME.")],
    key: Annotated[str, typer.Option("--key", help="Key of the new cycle.")],
    kind: Annotated[CycleKind, typer.Option("--kind")] = CycleKind.RISK_ANALYSIS,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Import a workspace file as a new cycle (all or nothing)."""
    store = _open(db)
    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("importing", total=None)
        import_file(store, workspace, key=key, kind=kind, actor=_actor(actor), reason=reason,
                    progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(f"imported {workspace} as cycle {key}")


@cycles_app.command("export")
def cycles_export(key: str, output: Annotated[Path, typer.Option("--out", "-o")],
                  clearance: ClearanceOption = None, db: DbOption = None,
                  actor: ActorOption = None) -> None:
    """Write a cycle as a workspace file (headed by the highest marking it contains)."""
    if output.exists():
        raise InvalidInput(f"{output} exists; not overwriting it", location=["--out"])
    store = _open(db)
    export_file(store, key, output, clearance=_clearance(store, clearance),
                actor=_actor(actor))
    out.print(f"wrote {output}")


@cycles_app.command("freeze")
def cycles_freeze(key: str, db: DbOption = None, actor: ActorOption = None,
                  reason: ReasonOption = None) -> None:
    """Publish a cycle: it becomes read-only."""
    from weerbaar.store import freeze_cycle

    freeze_cycle(_open(db), key, actor=_actor(actor), reason=reason)
    out.print(f"cycle {key} is frozen")


@cycles_app.command("clone")
def cycles_clone(parent: str, key: str,
                 kind: Annotated[CycleKind, typer.Option("--kind")] = CycleKind.STRATEGY,
                 title: Annotated[str | None, typer.Option("--title")] = None,
                 db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Start a successor cycle as a copy of PARENT."""
    from weerbaar.store import clone_cycle

    clone_cycle(_open(db), parent, key, kind=kind, actor=_actor(actor), title=title,
                reason=reason)
    out.print(f"cycle {key} cloned from {parent}")


@cycles_app.command("apply")
def cycles_apply(key: str, workspace: str, db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Bring a draft cycle in line with a workspace file (each change becomes a revision)."""
    from weerbaar.io import load_workspace
    from weerbaar.store import apply_workspace

    report = apply_workspace(_open(db), key, load_workspace(workspace), actor=_actor(actor),
                             reason=reason)
    out.print(f"added {len(report.added)}, changed {len(report.changed)}, "
              f"removed {len(report.removed)}, unchanged {report.unchanged}")


@cycles_app.command("new")
def cycles_new(key: str,
               kind: Annotated[CycleKind, typer.Option("--kind")],
               profile: Annotated[str, typer.Option("--profile", help="Method profile id.")],
               title: Annotated[str | None, typer.Option("--title")] = None,
               themes_from: Annotated[str | None, typer.Option(
                   "--themes-from", help="Copy the themes of this cycle.")] = None,
               db: DbOption = None, actor: ActorOption = None) -> None:
    """Create an empty draft cycle."""
    from weerbaar.services.reviews import new_cycle

    new_cycle(_open(db), key, kind=kind, profile_id=profile, actor=_actor(actor), title=title,
              themes_from=themes_from)
    out.print(f"cycle {key} created ({kind.value}, {profile})")


@cycles_app.command("compare")
def cycles_compare(a: Annotated[str, typer.Argument(help="Base cycle, or the cycle when B is "
                                                         "omitted (compared with its parent).")],
                   b: Annotated[str | None, typer.Argument(help="Cycle compared with A.")] = None,
                   diagram: Annotated[Path | None, typer.Option(
                       "--diagram", help="Risk diagram with arrows for moved scenarios.")] = None,
                   lang: Annotated[str, typer.Option("--lang")] = "en",
                   db: DbOption = None,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What is new, changed and removed from A to B (scenarios, reviews, measures), and why."""
    from weerbaar.services.compare import compare

    base, cycle = (None, a) if b is None else (a, b)
    result = compare(_open(db), base, cycle, diagram=diagram,
                     lang="nl" if lang == "nl" else "en")
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False, default=str)
                         + "\n")
        return
    cmp = result.comparison
    if cmp.base is None:
        out.print(f"cycle {cycle} has no parent cycle; name the base: weerbaar cycle compare "
                  f"BASE {cycle}")
        return
    table = Table(title=f"{cycle} compared with {cmp.base}", title_justify="left")
    for col in ("kind", "key", "status", "what changed", "reasons"):
        table.add_column(col)
    moves = {m.scenario: m for m in result.moves}
    verdicts = {v.theme: v for v in result.verdicts}
    for item in cmp.items:
        what = f"{len(item.changes)} fields" if item.changes else ""
        if item.kind == "scenario" and item.key in moves:
            what = moves[item.key].describe()
        if item.kind == "review" and item.key in verdicts:
            what = verdicts[item.key].describe()
        table.add_row(item.kind, item.key, item.status, what, "; ".join(item.reasons))
    out.print(table)
    out.print(f"scenarios: new {len(cmp.of('new'))}, changed {len(cmp.of('changed'))}, "
              f"removed {len(cmp.of('removed'))}; reviews changed "
              f"{len(cmp.of('changed', 'review'))}; verdicts changed {len(result.verdicts)}; "
              f"unchanged items {cmp.unchanged}")
    if result.diagram is not None:
        out.print(f"diagram written to {result.diagram}")


KindOption = Annotated[str, typer.Option(
    "--kind", help="scenario, review (key: the theme), measure, signal, process or dependency "
    "(key: SUPPLIER->DEPENDENT).")]


@history_app.command("list")
def history_list(cycle: str, key: str, kind: KindOption = "scenario",
                 db: DbOption = None) -> None:
    """List the revisions of a scenario, review, measure, signal, process or dependency: number,
    who, when, why."""
    from weerbaar.store import history

    table = Table(title=f"{cycle} / {kind} {key}", title_justify="left")
    for col in ("revision", "when (UTC)", "who", "why"):
        table.add_column(col)
    for rev in history(_open(db), cycle, kind, key):
        table.add_row(str(rev.number), f"{rev.created_at:%Y-%m-%d %H:%M:%S}", rev.actor,
                      rev.reason or "")
    out.print(table)


@history_app.command("diff")
def history_diff(cycle: str, key: str, a: int, b: int, kind: KindOption = "scenario",
                 db: DbOption = None) -> None:
    """Show what changed between two revisions."""
    from weerbaar.store import diff

    changes = diff(_open(db), cycle, kind, key, a, b)
    if not changes:
        out.print("no differences")
    for change in changes:
        out.print(f"{change.path}: {change.before!r} -> {change.after!r}", highlight=False)


@history_app.command("restore")
def history_restore(cycle: str, key: str, number: int,
                    expected: Annotated[int, typer.Option(
                        "--expected-revision", help="The current revision you looked at.")],
                    kind: KindOption = "scenario", db: DbOption = None,
                    actor: ActorOption = None, reason: ReasonOption = None) -> None:
    """Make an old revision current again (as a new revision)."""
    from weerbaar.store import restore

    new = restore(_open(db), cycle, kind, key, number, expected_revision=expected,
                  actor=_actor(actor), reason=reason)
    out.print(f"restored revision {number} of {kind} {key} as revision {new}")


@excel_app.command("template")
def excel_template(profile: Annotated[str, typer.Option("--profile", help="Method profile id.")],
                   output: Annotated[Path, typer.Option("--out", "-o")],
                   lang: Annotated[str, typer.Option("--lang")] = "nl") -> None:
    """Write an empty scoring workbook for a method profile."""
    from weerbaar.services.excel import write_template

    out.print(f"wrote {write_template(profile, output, lang=lang)}")


@excel_app.command("import")
def excel_import(file: Path,
                 cycle: Annotated[str, typer.Option("--cycle", help="Cycle to import into.")],
                 kind: Annotated[CycleKind | None, typer.Option(
                     "--kind", help="Kind of a new cycle.")] = None,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="Check everything, write nothing.")] = False,
                 db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Import a scoring workbook (all or nothing; every problem listed with sheet and cell)."""
    from weerbaar.services.excel import import_workbook

    result = import_workbook(_open(db), file, key=cycle, actor=_actor(actor), kind=kind,
                             reason=reason, dry_run=dry_run)
    verb = "would" if dry_run else "did"
    if result.created:
        out.print(f"{file}: no problems; {verb} create cycle {cycle} with "
                  f"{result.scenarios} scenarios")
    elif result.report is not None:
        r = result.report
        out.print(f"{file}: no problems; {verb} add {len(r.added)}, change {len(r.changed)}, "
                  f"remove {len(r.removed)} in cycle {cycle} (unchanged {r.unchanged})")


@excel_app.command("export")
def excel_export(cycle: str, output: Annotated[Path, typer.Option("--out", "-o")],
                 lang: Annotated[str, typer.Option("--lang")] = "nl",
                 clearance: ClearanceOption = None, db: DbOption = None,
                 actor: ActorOption = None) -> None:
    """Write a cycle's scores as a scoring workbook (the template's structure), marked with the
    highest marking it contains."""
    from weerbaar.services.excel import export_cycle

    store = _open(db)
    written = export_cycle(store, cycle, output, lang=lang, actor=_actor(actor),
                           clearance=_clearance(store, clearance))
    out.print(f"wrote {written}")


@audit_app.command("verify")
def audit_verify(db: DbOption = None) -> None:
    """Check the hash chains of the audit log (changes) and the read log (reads of marked
    content): a modified, deleted or reordered entry is reported."""
    from weerbaar.store import audit

    store = _open(db)
    with store.read() as conn:
        problems = audit.verify(conn)
        count = len(audit.entries(conn))
        reads = len(audit.entries(conn, chain=audit.READS))
    if problems:
        for problem in problems:
            err.print(f"[red]{problem}[/red]", highlight=False)
        err.print(f"audit log of {store.url}: {len(problems)} problem(s) in {count} entries "
                  f"and {reads} read-log entries")
        raise typer.Exit(9)
    out.print(f"audit log of {store.url}: {count} entries, chain intact")
    out.print(f"read log: {reads} entries, chain intact")


@audit_app.command("export")
def audit_export(output: Annotated[Path, typer.Option("--out", "-o")],
                 cycle: Annotated[str | None, typer.Option("--cycle")] = None,
                 reads: Annotated[bool, typer.Option(
                     "--reads", help="Export the read log instead of the log of changes.")] = False,
                 db: DbOption = None) -> None:
    """Write the audit log (or with --reads the read log), with each entry's hashes, as JSON
    lines."""
    from weerbaar.store import audit

    if output.exists():
        raise InvalidInput(f"{output} exists; not overwriting it", location=["--out"])
    store = _open(db)
    with store.read() as conn:
        rows = audit.export_rows(conn, cycle_key=cycle,
                                 chain=audit.READS if reads else audit.CHANGES)
    with output.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    out.print(f"wrote {len(rows)} entries to {output}")


def backup_cmd(file: Path, db: DbOption = None) -> None:
    """Write a backup of the whole database (history and audit log included)."""
    from weerbaar.store.backup import backup

    if file.exists():
        raise InvalidInput(f"{file} exists; not overwriting it", location=["FILE"])
    counts = backup(_open(db), file)
    out.print(f"wrote {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def restore_cmd(file: Path, db: DbOption = None) -> None:
    """Restore a backup into an empty, upgraded database."""
    from weerbaar.store.backup import restore

    counts = restore(_open(db), file)
    out.print(f"restored {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def examples_load_cmd(db: DbOption = None, actor: ActorOption = None) -> None:
    """Put the example cycles (NVS 2019 and midterm review 2021) in the database."""
    created = load_examples(_open(db), actor=_actor(actor))
    out.print(f"example cycles created: {', '.join(created)}" if created
              else "example cycles already present")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(cycles_app, name="cycle")
    app.add_typer(cycles_app, name="cycles", hidden=True)
    app.add_typer(history_app, name="history")
    app.add_typer(excel_app, name="excel")
    app.add_typer(audit_app, name="audit")
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    app.command("load-examples")(examples_load_cmd)
