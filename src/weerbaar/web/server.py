"""Serving the web application (``weerbaar serve``): the one place that starts uvicorn.

The command line starts the web application through this module and does nothing else with it;
the settings are built here once, at start-up, from the variables it passes.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI

from weerbaar.services.database import Store
from weerbaar.web.app import create_app
from weerbaar.web.settings import WebSettings


def application(store: Store, environ: Mapping[str, str], *,
                secure_cookies: bool = False) -> FastAPI:
    """The web application on ``store``, its settings from the ``WEERBAAR_*`` variables of
    ``environ`` (``secure_cookies`` wins); a variable that does not fit is InvalidInput."""
    settings = WebSettings.from_env(environ, **({"secure_cookies": True}
                                                if secure_cookies else {}))
    return create_app(store, settings)


def run(app: FastAPI, *, host: str, port: int) -> None:
    """Serve ``app`` until the process is stopped.

    uvicorn's own handling of forwarding headers is off (``proxy_headers=False``): by default it
    would let any client on 127.0.0.1 (or in ``FORWARDED_ALLOW_IPS``) set the client address
    with ``X-Forwarded-For``. ``request.client`` is therefore always the TCP peer, and the
    application decides itself, from ``WEERBAAR_TRUSTED_PROXIES``, when to believe the header
    (``weerbaar.web.deps.client_of``)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


__all__ = ["application", "run"]
