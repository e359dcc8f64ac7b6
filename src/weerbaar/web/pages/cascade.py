"""Cascade effects: the dependency graph and the timeline of a chosen outage (the packaged
catalogue of vital processes)."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request
from fastapi.responses import Response

from weerbaar.services.cascade import ILLUSTRATIVE_LABEL, run_cascade
from weerbaar.web.deps import IdentityDep, StoreDep
from weerbaar.web.render import asked_language, language, page

router = APIRouter()


def _inline(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@router.get("/cascade")
def cascade_page(request: Request, store: StoreDep, identity: IdentityDep, outage: str = "1",
                 hours: float = 72.0) -> Response:
    """The dependency graph and the timeline of a chosen outage."""
    chosen = [o.strip() for o in outage.split(",") if o.strip()]
    run = run_cascade(store, identity.viewer, chosen, hours=hours, charts=["svg"],
                      graphs=["svg"], lang=asked_language(request))
    lang = language(request)
    processes = run.loaded.catalogue.processes
    return page(request, "cascade.html", identity=identity, processes=processes, chosen=chosen,
                hours=hours, images={"timeline": _inline(run.timeline_chart["svg"]),
                                     "graph": _inline(run.graph_chart["svg"])},
                reached=run.times.to_dict()["reached"],
                names={p.id: p.name.get(lang) for p in processes},
                illustrative=ILLUSTRATIVE_LABEL if run.graph.illustrative else None)
