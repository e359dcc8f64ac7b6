"""The web application: server-rendered pages and a JSON API over the same services."""

from weerbaar.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
