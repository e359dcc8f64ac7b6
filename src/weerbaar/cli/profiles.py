"""``weerbaar profiles [show ID]`` (the shipped method profiles) and ``weerbaar example``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import Lang, LangOption, operator, out, write_new
from weerbaar.cli.words import plain, words

profiles_app = typer.Typer(help="List and show method profiles.", invoke_without_command=True)


@profiles_app.callback()
def profiles_list(ctx: typer.Context, lang: LangOption = Lang.en) -> None:
    """List the shipped method profiles."""
    if ctx.invoked_subcommand is not None:
        return
    from weerbaar.services.profiles import list_profiles

    t = words(lang)
    table = Table(title=t("Method profiles"))
    for col in ("id", "year", "name", "interests", "criteria", "version", "hash"):
        table.add_column(t(col))
    for p in list_profiles(operator()):
        table.add_row(plain(p.id), str(p.year), plain(p.name.get(lang.language)),
                      str(len(p.interests)), str(len(p.criteria)), plain(p.version),
                      p.content_hash[:12])
    out.print(table)


@profiles_app.command("show")
def profiles_show(name: str, lang: LangOption = Lang.en) -> None:
    """Show one profile: interests, criteria, scales and the provenance of every number."""
    from weerbaar.cli.profile_view import describe_profile
    from weerbaar.services.profiles import show_profile

    describe_profile(show_profile(operator(), name), lang.language, out)


def example(
    name: Annotated[str, typer.Argument(
        help="A shipped example workspace (an unknown name lists them).")] = "midterm-2021",
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Write a copy here.")] = None,
    lang: LangOption = Lang.en,
) -> None:
    """Show where a shipped example workspace is, or copy it to edit it."""
    from weerbaar.services.profiles import example_workspace

    path, text = example_workspace(operator(), name)
    if output is None:
        out.print(f"example:{name}  ({path})", highlight=False, markup=False)
        return
    write_new(output, text)
    out.print(words(lang)("wrote {path}", path=output), highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(profiles_app, name="profiles")
    app.command("example")(example)


__all__ = ["register"]
