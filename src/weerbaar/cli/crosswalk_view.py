"""How ``weerbaar cycle clone … --profile P`` shows a cycle carried to another method profile: the
change list (in Dutch or English, from the catalogues), the scenarios left incomplete and the
counts, or all of it as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from weerbaar.cli.options import out, print_json
from weerbaar.errors import InvalidInput

if TYPE_CHECKING:
    from weerbaar.domain import Language
    from weerbaar.services.crosswalks import ProfileClone


def new_cycle_key(key: str | None, option: str | None, *, profile: str | None, dry_run: bool,
                  as_json: bool) -> str:
    """The new cycle's key, given as KEY or as --key (once); --dry-run and --json go with
    --profile."""
    if key is not None and option is not None and key != option:
        raise InvalidInput(f"two keys for the new cycle: {key!r} and --key {option!r}",
                           location=["key"], expected="KEY or --key KEY, once")
    chosen = key if key is not None else option
    if chosen is None:
        raise InvalidInput("the key of the new cycle is missing", location=["key"],
                           expected="KEY or --key KEY")
    if profile is None and (dry_run or as_json):
        raise InvalidInput("--dry-run and --json go with --profile", location=["profile"],
                           expected="--profile PROFILE")
    return chosen


def print_profile_clone(result: ProfileClone, lang: Language, *, as_json: bool) -> None:
    """Print what cloning to another profile did (or would do, for a dry run)."""
    from weerbaar.i18n import texts

    if as_json:
        print_json(result.to_dict())
        return
    t = texts(lang)
    carried = result.carried
    if carried is None:
        message = ("Dry run: cycle {key} would be cloned from {parent} on its own profile"
                   if result.cycle is None else "Cycle {key} cloned from {parent} on its own profile")
        out.print(t(message, key=result.key, parent=result.parent), highlight=False)
        return
    values = {"key": result.key, "parent": result.parent, "profile": carried.target.id,
              "crosswalk": carried.crosswalk.id}
    title = (t("Dry run: cycle {key} would be cloned from {parent} and carried to {profile} "
               "through crosswalk {crosswalk}; nothing was written", **values)
             if result.cycle is None else
             t("Cycle {key} cloned from {parent} and carried to {profile} through crosswalk "
               "{crosswalk}", **values))
    table = Table(title=escape(title), title_justify="left")
    table.add_column(t("Change"), overflow="fold")
    table.add_column(t("Status"), no_wrap=True)
    for change in carried.changes:
        status = t(change.status.label) if change.status is not None else ""
        table.add_row(escape(change.render(t.gettext, lang)), status)
    out.print(table)
    out.print(t("Scores carried: {carried}; not carried: {unmapped}; scenarios incomplete: "
                "{incomplete}", carried=len(carried.carried), unmapped=len(carried.unmapped),
                incomplete=len(carried.incomplete)), highlight=False)


__all__ = ["new_cycle_key", "print_profile_clone"]
