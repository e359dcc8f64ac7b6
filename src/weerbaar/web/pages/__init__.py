"""Server-rendered pages, one module per resource; each route parses its input, calls one use
case of ``weerbaar.services`` with the request's viewer and renders the result."""

from fastapi import APIRouter

from weerbaar.web.pages.account import router as account
from weerbaar.web.pages.admin import router as admin
from weerbaar.web.pages.auth import router as auth
from weerbaar.web.pages.cascade import router as cascade
from weerbaar.web.pages.compare import router as compare
from weerbaar.web.pages.dashboard import router as dashboard
from weerbaar.web.pages.horizon import router as horizon
from weerbaar.web.pages.measures import router as measures
from weerbaar.web.pages.profiles import router as profiles
from weerbaar.web.pages.reports import router as reports
from weerbaar.web.pages.reviews import router as reviews
from weerbaar.web.pages.scenarios import router as scenarios
from weerbaar.web.pages.search import router as search
from weerbaar.web.pages.sessions import router as sessions
from weerbaar.web.pages.strategy_text import router as strategy_text

router = APIRouter(include_in_schema=False)
for part in (auth, dashboard, scenarios, sessions, reviews, measures, compare, reports, profiles,
             horizon, cascade, search, admin, account, strategy_text):
    router.include_router(part)

__all__ = ["router"]
