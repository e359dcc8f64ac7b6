"""A cycle carried to the 2022 method through the crosswalk: its scenarios show the criteria
still to be scored (1.4 and 6.5, new in 2022) on the pages, in Dutch and English, and in the API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.operator_support import OPERATOR

from weerbaar.domain import CycleKind
from weerbaar.services.crosswalks import clone_to_profile
from weerbaar.store import Store

from .support import DRAFT

Client = Callable[[str], TestClient]
SCENARIO = "election-interference"


def _carried(store: Store) -> str:
    clone_to_profile(store, OPERATOR, DRAFT, "vs-2023", profile="rnv-2022",
                     kind=CycleKind.STRATEGY)
    return "vs-2023"


def test_a_carried_scenario_shows_its_outstanding_criteria(store: Store,
                                                           client_for: Client) -> None:
    key = _carried(store)
    ann = client_for("ann")
    page = ann.get(f"/cycles/{key}/scenarios/{SCENARIO}?lang=en")
    assert page.status_code == 200
    assert "Incomplete: 1.4, 6.5 not scored" in page.text
    dutch = ann.get(f"/cycles/{key}/scenarios/{SCENARIO}?lang=nl")
    assert "Onvolledig: 1.4, 6.5 niet gescoord" in dutch.text
    listed = ann.get(f"/cycles/{key}/scenarios?lang=en")
    assert listed.text.count("incomplete: 1.4, 6.5 not scored") == 31
    parent = ann.get(f"/cycles/{DRAFT}/scenarios/{SCENARIO}?lang=en")
    assert parent.status_code == 200 and "not scored" not in parent.text


def test_the_api_gives_the_outstanding_criteria_and_the_crosswalk(store: Store,
                                                                  client_for: Client) -> None:
    key = _carried(store)
    ann = client_for("ann")
    one = ann.get(f"/api/v1/cycles/{key}/scenarios/{SCENARIO}").json()
    assert one["unscored"] == ["1.4", "6.5"]
    assert {r["id"]: r["unscored"] for r in ann.get(f"/api/v1/cycles/{key}/scenarios").json()
            }[SCENARIO] == ["1.4", "6.5"]
    assert ann.get(f"/api/v1/cycles/{DRAFT}/scenarios/{SCENARIO}").json()["unscored"] == []
    cycle = ann.get(f"/api/v1/cycles/{key}").json()
    assert (cycle["profile_id"], cycle["crosswalk"]) == ("rnv-2022", "gra-2019--rnv-2022")
