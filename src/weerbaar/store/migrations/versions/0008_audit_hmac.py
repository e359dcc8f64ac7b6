"""Signed audit chains; heads and logs guarded against TRUNCATE and rewinding.

- ``audit_log.hmac``, ``read_log.hmac``: HMAC-SHA256 of the entry's hash with the audit key, a
  secret kept outside the database (``weerbaar.store.audit``). Entries written before this
  migration keep ``NULL``.
- ``audit_head`` / ``read_head``: ``unsigned_count`` (the entries written before this migration:
  the current count), ``key_id`` (which key signs the chain) and ``hmac`` (of count, last hash
  and ``unsigned_count``). The migration needs the audit key to sign the heads: it uses the key
  of the environment (``WEERBAAR_AUDIT_KEY`` / ``WEERBAAR_AUDIT_KEY_FILE``) and creates the key
  file when there is none.
- Triggers: the head rows cannot be deleted, and once a chain has entries its head only moves
  forward (no smaller count, no other hash at the same count, no other ``unsigned_count`` or
  key). On PostgreSQL ``BEFORE TRUNCATE`` triggers refuse TRUNCATE of ``audit_log``,
  ``read_log``, ``revisions`` and both heads (row triggers do not fire on TRUNCATE). SQLite has
  no TRUNCATE: its ``DELETE`` without ``WHERE`` fires the existing row triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LOGS = ("audit_log", "read_log")
HEADS = ("audit_head", "read_head")
NO_TRUNCATE = ("audit_log", "read_log", "revisions", "audit_head", "read_head")

# what an UPDATE of a head may not do: move back, or change the hash at the same count; once
# the chain has entries, change its count of unsigned entries or its key (a restore fills the
# head of an empty chain with the backup's)
_BACKWARDS = ("NEW.id <> OLD.id OR NEW.count < OLD.count "
              "OR (NEW.count = OLD.count AND NEW.last_hash <> OLD.last_hash) "
              "OR (OLD.count > 0 AND (NEW.unsigned_count <> OLD.unsigned_count "
              "OR NEW.key_id IS DISTINCT FROM OLD.key_id))")


def upgrade() -> None:
    from weerbaar.store.audit import CHAINS, ensure_key, head_mac

    for table in LOGS:
        op.add_column(table, sa.Column("hmac", sa.String(64)))
    for table in HEADS:
        op.add_column(table, sa.Column("unsigned_count", sa.Integer, nullable=False,
                                       server_default="0"))
        op.add_column(table, sa.Column("key_id", sa.String(16)))
        op.add_column(table, sa.Column("hmac", sa.String(64)))

    key, _created = ensure_key()
    conn = op.get_bind()
    for chain in CHAINS:
        head = chain.head.name
        row = conn.execute(sa.text(f"SELECT count, last_hash FROM {head} WHERE id = 1")).first()
        if row is None:
            continue
        count, last_hash = int(row[0]), str(row[1])
        conn.execute(sa.text(f"UPDATE {head} SET unsigned_count = :n, key_id = :k, hmac = :m "
                             "WHERE id = 1").bindparams(
            n=count, k=key.id, m=head_mac(key, chain, count, last_hash, count)))

    dialect = conn.dialect.name
    if dialect == "sqlite":
        for table in HEADS:
            op.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: its row cannot "
                       "be deleted'); END")
            op.execute(f"CREATE TRIGGER {table}_forward_only BEFORE UPDATE ON {table} "
                       f"WHEN {_BACKWARDS.replace('IS DISTINCT FROM', 'IS NOT')} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: the head only "
                       "moves forward'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION audit_no_truncate() RETURNS trigger AS $$ BEGIN "
                   "RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME; "
                   "END $$ LANGUAGE plpgsql")
        for table in NO_TRUNCATE:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_no_truncate()")
        op.execute(
            "CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'DELETE' THEN "
            "RAISE EXCEPTION '% is append-only: its row cannot be deleted', TG_TABLE_NAME; "
            f"END IF; IF {_BACKWARDS} THEN "
            "RAISE EXCEPTION '% is append-only: the head only moves forward', TG_TABLE_NAME; "
            "END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
        for table in HEADS:
            op.execute(f"CREATE TRIGGER {table}_forward_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in HEADS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_forward_only")
    elif dialect == "postgresql":
        for table in HEADS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_forward_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_head_forward_only()")
        for table in NO_TRUNCATE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_no_truncate()")
    for table in HEADS:
        op.drop_column(table, "hmac")
        op.drop_column(table, "key_id")
        op.drop_column(table, "unsigned_count")
    for table in LOGS:
        op.drop_column(table, "hmac")
