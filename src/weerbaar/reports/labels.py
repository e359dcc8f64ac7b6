"""Label placement for crowded diagrams: pure geometry in display units, no plotting library.

Boxes are ``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1`` (y grows upwards, as in
matplotlib's display coordinates). Everything here is deterministic: the same input always gives
the same placement, which keeps rendered diagrams byte-identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]
Point = tuple[float, float]

# Directions tried around a point, in order of preference: right, upper right, up, upper left,
# left, lower left, down, lower right.
DIRECTIONS: tuple[Point, ...] = (
    (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (-1.0, 1.0),
    (-1.0, 0.0), (-1.0, -1.0), (0.0, -1.0), (1.0, -1.0),
)


def overlaps(a: Box, b: Box, pad: float = 0.0) -> bool:
    """True when the boxes share area (touching edges do not count); ``pad`` widens the test."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def contains(outer: Box, inner: Box) -> bool:
    """True when ``inner`` lies entirely within ``outer``."""
    return (outer[0] <= inner[0] and outer[1] <= inner[1]
            and inner[2] <= outer[2] and inner[3] <= outer[3])


def point_box(point: Point, radius: float) -> Box:
    """The square box around a marker of the given radius."""
    x, y = point
    return (x - radius, y - radius, x + radius, y + radius)


def candidate_boxes(point: Point, size: Point, gap: float) -> list[Box]:
    """Boxes of ``size`` (width, height) around ``point``, ``gap`` away, in direction order.

    For a side direction the nearest edge of the box is ``gap`` from the point; for a diagonal
    the nearest corner is ``gap`` from it.
    """
    x, y = point
    w, h = size
    boxes = []
    for ux, uy in DIRECTIONS:
        reach = gap / math.sqrt(2.0) if ux and uy else gap
        cx = x + ux * (reach + w / 2.0)
        cy = y + uy * (reach + h / 2.0)
        boxes.append((cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0))
    return boxes


def nearest_point(box: Box, point: Point) -> Point:
    """The point of ``box`` nearest to ``point`` (the end of a leader line)."""
    return (min(max(point[0], box[0]), box[2]), min(max(point[1], box[1]), box[3]))


def dodge_offsets(count: int, spacing: float) -> list[Point]:
    """Offsets that spread ``count`` markers sharing one position over a small hexagonal cluster.

    The first offsets fill the innermost ring; the cluster is centred on the shared position, so
    a pair sits side by side and three form a triangle. Neighbours are ``spacing`` apart.
    """
    if count <= 1:
        return [(0.0, 0.0)] * count
    reach = math.ceil(math.sqrt(count)) + 1
    lattice: list[tuple[float, float, float, float]] = []
    for i in range(-reach, reach + 1):
        for j in range(-reach, reach + 1):
            x = (i + j / 2.0) * spacing
            y = j * spacing * math.sqrt(3.0) / 2.0
            angle = math.atan2(y, x) % (2.0 * math.pi)
            lattice.append((round(math.hypot(x, y), 6), round(angle, 6), x, y))
    lattice.sort()
    chosen = [(x, y) for _, _, x, y in lattice[:count]]
    mx = sum(x for x, _ in chosen) / count
    my = sum(y for _, y in chosen) / count
    return [(round(x - mx, 9), round(y - my, 9)) for x, y in chosen]


class BoxIndex:
    """A uniform-grid index of boxes, so overlap tests stay fast with hundreds of labels."""

    def __init__(self, cell: float = 40.0) -> None:
        self._cell = cell
        self._cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterator[tuple[int, int]]:
        c = self._cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield (i, j)

    def add(self, box: Box) -> None:
        for key in self._keys(box):
            self._cells.setdefault(key, []).append(box)

    def hits(self, box: Box, pad: float = 0.0) -> bool:
        grown = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
        return any(
            overlaps(box, other, pad)
            for key in self._keys(grown)
            for other in self._cells.get(key, ())
        )


@dataclass(frozen=True)
class Placement:
    """Where a label went: its box and the gap from its point (large gaps get a leader line)."""

    box: Box
    gap: float


def place_label(
    point: Point,
    size: Point,
    gaps: Sequence[float],
    bounds: Box,
    index: BoxIndex,
    pad: float = 1.0,
) -> Placement | None:
    """The first candidate box (nearest gap first, then direction order) that stays inside
    ``bounds`` and clears everything in ``index`` by ``pad``; it is added to the index.

    Returns ``None`` when no candidate fits.
    """
    for gap in gaps:
        for box in candidate_boxes(point, size, gap):
            if contains(bounds, box) and not index.hits(box, pad):
                index.add(box)
                return Placement(box=box, gap=gap)
    return None


@dataclass(frozen=True)
class Label:
    """The label of one item: its own text, or a number standing in for it (see a key)."""

    item: int
    text: str
    number: int | None
    placement: Placement | None


def label_points(
    points: Sequence[Point],
    texts: Sequence[str],
    size_of: Callable[[str], Point],
    near: Sequence[float],
    far: Sequence[float],
    bounds: Box,
    index: BoxIndex,
) -> list[Label]:
    """Label points greedily in the given order (most important first), never overlapping.

    Each point first gets its own text at one of the ``near`` gaps. Points whose text does not
    fit are numbered 1, 2, ... in the order of their texts, and the numbers are placed in a
    second pass, which may also use the ``far`` gaps. A number that finds no spot either has
    ``placement`` ``None``. Obstacles (markers) must already be in ``index``.
    """
    labels: list[Label] = []
    failed: list[int] = []
    for item, (point, text) in enumerate(zip(points, texts, strict=True)):
        spot = place_label(point, size_of(text), near, bounds, index)
        if spot is None:
            failed.append(item)
        else:
            labels.append(Label(item=item, text=text, number=None, placement=spot))
    for number, item in enumerate(sorted(failed, key=lambda i: (texts[i], i)), start=1):
        spot = place_label(points[item], size_of(str(number)), [*near, *far], bounds, index)
        labels.append(Label(item=item, text=str(number), number=number, placement=spot))
    return labels
