"""``weerbaar cycle …``: list, import, export, freeze, clone, apply, new, compare."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import (
    ActorOption,
    ClearanceOption,
    DbOption,
    JsonOption,
    Lang,
    LangOption,
    ReasonOption,
    chart_files,
    open_db,
    operator,
    out,
    print_json,
    progress_bar,
    refuse_existing,
    write_charts,
    write_new,
)
from weerbaar.domain import CycleKind

cycles_app = typer.Typer(help="Cycles: import, export, freeze, clone, compare.",
                         no_args_is_help=True)
KindOption = Annotated[CycleKind, typer.Option("--kind")]


@cycles_app.command("list")
def cycles_list(db: DbOption = None) -> None:
    """List the cycles in the database."""
    from weerbaar.services.cycles import list_cycles

    table = Table(title="Cycles", title_justify="left")
    for col in ("key", "kind", "parent", "profile", "status"):
        table.add_column(col, no_wrap=True)
    table.add_column("title", overflow="fold")  # the column that wraps when space is short
    for c in list_cycles(open_db(db), operator()):
        table.add_row(c.key, c.kind.value, c.parent or "", c.profile_id, c.status.value,
                      c.title or "")
    out.print(table)


@cycles_app.command("import")
def cycles_import(
    workspace: Annotated[str, typer.Argument(help="Workspace file or example:NAME.")],
    key: Annotated[str, typer.Option("--key", help="Key of the new cycle.")],
    kind: KindOption = CycleKind.RISK_ANALYSIS,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
) -> None:
    """Import a workspace file as a new cycle (all or nothing)."""
    from weerbaar.services.cycles import import_cycle

    store = open_db(db)
    with progress_bar() as bar:
        task = bar.add_task("importing", total=None)
        import_cycle(store, operator(actor), workspace, key=key, kind=kind, reason=reason,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(f"imported {workspace} as cycle {key}")


@cycles_app.command("export")
def cycles_export(key: str, output: Annotated[Path, typer.Option("--out", "-o")],
                  clearance: ClearanceOption = None, db: DbOption = None,
                  actor: ActorOption = None) -> None:
    """Write a cycle as a workspace file (headed by the highest marking it contains)."""
    from weerbaar.services.cycles import export_cycle

    refuse_existing(output)
    store = open_db(db)
    exported = export_cycle(store, operator(actor, clearance, store=store), key)
    write_new(output, exported.text)
    out.print(f"wrote {output}")


@cycles_app.command("freeze")
def cycles_freeze(key: str, db: DbOption = None, actor: ActorOption = None,
                  reason: ReasonOption = None) -> None:
    """Publish a cycle: it becomes read-only."""
    from weerbaar.services.cycles import freeze_cycle

    freeze_cycle(open_db(db), operator(actor), key, reason=reason)
    out.print(f"cycle {key} is frozen")


@cycles_app.command("clone")
def cycles_clone(parent: str, key: str, kind: KindOption = CycleKind.STRATEGY,
                 title: Annotated[str | None, typer.Option("--title")] = None,
                 db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Start a successor cycle as a copy of PARENT."""
    from weerbaar.services.cycles import clone_cycle

    clone_cycle(open_db(db), operator(actor), parent, key, kind=kind, title=title, reason=reason)
    out.print(f"cycle {key} cloned from {parent}")


@cycles_app.command("apply")
def cycles_apply(key: str, workspace: str, db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Bring a draft cycle in line with a workspace file (each change becomes a revision)."""
    from weerbaar.services.cycles import apply_workspace

    report = apply_workspace(open_db(db), operator(actor), key, workspace, reason=reason)
    out.print(f"added {len(report.added)}, changed {len(report.changed)}, "
              f"removed {len(report.removed)}, unchanged {report.unchanged}")


@cycles_app.command("new")
def cycles_new(key: str, kind: KindOption,
               profile: Annotated[str, typer.Option("--profile", help="Method profile id.")],
               title: Annotated[str | None, typer.Option("--title")] = None,
               themes_from: Annotated[str | None, typer.Option(
                   "--themes-from", help="Copy the themes of this cycle.")] = None,
               db: DbOption = None, actor: ActorOption = None) -> None:
    """Create an empty draft cycle."""
    from weerbaar.services.cycles import new_cycle

    new_cycle(open_db(db), operator(actor), key, kind=kind, profile=profile, title=title,
              themes_from=themes_from)
    out.print(f"cycle {key} created ({kind.value}, {profile})")


@cycles_app.command("compare")
def cycles_compare(a: Annotated[str, typer.Argument(help="Base cycle, or the cycle when B is "
                                                         "omitted (compared with its parent).")],
                   b: Annotated[str | None, typer.Argument(help="Cycle compared with A.")] = None,
                   diagram: Annotated[Path | None, typer.Option(
                       "--diagram", help="Risk diagram with arrows for moved scenarios.")] = None,
                   lang: LangOption = Lang.en, db: DbOption = None,
                   as_json: JsonOption = False) -> None:
    """What is new, changed and removed from A to B (scenarios, reviews, measures), and why."""
    from weerbaar.services.compare import compare_cycles

    base, cycle = (None, a) if b is None else (a, b)
    files = chart_files([diagram] if diagram is not None else None, "--diagram")
    result = compare_cycles(open_db(db), operator(), cycle, base,
                            diagram=next(iter(files.values()), None), lang=lang.value)
    written = (write_charts(files, {files[diagram]: result.diagram}, "--diagram")
               if diagram is not None and result.diagram is not None else [])
    if as_json:
        print_json(result.to_dict(), default=str)
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
    for path in written:
        out.print(f"diagram written to {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(cycles_app, name="cycle")
    app.add_typer(cycles_app, name="cycles", hidden=True)


__all__ = ["register"]
