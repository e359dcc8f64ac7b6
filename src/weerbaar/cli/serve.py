"""``weerbaar serve``: start the web application on this database."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from weerbaar.cli.options import DbOption, Lang, LangOption, open_db, operator, out
from weerbaar.cli.words import plain, words


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Mark cookies Secure (when served behind TLS).")] = False,
    lang: LangOption = Lang.en,
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
    t = words(lang)
    if password is not None:
        out.print(f"[bold]{plain(t('First start:'))}[/bold] " + plain(t(
            "log in as admin with the one-time password {password} (the first login asks for "
            "a new one).", password=password)))
    out.print(t("weerbaar at {address}  (database {url})", address=f"http://{host}:{port}/",
                url=store.url), highlight=False, markup=False)
    server.run(app, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


__all__ = ["register"]
