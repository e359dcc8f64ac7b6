"""CLI commands for the web application and its accounts: ``serve`` and ``users``."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from weerbaar.cli_db import ActorOption, DbOption, _actor, _open
from weerbaar.domain import ALL_CYCLES

out = Console(soft_wrap=False)
users_app = typer.Typer(help="Local user accounts and their roles per cycle.",
                        no_args_is_help=True)


def serve_cmd(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Mark cookies Secure (when served behind TLS).")] = False,
) -> None:
    """Start the web application (prints a one-time admin password on first start).

    Login throttling, session and re-authentication limits come from WEERBAAR_* variables
    (docs/web.md)."""
    import os

    import uvicorn

    from weerbaar.services.auth import ensure_admin
    from weerbaar.web import WebSettings, create_app

    settings = WebSettings.from_env(os.environ, **({"secure_cookies": True}
                                                   if secure_cookies else {}))
    store = _open(db)
    password = ensure_admin(store)
    if password is not None:
        out.print(f"[bold]First start:[/bold] log in as [bold]admin[/bold] with the one-time "
                  f"password [bold]{password}[/bold] (the first login asks for a new one).")
    out.print(f"weerbaar at http://{host}:{port}/  (database {store.url})")
    app = create_app(store, settings)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@users_app.command("add")
def users_add(username: str,
              admin: Annotated[bool, typer.Option("--admin")] = False,
              display_name: Annotated[str | None, typer.Option("--name")] = None,
              password: Annotated[str | None, typer.Option(
                  "--password", help="Omit to be asked (recommended).")] = None,
              db: DbOption = None, actor: ActorOption = None) -> None:
    """Add a local user."""
    from weerbaar.services.auth import add_user

    if password is None:
        password = getpass.getpass(f"password for {username}: ")
    add_user(_open(db), username, password, actor=_actor(actor), display_name=display_name,
             is_admin=admin)
    out.print(f"user {username} added")


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
    from weerbaar.services.auth import grant
    from weerbaar.store.settings import classification_scheme

    store = _open(db)
    user = grant(store, username, role, cycle=cycle, actor=_actor(actor), clearance=clearance)
    cleared = user.clearance_for(None if cycle == ALL_CYCLES else cycle,
                                 classification_scheme(store))
    out.print(f"{username} is {role} on {'every cycle' if cycle == ALL_CYCLES else cycle}, "
              f"cleared to {cleared}")


@users_app.command("list")
def users_list(db: DbOption = None) -> None:
    """List users and their roles."""
    from weerbaar.store.accounts import list_users

    table = Table(title="Users", title_justify="left")
    from weerbaar.store.settings import classification_scheme

    store = _open(db)
    scheme = classification_scheme(store)
    for col in ("user", "name", "admin", "roles (clearance)"):
        table.add_column(col)
    for u in list_users(store):
        roles = ", ".join(f"{k}: {v.value} ({u.clearances.get(k, scheme.default)})"
                          for k, v in sorted(u.roles.items()))
        table.add_row(u.username, u.display_name or "", "yes" if u.is_admin else "", roles)
    out.print(table)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
    app.add_typer(users_app, name="users")
