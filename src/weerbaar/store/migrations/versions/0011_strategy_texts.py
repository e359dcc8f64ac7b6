"""The strategy text of a cycle: the document's introduction, conclusion and generic instruments.

``strategy_texts`` holds one versioned document per cycle (key ``strategy-text``): what a
strategy document (the midterm review) says outside its theme reviews, word for word. Like
reviews and measures, every version is an immutable row in ``revisions`` and every write is
audited. Cycles written before this migration have none; nothing else changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-13
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_0002 = importlib.import_module("weerbaar.store.migrations.versions.0002_reviews_measures")


def upgrade() -> None:
    _0002._versioned("strategy_texts")


def downgrade() -> None:
    # the texts go (their revisions stay in ``revisions`` and the audit log, unread)
    op.drop_table("strategy_texts")
