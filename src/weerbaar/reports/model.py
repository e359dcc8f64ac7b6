"""The format-neutral report: a cover, then a flat sequence of blocks every writer renders.

Writers (HTML, DOCX, PDF, XLSX) only lay out what is here; every word of fixed text has already been
translated and every figure drawn by the builder, so all formats say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from weerbaar.domain import Language

Cell = str | float | int | None
ParagraphKind = Literal["body", "note", "warning", "quote"]
Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 starts a chapter (Heading 1 in Word), 2 a section, 3 a sub-section."""

    level: int
    text: str
    anchor: str
    number: str | None = None  # "Bijlage 1" / "Annex 1"; shown before the text

    @property
    def label(self) -> str:
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Paragraph:
    """Text; ``label`` is shown in bold before it (``Verdict: intensify``)."""

    text: str
    label: str | None = None
    kind: ParagraphKind = "body"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table with one header row (repeated on every page in DOCX and PDF).

    ``key`` names the table for the XLSX workbook (its sheet) and for HTML anchors; ``row_keys``
    (scenario ids) let the interactive diagram highlight a row; ``flagged`` marks rows resting on
    provisional values; ``wide`` asks for a landscape page in DOCX and PDF; ``widths`` are relative
    column widths.
    """

    key: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...] = ()
    widths: tuple[float, ...] = ()
    row_keys: tuple[str, ...] = ()
    flagged: frozenset[int] = frozenset()
    wide: bool = False
    number_format: str = "0.00"

    def alignment(self, column: int) -> Align:
        return self.align[column] if column < len(self.align) else "left"


@dataclass(frozen=True)
class Point:
    """One scenario on the interactive risk diagram (grid positions, as on the static one)."""

    scenario: str
    title: str
    theme: str
    colour: str
    x: float
    y: float
    impact: str  # e.g. "3.42 (C)"
    likelihood: str  # e.g. "C-high"
    provisional: bool
    residual: tuple[float, float] | None = None
    earlier: tuple[float, float] | None = None


@dataclass(frozen=True)
class Axis:
    title: str
    ticks: tuple[tuple[float, str], ...]
    limits: tuple[float, float]


@dataclass(frozen=True)
class InteractiveDiagram:
    """Data for the HTML risk diagram (one element per point, tooltips, highlighting)."""

    points: tuple[Point, ...]
    x: Axis
    y: Axis
    legend: tuple[tuple[str, str, str], ...]  # (theme id, name, colour)
    labels: dict[str, str] = field(default_factory=dict)  # fixed texts used by the script


@dataclass(frozen=True)
class Figure:
    """A drawn figure: PNG for Word and PDF, SVG for HTML; ``interactive`` replaces the SVG in
    HTML when present."""

    key: str
    caption: str
    png: bytes
    svg: str
    size_px: tuple[int, int]
    interactive: InteractiveDiagram | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | BulletList | Table | Figure | PageBreak


@dataclass(frozen=True)
class Cover:
    title: str
    subtitle: str
    lines: tuple[str, ...]  # cycle, period, date, ...
    organisation: str
    text: str
    illustrative: str | None = None


@dataclass(frozen=True)
class ReportDocument:
    """A whole report: properties, cover, table-of-contents title and the blocks in order."""

    kind: Literal["review", "analysis"]
    lang: Language
    cycle: str
    title: str
    subject: str
    keywords: tuple[str, ...]
    classification: str
    date: date
    cover: Cover
    toc_title: str
    blocks: tuple[Block, ...]
    labels: dict[str, str] = field(default_factory=dict)  # page, of, flagged mark, ...
    figure_seconds: float = 0.0
    data: tuple[Table, ...] = ()  # machine-readable tables (numbers as numbers) for XLSX

    def headings(self, level: int | None = None) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)
                and (level is None or b.level == level)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]


__all__ = ["Align", "Axis", "Block", "BulletList", "Cell", "Cover", "Figure", "Heading",
           "InteractiveDiagram", "PageBreak", "Paragraph", "Point", "ReportDocument", "Table"]
