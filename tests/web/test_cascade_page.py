"""The cascade page: time to impact, timeline and graph of a chosen outage."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_cascade_page_for_an_electricity_outage(client_for: Callable[[str], TestClient]) -> None:
    vic = client_for("vic")
    page = vic.get("/cascade?outage=1&hours=48")
    assert page.status_code == 200
    assert "ILLUSTRATIVE" in page.text
    assert page.text.count("data:image/svg+xml;base64,") == 2
    table = page.text.split('id="reached"')[1]
    assert ">14 " in table and ">19 " in table  # rail traction and giro payments depend on power
    assert vic.get("/cascade?outage=1&hours=0").status_code == 422
    assert vic.get("/cascade?outage=nope").status_code in (404, 422)


def test_cascade_page_needs_login(anon: TestClient) -> None:
    response = anon.get("/cascade", follow_redirects=False)
    assert response.status_code == 303
