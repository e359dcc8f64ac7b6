"""The threat-level history of a cycle (a versioned document); the scope of scenarios and
measures.

``threat_levels`` holds one versioned document per cycle (key ``dtn``): the national terrorism
threat level's history, shown beside the terrorism theme. Like reviews and measures, every
version is an immutable row in ``revisions`` and every write is audited.

The scope of a scenario or measure (European Netherlands, Caribbean Netherlands, Kingdom) is a
field of its JSON document, left out when none is stated, so it needs no column: documents
written before this migration read as "no scope stated" and stay byte for byte as they were.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12
"""

from __future__ import annotations

import importlib

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_0002 = importlib.import_module("weerbaar.store.migrations.versions.0002_reviews_measures")


def upgrade() -> None:
    _0002._versioned("threat_levels")


def downgrade() -> None:
    # the histories go (their revisions stay in ``revisions`` and the audit log, unread)
    op.drop_table("threat_levels")
