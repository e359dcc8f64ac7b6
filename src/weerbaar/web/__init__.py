"""The web application: server-rendered pages and a JSON API over the same use cases."""

from weerbaar.web.app import create_app
from weerbaar.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
