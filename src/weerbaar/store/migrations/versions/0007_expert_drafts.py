"""Experts' drafts in expert sessions; sessions can be cancelled.

- ``expert_drafts``: per session and expert, the expert form's fields exactly as typed (JSON of
  field name to text), saved with "Save draft" and not resolved; one row per (session, expert).
- ``expert_sessions.status`` may now also be ``cancelled`` (the column is text already: no
  change to it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expert_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer,
                  sa.ForeignKey("expert_sessions.id", ondelete="CASCADE",
                                name="fk_expert_drafts_session_id_expert_sessions"),
                  nullable=False),
        sa.Column("expert", sa.String(100), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "expert", name="uq_expert_drafts_session_id"),
    )


def downgrade() -> None:
    # a cancelled session has no meaning before this revision: it ends as closed (its
    # agreed_revision stays NULL, so nothing was written to the scenario)
    op.execute(sa.text("UPDATE expert_sessions SET status = 'closed' WHERE status = 'cancelled'"))
    op.drop_table("expert_drafts")
