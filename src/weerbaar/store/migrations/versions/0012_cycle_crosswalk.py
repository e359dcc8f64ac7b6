"""The crosswalk a cycle was carried through from its parent's method profile.

``cycles.crosswalk`` (JSON, NULL for every cycle not carried across profiles) records the
crosswalk used by ``weerbaar cycle clone SRC --key NEW --profile P``: its id, the two profile ids
and its content hash, so the cycle names the exact mapping its scores came through. Cycles
written before this migration read as not carried; nothing else changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cycles", sa.Column("crosswalk", sa.JSON()))  # nullable: a plain ALTER TABLE


def downgrade() -> None:
    # the record goes; the carried cycles stay (the audit log keeps the crosswalk of each)
    op.drop_column("cycles", "crosswalk")
