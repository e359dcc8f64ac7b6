"""Initial schema: profiles, cycles, themes, risk categories, scenarios, scores, revisions, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "method_profiles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("profile_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(50), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("stored_at", TZ, nullable=False),
        sa.UniqueConstraint("content_hash", name="uq_method_profiles_content_hash"),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("parent_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="RESTRICT",
                                name="fk_cycles_parent_id_cycles")),
        sa.Column("profile_pk", sa.Integer,
                  sa.ForeignKey("method_profiles.id", ondelete="RESTRICT",
                                name="fk_cycles_profile_pk_method_profiles"), nullable=False),
        sa.Column("period_start", sa.String(10)),
        sa.Column("period_end", sa.String(10)),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("illustrative", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("frozen_at", TZ),
        sa.Column("frozen_by", sa.String(100)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("key", name="uq_cycles_key"),
    )
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="CASCADE", name="fk_themes_cycle_id_cycles"),
                  nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("name_nl", sa.Text),
        sa.Column("name_en", sa.Text),
        sa.Column("colour", sa.String(20)),
        sa.UniqueConstraint("cycle_id", "key", name="uq_themes_cycle_id"),
    )
    op.create_table(
        "risk_categories",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("theme_id", sa.Integer,
                  sa.ForeignKey("themes.id", ondelete="CASCADE",
                                name="fk_risk_categories_theme_id_themes"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name_nl", sa.Text),
        sa.Column("name_en", sa.Text),
        sa.UniqueConstraint("theme_id", "key", name="uq_risk_categories_theme_id"),
    )
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("cycle_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="CASCADE",
                                name="fk_scenarios_cycle_id_cycles"), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("origin_id", sa.Integer,
                  sa.ForeignKey("scenarios.id", ondelete="SET NULL",
                                name="fk_scenarios_origin_id_scenarios")),
        sa.Column("theme_key", sa.String(100), nullable=False),
        sa.Column("risk_category_key", sa.String(100)),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("narrative", sa.Text),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("cycle_id", "key", name="uq_scenarios_cycle_id"),
    )
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Integer,
                  sa.ForeignKey("scenarios.id", ondelete="CASCADE",
                                name="fk_scores_scenario_id_scenarios"), nullable=False),
        sa.Column("expert", sa.String(100), nullable=False),
        sa.Column("item", sa.String(20), nullable=False),
        sa.Column("ev", sa.Float, nullable=False),
        sa.Column("ll", sa.Float, nullable=False),
        sa.Column("ul", sa.Float, nullable=False),
        sa.Column("reasoning", sa.Text),
        sa.UniqueConstraint("scenario_id", "expert", "item", name="uq_scores_scenario_id"),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity_type", sa.String(30), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=False),
        sa.Column("cycle_id", sa.Integer,
                  sa.ForeignKey("cycles.id", ondelete="CASCADE",
                                name="fk_revisions_cycle_id_cycles"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("entity_type", "entity_id", "number", name="uq_revisions_entity_type"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("entity_type", sa.String(30), nullable=False),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("cycle_key", sa.String(100)),
        sa.Column("revision", sa.Integer),
        sa.Column("detail", sa.JSON),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_revisions_entity", "revisions", ["entity_type", "entity_id"])
    op.create_index("ix_scenarios_origin", "scenarios", ["origin_id"])
    op.execute(sa.text("INSERT INTO audit_head (id, last_hash, count) VALUES (1, :h, 0)")
               .bindparams(h="0" * 64))
    _append_only("audit_log")
    _append_only("revisions")


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
    dialect = op.get_bind().dialect.name
    for table in ("audit_log", "revisions"):
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in ("audit_head", "audit_log", "revisions", "scores", "scenarios",
                  "risk_categories", "themes", "cycles", "method_profiles"):
        op.drop_table(table)
