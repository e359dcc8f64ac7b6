"""The horizon-scan page: signals by theme and the trend clusters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient
from tests.example_signals import example_signal_ids
from tests.store.test_horizon_store import write_csv

from weerbaar.horizon.synthetic import planted_corpus
from weerbaar.services.signals import import_signals
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

AS_T = Viewer.operator("t")


def test_horizon_page_shows_signals_by_theme_and_trends(
        store: Store, client_for: Callable[[str], TestClient], tmp_path: Path) -> None:
    ann = client_for("ann")
    shipped = len(example_signal_ids())  # the example's illustrative signals
    example = ann.get("/cycles/midterm-2021/horizon")
    assert example.status_code == 200 and f'id="signal-count">{shipped} ' in example.text
    assert 'class="trends"' in example.text
    assert "digitale, aanvallen, kwetsbaarheden, dreigingen, systemen" in example.text
    corpus = planted_corpus(seed=3)
    import_signals(store, AS_T, "midterm-2021", write_csv(tmp_path / "s.csv", corpus.signals))
    page = ann.get("/cycles/midterm-2021/horizon")
    assert page.status_code == 200
    assert f'id="signal-count">{shipped + len(corpus.signals)} ' in page.text
    assert 'class="trends"' in page.text  # trend clusters with their top terms
    first = corpus.signals[0]
    assert first.title in page.text
    assert page.text.count("<li>") >= len(corpus.signals)


def test_horizon_page_needs_login(anon: TestClient) -> None:
    response = anon.get("/cycles/midterm-2021/horizon", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]
