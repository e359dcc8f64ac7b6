"""Reports: figures and documents made from assessment results (matplotlib's Agg backend only)."""

from weerbaar.reports.diagram import DiagramLayout, draw_risk_diagram

__all__ = ["DiagramLayout", "draw_risk_diagram"]
