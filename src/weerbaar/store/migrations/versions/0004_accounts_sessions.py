"""Accounts, per-cycle role grants, login sessions, and expert scoring sessions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("display_name", sa.Text),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_grants_user_id_users"),
                  nullable=False),
        sa.Column("cycle_key", sa.String(100), nullable=False),  # "*" = every cycle
        sa.Column("role", sa.String(20), nullable=False),
        sa.UniqueConstraint("user_id", "cycle_key", name="uq_grants_user_id"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer,
                  sa.ForeignKey("users.id", ondelete="CASCADE",
                                name="fk_web_sessions_user_id_users"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_table(
        "expert_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="CASCADE",
                                name="fk_expert_sessions_cycle_id_cycles"), nullable=False),
        sa.Column("scenario_key", sa.String(100), nullable=False),
        sa.Column("facilitator", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("experts", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime()),
        sa.Column("agreed_revision", sa.Integer),
    )
    op.create_table(
        "expert_submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer,
                  sa.ForeignKey("expert_sessions.id", ondelete="CASCADE",
                                name="fk_expert_submissions_session_id_expert_sessions"),
                  nullable=False),
        sa.Column("expert", sa.String(100), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("session_id", "expert", name="uq_expert_submissions_session_id"),
    )


def downgrade() -> None:
    for table in ("expert_submissions", "expert_sessions", "web_sessions", "grants", "users"):
        op.drop_table(table)
