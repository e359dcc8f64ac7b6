"""``weerbaar classification show|set``: the classification scheme."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from weerbaar.cli.options import ActorOption, DbOption, Lang, LangOption, open_db, operator, out
from weerbaar.cli.words import words
from weerbaar.errors import InvalidInput

classification_app = typer.Typer(
    help="Classification markings: the ordered levels, the default marking and read logging.",
    no_args_is_help=True)


@classification_app.command("show")
def classification_show(db: DbOption = None, lang: LangOption = Lang.en) -> None:
    """Show the scheme in force: the markings, each with its label (nl / en) and its EU and
    NATO equivalents when the scheme names them."""
    from weerbaar.domain.classification import preset_name
    from weerbaar.services.classification import current_scheme

    t = words(lang)
    scheme = current_scheme(open_db(db), operator())
    out.print(t("markings (lowest first): {levels}", levels=" < ".join(scheme.levels)),
              highlight=False, markup=False)
    name = preset_name(scheme)
    out.print(t("preset: {name}", name=name or t("(none: a scheme of its own)")),
              highlight=False, markup=False)
    out.print(t("unmarked content counts as: {marking}", marking=scheme.default),
              highlight=False, markup=False)
    out.print(t("reads are logged from: {marking}", marking=scheme.audit_reads_from),
              highlight=False, markup=False)
    if not scheme.labels:
        return
    for level in scheme.levels:
        label = scheme.label_of(level)
        if label is None:
            continue
        line = f"  {level}: {label.nl} / {label.en}"
        if label.equivalents:
            line += " — " + t("equivalents: {list}", list="; ".join(
                f"{e.system} {e.marking}" for e in label.equivalents))
        out.print(line, highlight=False, markup=False)


@classification_app.command("set")
def classification_set(
    levels: Annotated[str | None, typer.Option(
        "--levels", help="Comma-separated markings, lowest first.")] = None,
    default: Annotated[str | None, typer.Option(
        "--default", help="The marking of content that carries none (with --preset: "
        "default the preset's).")] = None,
    audit_reads_from: Annotated[str | None, typer.Option(
        "--audit-reads-from", help="Reads of content marked this or higher are logged (with "
        "--preset: default the preset's).")] = None,
    preset: Annotated[str | None, typer.Option(
        "--preset", help="A shipped scheme instead of --levels: 'default' or 'vir-bi' (the "
        "Dutch government's VIR-BI markings with their EU and NATO equivalents).")] = None,
    db: DbOption = None, actor: ActorOption = None, lang: LangOption = Lang.en,
) -> None:
    """Put a new scheme in force (refused while stored content carries a marking it lacks)."""
    from weerbaar.services.classification import set_scheme

    given: dict[str, Any]
    if preset is not None:
        if levels is not None:
            raise InvalidInput("a preset brings its own markings", location=["levels"],
                               expected="--levels or --preset, not both")
        given = {"preset": preset, "default": default, "audit_reads_from": audit_reads_from}
    else:
        missing = [flag for flag, value in (("--levels", levels), ("--default", default),
                                            ("--audit-reads-from", audit_reads_from))
                   if value is None]
        if missing:
            raise InvalidInput(f"{', '.join(missing)} missing", location=["levels"],
                               expected="--preset NAME, or --levels, --default and "
                               "--audit-reads-from")
        assert levels is not None
        given = {"levels": [p.strip() for p in levels.split(",") if p.strip()],
                 "default": default, "audit_reads_from": audit_reads_from}
    scheme = set_scheme(open_db(db), operator(actor), given)
    out.print(words(lang)("classification scheme set: {levels}", levels=" < ".join(scheme.levels)),
              highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(classification_app, name="classification")


__all__ = ["register"]
