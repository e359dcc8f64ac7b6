"""The self-contained HTML report: one file with its styles, script, figures and logo inline.

It opens from disk with no network: no external stylesheet, script, font or image; the logo is a
``data:`` URI, figures are inline SVG, and the risk diagram is interactive (tooltips, highlighting)
through the template's ``diagram.js``. The page is rendered from the template folder's
``report.html.j2`` with Jinja2 (autoescaped; the template marks the stylesheet, the script and
the figures' SVG ``| safe``).
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from weerbaar.reports.html_diagram import render_diagram
from weerbaar.reports.model import (
    BulletList,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    ReportDocument,
    Table,
)
from weerbaar.reports.style import HouseStyle, default_template_dir

TEMPLATE = "report.html.j2"


def _block(block: object) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"type": "heading", "level": block.level, "text": block.label,
                "anchor": block.anchor}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text, "label": block.label,
                "kind": block.kind}
    if isinstance(block, BulletList):
        return {"type": "list", "entries": block.items}
    if isinstance(block, Table):
        rows = [{"cells": ["" if c is None else c for c in row],
                 "key": block.row_keys[i] if i < len(block.row_keys) else None,
                 "flagged": i in block.flagged} for i, row in enumerate(block.rows)]
        return {"type": "table", "key": block.key, "caption": block.caption,
                "header": block.header, "rows": rows,
                "align": [block.alignment(c) for c in range(len(block.header))]}
    if isinstance(block, Figure):
        if block.interactive is not None:
            svg = render_diagram(block.interactive, key=f"svg-{block.key}",
                                 description=block.caption)
        else:
            svg = block.svg or (f'<img alt="" src="data:image/png;base64,'
                                f'{base64.b64encode(block.png).decode()}">')
        legend = block.interactive.legend if block.interactive is not None else ()
        return {"type": "figure", "key": block.key, "caption": block.caption,
                "svg": svg, "legend": legend,
                "labels": block.interactive.labels if block.interactive else {}}
    if isinstance(block, PageBreak):
        return {"type": "pagebreak"}
    raise TypeError(f"unknown block {type(block).__name__}")


def render_html(document: ReportDocument, style: HouseStyle) -> str:
    """The HTML page of ``document`` in ``style``."""
    env = Environment(loader=FileSystemLoader([str(style.folder), str(default_template_dir())]),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
    logo = style.logo_bytes()
    mime = "image/jpeg" if (style.logo or "").lower().endswith((".jpg", ".jpeg")) else "image/png"
    template = env.get_template(TEMPLATE)
    toc = [{"level": h.level, "text": h.label, "anchor": h.anchor}
           for h in document.headings() if h.level <= 2]
    return template.render(
        doc=document, cover=document.cover, labels=document.labels, toc=toc,
        blocks=[_block(b) for b in document.blocks], colours=style.colours, fonts=style.fonts,
        css=style.file("style.css").read_text(encoding="utf-8"),
        script=style.file("diagram.js").read_text(encoding="utf-8"),
        logo=f"data:{mime};base64,{base64.b64encode(logo).decode()}" if logo else None)


def write_html(document: ReportDocument, style: HouseStyle, path: Path) -> Path:
    path.write_text(render_html(document, style), encoding="utf-8")
    return path


__all__ = ["render_html", "write_html"]
