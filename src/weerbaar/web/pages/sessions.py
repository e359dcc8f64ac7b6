"""Expert sessions: the list, opening one, an expert's submission, closing with agreed scores."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.services.sessions import (
    close_session,
    get_session,
    list_sessions,
    open_session,
    submit_scores,
)
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.forms import form_scores, typed_scores
from weerbaar.web.render import page

router = APIRouter()


@router.get("/cycles/{cycle}/sessions")
def session_list(request: Request, cycle: str, store: StoreDep,
                 identity: IdentityDep) -> Response:
    found = list_sessions(store, identity.viewer, cycle)
    return page(request, "sessions.html", identity=identity, cycle=found.scope.cycle,
                sessions=found.sessions, scenarios=found.scenarios, may_open=found.may_open)


@router.post("/cycles/{cycle}/sessions")
async def session_open(request: Request, cycle: str, store: StoreDep,
                       identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    names = [e.strip() for e in form.get("experts", "").replace(";", ",").split(",")]
    opened = open_session(store, identity.viewer, cycle, form.get("scenario", ""), names)
    return RedirectResponse(f"/sessions/{opened.id}", status_code=303)


@router.get("/sessions/{session_id}")
def session_page(request: Request, session_id: int, store: StoreDep,
                 identity: IdentityDep) -> Response:
    view = get_session(store, identity.viewer, session_id)
    return page(request, "session.html", identity=identity, cycle=view.scope.cycle,
                session=view.session, profile=view.profile, s=view.stored.item,
                revision=view.stored.revision, submissions=view.submissions, spread=view.spread,
                facilitator=view.facilitator, values=typed_scores(view.input),
                may_submit=view.may_submit, errors={})


@router.post("/sessions/{session_id}/submit")
async def session_submit(request: Request, session_id: int, store: StoreDep,
                         identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    submit_scores(store, identity.viewer, session_id, form_scores(form), source="form")
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.post("/sessions/{session_id}/close")
async def session_close(request: Request, session_id: int, store: StoreDep,
                        identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    close_session(store, identity.viewer, session_id, form_scores(form),
                  expected_revision=revision_of(form), reason=form.get("reason") or None,
                  source="form")
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)
