"""Theme lead ministry and partners; theme reviews and measures (versioned documents).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _versioned(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="CASCADE",
                                name=f"fk_{name}_cycle_id_cycles"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("origin_id", sa.Integer,
                  sa.ForeignKey(f"{name}.id", ondelete="SET NULL",
                                name=f"fk_{name}_origin_id_{name}")),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("cycle_id", "key", name=f"uq_{name}_cycle_id"),
    )


def upgrade() -> None:
    with op.batch_alter_table("themes") as batch:
        batch.add_column(sa.Column("lead_ministry", sa.Text))
        batch.add_column(sa.Column("partners", sa.JSON))
    _versioned("reviews")
    _versioned("measures")


def downgrade() -> None:
    op.drop_table("measures")
    op.drop_table("reviews")
    with op.batch_alter_table("themes") as batch:
        batch.drop_column("partners")
        batch.drop_column("lead_ministry")
