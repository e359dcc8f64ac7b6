"""Static figures of a report, drawn once and kept as bytes for every format.

Risk diagrams and uncertainty charts come from :mod:`weerbaar.reports.diagram` and
:mod:`weerbaar.reports.uncertainty_charts` (matplotlib, Agg only). Each figure is drawn once and
rendered in memory to every format it is needed in, never through a file: PNG goes into Word and
PDF; SVG, stripped of its XML prologue and metadata, is inlined in HTML. The time spent drawing is
kept in a :class:`FigureClock` so benchmarks can report the share of figures in a report's wall
time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from weerbaar.domain import Language, Theme
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.results import UncertaintyResult
from weerbaar.reports.canvas import FigureFormat
from weerbaar.reports.diagram import render_risk_diagram
from weerbaar.reports.uncertainty_charts import render_rank_chart, render_uncertainty_diagram


@dataclass
class FigureClock:
    """Wall time spent drawing figures (seconds), summed over every figure drawn."""

    seconds: float = 0.0

    @contextmanager
    def timing(self) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - start


@dataclass(frozen=True)
class Drawn:
    png: bytes
    svg: str
    size_px: tuple[int, int]


_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def inline_svg(svg: str) -> str:
    """An SVG file made fit for inlining in HTML5: no prologue, doctype, metadata or namespace
    URIs (the HTML parser knows SVG), so the page holds no external address at all."""
    return _NAMESPACES.sub("", _METADATA.sub("", _PROLOGUE.sub("", svg, count=1)))


def _draw(clock: FigureClock, render: Callable[[tuple[FigureFormat, ...]], dict[str, bytes]],
          svg: bool) -> Drawn:
    """PNG (and SVG when asked) of one figure, drawn once by ``render`` for both formats."""
    with clock.timing():
        images = render(("png", "svg") if svg else ("png",))
        text = inline_svg(images["svg"].decode("utf-8")) if svg else ""
    data = images["png"]
    return Drawn(png=data, svg=text, size_px=png_size(data))


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def risk_diagram(clock: FigureClock, assessment: Assessment, profile: MethodProfile,
                 themes: Sequence[Theme], lang: Language, *, title: str | None,
                 background: Assessment | None = None, residual: Assessment | None = None,
                 svg: bool = False) -> Drawn:
    """The risk diagram as PNG (and SVG when asked)."""
    return _draw(clock, lambda formats: render_risk_diagram(
        assessment, profile, themes, formats=formats, lang=lang, background=background,
        residual=residual, show_ranges=background is None, title=title), svg)


def uncertainty_diagram(clock: FigureClock, result: UncertaintyResult, assessment: Assessment,
                        profile: MethodProfile, themes: Sequence[Theme], lang: Language,
                        *, title: str | None) -> Drawn:
    return _draw(clock, lambda formats: render_uncertainty_diagram(
        result, assessment, profile, themes, formats=formats, lang=lang, title=title), True)


def rank_chart(clock: FigureClock, result: UncertaintyResult, lang: Language) -> Drawn:
    return _draw(clock, lambda formats: render_rank_chart(result, formats=formats, lang=lang),
                 True)


__all__ = ["Drawn", "FigureClock", "inline_svg", "png_size", "rank_chart", "risk_diagram",
           "uncertainty_diagram"]
