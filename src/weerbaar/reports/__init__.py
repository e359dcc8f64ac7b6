"""Reports: figures and documents made from assessment results (matplotlib's Agg backend only)."""

from weerbaar.reports.canvas import render_figure
from weerbaar.reports.diagram import (
    DiagramContent,
    DiagramLayout,
    build_risk_diagram,
    draw_risk_diagram,
    render_risk_diagram,
)

__all__ = ["DiagramContent", "DiagramLayout", "build_risk_diagram", "draw_risk_diagram",
           "render_figure", "render_risk_diagram"]
