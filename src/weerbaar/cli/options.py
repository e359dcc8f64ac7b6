"""What every command shares: the options, the two consoles, the database and the viewer.

The options are defined here once (``--db`` with ``WEERBAAR_DB``, ``--actor``, ``--reason``,
``--clearance``, ``--lang``, ``--json``) so that a flag means the same in every command. A command
opens the database with :func:`open_db` (closed again when the command ends) and asks the use
cases as :func:`operator`: the system operator, named by ``--actor`` (default: the login name),
seeing at most ``--clearance``. Files the user names are written here too: charts and exports
arrive from the use cases as bytes or text.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, ProgressColumn

from weerbaar.errors import InvalidInput
from weerbaar.services.viewer import Viewer

if TYPE_CHECKING:
    from weerbaar.domain import Language
    from weerbaar.services.database import Store

out = Console(soft_wrap=False)
"""Tables and messages for the user (stdout)."""
err = Console(stderr=True, soft_wrap=True)
"""Errors, hints and progress bars (stderr); never wrapped, so an error stays one line."""


class Lang(StrEnum):
    """The languages of fixed text (class names, labels, charts); Typer refuses any other."""

    nl = "nl"
    en = "en"

    @property
    def language(self) -> Language:
        return "nl" if self is Lang.nl else "en"


DbOption = Annotated[str | None, typer.Option(
    "--db", envvar="WEERBAAR_DB",
    help="Database: a SQLite file path or postgresql://... (default: the user's SQLite file).")]
ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Who makes the change (default: the login name).")]
ReasonOption = Annotated[str | None, typer.Option("--reason", "-m", help="Why (kept in history).")]
ClearanceOption = Annotated[str | None, typer.Option(
    "--clearance", help="Leave out everything marked above this marking (for a recipient with "
    "that clearance); default: everything.")]
LangOption = Annotated[Lang, typer.Option(
    "--lang", help="Language of class names, labels and charts: nl or en.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print results as JSON.")]

# -- the database and the viewer -------------------------------------------------------------

_OPENED: list[Store] = []


def open_db(db: str | None, *, check_schema: bool = True) -> Store:
    """The database named by ``--db`` (default: the user's SQLite file), closed when the command
    ends; with ``check_schema`` one with pending migrations is refused (exit 8)."""
    from weerbaar.services.database import open_database

    store = open_database(db, check_schema=check_schema)
    _OPENED.append(store)
    return store


def close_databases() -> None:
    """Close what :func:`open_db` opened (the command has ended)."""
    while _OPENED:
        _OPENED.pop().dispose()


def login_name() -> str:
    """The name of whoever runs the command line ("unknown" when the system has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def operator(actor: str | None = None, clearance: str | None = None, *,
             store: Store | None = None) -> Viewer:
    """The system operator named ``actor`` (default: the login name). With ``clearance`` (a
    marking of the ``store``'s classification scheme, checked) they see nothing marked above
    it: an export or a report for a recipient with that clearance."""
    viewer = Viewer.operator(actor or login_name())
    if clearance is None:
        return viewer
    if store is None:
        raise TypeError("checking --clearance needs the database")
    from weerbaar.services.classification import current_scheme

    scheme = current_scheme(store, viewer)
    if not scheme.knows(clearance):
        raise InvalidInput(f"unknown marking {clearance!r}", location=["--clearance"],
                           expected=f"one of {', '.join(scheme.levels)}")
    return Viewer.operator(viewer.name, clearance=clearance)


def needs_database(*sources: str | None) -> bool:
    """Whether a workspace source names a cycle in the database (``cycle:KEY``)."""
    return any(s is not None and s.startswith("cycle:") for s in sources)


# -- output ----------------------------------------------------------------------------------


def progress_bar(*columns: str | ProgressColumn) -> Progress:
    """A progress bar on stderr: shown on a terminal only (logs stay clean), gone when done."""
    return Progress(*columns, console=err, transient=True, disable=not err.is_terminal)


def print_json(payload: Any, default: Callable[[Any], Any] | None = None) -> None:
    """``payload`` as indented JSON on stdout (plain: scripts read it)."""
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=default) + "\n")


def refuse_existing(path: Path, option: str = "--out") -> None:
    """Refuse to overwrite a file the user named (checked before any work is done)."""
    if path.exists():
        raise InvalidInput(f"{path} exists; not overwriting it", location=[option],
                           expected="a new file name")


def write_new(path: Path, content: bytes | str, option: str = "--out") -> None:
    """Write a new file (never over an existing one)."""
    refuse_existing(path, option)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with path.open("xb") as fh:
            fh.write(data)
    except FileExistsError:
        refuse_existing(path, option)
        raise
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}",
                           location=[option]) from None


def write_file(path: Path, content: bytes, option: str) -> None:
    """Write a file the command makes (a chart, a report), replacing an older one and making
    its folder if needed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}",
                           location=[option]) from None


def chart_files(paths: Sequence[Path] | None, option: str) -> dict[Path, str]:
    """Each chart file named with ``option`` and its format (svg or png, from the suffix);
    an unknown suffix is refused before anything is computed."""
    from weerbaar.services.charts import figure_format

    found: dict[Path, str] = {}
    for path in paths or ():
        try:
            found[path] = figure_format(path.name, option)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, source=path, location=[option],
                               expected=exc.expected) from None
    return found


def write_charts(files: Mapping[Path, str], drawn: Mapping[str, bytes],
                 option: str) -> list[Path]:
    """Write each chart file in its format from ``drawn`` (format: bytes); the paths written."""
    for path, fmt in files.items():
        write_file(path, drawn[fmt], option)
    return list(files)


__all__ = ["ActorOption", "ClearanceOption", "DbOption", "JsonOption", "Lang", "LangOption",
           "ReasonOption", "chart_files", "close_databases", "err", "login_name",
           "needs_database", "open_db", "operator", "out", "print_json", "progress_bar", "refuse_existing",
           "write_charts", "write_file", "write_new"]
