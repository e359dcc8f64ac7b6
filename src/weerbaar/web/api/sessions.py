"""Expert sessions: open one, read one, an expert's draft and submission (revised by submitting
again), closing with agreed scores, cancelling."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi import Path as PathParameter
from pydantic import BaseModel, Field

from weerbaar.services.sessions import (
    MAX_DRAFT_FIELDS,
    MAX_DRAFT_NAME,
    MAX_DRAFT_TEXT,
    MAX_REASON,
    cancel_session,
    close_session,
    get_session,
    open_session,
    save_draft,
    submit_scores,
)
from weerbaar.web.deps import CsrfHeader, IdentityDep, StoreDep, ViewerDep, check_csrf

router = APIRouter()
# a database id: larger numbers cannot name a session (and SQLite cannot even look them up)
SessionId = Annotated[int, PathParameter(ge=1, le=2**31 - 1, description="The session's number")]
FieldName = Annotated[str, Field(min_length=1, max_length=MAX_DRAFT_NAME)]
FieldText = Annotated[str, Field(max_length=MAX_DRAFT_TEXT)]


class SessionOpen(BaseModel):
    scenario: str
    experts: list[str] = Field(min_length=1, max_length=50)


class SubmissionIn(BaseModel):
    """An expert's scores in file form: per criterion EV, LL and UL, or EV with
    ``"same": true`` (LL = UL = EV), or a bare class; the likelihood likewise or as a
    probability."""

    impact: dict[str, Any] = Field(default_factory=dict)
    likelihood: Any = None


class DraftIn(BaseModel):
    """The expert form's fields as typed (field name: text), complete or not."""

    fields: dict[FieldName, FieldText] = Field(max_length=MAX_DRAFT_FIELDS)


class SessionClose(BaseModel):
    scenario: dict[str, Any]
    expected_revision: int = Field(ge=1, le=2**31 - 1)  # what the store holds (SessionId too)
    reason: str | None = Field(default=None, max_length=MAX_REASON)
    delete: list[str] = Field(default_factory=list, max_length=100,
                              description="Scores to delete: impact.C or likelihood")


class SessionCancel(BaseModel):
    reason: str | None = Field(default=None, max_length=MAX_REASON)


@router.post("/cycles/{cycle}/sessions")
def api_session_open(cycle: str, body: SessionOpen, identity: IdentityDep, store: StoreDep,
                     csrf: CsrfHeader = None) -> dict[str, Any]:
    check_csrf(identity, csrf)
    opened = open_session(store, identity.viewer, cycle, body.scenario, body.experts)
    return opened.model_dump(mode="json")


@router.get("/sessions/{session_id}")
def api_session(session_id: SessionId, viewer: ViewerDep, store: StoreDep) -> dict[str, Any]:
    view = get_session(store, viewer, session_id)
    draft = view.draft
    return {**view.session.model_dump(mode="json"),
            "submissions": [s.model_dump(mode="json") for s in view.submissions],
            "draft": None if draft is None else {"fields": draft.fields,
                                                  "saved_at": draft.saved_at.isoformat()}}


@router.put("/sessions/{session_id}/draft")
def api_draft(session_id: SessionId, body: DraftIn, identity: IdentityDep, store: StoreDep,
              csrf: CsrfHeader = None) -> dict[str, str]:
    check_csrf(identity, csrf)
    saved = save_draft(store, identity.viewer, session_id, body.fields)
    return {"saved_at": saved.isoformat()}


@router.post("/sessions/{session_id}/submissions")
def api_submit(session_id: SessionId, body: SubmissionIn, identity: IdentityDep,
               store: StoreDep, csrf: CsrfHeader = None) -> dict[str, str]:
    check_csrf(identity, csrf)
    revised = submit_scores(store, identity.viewer, session_id, body.model_dump())
    return {"status": "revised" if revised else "submitted"}


@router.post("/sessions/{session_id}/close")
def api_session_close(session_id: SessionId, body: SessionClose, identity: IdentityDep,
                      store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    check_csrf(identity, csrf)
    closed = close_session(store, identity.viewer, session_id, body.scenario,
                           expected_revision=body.expected_revision, reason=body.reason,
                           delete=body.delete)
    return {"revision": closed.revision, "changed": closed.changed,
            "submitted": list(closed.submitted)}


@router.post("/sessions/{session_id}/cancel")
def api_session_cancel(session_id: SessionId, body: SessionCancel, identity: IdentityDep,
                       store: StoreDep, csrf: CsrfHeader = None) -> dict[str, Any]:
    check_csrf(identity, csrf)
    cancelled = cancel_session(store, identity.viewer, session_id, reason=body.reason)
    return cancelled.model_dump(mode="json")
