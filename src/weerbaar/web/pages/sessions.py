"""Expert sessions: the list and opening one, a session with the expert's form (draft, submit,
revise), closing with the agreed scores, cancelling.

Every refused form is shown again with what was typed and the messages at the fields (422;
409 for a session that has ended or a stale scenario, 404 for a scenario that is gone).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from weerbaar.i18n import Texts, texts
from weerbaar.services.accounts import Identity
from weerbaar.services.database import Store
from weerbaar.services.scenarios import scenario_input_at
from weerbaar.services.sessions import (
    RefusedExperts,
    SessionView,
    cancel_session,
    close_session,
    get_session,
    list_sessions,
    open_session,
    save_draft,
    submit_scores,
)
from weerbaar.services.viewer import Viewer
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.forms import PROBABILITY_FIELDS, FormErrors, deletions, form_scores, typed_scores
from weerbaar.web.merge import three_way
from weerbaar.web.pages.scenarios import SCORE_PARTS, field_errors
from weerbaar.web.render import language, page
from weerbaar.web.session_form import draft_fields, expert_fields, expert_scores

router = APIRouter()

REFUSALS = {  # RefusedExperts reason: message (with the name)
    "unknown": "{name}: no such user",
    "disabled": "{name}: the account is disabled",
    "no-role": "{name}: has no role on this cycle",
    "viewer": "{name}: has only the viewer role on this cycle; experts need the expert role "
              "or higher",
    "clearance": "{name}: their clearance on this cycle does not reach the scenario's marking",
}


def _texts(request: Request) -> Texts:
    return texts(language(request))


def _list_page(request: Request, identity: Identity, store: Store, cycle: str, *,
               status_code: int = 200, values: dict[str, str] | None = None,
               errors: dict[str, str] | None = None) -> Response:
    found = list_sessions(store, identity.viewer, cycle)
    return page(request, "sessions.html", status_code=status_code, identity=identity,
                cycle=found.scope.cycle, sessions=found.sessions, scenarios=found.scenarios,
                titles=found.titles, may_open=found.may_open, values=values or {},
                errors=errors or {})


@router.get("/cycles/{cycle}/sessions")
def session_list(request: Request, cycle: str, store: StoreDep,
                 identity: IdentityDep) -> Response:
    return _list_page(request, identity, store, cycle)


@router.post("/cycles/{cycle}/sessions")
async def session_open(request: Request, cycle: str, store: StoreDep,
                       identity: IdentityDep) -> Response:
    form = await form_of(request, identity)
    names = [e.strip() for e in form.get("experts", "").replace(";", ",").split(",")]
    typed = {"scenario": form.get("scenario", ""), "experts": form.get("experts", "")}
    t = _texts(request)
    try:
        opened = open_session(store, identity.viewer, cycle, typed["scenario"], names)
    except RefusedExperts as exc:
        message = "; ".join(t(REFUSALS[why], name=name) for name, why in exc.refused.items())
        return _list_page(request, identity, store, cycle, status_code=422, values=typed,
                          errors={"experts": message, "form": message})
    except InvalidInput as exc:
        where = "scenario" if (exc.location or [""])[0] == "scenario" else "experts"
        message = (t("Name at least one expert.") if not any(names) else exc.message)
        return _list_page(request, identity, store, cycle, status_code=422, values=typed,
                          errors={where: message, "form": message})
    except Conflict as exc:
        other = (exc.current or {}).get("session")
        message = str(exc) if other is None else t(
            "This scenario has an open session already (#{number}); close or cancel it first.",
            number=other)
        return _list_page(request, identity, store, cycle, status_code=409, values=typed,
                          errors={"scenario": message, "form": message,
                                  "open_session": str(other)})
    except NotFound as exc:
        message = str(exc)
        return _list_page(request, identity, store, cycle, status_code=404, values=typed,
                          errors={"scenario": message, "form": message})
    return RedirectResponse(f"/sessions/{opened.id}", status_code=303)


def _expert_values(view: SessionView) -> dict[str, str]:
    """What the expert form shows: the draft when it is the latest, else the submission."""
    if view.draft is not None and view.draft_is_newer:
        return dict(view.draft.fields)
    return expert_fields(view.own_input)


def _session_page(request: Request, identity: Identity, view: SessionView, *,
                  status_code: int = 200, expert: dict[str, str] | None = None,
                  expert_errors: dict[str, str] | None = None,
                  agree: dict[str, str] | None = None, revision: int | None = None,
                  agree_errors: dict[str, str] | None = None,
                  taken: dict[str, str] | None = None, message: str | None = None,
                  cancel_reason: str = "") -> Response:
    criteria = {c.id: c for c in view.profile.criteria}
    return page(request, "session.html", status_code=status_code, identity=identity,
                cycle=view.scope.cycle, view=view, session=view.session, profile=view.profile,
                s=view.stored.item, criteria=criteria, submissions=view.submissions,
                spread=view.spread, facilitator=view.facilitator,
                expert_values=expert if expert is not None else _expert_values(view),
                expert_errors=expert_errors or {},
                values=agree if agree is not None else typed_scores(view.input),
                revision=revision if revision is not None else view.stored.revision,
                errors=agree_errors or {}, taken=taken or {}, message=message,
                probability_fields=PROBABILITY_FIELDS, cancel_reason=cancel_reason)


@router.get("/sessions/{session_id}")
def session_page(request: Request, session_id: int, store: StoreDep,
                 identity: IdentityDep) -> Response:
    return _session_page(request, identity, get_session(store, identity.viewer, session_id))


def _ended(view: SessionView, t: Texts) -> str:
    return (t("This session has been cancelled: it takes no more submissions or drafts.")
            if view.session.status.value == "cancelled"
            else t("This session is closed: it takes no more submissions or drafts."))


@router.post("/sessions/{session_id}/submit")
async def session_submit(request: Request, session_id: int, store: StoreDep,
                         identity: IdentityDep) -> Response:
    """The expert form: ``action=draft`` keeps it as typed, otherwise it is submitted."""
    viewer = identity.viewer
    form = await form_of(request, identity)
    view = get_session(store, viewer, session_id)
    t = _texts(request)
    criteria = [c.id for c in view.profile.criteria]
    typed = draft_fields(form, criteria)
    try:
        if form.get("action") == "draft":
            save_draft(store, viewer, session_id, typed)
            return RedirectResponse(f"/sessions/{session_id}?draft=saved", status_code=303)
        try:
            scores = expert_scores(form, criteria, t)
        except FormErrors:
            if view.may_submit:
                raise
            scores = {}  # who may not submit (any more) hears that from the use case first
        revised = submit_scores(store, viewer, session_id, scores, source="form", typed=typed)
    except FormErrors as exc:
        errors = {**exc.fields, "form": t("Some fields need your attention; see the messages "
                                          "at the fields. Nothing was submitted.")}
        return _session_page(request, identity, view, status_code=422, expert=typed,
                             expert_errors=errors)
    except InvalidInput as exc:
        return _session_page(request, identity, view, status_code=422, expert=typed,
                             expert_errors=field_errors(exc))
    except Conflict:
        view = get_session(store, viewer, session_id)
        return _session_page(request, identity, view, status_code=409, expert=typed,
                             expert_errors={"form": _ended(view, t)})
    done = "revised" if revised else "submitted"
    return RedirectResponse(f"/sessions/{session_id}?{done}=1", status_code=303)


def _stale_merge(store: Store, viewer: Viewer, view: SessionView, mine: dict[str, str],
                 expected: int) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """A stale close form merged with the scenario's current scores: the values, the fields
    taken from the other save, and the fields both changed (as errors to decide)."""
    base = scenario_input_at(store, viewer, view.session.cycle, view.session.scenario, expected)
    theirs = typed_scores(view.input)
    before = typed_scores(base) if base else {}
    scored = sorted(k for k in {*before, *theirs, *mine}
                    if "-" in k and k.rsplit("-", 1)[-1] in SCORE_PARTS)
    merge = three_way(before, mine, theirs, scored)
    return merge.values, merge.taken, {k: v[1] for k, v in merge.conflicts.items()}


@router.post("/sessions/{session_id}/close")
async def session_close(request: Request, session_id: int, store: StoreDep,
                        identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    t = _texts(request)
    expected = revision_of(form)
    typed = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        scores = form_scores(form)
        closed = close_session(store, viewer, session_id, scores, expected_revision=expected,
                               reason=form.get("reason") or None, source="form",
                               delete=deletions(form))
    except InvalidInput as exc:
        view = get_session(store, viewer, session_id)
        errors = field_errors(exc)
        if isinstance(exc, FormErrors):
            errors["form"] = t("Some fields need your attention; see the messages at the "
                               "fields. The session is still open.")
        return _session_page(request, identity, view, status_code=422, agree=typed,
                             revision=expected, agree_errors=errors)
    except Conflict as exc:
        view = get_session(store, viewer, session_id)
        if not view.is_open:
            return _session_page(request, identity, view, status_code=409, agree=typed,
                                 revision=expected, message=_ended(view, t))
        values, taken, conflicts = _stale_merge(store, viewer, view, typed, expected)
        errors = {k: t("Changed meanwhile by someone else to “{value}”: check your value.",
                       value=v) for k, v in conflicts.items()}
        errors["form"] = t("Someone saved this scenario or an expert revised their scores "
                           "while you were closing; nothing was written. Check the form "
                           "and close again.") + f" ({exc})"
        return _session_page(request, identity, view, status_code=409, agree=values,
                             revision=view.stored.revision, agree_errors=errors, taken=taken)
    except PermissionDenied as exc:
        if type(exc) is not PermissionDenied:
            raise
        view = get_session(store, viewer, session_id)
        return _session_page(request, identity, view, status_code=403, agree=typed,
                             revision=expected, agree_errors={"form": str(exc)})
    outcome = "changed" if closed.changed else "unchanged"
    return RedirectResponse(f"/sessions/{session_id}?closed={outcome}", status_code=303)


@router.post("/sessions/{session_id}/cancel")
async def session_cancel(request: Request, session_id: int, store: StoreDep,
                         identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    reason = form.get("cancel-reason", "")
    try:
        cancel_session(store, viewer, session_id, reason=reason.strip() or None)
    except Conflict:
        view = get_session(store, viewer, session_id)
        return _session_page(request, identity, view, status_code=409,
                             message=_ended(view, _texts(request)), cancel_reason=reason)
    except InvalidInput as exc:
        view = get_session(store, viewer, session_id)
        return _session_page(request, identity, view, status_code=422, message=exc.message,
                             cancel_reason=reason)
    return RedirectResponse(f"/sessions/{session_id}?cancelled=1", status_code=303)


__all__ = ["REFUSALS", "router"]
