"""``weerbaar cycle …``: list, import, export, freeze, clone, apply, new, compare."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from weerbaar.cli.words import (
    change_status_name,
    cycle_kind_name,
    cycle_status_name,
    item_kind_name,
    plain,
    show,
    verdict_name,
    words,
)
from weerbaar.domain import CycleKind

if TYPE_CHECKING:
    from weerbaar.i18n import Texts
    from weerbaar.services.compare import Move

cycles_app = typer.Typer(help="Cycles: import, export, freeze, clone, compare.",
                         no_args_is_help=True)
KindOption = Annotated[CycleKind, typer.Option("--kind")]


@cycles_app.command("list")
def cycles_list(db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """List the cycles in the database."""
    from weerbaar.services.cycles import list_cycles

    t = words(lang)
    table = Table(title=t("Cycles"), title_justify="left")
    for col in ("key", "kind", "parent", "profile", "status"):
        table.add_column(t(col), no_wrap=True)
    table.add_column(t("title"), overflow="fold")  # the column that wraps when space is short
    for c in list_cycles(open_db(db), operator()):
        table.add_row(plain(c.key), cycle_kind_name(t, c.kind), plain(c.parent or ""),
                      plain(c.profile_id), cycle_status_name(t, c.status), plain(c.title or ""))
    out.print(table)


@cycles_app.command("import")
def cycles_import(
    workspace: Annotated[str, typer.Argument(help="Workspace file or example:NAME.")],
    key: Annotated[str, typer.Option("--key", help="Key of the new cycle.")],
    kind: KindOption = CycleKind.RISK_ANALYSIS,
    db: DbOption = None, actor: ActorOption = None, reason: ReasonOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Import a workspace file as a new cycle (all or nothing)."""
    from weerbaar.services.cycles import import_cycle

    t = words(lang)
    store = open_db(db)
    with progress_bar() as bar:
        task = bar.add_task(t("importing"), total=None)
        import_cycle(store, operator(actor), workspace, key=key, kind=kind, reason=reason,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    out.print(t("imported {workspace} as cycle {key}", workspace=workspace, key=key),
              highlight=False, markup=False)


@cycles_app.command("export")
def cycles_export(key: str, output: Annotated[Path, typer.Option("--out", "-o")],
                  clearance: ClearanceOption = None, db: DbOption = None,
                  actor: ActorOption = None, lang: LangOption = Lang.en) -> None:
    """Write a cycle as a workspace file (headed by the highest marking it contains)."""
    from weerbaar.services.cycles import export_cycle

    refuse_existing(output)
    store = open_db(db)
    exported = export_cycle(store, operator(actor, clearance, store=store), key)
    write_new(output, exported.text)
    out.print(words(lang)("wrote {path}", path=output), highlight=False, markup=False)


@cycles_app.command("freeze")
def cycles_freeze(key: str, db: DbOption = None, actor: ActorOption = None,
                  reason: ReasonOption = None, lang: LangOption = Lang.en) -> None:
    """Publish a cycle: it becomes read-only."""
    from weerbaar.services.cycles import freeze_cycle

    freeze_cycle(open_db(db), operator(actor), key, reason=reason)
    out.print(words(lang)("cycle {key} is frozen", key=key), highlight=False, markup=False)


@cycles_app.command("clone")
def cycles_clone(parent: str,
                 key: Annotated[str | None, typer.Argument(
                     help="Key of the new cycle (or --key).")] = None,
                 kind: KindOption = CycleKind.STRATEGY,
                 title: Annotated[str | None, typer.Option("--title")] = None,
                 new_key: Annotated[str | None, typer.Option(
                     "--key", help="Key of the new cycle.")] = None,
                 profile: Annotated[str | None, typer.Option(
                     "--profile", help="Carry the cycle to this method profile through the "
                     "crosswalk of the two profiles.")] = None,
                 dry_run: Annotated[bool, typer.Option(
                     "--dry-run", help="With --profile: list the changes, write nothing.")] = False,
                 lang: LangOption = Lang.en, as_json: JsonOption = False,
                 db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None) -> None:
    """Start a successor cycle as a copy of PARENT; with --profile, carried to that method
    profile (scores through the crosswalk, new criteria left unscored, the changes listed)."""
    from weerbaar.cli.crosswalk_view import new_cycle_key, print_profile_clone

    key = new_cycle_key(key, new_key, profile=profile, dry_run=dry_run, as_json=as_json)
    if profile is None:
        from weerbaar.services.cycles import clone_cycle

        clone_cycle(open_db(db), operator(actor), parent, key, kind=kind, title=title,
                    reason=reason)
        out.print(f"cycle {key} cloned from {parent}")
        return
    from weerbaar.services.crosswalks import clone_to_profile

    result = clone_to_profile(open_db(db), operator(actor), parent, key, profile=profile,
                              kind=kind, title=title, reason=reason, dry_run=dry_run)
    print_profile_clone(result, lang.language, as_json=as_json)


@cycles_app.command("apply")
def cycles_apply(key: str, workspace: str, db: DbOption = None, actor: ActorOption = None,
                 reason: ReasonOption = None, lang: LangOption = Lang.en) -> None:
    """Bring a draft cycle in line with a workspace file (each change becomes a revision)."""
    from weerbaar.services.cycles import apply_workspace

    report = apply_workspace(open_db(db), operator(actor), key, workspace, reason=reason)
    out.print(words(lang)("added {added}, changed {changed}, removed {removed}, unchanged "
                          "{unchanged}", added=len(report.added), changed=len(report.changed),
                          removed=len(report.removed), unchanged=report.unchanged),
              highlight=False)


@cycles_app.command("new")
def cycles_new(key: str, kind: KindOption,
               profile: Annotated[str, typer.Option("--profile", help="Method profile id.")],
               title: Annotated[str | None, typer.Option("--title")] = None,
               themes_from: Annotated[str | None, typer.Option(
                   "--themes-from", help="Copy the themes of this cycle.")] = None,
               db: DbOption = None, actor: ActorOption = None,
               lang: LangOption = Lang.en) -> None:
    """Create an empty draft cycle."""
    from weerbaar.services.cycles import new_cycle

    new_cycle(open_db(db), operator(actor), key, kind=kind, profile=profile, title=title,
              themes_from=themes_from)
    t = words(lang)
    out.print(t("cycle {key} created ({kind}, {profile})", key=key,
                kind=cycle_kind_name(t, kind), profile=profile), highlight=False, markup=False)


@cycles_app.command("compare")
def cycles_compare(a: Annotated[str, typer.Argument(help="Base cycle, or the cycle when B is "
                                                         "omitted (compared with its parent).")],
                   b: Annotated[str | None, typer.Argument(help="Cycle compared with A.")] = None,
                   diagram: Annotated[Path | None, typer.Option(
                       "--diagram", help="Risk diagram with arrows for moved scenarios.")] = None,
                   lang: LangOption = Lang.en, db: DbOption = None,
                   as_json: JsonOption = False) -> None:
    """What is new, changed and removed from A to B (scenarios, reviews, measures), and why."""
    from weerbaar.services.caveats import cycle_caveats
    from weerbaar.services.compare import compare_cycles

    base, cycle = (None, a) if b is None else (a, b)
    files = chart_files([diagram] if diagram is not None else None, "--diagram")
    store, viewer = open_db(db), operator()
    result = compare_cycles(store, viewer, cycle, base,
                            diagram=next(iter(files.values()), None), lang=lang.value)
    caveats = cycle_caveats(store, viewer, cycle, lang=lang.value, base=result.comparison.base,
                            parent_withheld=result.parent_withheld)
    written = (write_charts(files, {files[diagram]: result.diagram}, "--diagram")
               if diagram is not None and result.diagram is not None else [])
    if as_json:
        print_json({**result.to_dict(), **caveats.fields()}, default=str)
        return
    t = words(lang)
    cmp = result.comparison
    if cmp.base is None:
        out.print(t("cycle {cycle} has no parent cycle; name the base: weerbaar cycle compare "
                    "BASE {cycle}", cycle=cycle), highlight=False, markup=False)
        for line in caveats.lines():
            out.print(line, highlight=False, markup=False)
        return
    table = Table(title=t("{cycle} compared with {base}", cycle=plain(cycle),
                          base=plain(cmp.base)), title_justify="left")
    for col in ("kind", "key", "status", "what changed", "reasons"):
        table.add_column(t(col))
    moves = {m.scenario: m for m in result.moves}
    verdicts = {v.theme: v for v in result.verdicts}
    for item in cmp.items:
        what = t("{count} fields", count=len(item.changes)) if item.changes else ""
        if item.kind == "scenario" and item.key in moves:
            what = _move(t, moves[item.key])
        if item.kind == "review" and item.key in verdicts:
            v = verdicts[item.key]
            what = t("verdict {before} → {after}", before=verdict_name(t, v.before),
                     after=verdict_name(t, v.after))
        table.add_row(item_kind_name(t, item.kind), plain(item.key),
                      change_status_name(t, item.status), plain(what),
                      plain("; ".join(item.reasons)))
    show(table, caveats)
    out.print(t("scenarios: new {new}, changed {changed}, removed {removed}; reviews changed "
                "{reviews}; verdicts changed {verdicts}; unchanged items {unchanged}",
                new=len(cmp.of("new")), changed=len(cmp.of("changed")),
                removed=len(cmp.of("removed")), reviews=len(cmp.of("changed", "review")),
                verdicts=len(result.verdicts), unchanged=cmp.unchanged), highlight=False)
    for path in written:
        out.print(t("diagram written to {path}", path=plain(path)), highlight=False)


def _move(t: Texts, move: Move) -> str:
    """A scenario's move: ``impact 2.10 → 2.50, likelihood 3.00`` (one value when unchanged)."""
    def pair(p: tuple[float | None, float | None]) -> str:
        a, b = (f"{v:.2f}" if v is not None else "—" for v in p)
        return a if a == b else f"{a} → {b}"

    return t("impact {impact}, likelihood {likelihood}", impact=pair(move.impact),
             likelihood=pair(move.likelihood))


def register(app: typer.Typer) -> None:
    app.add_typer(cycles_app, name="cycle")
    app.add_typer(cycles_app, name="cycles", hidden=True)


__all__ = ["register"]
