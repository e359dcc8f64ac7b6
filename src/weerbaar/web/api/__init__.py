"""The JSON API under /api/v1, one module per resource, documented by OpenAPI: the same use
cases as the pages, with the same decisions for the same request by the same user.

Reads need the viewer role on the cycle; writes need the role the use case asks for and the
``X-CSRF-Token`` header of the login session (cookie authentication).
"""

from fastapi import APIRouter

from weerbaar.web.api.account import router as account
from weerbaar.web.api.admin import router as admin
from weerbaar.web.api.auth import router as auth
from weerbaar.web.api.cycles import router as cycles
from weerbaar.web.api.measures import router as measures
from weerbaar.web.api.profiles import router as profiles
from weerbaar.web.api.reviews import router as reviews
from weerbaar.web.api.scenarios import router as scenarios
from weerbaar.web.api.search import router as search
from weerbaar.web.api.sessions import router as sessions
from weerbaar.web.api.strategy_text import router as strategy_text
from weerbaar.web.api.threat_level import router as threat_level

router = APIRouter(prefix="/api/v1", tags=["api"])
for part in (auth, profiles, cycles, scenarios, reviews, measures, sessions, search, admin, account,
             threat_level, strategy_text):
    router.include_router(part)

__all__ = ["router"]
