"""Import and export through networkx (small graphs, interchange with other tools).

The cascade engine itself works on numpy/scipy arrays; networkx is only the bridge: write a
catalogue as a ``networkx.DiGraph`` (then GraphML, GEXF, … with networkx's writers) or read one
back. Node attributes carry the process fields, edge attributes the dependency fields.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from weerbaar.domain.vital import Dependency, VitalCatalogue, VitalProcess


def to_networkx(catalogue: VitalCatalogue) -> nx.DiGraph:
    """A directed graph supplier → dependent with the catalogue's fields as attributes.

    Conditional dependencies between the same pair keep only the last one (a DiGraph has one
    edge per pair); use :class:`~weerbaar.cascade.graph.CascadeGraph` for the full model.
    """
    g = nx.DiGraph(illustrative=catalogue.illustrative, source=catalogue.source or "")
    for p in catalogue.processes:
        g.add_node(p.id, **_flat(p.model_dump(mode="json", exclude={"id"})))
    for d in catalogue.dependencies:
        g.add_edge(d.supplier, d.dependent,
                   **_flat(d.model_dump(mode="json", exclude={"supplier", "dependent"})))
    return g


def from_networkx(g: nx.DiGraph) -> VitalCatalogue:
    """The catalogue of a graph written by :func:`to_networkx` (or with the same attributes)."""
    processes = [VitalProcess.model_validate({"id": str(node), **_nested(attrs)})
                 for node, attrs in g.nodes(data=True)]
    deps = [Dependency.model_validate({"supplier": str(u), "dependent": str(v), **_nested(attrs)})
            for u, v, attrs in g.edges(data=True)]
    return VitalCatalogue(processes=tuple(processes), dependencies=tuple(deps),
                          source=g.graph.get("source") or None)


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as ``a.b`` keys; lists as ``;``-joined text (GraphML-safe)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            if value:
                out.update(_flat(value, f"{name}."))
            elif key == "conditions":
                continue
        elif isinstance(value, list):
            out[name] = ";".join(str(v) for v in value)
        elif value is not None:
            out[name] = value
    return out


def _nested(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        parts = key.split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        if parts[-1] == "aspects" and isinstance(value, str):
            value = [v for v in value.split(";") if v]
        target[parts[-1]] = value
    return out


__all__ = ["from_networkx", "to_networkx"]
