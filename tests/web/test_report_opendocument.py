"""The OpenDocument report downloads: ``/cycles/{cycle}/report?format=odt|ods`` answers with the
ODF media type, the file name ``KEY-KIND-LANG.EXT`` and a package that opens, carrying the
marking; the dashboard links to both."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from odfdo import Document as OdfDocument

from .support import DRAFT

Client = Callable[[str], TestClient]
MEDIA = {"odt": "application/vnd.oasis.opendocument.text",
         "ods": "application/vnd.oasis.opendocument.spreadsheet"}


@pytest.mark.parametrize("fmt", ["odt", "ods"])
def test_report_download_opendocument(client_for: Client, fmt: str) -> None:
    response = client_for("vic").get(f"/cycles/{DRAFT}/report?format={fmt}&lang=en")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == MEDIA[fmt]
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{DRAFT}-review-en.{fmt}"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype").decode() == MEDIA[fmt]
    doc = OdfDocument(io.BytesIO(response.content))
    assert doc.meta.language == "en-GB"
    marking = doc.meta.get_user_defined_metadata()["classification"]
    header = doc.styles.get_elements("//style:master-page")[0].get_page_header()
    assert marking and header is not None and header.text_content == marking


def test_the_dashboard_links_the_opendocument_reports(client_for: Client) -> None:
    page = client_for("ann").get(f"/?cycle={DRAFT}").text
    for fmt in ("odt", "ods"):
        assert f"/cycles/{DRAFT}/report?format={fmt}&amp;lang=" in page
