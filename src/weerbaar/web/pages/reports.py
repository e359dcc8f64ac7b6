"""A cycle's report (the midterm review or the risk analysis) as a download."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from weerbaar.services.reports import build_report
from weerbaar.web.deps import IdentityDep, StoreDep

router = APIRouter()

REPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@router.get("/cycles/{cycle}/report")
def report_download(cycle: str, store: StoreDep, identity: IdentityDep,
                    format: str = "docx", kind: str | None = None,
                    lang: str | None = None) -> Response:
    """The cycle's report (review or analysis) as a Word, PDF, HTML, Excel, ODT or ODS download."""
    run = build_report(store, identity.viewer, cycle, formats=[format], kind=kind, lang=lang)
    (name, content), = run.files.items()
    return Response(content, media_type=REPORT_TYPES[name.rsplit(".", 1)[-1]],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
