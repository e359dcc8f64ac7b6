"""Classification markings and clearances; login throttling and session activity.

- ``settings``: store-wide settings as JSON by key (the classification scheme lives under
  ``classification``).
- ``grants.clearance``: the marking up to which a user may see a cycle's content (NULL: the
  scheme's default marking).
- ``web_sessions.last_seen_at`` / ``reauth_at``: idle expiry and re-authentication of admin
  actions.
- ``login_attempts``: failed and successful logins, for throttling.
- ``read_log`` / ``read_head``: the read log (reads of content marked at or above the scheme's
  ``audit_reads_from``), append-only and hash-chained like ``audit_log`` but a chain of its own,
  so reads do not disturb the change token that caches key on.

Markings of scenarios, scores, reviews, measures and signals travel inside their documents.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("key", name="uq_settings_key"),
    )
    with op.batch_alter_table("grants") as batch:
        batch.add_column(sa.Column("clearance", sa.String(40)))
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime()))
        batch.add_column(sa.Column("reauth_at", sa.DateTime()))
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("success", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_username", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_client", "login_attempts", ["client", "at"])
    op.create_table(
        "read_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("entity_type", sa.String(30), nullable=False),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("cycle_key", sa.String(100)),
        sa.Column("revision", sa.Integer),
        sa.Column("detail", sa.JSON),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("hash", name="uq_read_log_hash"),
    )
    op.create_table(
        "read_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.execute(sa.text("INSERT INTO read_head (id, last_hash, count) VALUES (1, :h, 0)")
               .bindparams(h="0" * 64))
    _append_only("read_log")


def _append_only(table: str) -> None:
    """Database-level guard: rows of ``table`` can be inserted, never updated or deleted."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{table} is append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS read_log_append_only ON read_log")
        op.execute("DROP FUNCTION IF EXISTS read_log_append_only()")
    op.drop_table("read_head")
    op.drop_table("read_log")
    op.drop_index("ix_login_attempts_client", table_name="login_attempts")
    op.drop_index("ix_login_attempts_username", table_name="login_attempts")
    op.drop_table("login_attempts")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("reauth_at")
        batch.drop_column("last_seen_at")
    with op.batch_alter_table("grants") as batch:
        batch.drop_column("clearance")
    op.drop_table("settings")
