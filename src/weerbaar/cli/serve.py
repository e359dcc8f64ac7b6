"""``weerbaar serve``: start the web application on this database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from weerbaar.cli.options import DbOption, open_db, operator, out


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Mark cookies Secure (when served behind TLS).")] = False,
) -> None:
    """Start the web application (prints a one-time admin password on first start).

    Login throttling, session and re-authentication limits, the trusted reverse proxies
    (WEERBAAR_TRUSTED_PROXIES) and the API documentation (WEERBAAR_API_DOCS) come from
    WEERBAAR_* variables (docs/web.md)."""
    from weerbaar.services.accounts import ensure_admin
    from weerbaar.web import server  # the other face; this command only starts it

    store = open_db(db)
    app = server.application(store, os.environ, secure_cookies=secure_cookies)
    password = ensure_admin(store, operator())
    if password is not None:
        out.print(f"[bold]First start:[/bold] log in as [bold]admin[/bold] with the one-time "
                  f"password [bold]{password}[/bold] (the first login asks for a new one).")
    out.print(f"weerbaar at http://{host}:{port}/  (database {store.url})")
    server.run(app, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


__all__ = ["register"]
