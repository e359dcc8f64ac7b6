"""The pages show provenance as the audit left it: each value's status, source and locator on the
profile page, and the verdict suggestion labelled as weerbaar's own rule on the review page."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from weerbaar.domain import suggested_verdict
from weerbaar.domain.review import SUGGESTION_RULE
from weerbaar.services.reviews import get_review
from weerbaar.services.viewer import Viewer
from weerbaar.store import Store

from .support import DRAFT

Client = Callable[[str], TestClient]


def text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_profile_page_shows_status_source_and_locator(client_for: Client) -> None:
    page = text(client_for("vic").get("/profiles/gra-2019?lang=en").text)
    assert "verified (nra-2014: risk diagram; method facts §3)" in page
    assert "Position of a half class +0.5 provisional (weerbaar-working: method facts §5)" in page
    assert "provisional (worked-examples; weerbaar-working: method facts §4) ; A: corroborated; " \
           "C: corroborated" in page  # the fatality bounds, corroborated at A and C only
    dutch = text(client_for("vic").get("/profiles/gra-2019?lang=nl").text)
    assert "Positie van een halve klasse +0.5 voorlopig" in dutch


def test_review_page_labels_the_suggestion_as_weerbaar_rule(client_for: Client,
                                                           store: Store) -> None:
    theme = "multilateral-institutions"
    review = get_review(store, Viewer.operator("test"), DRAFT, theme).review
    suggestion = suggested_verdict(review.comprehensive.answer, review.more_resilient.answer)
    assert suggestion is not None
    page = text(client_for("vic").get(f"/cycles/{DRAFT}/reviews/{theme}?lang=en").text)
    assert (f"The two answers point to: {suggestion.value} (weerbaar rule, "
            f"{SUGGESTION_RULE.locator})") in page
    dutch = text(client_for("vic").get(f"/cycles/{DRAFT}/reviews/{theme}?lang=nl").text)
    assert f"De twee antwoorden wijzen op: {suggestion.value} (weerbaar-regel," in dutch
