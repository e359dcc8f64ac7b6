"""``weerbaar users add|grant|list``: local accounts, their roles and clearances per cycle."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.table import Table

from weerbaar.cli.options import ActorOption, DbOption, open_db, operator, out
from weerbaar.domain import ALL_CYCLES

users_app = typer.Typer(help="Local user accounts and their roles per cycle.",
                        no_args_is_help=True)


@users_app.command("add")
def users_add(username: str,
              admin: Annotated[bool, typer.Option("--admin")] = False,
              display_name: Annotated[str | None, typer.Option("--name")] = None,
              password: Annotated[str | None, typer.Option(
                  "--password", help="Omit to be asked (recommended).")] = None,
              must_change: Annotated[bool | None, typer.Option(
                  "--must-change-password/--keep-password",
                  help="Whether the user must choose a new password at their first login "
                  "(default: yes, except for the first account of an empty database).")] = None,
              db: DbOption = None, actor: ActorOption = None) -> None:
    """Add a local user. The password must meet the password policy (at least 12 characters,
    not a common, repetitive or sequential one, not containing the user name)."""
    from weerbaar.services.accounts import add_user

    store = open_db(db)
    if password is None:
        password = getpass.getpass(f"password for {username}: ")
    user = add_user(store, operator(actor), username, password, display_name=display_name,
                    is_admin=admin, must_change_password=must_change)
    out.print(f"user {username} added" + (" (to choose a new password at the first login)"
                                          if user.must_change_password else ""))


@users_app.command("grant")
def users_grant(username: str, role: str,
                cycle: Annotated[str, typer.Option(
                    "--cycle", help="Cycle key, or * for every cycle.")] = ALL_CYCLES,
                clearance: Annotated[str | None, typer.Option(
                    "--clearance", help="Highest marking the user may see on the cycle "
                    "(default: the classification scheme's default marking).")] = None,
                db: DbOption = None, actor: ActorOption = None) -> None:
    """Give a user a role (viewer, expert, analyst, coordinator, admin) and a clearance on a
    cycle."""
    from weerbaar.services.accounts import grant
    from weerbaar.services.classification import current_scheme

    store = open_db(db)
    viewer = operator(actor)
    user = grant(store, viewer, username, role, cycle=cycle, clearance=clearance)
    every = cycle == ALL_CYCLES
    cleared = user.clearance_for(None if every else cycle, current_scheme(store, viewer))
    out.print(f"{username} is {role} on {'every cycle' if every else cycle}, cleared to {cleared}")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users and their roles."""
    from weerbaar.services.accounts import list_users
    from weerbaar.services.classification import current_scheme

    store = open_db(db)
    viewer = operator()
    users = list_users(store, viewer)
    scheme = current_scheme(store, viewer)
    table = Table(title="Users", title_justify="left")
    for col in ("user", "name", "admin", "roles (clearance)"):
        table.add_column(col)
    for u in users:
        roles = ", ".join(f"{k}: {v.value} ({u.clearances.get(k, scheme.default)})"
                          for k, v in sorted(u.roles.items()))
        table.add_row(u.username, u.display_name or "", "yes" if u.is_admin else "", roles)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


__all__ = ["register"]
