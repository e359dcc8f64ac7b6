"""Horizon-scan signals, vital processes and their dependencies (versioned documents).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_0002 = importlib.import_module("weerbaar.store.migrations.versions.0002_reviews_measures")


def upgrade() -> None:
    for name in ("signals", "processes", "dependencies"):
        _0002._versioned(name)


def downgrade() -> None:
    for name in ("dependencies", "processes", "signals"):
        op.drop_table(name)
