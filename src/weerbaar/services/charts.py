"""Chart formats: the use cases draw charts in memory and return their bytes; the faces decide
where they go (a file the user named, an inline image on a page)."""

from __future__ import annotations

from pathlib import PurePath

from weerbaar.errors import InvalidInput

FIGURE_FORMATS = ("svg", "png")


def figure_format(value: str, location: str = "format") -> str:
    """``svg`` or ``png``: the format asked for, or the suffix of a file name."""
    suffix = PurePath(value).suffix.lower().lstrip(".") if "." in value else value.lower()
    if suffix not in FIGURE_FORMATS:
        raise InvalidInput(f"a chart can be drawn as {' or '.join(FIGURE_FORMATS)}, not "
                           f"{suffix or value!r}", location=[location],
                           expected="a file name ending in .svg or .png")
    return suffix


__all__ = ["FIGURE_FORMATS", "figure_format"]
