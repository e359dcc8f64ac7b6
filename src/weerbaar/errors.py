"""The one exception tree of weerbaar.

Every error a user can cause is a :class:`WeerbaarError`. Errors about a user's file name the file,
the place in it (key path, line, sheet) and what was expected, so the message alone lets the user
fix the input. :data:`EXIT_CODES` is the one table of the command line's exit codes (the CLI maps
every error through :func:`exit_code_for`); the web application maps the same classes to HTTP
statuses in one place (``weerbaar.web.errors``). Nothing else catches them to print tracebacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KeyPath = Sequence[str | int]


def format_key_path(path: KeyPath) -> str:
    """Render a key path the way users read it: ``scenarios[3].impact.2.1.ev``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


class WeerbaarError(Exception):
    """Base of every error weerbaar raises on purpose."""

    @property
    def exit_code(self) -> int:
        """The command line's exit code for this error (see :data:`EXIT_CODES`)."""
        return exit_code_for(self)


class InvalidInput(WeerbaarError):
    """Input (a file, an argument, a form value) does not meet what was expected."""

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        location: KeyPath | None = None,
        line: int | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        self.location = list(location) if location is not None else None
        self.line = line
        self.expected = expected
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.location is not None:
            where.append(f"key {format_key_path(self.location)}")
        if self.line is not None:
            where.append(f"line {self.line}")
        text = self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return f"{', '.join(where)}: {text}" if where else text


@dataclass(frozen=True)
class CellProblem:
    """One problem in a workbook: the sheet, the cell (``"H7"``, ``"H7:J7"``, ``"1:1"``) and what is wrong.

    ``cell`` is ``None`` when the problem concerns the whole sheet (e.g. a missing sheet).
    """

    sheet: str
    cell: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.message}" if self.cell else f"{self.sheet}: {self.message}"


class ProblemList(InvalidInput):
    """Many problems found in one input, listed one per line (at most ``LISTED`` of them).

    Readers collect every problem before raising, so one round of corrections suffices;
    ``problems`` keeps them for callers that show them item by item.
    """

    LISTED = 200
    HEADING = "in the input"

    def __init__(self, problems: Sequence[object], *, source: str | Path | None = None) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [str(p) for p in self.problems[: self.LISTED]]
        if count > self.LISTED:
            lines.append(f"... and {count - self.LISTED} more")
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{count} {noun} {self.HEADING}:\n" + "\n".join(lines), source=source)


class ExcelProblems(ProblemList):
    """A workbook with one or more problems; ``problems`` lists each :class:`CellProblem`."""

    HEADING = "in the workbook"
    problems: tuple[CellProblem, ...]


@dataclass(frozen=True)
class FileProblem:
    """One problem in a data file: where (``"line 4"``, ``"item 3"``, ``"Signals!C5"``) and what.

    ``where`` is ``None`` when the problem concerns the whole file (e.g. a missing column).
    """

    where: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FileProblems(ProblemList):
    """A CSV, JSON, XML or workbook file with one or more problems (each a :class:`FileProblem`);
    nothing of the file is used."""

    HEADING = "in the file; nothing was imported"
    problems: tuple[FileProblem, ...]


class NotFound(WeerbaarError):
    """A named thing (profile, scenario, cycle) does not exist."""


class Conflict(WeerbaarError):
    """An update was made against a stale revision; nothing was overwritten.

    ``current`` carries the current document as the editor may see it (its revision, who saved
    it and the content in the form it was sent in), so a client can merge and save again."""

    def __init__(self, message: str, *, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current


class MethodError(WeerbaarError):
    """The method cannot produce a defensible result (e.g. it needs a value that is unknown)."""


class PermissionDenied(WeerbaarError):
    """The user may not do or see this."""


class NotAuthenticated(PermissionDenied):
    """Nobody is logged in (HTTP 401; pages redirect to the login form)."""


class ReauthenticationRequired(PermissionDenied):
    """An administrator's action needs a recent password confirmation (HTTP 403; pages show
    the password prompt, then return to ``next``)."""

    def __init__(self, message: str, *, next: str | None = None) -> None:
        self.next = next
        super().__init__(message)


class PasswordChangeRequired(PermissionDenied):
    """The user must set a new password (a one-time or reset password) before anything else
    (HTTP 403; pages go to the password form, then return to ``next``)."""

    def __init__(self, message: str = "change your password first", *,
                 next: str | None = None) -> None:
        self.next = next
        super().__init__(message)


class TwoFactorEnrolmentRequired(PermissionDenied):
    """The user's clearance requires two-factor login and they have not set it up: nothing
    else until they have (HTTP 403; pages go to the enrolment page, then return to ``next``)."""

    def __init__(self, message: str = "set up two-factor login first", *,
                 next: str | None = None) -> None:
        self.next = next
        super().__init__(message)


class PendingMigrations(WeerbaarError):
    """The database schema is older than this version of weerbaar expects (run the upgrade)."""


class AuditChainBroken(WeerbaarError):
    """The hash chain of the audit log or the read log does not verify: an entry was changed,
    deleted or reordered. ``problems`` lists what was found, one line each."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


# The exit codes of the command line, most specific class first (docs/cli.md lists them).
EXIT_CODES: tuple[tuple[type[WeerbaarError], int, str], ...] = (
    (InvalidInput, 2, "invalid input: the message names the file, key path, line or field"),
    (NotFound, 3, "not found: no such cycle, scenario, theme, profile, session or file"),
    (Conflict, 4, "conflict: a stale edit (someone saved in between) or an existing key"),
    (MethodError, 5, "the method cannot give a defensible result (it needs an unknown value)"),
    (PermissionDenied, 6, "not allowed: a role, a clearance or a frozen (published) cycle"),
    (PendingMigrations, 8, "the database has pending migrations: run `weerbaar db upgrade`"),
    (AuditChainBroken, 9, "the audit log or the read log does not verify"),
    (WeerbaarError, 1, "any other error weerbaar reports"),
)


def exit_code_for(error: WeerbaarError) -> int:
    """The exit code of ``error`` from :data:`EXIT_CODES` (the first class it is an instance of)."""
    for kind, code, _ in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return 1


class FieldProblem(ValueError):
    """Raised inside model validators to point at a nested key (``("criteria", 3, "interest")``).

    Validation code turns it into an :class:`InvalidInput` whose key path ends with ``path``.
    """

    def __init__(self, message: str, path: KeyPath = ()) -> None:
        super().__init__(message)
        self.path = list(path)
