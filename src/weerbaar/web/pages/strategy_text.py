"""The cycle's strategy text: the document's introduction, conclusion and generic instruments,
shown, and edited in a form with the same revision and three-way merge rules as a review."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from weerbaar.errors import Conflict, InvalidInput
from weerbaar.services.accounts import Identity
from weerbaar.services.strategy_text import (
    StrategyTextRecord,
    get_strategy_text,
    save_strategy_text,
    strategy_text_revision,
)
from weerbaar.web.deps import IdentityDep, StoreDep, form_of, revision_of
from weerbaar.web.merge import THEIRS, Merge, apply_choices, three_way
from weerbaar.web.render import page
from weerbaar.web.strategy_text_form import MERGED, text_fields, text_from_form

router = APIRouter()


def _page(request: Request, identity: Identity, record: StrategyTextRecord, *,
          status_code: int = 200, revision: int | None = None, error: str | None = None,
          values: dict[str, str] | None = None, merge: Merge | None = None) -> Response:
    return page(request, "strategy_text.html", status_code=status_code, identity=identity,
                cycle=record.scope.cycle, text=record.text,
                revision=record.revision if revision is None else revision,
                may_edit=record.may_edit, error=error,
                values=values or text_fields(record.text, record.marking), merge=merge,
                **record.scope.marking_choices())


@router.get("/cycles/{cycle}/strategy-text")
def strategy_text_page(request: Request, cycle: str, store: StoreDep,
                       identity: IdentityDep) -> Response:
    return _page(request, identity, get_strategy_text(store, identity.viewer, cycle))


def _merged(form: dict[str, str], base: StrategyTextRecord | None,
            latest: StrategyTextRecord) -> Merge:
    theirs = text_fields(latest.text, latest.marking)
    before = text_fields(base.text, base.marking) if base is not None else {}
    fields = sorted(k for k in {*theirs, *before} if k.endswith(MERGED))
    return three_way(before, form, theirs, fields)


@router.post("/cycles/{cycle}/strategy-text")
async def strategy_text_save(request: Request, cycle: str, store: StoreDep,
                             identity: IdentityDep) -> Response:
    viewer = identity.viewer
    form = await form_of(request, identity)
    expected = revision_of(form)
    plain, undecided = apply_choices(form)
    current = get_strategy_text(store, viewer, cycle)
    try:
        if undecided:
            raise InvalidInput("someone else saved this text meanwhile: for every field you "
                               "both changed, decide whether to keep yours or take theirs",
                               location=[undecided[0]])
        text = text_from_form(plain, current.text)
        save_strategy_text(store, viewer, cycle, text, expected_revision=expected,
                           reason=plain.get("reason") or None,
                           marking_given=bool(plain.get("marking")))
    except InvalidInput as exc:
        pending = Merge(values=form, conflicts={
            k.removesuffix(THEIRS): (form.get(k.removesuffix(THEIRS), ""), v)
            for k, v in form.items() if k.endswith(THEIRS)})
        return _page(request, identity, current, status_code=422, revision=expected,
                     error=str(exc), values=form, merge=pending)
    except Conflict as exc:
        latest = get_strategy_text(store, viewer, cycle)
        base = strategy_text_revision(store, viewer, cycle, expected)
        merge = _merged(plain, base, latest)
        return _page(request, identity, latest, status_code=409, error=str(exc),
                     values=merge.values, merge=merge)
    return RedirectResponse(f"/cycles/{cycle}/strategy-text?saved=1", status_code=303)
