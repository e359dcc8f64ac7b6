"""Static figures on matplotlib's Agg canvas with fixed settings, rendered to bytes in memory.

Every chart of :mod:`weerbaar.reports` is drawn in two steps: a ``build_*`` function draws a
:class:`~matplotlib.figure.Figure` once, and :func:`render_figure` saves that one figure as PNG
and/or SVG into :class:`io.BytesIO` buffers (a web page or a report needs no file), then clears it.
The ``draw_*`` functions that take a path only check the path first and write those bytes.

The settings make the output deterministic: a font shipped with matplotlib, text kept as text in
SVG, a fixed hash salt for the SVG ids, no date in the SVG metadata and no software tag in the PNG
— so the same input gives byte-identical files, whichever format is rendered first.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from weerbaar.errors import InvalidInput

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

FigureFormat = Literal["png", "svg"]
"""An image format a figure is rendered to: PNG for Word and PDF, SVG for HTML."""
FORMATS: tuple[FigureFormat, ...] = get_args(FigureFormat)
DPI = 150.0
FONT = "DejaVu Sans"
RC: dict[RcKeyType, Any] = {  # a font shipped with matplotlib; text kept as text in SVG
    "font.family": "sans-serif", "font.sans-serif": [FONT], "font.size": 9.0,
    "text.usetex": False, "svg.fonttype": "none", "svg.hashsalt": "weerbaar-risk-diagram",
}
_METADATA: Mapping[FigureFormat, dict[str, str | None]] = {
    "svg": {"Date": None}, "png": {"Software": None},
}


def figure_formats(formats: Iterable[str]) -> tuple[FigureFormat, ...]:
    """The formats asked for, checked and without repeats (in the order given)."""
    wanted: list[FigureFormat] = []
    for name in formats:
        fmt = next((f for f in FORMATS if f == name), None)
        if fmt is None:
            raise InvalidInput(f"cannot render a figure as {name!r}",
                               expected=" or ".join(FORMATS))
        if fmt not in wanted:
            wanted.append(fmt)
    if not wanted:
        raise InvalidInput("no figure format asked for", expected=" or ".join(FORMATS))
    return tuple(wanted)


def figure_target(path: Path | str) -> tuple[Path, FigureFormat]:
    """The file a figure goes to and its format (by suffix), checked before anything is drawn."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise InvalidInput(f"cannot write a risk diagram to {target}: unknown file type "
                           f"{suffix or '(none)'}", source=target, expected=".svg or .png")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: folder {target.parent} does not exist",
                           source=target, expected="an existing folder")
    return target, "svg" if suffix == ".svg" else "png"


@contextmanager
def new_figure(width: float, height: float) -> Iterator[Figure]:
    """A figure of ``width`` × ``height`` inches on the Agg canvas, under the fixed settings.

    Draw on it inside the ``with`` block (text takes its font there); a figure whose drawing
    fails is cleared before the error goes on.
    """
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height), dpi=DPI)
        FigureCanvasAgg(fig)
        try:
            yield fig
        except BaseException:
            fig.clear()
            raise


def render_figure(fig: Figure, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """The image bytes of ``fig`` per format, all rendered from this one figure; then cleared.

    The figure is not drawn again for a second format, only saved again: the layout measured
    while building it holds for every format.
    """
    try:
        wanted = figure_formats(formats)
        images: dict[str, bytes] = {}
        with matplotlib.rc_context(RC):
            for fmt in wanted:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
                images[fmt] = buffer.getvalue()
        return images
    finally:
        fig.clear()


def write_figure(fig: Figure, target: Path, fmt: FigureFormat) -> Path:
    """Write ``fig`` to ``target`` in ``fmt`` (see :func:`figure_target`) and clear it."""
    target.write_bytes(render_figure(fig, (fmt,))[fmt])
    return target


__all__ = ["DPI", "FONT", "FORMATS", "RC", "FigureFormat", "figure_formats", "figure_target",
           "new_figure", "render_figure", "write_figure"]
