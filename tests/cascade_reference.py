"""Shared fixtures of the cascade tests: a small catalogue with populations, and a profile whose
5.1 indicator table is known (a test-only table; every shipped profile leaves it unknown)."""

from __future__ import annotations

from weerbaar.domain import Status
from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess
from weerbaar.methods.profile import Criterion, Fact, IndicatorRow, MethodProfile
from weerbaar.methods.registry import get_profile

# e (electricity, 1,000,000 people, aspect "energy") → w (water, 200,000 people, basic need,
# aspect "drinking water"): strength 5, buffer 2 h, step onset.
SMALL = VitalCatalogue(
    processes=(
        VitalProcess(id="e", name={"en": "Electricity"}, category="A",
                     serves={"population": 1_000_000}, aspects=("energy",)),
        VitalProcess(id="w", name={"en": "Water"}, category="A",
                     serves={"population": 200_000, "description": "households"},
                     aspects=("drinking water",), basic_need=True),
        VitalProcess(id="s", name={"en": "Shops"}, category="B"),
    ),
    dependencies=(Dependency(supplier="e", dependent="w", strength=5, buffer_hours_low=2,
                             buffer_hours_high=2),),
    source="test catalogue")

SMALL_YAML = """\
schema: weerbaar.vital/1
processes:
  - {id: e, name: {en: Electricity}, category: A, population: 1000000, aspects: [energy]}
  - {id: w, name: {en: Water}, category: A, population: 200000, aspects: [drinking water],
     basic_need: true}
  - {id: s, name: {en: Shops}, category: B}
dependencies:
  - {supplier: e, dependent: w, strength: 5, buffer_hours: 2}
"""


def known_table_profile() -> MethodProfile:
    """gra-2019 with a (test-only, provisional) table for 5.1: A from 1,000 people for half a day
    in one aspect; C from 100,000 people for a day in two aspects."""
    gra = get_profile("gra-2019")
    criteria = []
    for c in gra.criteria:
        if c.id == "5.1":
            table = Fact[list[IndicatorRow]](
                value=[IndicatorRow(code="A", minimum={"people": 1000, "duration": 0.5,
                                                       "aspects": 1}),
                       IndicatorRow(code="C", minimum={"people": 100_000, "duration": 1,
                                                       "aspects": 2})],
                status=Status.PROVISIONAL, source="weerbaar-working")
            c = Criterion.model_validate({**c.model_dump(by_alias=True),
                                          "table": table.model_dump()})
        criteria.append(c)
    data = gra.model_dump(by_alias=True)
    data["criteria"] = [c.model_dump(by_alias=True) for c in criteria]
    data["version"] = gra.version + "+test-table"
    return MethodProfile.model_validate(data)
