"""Text flow and tables of the PDF report, laid out once.

fpdf2's own line breaking (``write``, ``multi_cell`` and the cells of ``table``) measures the line
again for every character it adds and lays a table cell out twice; a report of a hundred scenarios
spent most of its PDF time there. Here every word is measured once per font style (its width kept),
lines are broken at spaces from those widths, and each line is set with one ``text`` call per font
run, so the PDF costs little more than the text it holds.

The layout matches what the report had before: left-aligned text, a line's baseline at half its
height plus 0.3 of the font size, tables with a header row repeated on every page, striped rows and
horizontal rules between rows. A row taller than what is left of the page goes to the next page; a
row taller than a whole page is split between pages line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.fonts import TTFFont

Run = tuple[str, str]
"""A piece of text in one font style: (emphasis "", "B", "I" or "BI"; text)."""
RGB = tuple[int, int, int]

_SPACE = " "


@dataclass(frozen=True)
class Line:
    """One laid-out line: its font runs and its width in page units."""

    runs: tuple[Run, ...]
    width: float


@dataclass(frozen=True)
class Cell:
    """A table cell's text and the colour it is set in."""

    text: str
    colour: RGB


class TextFlow:
    """Measures and breaks text for one document in one font family; word widths are kept per
    font style, so a word used a thousand times is measured once."""

    def __init__(self, pdf: FPDF, family: str) -> None:
        self.pdf = pdf
        self.family = family
        self._widths: dict[str, dict[str, float]] = {}

    # measuring ---------------------------------------------------------------------------
    def units(self, style: str, text: str) -> float:
        """Width of ``text`` in thousandths of the font size."""
        cache = self._widths.get(style)
        if cache is None:
            cache = self._widths[style] = {}
        width = cache.get(text)
        if width is None:
            font = self.pdf.fonts[f"{self.family.lower()}{style}"]
            if not isinstance(font, TTFFont):  # the report embeds its fonts: never a core font
                raise TypeError(f"font {self.family} {style!r} is not an embedded TrueType font")
            widths = font.cw
            width = cache[text] = float(sum(widths[ord(c)] for c in text))
        return width

    def scale(self, size: float) -> float:
        """Page units per thousandth of a font of ``size`` points."""
        return size / 1000.0 / self.pdf.k

    # breaking ----------------------------------------------------------------------------
    def lines(self, runs: Sequence[Run], size: float, width: float) -> list[Line]:
        """``runs`` broken into lines no wider than ``width`` (page units) at ``size`` points:
        at spaces, at line feeds, and inside a word only when the word alone is too wide."""
        scale = self.scale(size)
        limit = width / scale
        space = {style: self.units(style, _SPACE) for style, _ in runs}
        lines: list[Line] = []
        current: list[Run] = []
        used = 0.0
        pending: list[str] = []  # styles of the spaces since the last word
        glued = False  # the next piece continues the last word (no space between runs)

        def finish() -> None:
            nonlocal current, used, pending, glued
            lines.append(Line(_merged(current), used * scale))
            current, used, pending, glued = [], 0.0, [], False

        for style, text in runs:
            for index, hard in enumerate(text.split("\n")):
                if index:
                    finish()
                for position, word in enumerate(hard.split(_SPACE)):
                    if position:
                        pending.append(style)
                        glued = False
                    if not word:
                        continue
                    wide = self.units(style, word)
                    gap = sum(space[s] for s in pending) if current else 0.0
                    if current and not glued and used + gap + wide > limit:
                        finish()
                        gap = 0.0
                    if current and not glued:
                        current.extend((s, _SPACE) for s in pending)
                        used += gap
                    pending = []
                    if used + wide > limit:
                        for piece in self._pieces(style, word, limit - used, limit):
                            if current and used + self.units(style, piece) > limit:
                                finish()
                            current.append((style, piece))
                            used += self.units(style, piece)
                    else:
                        current.append((style, word))
                        used += wide
                    glued = True
        if current or not lines:
            finish()
        return lines

    def _pieces(self, style: str, word: str, first: float, limit: float) -> list[str]:
        """A word too wide for a line cut into pieces that fit (the first in ``first``)."""
        pieces: list[str] = []
        room, start, used = max(first, 0.0), 0, 0.0
        for i, char in enumerate(word):
            wide = self.units(style, char)
            if used + wide > room and i > start:
                pieces.append(word[start:i])
                start, used, room = i, 0.0, limit
            used += wide
        pieces.append(word[start:])
        return pieces

    # setting -----------------------------------------------------------------------------
    def draw(self, line: Line, x: float, top: float, height: float, size: float,
             width: float | None = None, align: str = "left") -> None:
        """Set ``line`` in a box at (``x``, ``top``) of ``height`` (and ``width`` when aligned)."""
        pdf = self.pdf
        if width is not None and align == "right":
            x += width - line.width
        elif width is not None and align == "center":
            x += (width - line.width) / 2
        baseline = top + 0.5 * height + 0.3 * size / pdf.k
        scale = self.scale(size)
        for style, text in line.runs:
            pdf.set_font(self.family, style, size)
            pdf.text(x, baseline, text)
            x += self.units(style, text) * scale

    def flow(self, runs: Sequence[Run], *, size: float, height: float, x: float,
             width: float) -> None:
        """Set ``runs`` from the current position down, a line of ``height`` at a time, going to
        a new page (of the same orientation) where the page is full; the position ends below."""
        pdf = self.pdf
        for line in self.lines(runs, size, width):
            if pdf.y + height > pdf.page_break_trigger:
                pdf.add_page(same=True)
            self.draw(line, x, pdf.y, height, size)
            pdf.y += height


@dataclass(frozen=True)
class TableLook:
    """How a table is drawn: font sizes, line height, padding and colours."""

    size: float
    line_height: float
    padding: float
    header_fill: RGB
    header_text: RGB
    stripe: RGB
    rule: RGB
    rule_width: float = 0.2


def draw_table(flow: TextFlow, header: Sequence[str], rows: Sequence[Sequence[Cell]],
               widths: Sequence[float], aligns: Sequence[str], look: TableLook) -> None:
    """A table across the page from the current position: ``widths`` in page units, the header row
    in bold on the header colour and repeated on every page, every other body row striped, a rule
    between rows. The position ends below the table."""
    pdf = flow.pdf
    pad, size, step = look.padding, look.size, look.line_height

    def layout(cells: Sequence[tuple[str, str]]) -> list[list[Line]]:
        return [flow.lines([(style, text)], size, max(w - 2 * pad, 1.0))
                for (style, text), w in zip(cells, widths, strict=True)]

    head_lines = layout([("B", text) for text in header])
    head_height = max(len(c) for c in head_lines) * step + 2 * pad

    def draw_row(cells: list[list[Line]], colours: Sequence[RGB], fill: RGB | None,
                 height: float, rule: bool) -> None:
        top, x = pdf.y, pdf.l_margin
        if fill is not None:
            pdf.set_fill_color(*fill)
            pdf.rect(x, top, sum(widths), height, style="F")
        if rule:
            pdf.set_draw_color(*look.rule)
            pdf.set_line_width(look.rule_width)
            pdf.line(x, top, x + sum(widths), top)
        for lines, w, align, colour in zip(cells, widths, aligns, colours, strict=True):
            if lines:
                pdf.set_text_color(*colour)
                for n, line in enumerate(lines):
                    flow.draw(line, x + pad, top + pad + n * step, step, size, w - 2 * pad, align)
            x += w
        pdf.y = top + height

    def draw_header() -> None:
        draw_row(head_lines, [look.header_text] * len(header), look.header_fill, head_height,
                 rule=False)

    room = pdf.page_break_trigger - pdf.t_margin - head_height  # a body row on an empty page
    draw_header()
    for index, row in enumerate(rows):
        cells = layout([("", cell.text) for cell in row])
        colours = [cell.colour for cell in row]
        fill = look.stripe if index % 2 == 0 else None
        count = max((len(c) for c in cells), default=1)
        height = count * step + 2 * pad
        if pdf.y + height > pdf.page_break_trigger and height <= room:
            pdf.add_page(same=True)
            draw_header()
        start = 0
        while start < count:  # a row taller than a page goes on line by line
            fits = int((pdf.page_break_trigger - pdf.y - 2 * pad) // step)
            if fits < 1:
                pdf.add_page(same=True)
                draw_header()
                continue
            part = [c[start:start + fits] for c in cells]
            lines = max(len(c) for c in part)
            draw_row(part, colours, fill, lines * step + 2 * pad, rule=True)
            start += fits


def _merged(runs: list[Run]) -> tuple[Run, ...]:
    """Neighbouring runs of one style joined (one ``text`` call each)."""
    merged: list[Run] = []
    for style, text in runs:
        if merged and merged[-1][0] == style:
            merged[-1] = (style, merged[-1][1] + text)
        else:
            merged.append((style, text))
    return tuple(merged)


__all__ = ["Cell", "Line", "Run", "TableLook", "TextFlow", "draw_table"]
