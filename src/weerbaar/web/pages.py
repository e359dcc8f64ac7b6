"""Server-rendered pages: dashboard, scenarios, scoring, expert sessions, reviews, measures."""

from __future__ import annotations

import secrets
import tempfile
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from weerbaar.domain import (
    Answer,
    CycleStatus,
    EvidenceLink,
    ReviewPart,
    ReviewSection,
    Role,
    ThemeKind,
    ThemeReview,
    Verdict,
)
from weerbaar.domain.need_to_know import Marked, marked_items
from weerbaar.errors import Conflict, InvalidInput, PermissionDenied, format_key_path
from weerbaar.io.workspace import resolve_expert_score, resolve_scenario
from weerbaar.io.workspace_export import scenario_to_input
from weerbaar.methods.registry import get_profile, profile_names
from weerbaar.services import auth
from weerbaar.services.compare import compare
from weerbaar.services.reviews import review_of
from weerbaar.services.visibility import check_marking_allowed, keep_hidden_review
from weerbaar.store import add, diff, get, get_cycle, history, save
from weerbaar.store import expert_sessions as sessions
from weerbaar.web.access import cleared, log_scenario, refuse_hidden_review, visible_session
from weerbaar.web.deps import (
    COOKIE,
    FormText,
    StoreDep,
    Viewer,
    ViewerDep,
    check_csrf,
    client_of,
    logged_in,
    need,
)
from weerbaar.web.render import language, page
from weerbaar.web.views import (
    change_token,
    clearance_of,
    cycles_of,
    diagram_data,
    log_reads,
    log_workspace,
    scheme_of,
    visible_item,
    workspace_of,
)

router = APIRouter(include_in_schema=False)
PRE_CSRF = "weerbaar_login_csrf"
Bounds = ("ev", "ll", "ul")


def error_page(request: Request, code: int, message: str) -> HTMLResponse:
    return page(request, "error.html", status_code=code, code=code, message=message)


def _cycles(store: Any, viewer: Viewer, token: Any = None) -> list[Any]:
    user = logged_in(viewer)
    return [c for c in cycles_of(store, token) if user.may(Role.VIEWER, c.key)]


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response: Response = page(request, "login.html", pre_csrf=token, next=next, failed=False)
    response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict")
    return response


@router.post("/login")
def login_submit(request: Request, store: StoreDep, username: FormText, password: FormText,
                 csrf_token: FormText, next: Annotated[str, Form()] = "/") -> Response:
    expected = request.cookies.get(PRE_CSRF)
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return error_page(request, 403, "CSRF check failed; reload the login page")
    settings = request.app.state.settings
    session = auth.login(store, username, password, client=client_of(request),
                         policy=settings.policy, replaces=request.cookies.get(COOKIE))
    response: Response
    if session is None:
        token = secrets.token_urlsafe(24)
        response = page(request, "login.html", status_code=401, pre_csrf=token, next=next,
                        failed=True, username=username)
        response.set_cookie(PRE_CSRF, token, httponly=True, samesite="strict")
        return response
    # only a path on this site: "//host" and "/\host" (browsers read "\" as "/") lead elsewhere
    target = next if next.startswith("/") and not next.startswith(("//", "/\\")) else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, session.token, httponly=True, samesite="strict",
                        secure=settings.secure_cookies, max_age=settings.session_hours * 3600)
    response.delete_cookie(PRE_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, store: StoreDep, viewer: ViewerDep,
           csrf_token: FormText) -> Response:
    check_csrf(viewer, csrf_token)
    auth.logout(store, viewer.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/")
def dashboard(request: Request, store: StoreDep, viewer: ViewerDep,
              cycle: str | None = None) -> Response:
    token = change_token(store)
    cycles = _cycles(store, viewer, token)
    if not cycles:
        return page(request, "dashboard.html", viewer=viewer, cycles=[], cycle=None)
    chosen = cycle or cycles[-1].key
    need(viewer, Role.VIEWER, chosen)
    current = next((c for c in cycles if c.key == chosen), None) or get_cycle(store, chosen)
    workspace, profile = workspace_of(store, chosen, token)
    return page(request, "dashboard.html", viewer=viewer, cycles=cycles,
                cycle=current, themes=workspace.themes,
                interests=[(i.id, i.name.get(language(request))) for i in profile.interests])


@router.get("/cycles/{cycle}/scenarios")
def scenario_list(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    data = diagram_data(store, cycle, lang=language(request), clearance=clearance)
    positions = {p["id"]: p for p in data["points"]}
    log_workspace(store, user, cycle, "page", workspace)
    return page(request, "scenarios.html", viewer=viewer, cycle=get_cycle(store, cycle),
                scenarios=workspace.scenarios, positions=positions,
                themes={t.id: t for t in workspace.themes}, **_markings(store, clearance))


@router.get("/cycles/{cycle}/scenarios/{scenario}")
def scenario_detail(request: Request, cycle: str, scenario: str, store: StoreDep,
                    viewer: ViewerDep, a: int | None = None, b: int | None = None) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    stored = visible_item(store, cycle, "scenario", scenario, clearance)
    _, profile = workspace_of(store, cycle, clearance=clearance)
    revisions = history(store, cycle, "scenario", scenario)
    changes = (diff(store, cycle, "scenario", scenario, a, b, clearance=clearance)
               if a and b else None)
    log_scenario(store, user, cycle, "page", stored.item)
    return page(request, "scenario.html", viewer=viewer, cycle=get_cycle(store, cycle),
                stored=stored, s=stored.item, profile=profile, revisions=revisions,
                changes=changes, a=a, b=b, may_edit=user.may(Role.ANALYST, cycle),
                **_markings(store, clearance))


def _form_scenario(form: dict[str, str], profile: Any, base: dict[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = {k: base[k] for k in ("id", "title", "theme", "risk_category", "type",
                                                "narrative", "marking") if k in base}
    impact: dict[str, Any] = {}
    for c in profile.criteria:
        values = {b: form.get(f"{c.id}-{b}", "").strip() for b in Bounds}
        if not values["ev"]:
            continue
        entry: dict[str, Any] = {b: v for b, v in values.items() if v}
        why = form.get(f"{c.id}-reasoning", "").strip()
        if why:
            entry["reasoning"] = why
        impact[c.id] = entry
    raw["impact"] = impact
    like = {b: form.get(f"likelihood-{b}", "").strip() for b in Bounds}
    if like["ev"]:
        entry = {b: v for b, v in like.items() if v}
        why = form.get("likelihood-reasoning", "").strip()
        if why:
            entry["reasoning"] = why
        raw["likelihood"] = entry
    return raw


def _typed(s: Any, profile: Any) -> dict[str, str]:
    """Form values of a stored scenario: class codes or the natural values as entered."""
    data = scenario_to_input(s, profile)
    out: dict[str, str] = {}
    for cid, value in data.get("impact", {}).items():
        entry = value if isinstance(value, dict) else {"ev": value, "ll": value, "ul": value}
        for b in Bounds:
            out[f"{cid}-{b}"] = str(entry.get(b, entry["ev"]))
        out[f"{cid}-reasoning"] = entry.get("reasoning", "") or ""
    like = data.get("likelihood")
    if isinstance(like, str):
        like = {"ev": like}
    if isinstance(like, dict) and "ev" in like:
        for b in Bounds:
            out[f"likelihood-{b}"] = str(like.get(b, like["ev"]))
        out["likelihood-reasoning"] = like.get("reasoning", "") or ""
    return out


def _revision(form: dict[str, str]) -> int:
    """The form's ``expected_revision`` (the revision the edit was made against)."""
    try:
        return int(form.get("expected_revision", "0") or 0)
    except ValueError:
        raise InvalidInput("the form's revision is not a number; reload the page",
                           location=["expected_revision"]) from None


def _editable(store: Any, cycle: str) -> Any:
    """The cycle, if it is a draft; a frozen (published) cycle has no edit forms."""
    found = get_cycle(store, cycle)
    if found.status is CycleStatus.FROZEN:
        raise PermissionDenied(f"cycle {cycle!r} is frozen (published) and read-only; clone it "
                               f"into a successor cycle to make changes")
    return found


def _markings(store: Any, clearance: str) -> dict[str, Any]:
    """What pages need to show markings and offer them in forms: the scheme, and the markings
    the user may give (up to their clearance)."""
    scheme = scheme_of(store)
    return {"scheme": scheme,
            "markings": [m for m in scheme.levels if scheme.allows(clearance, m)]}


@router.get("/cycles/{cycle}/scenarios/{scenario}/edit")
def scenario_edit(request: Request, cycle: str, scenario: str, store: StoreDep,
                  viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    found = _editable(store, cycle)
    stored = visible_item(store, cycle, "scenario", scenario, clearance)
    _, profile = workspace_of(store, cycle, clearance=clearance)
    log_scenario(store, user, cycle, "page", stored.item)
    return page(request, "score.html", viewer=viewer, cycle=found,
                s=stored.item, profile=profile, values=_typed(stored.item, profile),
                revision=stored.revision, errors={}, conflict=None,
                **_markings(store, clearance))


@router.post("/cycles/{cycle}/scenarios/{scenario}/edit")
async def scenario_save(request: Request, cycle: str, scenario: str, store: StoreDep,
                        viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(viewer, form.get("csrf_token"))
    visible_item(store, cycle, "scenario", scenario, clearance)
    stored = get(store, cycle, "scenario", scenario)  # whole: the save keeps hidden parts
    workspace, profile = workspace_of(store, cycle, clearance=clearance)
    base = scenario_to_input(stored.item, profile)
    expected = _revision(form)
    errors: dict[str, str] = {}
    conflict = None
    try:
        raw = _form_scenario(form, profile, base)
        if form.get("marking") and form["marking"] != scheme_of(store).effective(
                stored.item.marking):  # an unchanged choice leaves an unmarked item unmarked
            raw["marking"] = form["marking"]
        resolved = resolve_scenario(raw, profile, workspace.themes, source="form")
        resolved = resolved.model_copy(update={"experts": stored.item.experts})
        check_marking_allowed(scheme_of(store), clearance, resolved.marking)
        save(store, cycle, resolved, expected_revision=expected, actor=user.username,
             reason=form.get("reason") or None)
        return RedirectResponse(f"/cycles/{cycle}/scenarios/{scenario}?saved=1", status_code=303)
    except InvalidInput as exc:
        location = exc.location or []
        field = "-".join(str(p) for p in location[1:]) if location[:1] == ["impact"] else \
            "-".join(str(p) for p in location) or "form"
        if location[:1] == ["impact"] and len(location) == 2:
            field = f"{location[1]}-ev"
        if location[:1] == ["likelihood"] and len(location) == 1:
            field = "likelihood-ev"
        errors[field] = f"{exc.message}" + (f" (expected {exc.expected})" if exc.expected else "")
        errors.setdefault("form", f"{format_key_path(location)}: {exc.message}")
        status = 422
    except Conflict as exc:
        conflict = {"message": str(exc), "current": _typed(visible_item(
            store, cycle, "scenario", scenario, clearance).item, profile)}
        status = 409
    latest = get(store, cycle, "scenario", scenario)
    return page(request, "score.html", status_code=status, viewer=viewer,
                cycle=get_cycle(store, cycle),
                s=visible_item(store, cycle, "scenario", scenario, clearance).item,
                profile=profile, values=form,
                revision=expected if conflict is None else latest.revision, errors=errors,
                conflict=conflict, typed_revision=expected, **_markings(store, clearance))


@router.get("/cycles/{cycle}/sessions")
def session_list(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    shown = {s.id for s in workspace.scenarios}
    return page(request, "sessions.html", viewer=viewer, cycle=get_cycle(store, cycle),
                sessions=[s for s in sessions.list_sessions(store, cycle) if s.scenario in shown],
                scenarios=workspace.scenarios,
                may_open=user.may(Role.COORDINATOR, cycle))


@router.post("/cycles/{cycle}/sessions")
def session_open(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep,
                 scenario: FormText, experts: FormText, csrf_token: FormText) -> Response:
    user, clearance = cleared(viewer, store, Role.COORDINATOR, cycle)
    check_csrf(viewer, csrf_token)
    visible_item(store, cycle, "scenario", scenario, clearance)
    names = [e.strip() for e in experts.replace(";", ",").split(",") if e.strip()]
    if not names:
        raise InvalidInput("name at least one expert", location=["experts"])
    opened = sessions.open_session(store, cycle, scenario, facilitator=user.username,
                                   experts=names)
    return RedirectResponse(f"/sessions/{opened.id}", status_code=303)


@router.get("/sessions/{session_id}")
def session_page(request: Request, session_id: int, store: StoreDep,
                 viewer: ViewerDep) -> Response:
    session, user, clearance = visible_session(store, viewer, session_id, Role.VIEWER)
    facilitator = user.username == session.facilitator or user.may(Role.COORDINATOR,
                                                                    session.cycle)
    _, profile = workspace_of(store, session.cycle, clearance=clearance)
    stored = visible_item(store, session.cycle, "scenario", session.scenario, clearance)
    log_scenario(store, user, session.cycle, "page", stored.item)
    visible = sessions.submissions(store, session_id, viewer=user.username,
                                   facilitator_view=facilitator)
    spread = {}
    for c in profile.criteria:
        evs = [s.score.impact[c.id].range.ev for s in visible if c.id in s.score.impact]
        if evs:
            spread[c.id] = (profile.impact.code(min(evs)), profile.impact.code(max(evs)),
                            len(evs))
    return page(request, "session.html", viewer=viewer, session=session, profile=profile,
                s=stored.item, revision=stored.revision, submissions=visible, spread=spread,
                facilitator=facilitator, values=_typed(stored.item, profile),
                may_submit=(user.username in session.experts
                            and user.username not in session.submitted
                            and session.status.value == "open"), errors={})


@router.post("/sessions/{session_id}/submit")
async def session_submit(request: Request, session_id: int, store: StoreDep,
                         viewer: ViewerDep) -> Response:
    session, user, clearance = visible_session(store, viewer, session_id, Role.EXPERT)
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(viewer, form.get("csrf_token"))
    workspace, profile = workspace_of(store, session.cycle, clearance=clearance)
    kind = next(s.type for s in workspace.scenarios if s.id == session.scenario)
    raw = _form_scenario(form, profile, {})
    raw.pop("type", None)
    score = resolve_expert_score({"expert": user.username, **raw}, profile, kind,
                                 source="form")
    sessions.submit(store, session_id, user.username, score)
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.post("/sessions/{session_id}/close")
async def session_close(request: Request, session_id: int, store: StoreDep,
                        viewer: ViewerDep) -> Response:
    session, user, clearance = visible_session(store, viewer, session_id, Role.COORDINATOR)
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(viewer, form.get("csrf_token"))
    workspace, profile = workspace_of(store, session.cycle, clearance=clearance)
    stored = get(store, session.cycle, "scenario", session.scenario)
    raw = _form_scenario(form, profile, scenario_to_input(stored.item, profile))
    agreed = resolve_scenario(raw, profile, workspace.themes, source="form")
    sessions.close_session(store, session_id, agreed, facilitator=user.username,
                           expected_revision=_revision(form),
                           reason=form.get("reason") or None)
    return RedirectResponse(f"/sessions/{session_id}", status_code=303)


@router.get("/cycles/{cycle}/reviews")
def review_list(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    reviews = {r.theme: r for r in workspace.reviews}
    log_reads(store, user, cycle, "page", [m for m in marked_items(workspace, scheme_of(store))
                                           if m.kind == "review"])
    return page(request, "reviews.html", viewer=viewer, cycle=get_cycle(store, cycle),
                themes=workspace.themes, reviews=reviews)


@router.get("/cycles/{cycle}/reviews/{theme}")
def review_page(request: Request, cycle: str, theme: str, store: StoreDep,
                viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    review, revision = review_of(store, cycle, theme, clearance=clearance)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    if revision:
        log_reads(store, user, cycle, "page", [
            Marked("review", theme, scheme_of(store).effective(review.marking))])
    t = next(x for x in workspace.themes if x.id == theme)
    return page(request, "review.html", viewer=viewer, cycle=get_cycle(store, cycle), theme=t,
                review=review, revision=revision, parts=list(ReviewPart),
                answers=list(Answer), verdicts=list(Verdict),
                generic=t.kind is ThemeKind.GENERIC, may_edit=user.may(Role.ANALYST, cycle),
                may_judge=user.may(Role.COORDINATOR, cycle), error=None,
                **_markings(store, clearance))


def _review_from_form(form: dict[str, str], current: ThemeReview) -> ThemeReview:
    """The whole review as the form has it (fields the form lacks keep their current value);
    one form submission is one revision."""
    sections: dict[ReviewPart, ReviewSection] = {}
    for part in ReviewPart:
        links = []
        notes = {(e.kind.value, e.ref): e.note for e in current.section(part).evidence}
        for line in form.get(f"{part.value}-evidence", "").splitlines():
            kind, _, ref = line.strip().partition(":")
            if not line.strip():
                continue
            try:
                links.append(EvidenceLink.model_validate({
                    "kind": kind.strip(), "ref": ref.strip(),
                    "note": notes.get((kind.strip(), ref.strip()))}))  # the form has no notes
            except ValidationError:
                raise InvalidInput(
                    f"evidence {line.strip()!r} is not kind:reference",
                    location=[f"{part.value}-evidence"],
                    expected="scenario:ID, measure:ID, signal:ID or document:TEXT",
                ) from None
        text = form.get(f"{part.value}-text", "").replace("\r\n", "\n")
        if text.strip() or links:
            sections[part] = ReviewSection(text=text, evidence=tuple(links))
    data = current.model_dump()
    data["sections"] = sections
    for name in ("comprehensive", "more_resilient"):
        old = getattr(current, name)
        data[name] = {"answer": form.get(name, old.answer.value),
                      "reasoning": form.get(f"{name}-reasoning", old.reasoning or "") or None}
    if form.get("marking"):
        data["marking"] = form["marking"]
    if "verdict" in form:
        data["verdict"] = form["verdict"] or None
    if "verdict-reasoning" in form:
        data["verdict_reasoning"] = form["verdict-reasoning"].replace("\r\n", "\n") or None
    try:
        return ThemeReview.model_validate(data)
    except ValidationError as exc:
        problem = exc.errors()[0]
        field = "-".join(str(p) for p in problem["loc"] if p not in ("answer",)) or "verdict"
        raise InvalidInput(problem["msg"].removeprefix("Value error, "),
                           location=[field]) from None


@router.post("/cycles/{cycle}/reviews/{theme}")
async def review_save(request: Request, cycle: str, theme: str, store: StoreDep,
                      viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.ANALYST, cycle)
    form = {k: str(v) for k, v in (await request.form()).items()}
    check_csrf(viewer, form.get("csrf_token"))
    current, revision = review_of(store, cycle, theme, clearance=clearance)
    whole, stored = review_of(store, cycle, theme)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    t = next(x for x in workspace.themes if x.id == theme)
    expected = _revision(form)
    if stored and not revision:  # above the clearance: as if the theme had no review
        refuse_hidden_review(cycle, theme, expected)
    reason = form.get("reason") or None
    if form.get("marking") == scheme_of(store).effective(current.marking):
        form.pop("marking")  # an unchanged choice leaves an unmarked review unmarked
    try:
        review = keep_hidden_review(whole, _review_from_form(form, current), current,
                                    marking_given=bool(form.get("marking")))
        check_marking_allowed(scheme_of(store), clearance, review.marking)
        if review.verdict != current.verdict or \
                review.verdict_reasoning != current.verdict_reasoning:
            need(viewer, Role.COORDINATOR, cycle)
        if review.verdict is not None and t.kind is ThemeKind.GENERIC:
            raise InvalidInput("a generic instrument gets no approach verdict",
                               location=["verdict"])
        if revision == 0 and expected == 0:
            add(store, cycle, review, actor=user.username, reason=reason or "review created")
        else:
            save(store, cycle, review, expected_revision=expected, actor=user.username,
                 reason=reason)
    except (InvalidInput, Conflict) as exc:
        conflict = isinstance(exc, Conflict)
        shown = review_of(store, cycle, theme, clearance=clearance)[1] if conflict else expected
        return page(request, "review.html", status_code=409 if conflict else 422,
                    viewer=viewer, cycle=get_cycle(store, cycle), theme=t, review=current,
                    revision=shown, parts=list(ReviewPart), answers=list(Answer),
                    verdicts=list(Verdict), generic=t.kind is ThemeKind.GENERIC, may_edit=True,
                    may_judge=user.may(Role.COORDINATOR, cycle), error=str(exc), typed=form,
                    **_markings(store, clearance))
    return RedirectResponse(f"/cycles/{cycle}/reviews/{theme}?saved=1", status_code=303)


@router.get("/cycles/{cycle}/measures")
def measure_list(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    log_reads(store, user, cycle, "page", [m for m in marked_items(workspace, scheme_of(store))
                                           if m.kind == "measure"])
    return page(request, "measures.html", viewer=viewer, cycle=get_cycle(store, cycle),
                measures=workspace.measures, themes={t.id: t for t in workspace.themes},
                **_markings(store, clearance))


@router.get("/cycles/{cycle}/compare")
def compare_page(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep,
                 base: str | None = None) -> Response:
    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    if base:  # the lower of the two clearances applies to the comparison
        need(viewer, Role.VIEWER, base)
        clearance = min(clearance, clearance_of(store, user, base), key=scheme_of(store).rank)
    result = compare(store, base, cycle, clearance=clearance)
    log_workspace(store, user, cycle, "page", workspace_of(store, cycle, clearance=clearance)[0])
    return page(request, "compare.html", viewer=viewer, cycle=get_cycle(store, cycle),
                result=result, cycles=_cycles(store, viewer))


REPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/cycles/{cycle}/report")
def report_download(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep,
                    format: str = "docx", kind: str | None = None,
                    lang: str | None = None) -> Response:
    """The cycle's report (review or analysis) as a Word, PDF, HTML or Excel download."""
    from weerbaar.services.reports import write_report

    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    if format not in REPORT_TYPES:
        raise InvalidInput(f"unknown report format {format!r}", location=["format"],
                           expected=", ".join(REPORT_TYPES))
    with tempfile.TemporaryDirectory(prefix="weerbaar-report-") as folder:
        run = write_report(store, cycle, out=folder, formats=format, kind=kind, lang=lang,
                           clearance=clearance, actor=user.username)
        path = run.paths[0]
        content = path.read_bytes()
    return Response(content, media_type=REPORT_TYPES[format],
                    headers={"Content-Disposition": f'attachment; filename="{path.name}"'})


@router.get("/profiles")
def profile_list(request: Request, viewer: ViewerDep) -> Response:
    logged_in(viewer)
    return page(request, "profiles.html", viewer=viewer,
                profiles=[get_profile(n) for n in profile_names()], profile=None)


@router.get("/profiles/{profile_id}")
def profile_page(request: Request, profile_id: str, viewer: ViewerDep) -> Response:
    logged_in(viewer)
    return page(request, "profiles.html", viewer=viewer,
                profiles=[get_profile(n) for n in profile_names()],
                profile=get_profile(profile_id))


@router.get("/cycles/{cycle}/horizon")
def horizon_page(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep) -> Response:
    """Horizon scan: the cycle's signals grouped by theme, and the trend clusters."""
    from weerbaar.services.horizon import horizon_scan_section, list_signals

    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    workspace, _ = workspace_of(store, cycle, clearance=clearance)
    signals = [s.item for s in list_signals(store, cycle, clearance=clearance)]
    log_reads(store, user, cycle, "page", marked_items(workspace.model_copy(update={
        "scenarios": (), "reviews": (), "measures": ()}), scheme_of(store), signals))
    by_theme = {t.id: [s for s in signals if t.id in s.themes] for t in workspace.themes}
    unthemed = [s for s in signals if not s.themes]
    section = horizon_scan_section(store, cycle, clearance=clearance) if signals else None
    return page(request, "horizon.html", viewer=viewer, cycle=get_cycle(store, cycle),
                themes=workspace.themes, by_theme=by_theme, unthemed=unthemed,
                section=section, total=len(signals))


@router.get("/cascade")
def cascade_page(request: Request, viewer: ViewerDep, outage: str = "1",
                 hours: float = 72.0) -> Response:
    """The dependency graph and the timeline of a chosen outage (packaged catalogue)."""
    import base64
    from pathlib import Path

    from weerbaar.services.cascade import ILLUSTRATIVE_LABEL, run_cascade, vital_catalogue

    logged_in(viewer)
    if not 1 <= hours <= 24 * 30:
        raise InvalidInput("hours must be between 1 and 720", location=["hours"])
    lang = language(request)
    catalogue = vital_catalogue().catalogue
    chosen = [o for o in outage.split(",") if o.strip()]
    with tempfile.TemporaryDirectory() as folder:
        timeline, graph = Path(folder) / "timeline.svg", Path(folder) / "graph.svg"
        run = run_cascade(chosen, hours=hours, charts=[timeline], graphs=[graph], lang=lang)
        images = {name: "data:image/svg+xml;base64," + base64.b64encode(p.read_bytes()).decode()
                  for name, p in (("timeline", timeline), ("graph", graph))}
    names = {p.id: p.name.get(lang) for p in catalogue.processes}
    reached = run.times.to_dict()["reached"]
    return page(request, "cascade.html", viewer=viewer, processes=catalogue.processes,
                chosen=chosen, hours=hours, images=images, reached=reached, names=names,
                illustrative=ILLUSTRATIVE_LABEL if run.graph.illustrative else None)


@router.get("/cycles/{cycle}/search")
def search_page(request: Request, cycle: str, store: StoreDep, viewer: ViewerDep,
                q: str = "") -> Response:
    """Search the cycle's scenarios, reviews, measures and signals."""
    from weerbaar.services.search import search_cycle

    user, clearance = cleared(viewer, store, Role.VIEWER, cycle)
    hits = search_cycle(store, cycle, q, clearance=clearance) if q.strip() else []
    log_reads(store, user, cycle, "search", [h.marked() for h in hits])
    return page(request, "search.html", viewer=viewer, cycle=get_cycle(store, cycle), q=q,
                hits=hits)
