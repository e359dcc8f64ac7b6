"""The national terrorism threat level beside its theme, and the scope column of scenario tables.

The threat level (DTN 1–5) is shown in the chapter of the theme its history names (the terrorism
theme): the current level, its history as the sources give it (a date, or the source's period;
"unknown" when the source gives neither), and a note that it is an indicator, not a
probability. Scenario tables get a scope column only when some scenario states a scope.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from weerbaar.domain import Theme
from weerbaar.i18n.names import scope_name, threat_level_text
from weerbaar.reports.context import Context
from weerbaar.reports.model import Align, Block, Cell, Paragraph, Table

T = TypeVar("T")


def threat_level_blocks(ctx: Context, theme: Theme) -> list[Block]:
    """The threat level and its history, when the cycle keeps one beside ``theme``."""
    _ = ctx.t
    history = ctx.data.workspace.threat_level
    if history is None or history.theme != theme.id or history.current is None:
        return []
    current = history.current
    rows = tuple((threat_level_text(ctx.t, e.level),
                  e.date.isoformat() if e.date else (e.period or _("unknown")),
                  e.source or "") for e in history.entries)
    return [
        Paragraph(threat_level_text(ctx.t, current.level),
                  label=_("National terrorism threat level:")),
        Table(key="threat-level", caption=ctx.table_caption(_("History of the threat level")),
              header=(_("Level"), _("Since"), _("Source")), rows=rows, widths=(1.6, 2.4, 6.0)),
        Paragraph(_("The threat level is an indicator, not a probability: it does not enter "
                    "the likelihood."), kind="note"),
    ]


def with_scope(ctx: Context, table: Table, after: int) -> Table:
    """``table`` (rows keyed by scenario id) with a scope column after column ``after``, when
    some scenario of the report states a scope; else ``table`` as it is."""
    scopes = {s.id: s.scope for s in ctx.data.workspace.scenarios}
    if not any(scopes.values()) or not table.row_keys:
        return table
    at = after + 1

    def put(values: tuple[T, ...], value: T) -> tuple[T, ...]:
        return (*values[:at], value, *values[at:]) if len(values) >= at else values

    cell: dict[str, Cell] = {key: scope_name(ctx.t, scope) if scope else "—"
                             for key, scope in scopes.items()}
    rows = tuple(put(row, cell.get(key, "—"))
                 for row, key in zip(table.rows, table.row_keys, strict=True))
    left: Align = "left"
    return replace(table, header=put(table.header, ctx.t("Scope")), rows=rows,
                   align=put(table.align, left), widths=put(table.widths, 1.4))


__all__ = ["threat_level_blocks", "with_scope"]
