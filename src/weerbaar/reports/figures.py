"""Static figures of a report, drawn once and kept as bytes for every format.

Risk diagrams and uncertainty charts come from :mod:`weerbaar.reports.diagram` and
:mod:`weerbaar.reports.uncertainty_charts` (matplotlib, Agg only). Each figure is drawn once per
report build and rendered in memory to every image format the build's writers need, never through
a file: PNG goes into Word, PDF and ODT; SVG, stripped of its XML prologue and metadata, is inlined
in HTML (where the risk diagram is the interactive one and needs neither). The build's
:class:`FigureClock` keeps the drawn figures by what they show (a figure asked for twice in one
build is drawn once), the image formats wanted, and the time spent drawing, so benchmarks can
report the share of figures in a report's wall time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from weerbaar.domain import Language, Theme
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.results import Assessment
from weerbaar.methods.uncertainty.results import UncertaintyResult
from weerbaar.reports.canvas import FORMATS, FigureFormat, figure_formats
from weerbaar.reports.diagram import render_risk_diagram
from weerbaar.reports.uncertainty_charts import render_rank_chart, render_uncertainty_diagram


@dataclass
class FigureClock:
    """The figures of one report build: the image formats its writers need (PNG, SVG; none for a
    build whose only format is HTML, where risk diagrams are interactive), every figure drawn so
    far by what it shows, and the wall time spent drawing (seconds), summed over every figure."""

    seconds: float = 0.0
    formats: tuple[FigureFormat, ...] = FORMATS
    drawn: dict[tuple[object, ...], tuple[Drawn, tuple[object, ...]]] = field(
        default_factory=dict)

    @classmethod
    def wanting(cls, formats: Iterable[str]) -> FigureClock:
        """A clock for a build whose writers need ``formats`` (checked; may be none)."""
        wanted = tuple(formats)
        return cls(formats=figure_formats(wanted) if wanted else ())

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


def _identity(spec: tuple[object, ...]) -> tuple[object, ...]:
    """``spec`` with every result object replaced by its identity (texts and flags kept)."""
    return tuple(part if part is None or isinstance(part, str | bool)
                 else _identity(part) if isinstance(part, tuple) else id(part) for part in spec)


def _draw(clock: FigureClock, spec: tuple[object, ...],
          render: Callable[[tuple[FigureFormat, ...]], dict[str, bytes]], svg: bool) -> Drawn:
    """The figure ``spec`` names, drawn once by ``render`` in the formats the build wants (SVG
    only where the figure has one in HTML): from the clock when this build drew it already.

    ``spec`` names the figure by its kind, its options and the identity of the results it shows;
    the cache keeps those results alive, so an identity is never reused within the build."""
    key = _identity(spec)
    wanted: set[str] = {f for f in clock.formats if f == "png" or (svg and f == "svg")}
    cached = clock.drawn.get(key)
    if cached is not None:
        have = {f for f, data in (("png", cached[0].png), ("svg", cached[0].svg)) if data}
        if wanted <= have:
            return cached[0]
        wanted |= have  # asked again with SVG: drawn again once, in every format now needed
    if not wanted:  # HTML alone and an interactive figure: nothing to draw
        drawn = Drawn(png=b"", svg="", size_px=(0, 0))
    else:
        with clock.timing():
            images = render(tuple(f for f in FORMATS if f in wanted))
            text = inline_svg(images["svg"].decode("utf-8")) if "svg" in images else ""
        data = images.get("png", b"")
        drawn = Drawn(png=data, svg=text, size_px=png_size(data) if data else (0, 0))
    clock.drawn[key] = (drawn, spec)
    return drawn


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
    spec = ("risk-diagram", assessment, profile, tuple(themes), lang, title, background, residual)
    return _draw(clock, spec, lambda formats: render_risk_diagram(
        assessment, profile, themes, formats=formats, lang=lang, background=background,
        residual=residual, show_ranges=background is None, title=title), svg)


def uncertainty_diagram(clock: FigureClock, result: UncertaintyResult, assessment: Assessment,
                        profile: MethodProfile, themes: Sequence[Theme], lang: Language,
                        *, title: str | None) -> Drawn:
    spec = ("uncertainty-diagram", result, assessment, profile, tuple(themes), lang, title)
    return _draw(clock, spec, lambda formats: render_uncertainty_diagram(
        result, assessment, profile, themes, formats=formats, lang=lang, title=title), True)


def rank_chart(clock: FigureClock, result: UncertaintyResult, lang: Language) -> Drawn:
    return _draw(clock, ("rank-chart", result, lang),
                 lambda formats: render_rank_chart(result, formats=formats, lang=lang), True)


__all__ = ["Drawn", "FigureClock", "inline_svg", "png_size", "rank_chart", "risk_diagram",
           "uncertainty_diagram"]
