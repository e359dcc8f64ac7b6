"""Need-to-know for requests: the user's role and clearance on a cycle, expert sessions they may
see, and read logging of what a response shows (shared by the API and the pages)."""

from __future__ import annotations

from typing import NoReturn

from weerbaar.domain import ExpertSession, Role, Scenario, User
from weerbaar.domain.need_to_know import scenario_markings
from weerbaar.errors import Conflict, NotFound
from weerbaar.store import Store
from weerbaar.store import expert_sessions as sessions
from weerbaar.web.deps import Viewer, need
from weerbaar.web.views import clearance_of, log_reads, scheme_of, visible_item


def cleared(viewer: Viewer, store: Store, role: Role, cycle: str) -> tuple[User, str]:
    """The user (who must hold ``role`` on ``cycle``) and their clearance on it."""
    user = need(viewer, role, cycle)
    return user, clearance_of(store, user, cycle)


def visible_session(store: Store, viewer: Viewer, session_id: int,
                    role: Role) -> tuple[ExpertSession, User, str]:
    """An expert session whose scenario the user may see, with the user and their clearance;
    otherwise "not found", worded as for a session that does not exist."""
    session = sessions.get_session(store, session_id)
    user, clearance = cleared(viewer, store, role, session.cycle)
    try:
        visible_item(store, session.cycle, "scenario", session.scenario, clearance)
    except NotFound:
        raise NotFound(f"no expert session {session_id}") from None
    return session, user, clearance


def refuse_hidden_review(cycle: str, theme: str, expected_revision: int) -> NoReturn:
    """A write to a review above the editor's clearance fails as it would for a theme without a
    review: a new one (revision 0) collides with the stored key, an edit finds nothing."""
    if expected_revision == 0:
        raise Conflict(f"cycle {cycle!r} already has review {theme!r}")
    raise NotFound(f"cycle {cycle!r} has no review {theme!r}")


def log_scenario(store: Store, user: User, cycle: str, channel: str, scenario: Scenario) -> None:
    """Log the read of a scenario and the experts' scores shown with it (when marked so)."""
    log_reads(store, user, cycle, channel, scenario_markings(scenario, scheme_of(store)))
