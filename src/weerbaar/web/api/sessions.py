"""Expert sessions: open one, read one, an expert's submission, closing with agreed scores."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParameter
from pydantic import BaseModel, Field

from weerbaar.services.sessions import close_session, get_session, open_session, submit_scores
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()
# a database id: larger numbers cannot name a session (and SQLite cannot even look them up)
SessionId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The session's number")]


class SessionOpen(BaseModel):
    scenario: str
    experts: list[str] = Field(min_length=1, max_length=50)


class SubmissionIn(BaseModel):
    impact: dict[str, Any] = Field(default_factory=dict)
    likelihood: Any = None


class SessionClose(BaseModel):
    scenario: dict[str, Any]
    expected_revision: int = Field(ge=1)
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/cycles/{cycle}/sessions")
def api_session_open(cycle: str, body: SessionOpen, identity: IdentityDep, store: StoreDep,
                     csrf: CsrfHeader = None) -> dict[str, Any]:
    check_csrf(identity, csrf)
    opened = open_session(store, identity.viewer, cycle, body.scenario, body.experts)
    return opened.model_dump(mode="json")


@router.get("/sessions/{session_id}")
def api_session(session_id: SessionId, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    view = get_session(store, viewer, session_id)
    return {**view.session.model_dump(mode="json"),
            "submissions": [s.model_dump(mode="json") for s in view.submissions]}


@router.post("/sessions/{session_id}/submissions")
def api_submit(session_id: SessionId, body: SubmissionIn, identity: IdentityDep,
               store: StoreDep, csrf: CsrfHeader = None) -> dict[str, str]:
    check_csrf(identity, csrf)
    submit_scores(store, identity.viewer, session_id, body.model_dump())
    return {"status": "submitted"}


@router.post("/sessions/{session_id}/close")
def api_session_close(session_id: SessionId, body: SessionClose, identity: IdentityDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    check_csrf(identity, csrf)
    new = close_session(store, identity.viewer, session_id, body.scenario,
                        expected_revision=body.expected_revision, reason=body.reason)
    return {"revision": new}
