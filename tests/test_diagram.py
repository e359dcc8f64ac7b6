"""The risk diagram: formats, languages, determinism, crowded label placement, background, iso-risk."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from weerbaar.domain import LocalText, ScenarioType, ScoreRange, Status, Theme
from weerbaar.errors import InvalidInput
from weerbaar.methods.profile import Fact, MethodProfile
from weerbaar.methods.registry import get_profile
from weerbaar.methods.results import Assessment, ScenarioResult, WeakValue
from weerbaar.reports.diagram import draw_risk_diagram, iso_risk_lines, theme_colours
from weerbaar.reports.labels import (
    BoxIndex,
    candidate_boxes,
    contains,
    dodge_offsets,
    label_points,
    overlaps,
    place_label,
    point_box,
)

THEMES = [
    Theme(id="climate", name=LocalText(nl="Klimaat en natuurrampen", en="Climate and natural disasters")),
    Theme(id="cyber", name=LocalText(nl="Digitale dreigingen", en="Digital threats")),
    Theme(id="health", name=LocalText(nl="Gezondheid", en="Health"), colour="#7f3c8d"),
    Theme(id="economy", name=LocalText(nl="Economische veiligheid", en="Economic security")),
]


def result(
    sid: str,
    x: float | None,
    y: float | None,
    theme: str = "climate",
    *,
    spread: float = 0.0,
    provisional: bool = False,
) -> ScenarioResult:
    def rng(v: float | None, lo: float) -> ScoreRange | None:
        return None if v is None else ScoreRange(ev=v, ll=max(lo, v - spread), ul=v + spread)

    weak = (WeakValue(what="class values", status=Status.PROVISIONAL),) if provisional else ()
    return ScenarioResult(
        id=sid, title=f"Scenario {sid}", theme=theme, risk_category=None,
        type=ScenarioType.HAZARD, impact_score=None, impact_position=rng(y, 0.0),
        impact_class=None, likelihood_position=rng(x, 1.0), likelihood_class=None,
        weak_values=weak,
    )


def assessment(results: list[ScenarioResult], title: str | None = "NRB test") -> Assessment:
    return Assessment(title=title, profile_id="gra-2019", profile_version="1", profile_hash="x",
                      method="weighted_sum", preference="equal", denominator="all",
                      results=tuple(results))


def ordinary(n: int = 25) -> Assessment:
    rng = np.random.default_rng(7)
    themes = [t.id for t in THEMES]
    out = []
    for i in range(n):
        x = float(rng.integers(2, 11)) / 2.0
        y = round(float(rng.uniform(0.8, 5.0)), 2)
        out.append(result(f"{themes[i % 4][:2]}-{i + 1:02d}", x, y, themes[i % 4],
                          spread=0.4 if i % 3 else 0.0, provisional=i % 7 == 3))
    return assessment(out)


def crowded(n: int = 150) -> Assessment:
    rng = np.random.default_rng(1)
    themes = [t.id for t in THEMES]
    out = []
    for i in range(n):
        # half-class grid 1 .. 5, bunched towards the middle as real assessments are
        x = 1.0 + float(rng.binomial(8, 0.55)) / 2.0
        y = 1.0 + float(rng.binomial(8, 0.45)) / 2.0
        out.append(result(f"S{i + 1:03d}", x, y, themes[i % 4], spread=0.5 if i % 2 else 0.0,
                          provisional=i % 11 == 0))
    return assessment(out, title="150 scenarios")


@pytest.fixture(scope="module")
def profile() -> MethodProfile:
    return get_profile("gra-2019")


def test_svg_parses_and_uses_english_names(tmp_path: Path, profile: MethodProfile) -> None:
    layout = draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "d.svg")
    assert layout.format == "svg" and layout.path == tmp_path / "d.svg"
    text = layout.path.read_text(encoding="utf-8")
    ET.fromstring(text)
    assert "serious" in text and "ernstig" not in text
    assert "Likelihood" in text and "Impact" in text
    for theme in THEMES:
        assert theme.name.get("en") in text
    assert "rests on provisional values" in text


def test_svg_in_dutch(tmp_path: Path, profile: MethodProfile) -> None:
    layout = draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "d.svg", lang="nl")
    text = layout.path.read_text(encoding="utf-8")
    assert "ernstig" in text and "serious" not in text
    assert "Waarschijnlijkheid" in text
    assert "Klimaat en natuurrampen" in text
    assert "berust op voorlopige waarden" in text


def test_png_written(tmp_path: Path, profile: MethodProfile) -> None:
    layout = draw_risk_diagram(ordinary(), profile, THEMES, str(tmp_path / "d.PNG"))
    data = (tmp_path / "d.PNG").read_bytes()
    assert layout.format == "png"
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert 10_000 < len(data) < 2_000_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == layout.size_px
    assert 700 < width < 2000 and 500 < height < 1600


def test_same_input_gives_identical_svg(tmp_path: Path, profile: MethodProfile) -> None:
    draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "a.svg", iso_risk=True)
    draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "b.svg", iso_risk=True)
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_crowded_labels_do_not_overlap(tmp_path: Path, profile: MethodProfile) -> None:
    data = crowded()
    positions = [(r.likelihood_position.ev, r.impact_position.ev)  # type: ignore[union-attr]
                 for r in data.results]
    assert len(set(positions)) < len(positions) - 50       # many identical positions
    layout = draw_risk_diagram(data, profile, THEMES, tmp_path / "c.png")
    assert len(layout.labels) >= 140 and layout.numbered      # crowded enough to need numbers
    for (_, ta, a), (_, tb, b) in itertools.combinations(layout.labels, 2):
        assert not overlaps(a, b, pad=-0.5), (ta, a, tb, b)
    with_id = {sid for sid, text, _ in layout.labels if text == sid}
    numbered = {sid for _, sid in layout.numbered}
    assert with_id | numbered == {r.id for r in data.results}
    assert not with_id & numbered
    number_labels = {text for sid, text, _ in layout.labels if text != sid}
    assert number_labels == {str(n) for n, sid in layout.numbered if sid not in layout.unlabelled}
    assert len(layout.unlabelled) <= 2


def test_result_without_position_is_omitted(tmp_path: Path, profile: MethodProfile) -> None:
    data = assessment([result("a", 3.0, 2.37), result("b", None, 3.0), result("c", 2.0, None)])
    layout = draw_risk_diagram(data, profile, THEMES, tmp_path / "o.svg")
    assert layout.omitted == ("b", "c")
    assert {sid for sid, _, _ in layout.labels} == {"a"}


def test_low_impact_extends_axis(tmp_path: Path, profile: MethodProfile) -> None:
    data = assessment([result("low", 1.0, 0.2), result("mid", 2.5, 2.37)])
    layout = draw_risk_diagram(data, profile, THEMES, tmp_path / "low.svg")
    assert {sid for sid, _, _ in layout.labels} == {"low", "mid"}


def test_background_adds_legend_entry(tmp_path: Path, profile: MethodProfile) -> None:
    now = ordinary()
    before = assessment([result(r.id, 2.0, 2.0, r.theme) for r in now.results[:10]],
                        title="NRB 2019")
    draw_risk_diagram(now, profile, THEMES, tmp_path / "bg.svg", background=before)
    assert "NRB 2019" in (tmp_path / "bg.svg").read_text(encoding="utf-8")
    untitled = before.model_copy(update={"title": None})
    draw_risk_diagram(now, profile, THEMES, tmp_path / "bg2.svg", background=untitled, lang="nl")
    assert "eerdere beoordeling" in (tmp_path / "bg2.svg").read_text(encoding="utf-8")


def test_wrong_suffix_names_the_path(tmp_path: Path, profile: MethodProfile) -> None:
    target = tmp_path / "diagram.pdf"
    with pytest.raises(InvalidInput) as err:
        draw_risk_diagram(ordinary(), profile, THEMES, target)
    assert str(target) in str(err.value)
    assert "expected .svg or .png" in str(err.value)
    assert not target.exists()


def test_iso_risk_lines_drawn_for_gra(tmp_path: Path, profile: MethodProfile) -> None:
    on = draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "i.svg", iso_risk=True)
    off = draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "j.svg")
    assert on.iso_risk and not off.iso_risk
    assert "lines of equal risk" in (tmp_path / "i.svg").read_text(encoding="utf-8")


def test_iso_risk_skipped_when_a_factor_is_unknown(tmp_path: Path, profile: MethodProfile) -> None:
    unknown = Fact[float](value=None, status=Status.UNKNOWN)
    scale = profile.impact_scale.model_copy(update={"factor": unknown})
    vague = profile.model_copy(update={"impact_scale": scale})
    layout = draw_risk_diagram(ordinary(), vague, THEMES, tmp_path / "v.svg", iso_risk=True)
    assert not layout.iso_risk
    assert "lines of equal risk" not in (tmp_path / "v.svg").read_text(encoding="utf-8")


def test_empty_assessment(tmp_path: Path, profile: MethodProfile) -> None:
    layout = draw_risk_diagram(assessment([]), profile, [], tmp_path / "e.svg", iso_risk=True)
    assert layout.labels == () and layout.omitted == () and layout.iso_risk


def test_missing_folder_is_invalid_input(tmp_path: Path, profile: MethodProfile) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        draw_risk_diagram(ordinary(), profile, THEMES, tmp_path / "nope" / "d.svg")


def test_iso_risk_helper() -> None:
    lines = iso_risk_lines(10.0, 3.0, [1.0, 3.0])
    slope = lines[0][0]
    assert slope == pytest.approx(-np.log(10) / np.log(3))
    for (s, c), p in zip(lines, [1.0, 3.0], strict=True):
        assert c + s * p == pytest.approx(p)       # passes through (p, p)
        # one likelihood class up and log(10)/log(3) impact classes down is the same risk
        x, y = p + 1.0, c + s * (p + 1.0)
        assert 10.0**x * 3.0**y == pytest.approx(10.0**p * 3.0**p)
    assert iso_risk_lines(None, 3.0, [1.0]) == []
    assert iso_risk_lines(10.0, None, [1.0]) == []


def test_theme_colours_deterministic() -> None:
    colours = theme_colours(THEMES, ["zzz"])
    assert colours["health"] == "#7f3c8d"
    assert colours == theme_colours(THEMES, ["zzz"])
    assert len(set(colours.values())) == len(colours)


# -- label geometry -----------------------------------------------------------------------------


def test_overlaps_and_contains() -> None:
    assert overlaps((0, 0, 2, 2), (1, 1, 3, 3))
    assert not overlaps((0, 0, 1, 1), (1, 0, 2, 1))            # touching is fine
    assert overlaps((0, 0, 1, 1), (1.5, 0, 2, 1), pad=1.0)
    assert contains((0, 0, 10, 10), (1, 1, 2, 2))
    assert not contains((0, 0, 10, 10), (9, 9, 11, 10))


def test_candidate_boxes_keep_their_distance() -> None:
    for box in candidate_boxes((50.0, 50.0), (20.0, 8.0), 5.0):
        assert box[2] - box[0] == pytest.approx(20.0) and box[3] - box[1] == pytest.approx(8.0)
        assert not overlaps(box, point_box((50.0, 50.0), 3.0))


@pytest.mark.parametrize("count", [1, 2, 3, 7, 12, 30])
def test_dodge_offsets_are_centred_and_separate(count: int) -> None:
    offsets = dodge_offsets(count, 10.0)
    assert len(offsets) == count == len(set(offsets))
    assert sum(x for x, _ in offsets) == pytest.approx(0.0, abs=1e-6)
    assert sum(y for _, y in offsets) == pytest.approx(0.0, abs=1e-6)
    for (ax, ay), (bx, by) in itertools.combinations(offsets, 2):
        assert np.hypot(ax - bx, ay - by) >= 10.0 - 1e-6
    assert offsets == dodge_offsets(count, 10.0)


def test_place_label_never_overlaps() -> None:
    rng = np.random.default_rng(3)
    points = [(float(x), float(y)) for x, y in rng.uniform(0, 300, size=(200, 2))]
    index = BoxIndex(cell=25.0)
    for p in points:
        index.add(point_box(p, 3.0))
    placed = []
    for i, p in enumerate(points):
        spot = place_label(p, (8.0 + (i % 5) * 6.0, 9.0), (5.0, 10.0), (0, 0, 300, 300), index)
        if spot is not None:
            placed.append(spot.box)
            assert contains((0, 0, 300, 300), spot.box)
    assert len(placed) > 100
    for a, b in itertools.combinations(placed, 2):
        assert not overlaps(a, b)
    for box in placed:
        assert not any(overlaps(box, point_box(p, 3.0)) for p in points)


def test_label_points_numbers_what_does_not_fit() -> None:
    rng = np.random.default_rng(5)
    points = [(float(x), float(y)) for x, y in rng.uniform(10, 110, size=(120, 2))]
    texts = [f"scenario-{i:03d}" for i in range(len(points))]
    index = BoxIndex(cell=20.0)
    for p in points:
        index.add(point_box(p, 2.0))

    def size_of(text: str) -> tuple[float, float]:
        return (4.0 * len(text), 8.0)

    labels = label_points(points, texts, size_of, (3.0,), (12.0, 24.0), (0, 0, 120, 120), index)
    assert sorted(lb.item for lb in labels) == list(range(len(points)))
    numbered = [lb for lb in labels if lb.number is not None]
    assert numbered and [lb.number for lb in numbered] == list(range(1, len(numbered) + 1))
    assert [texts[lb.item] for lb in numbered] == sorted(texts[lb.item] for lb in numbered)
    boxes = [lb.placement.box for lb in labels if lb.placement is not None]
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b)
    for lb in labels:
        if lb.placement is not None:
            w, h = size_of(lb.text)
            box = lb.placement.box
            assert box[2] - box[0] == pytest.approx(w) and box[3] - box[1] == pytest.approx(h)
    assert labels == label_points(points, texts, size_of, (3.0,), (12.0, 24.0), (0, 0, 120, 120),
                                  _index(points))


def _index(points: list[tuple[float, float]]) -> BoxIndex:
    index = BoxIndex(cell=20.0)
    for p in points:
        index.add(point_box(p, 2.0))
    return index
