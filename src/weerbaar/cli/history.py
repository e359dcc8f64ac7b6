"""``weerbaar history list|diff|restore``: the revisions of one document of a cycle."""

from __future__ import annotations

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
    open_db,
    operator,
    out,
    print_json,
)
from weerbaar.cli.words import plain, words

if TYPE_CHECKING:
    from weerbaar.i18n import Texts

history_app = typer.Typer(help="Revision history of scenarios, reviews and measures.",
                          no_args_is_help=True)

KindOption = Annotated[str, typer.Option(
    "--kind", help="scenario, review (key: the theme), measure, signal, process or dependency "
    "(key: SUPPLIER->DEPENDENT), threat_level (key: dtn).")]


@history_app.command("list")
def history_list(cycle: str, key: str, kind: KindOption = "scenario",
                 db: DbOption = None, clearance: ClearanceOption = None,
                 lang: LangOption = Lang.en) -> None:
    """List the revisions of a scenario, review, measure, signal, process or dependency: number,
    who, when, why (of a revision marked above --clearance only the number)."""
    from weerbaar.services.history import REDACTED, item_history

    store = open_db(db)
    revisions = item_history(store, operator(clearance=clearance, store=store), cycle, kind, key)
    t = words(lang)
    table = Table(title=plain(f"{cycle} / {_kind_name(t, kind)} {key}"), title_justify="left")
    for col in ("revision", "when (UTC)", "who", "why"):
        table.add_column(t(col))
    hidden = plain(t(REDACTED))
    for rev in revisions:
        when = f"{rev.created_at:%Y-%m-%d %H:%M:%S}" if rev.created_at else hidden
        table.add_row(str(rev.number), when, plain(rev.actor) if rev.actor else hidden,
                      hidden if rev.redacted else plain(rev.reason or ""))
    out.print(table)


def _kind_name(t: Texts, kind: str) -> str:
    """The kind of document as named in ``--lang`` (``review``: a theme review)."""
    names = {"scenario": "scenario", "review": "theme review", "measure": "measure",
             "signal": "signal", "process": "process", "dependency": "dependency",
             "threat_level": "threat level"}
    return t(names[kind]) if kind in names else kind


@history_app.command("diff")
def history_diff(cycle: str, key: str, a: int, b: int, kind: KindOption = "scenario",
                 db: DbOption = None, lang: LangOption = Lang.en,
                 as_json: JsonOption = False) -> None:
    """Show what changed between two revisions, one line per change: what, which side of it,
    before → after (``2.1 Fatalities, expected value: B → C``)."""
    from weerbaar.i18n import texts
    from weerbaar.services.history import item_diff

    changes = item_diff(open_db(db), operator(), cycle, kind, key, a, b, lang=lang.value)
    if as_json:
        print_json([c.to_dict() for c in changes])
        return
    if not changes:
        out.print(texts(lang.language)("No differences."), highlight=False, markup=False)
    for change in changes:
        out.print(f"{change.subject}, {change.aspect}: {change.before} → {change.after}",
                  highlight=False, markup=False)


@history_app.command("restore")
def history_restore(cycle: str, key: str, number: int,
                    expected: Annotated[int, typer.Option(
                        "--expected-revision", help="The current revision you looked at.")],
                    kind: KindOption = "scenario", db: DbOption = None,
                    actor: ActorOption = None, reason: ReasonOption = None,
                    lang: LangOption = Lang.en) -> None:
    """Make an old revision current again (as a new revision)."""
    from weerbaar.services.history import restore_revision

    new = restore_revision(open_db(db), operator(actor), cycle, kind, key, number,
                           expected_revision=expected, reason=reason)
    t = words(lang)
    out.print(t("restored revision {number} of {kind} {key} as revision {revision}",
                number=number, kind=_kind_name(t, kind), key=key, revision=new),
              highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(history_app, name="history")


__all__ = ["register"]
