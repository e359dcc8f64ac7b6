"""The ``weerbaar`` command line: parse the input, call a use case as the system operator,
render the result with Rich (one module per command group; shared options in
:mod:`weerbaar.cli.options`).

Errors: every :class:`~weerbaar.errors.WeerbaarError` becomes one line ``error: ...`` on stderr
and the exit code of :data:`weerbaar.errors.EXIT_CODES`; a usage error (unknown option, missing
argument) exits with 2. No traceback reaches the user.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape

from weerbaar import __version__
from weerbaar.cli import (
    analyse,
    assess,
    audit,
    cascade,
    classification,
    cycles,
    db,
    excel,
    history,
    horizon,
    measures,
    profiles,
    reports,
    reviews,
    serve,
    threat_level,
    users,
)
from weerbaar.cli.options import close_databases, err, out
from weerbaar.cli.words import words
from weerbaar.domain import Language
from weerbaar.errors import AuditChainBroken, WeerbaarError, exit_code_for

app = typer.Typer(
    name="weerbaar",
    help="Run a national security strategy cycle: method profiles, scenario scoring, risk diagram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"weerbaar {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(2)


for group in (profiles, assess, analyse, db, cycles, history, excel, audit, reviews, measures,
              cascade, reports, horizon, classification, serve, users, threat_level):
    group.register(app)


def _report(error: WeerbaarError, argv: list[str] | None = None) -> int:
    """Print ``error`` as the user reads it (its lead-in in the command's ``--lang``); its exit
    code."""
    if isinstance(error, AuditChainBroken):
        for problem in error.problems:
            err.print(f"[red]{escape(problem)}[/red]", highlight=False)
    lead = words(_asked_language(argv))("error:")
    err.print(f"[bold red]{escape(lead)}[/bold red] {escape(str(error))}", highlight=False)
    return exit_code_for(error)


def _asked_language(argv: list[str] | None) -> Language:
    """The ``--lang`` of the command line (``en`` when none is given or it is unknown)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "nl" if args[i + 1] == "nl" else "en"
        if arg.startswith("--lang="):
            return "nl" if arg.removeprefix("--lang=") == "nl" else "en"
    return "en"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="weerbaar", standalone_mode=False)
    except WeerbaarError as exc:
        return _report(exc, argv)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err.print(f"error: {escape(str(exc))}", highlight=False)
        return int(getattr(exc, "exit_code", 2))
    finally:
        close_databases()
    # without standalone mode, an Exit raised inside a command comes back as its exit code
    return result if isinstance(result, int) else 0


__all__ = ["app", "main"]
