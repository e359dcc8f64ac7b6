"""The database schema (SQLAlchemy Core). Migrations in ``migrations/versions`` create it.

Design (see docs/store.md):

- Current state lives in ordinary tables (cycles, themes, risk_categories, scenarios, scores) so
  it can be queried; every change to a scenario, its scores or a text also writes an immutable
  row to ``revisions`` holding the full snapshot, the actor, time and reason. History, diffs and
  restores work on those snapshots; the ``revision`` counter on the entity gives optimistic
  concurrency (an update names the revision it was made against).
- ``audit_log`` is append-only (database triggers refuse UPDATE and DELETE, and on PostgreSQL
  TRUNCATE) and hash-chained; each entry carries an HMAC with a key kept outside the database.
- Method profiles are stored whole, keyed by content hash, so every cycle knows the exact profile.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

method_profiles = Table(
    "method_profiles", metadata,
    Column("id", Integer, primary_key=True),
    Column("profile_id", String(100), nullable=False),
    Column("version", String(50), nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("document", JSON, nullable=False),
    Column("stored_at", DateTime(), nullable=False),
)

cycles = Table(
    "cycles", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("title", Text),
    Column("kind", String(30), nullable=False),
    Column("parent_id", Integer, ForeignKey("cycles.id", ondelete="RESTRICT")),
    Column("profile_pk", Integer, ForeignKey("method_profiles.id", ondelete="RESTRICT"),
           nullable=False),
    Column("period_start", String(10)),
    Column("period_end", String(10)),
    Column("language", String(2), nullable=False, default="nl"),
    Column("illustrative", Boolean, nullable=False, default=False),
    Column("note", Text),
    Column("status", String(10), nullable=False, default="draft"),
    Column("frozen_at", DateTime()),
    Column("frozen_by", String(100)),
    Column("created_at", DateTime(), nullable=False),
    Column("created_by", String(100), nullable=False),
    # the crosswalk a cycle was carried through from its parent's profile (migration 0012)
    Column("crosswalk", JSON),
)

themes = Table(
    "themes", metadata,
    Column("id", Integer, primary_key=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name_nl", Text),
    Column("name_en", Text),
    Column("colour", String(20)),
    Column("lead_ministry", Text),
    Column("partners", JSON),
    UniqueConstraint("cycle_id", "key"),
)

risk_categories = Table(
    "risk_categories", metadata,
    Column("id", Integer, primary_key=True),
    Column("theme_id", Integer, ForeignKey("themes.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name_nl", Text),
    Column("name_en", Text),
    UniqueConstraint("theme_id", "key"),
)

scenarios = Table(
    "scenarios", metadata,
    Column("id", Integer, primary_key=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False),
    Column("key", String(100), nullable=False),
    Column("position", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("removed", Boolean, nullable=False, default=False),
    Column("origin_id", Integer, ForeignKey("scenarios.id", ondelete="SET NULL")),
    Column("theme_key", String(100), nullable=False),
    Column("risk_category_key", String(100)),
    Column("type", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("narrative", Text),
    Column("document", JSON, nullable=False),
    Column("updated_at", DateTime(), nullable=False),
    Column("updated_by", String(100), nullable=False),
    UniqueConstraint("cycle_id", "key"),
)

scores = Table(
    "scores", metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenarios.id", ondelete="CASCADE"),
           nullable=False),
    Column("expert", String(100), nullable=False),  # "" for the agreed score
    Column("item", String(20), nullable=False),  # criterion id or "likelihood"
    Column("ev", Float, nullable=False),
    Column("ll", Float, nullable=False),
    Column("ul", Float, nullable=False),
    Column("reasoning", Text),
    UniqueConstraint("scenario_id", "expert", "item"),
)

revisions = Table(
    "revisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("entity_type", String(30), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("reason", Text),
    Column("created_at", DateTime(), nullable=False),
    UniqueConstraint("entity_type", "entity_id", "number"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(30), nullable=False),
    Column("entity_type", String(30), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("cycle_key", String(100)),
    Column("revision", Integer),
    Column("detail", JSON),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    # 0008: HMAC-SHA256 of the hash with the audit key kept outside the database (NULL for
    # the entries written before 0008; store/audit.py)
    Column("hmac", String(64)),
)

audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("last_hash", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    # 0008: entries 1..unsigned_count were written before 0008 (no HMAC); the id of the audit
    # key that signs the chain; the HMAC of the head (count, last hash, unsigned_count)
    Column("unsigned_count", Integer, nullable=False, server_default="0"),
    Column("key_id", String(16)),
    Column("hmac", String(64)),
)

# The read log (0005): reads of content marked at or above the scheme's ``audit_reads_from``.
# Same shape as the audit log, append-only, with a hash chain of its own.
read_log = Table(
    "read_log", metadata,
    *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable,
             unique=c.unique) for c in audit_log.columns),
)

read_head = Table(
    "read_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("last_hash", String(64), nullable=False),
    Column("count", Integer, nullable=False),
    Column("unsigned_count", Integer, nullable=False, server_default="0"),  # 0008, as above
    Column("key_id", String(16)),
    Column("hmac", String(64)),
)



def _versioned(name: str) -> Table:
    """A table of versioned documents (theme reviews, measures): current content + revision."""
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True),
        Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False),
        Column("key", String(100), nullable=False),
        Column("position", Integer, nullable=False),
        Column("revision", Integer, nullable=False),
        Column("removed", Boolean, nullable=False, default=False),
        Column("origin_id", Integer, ForeignKey(f"{name}.id", ondelete="SET NULL")),
        Column("document", JSON, nullable=False),
        Column("updated_at", DateTime(), nullable=False),
        Column("updated_by", String(100), nullable=False),
        UniqueConstraint("cycle_id", "key"),
    )


reviews = _versioned("reviews")
measures = _versioned("measures")
signals = _versioned("signals")  # horizon-scan signals (migration 0003)
processes = _versioned("processes")  # vital processes and assets (migration 0003)
dependencies = _versioned("dependencies")  # dependencies between processes (migration 0003)
threat_levels = _versioned("threat_levels")  # a cycle's threat-level history (migration 0010)
strategy_texts = _versioned("strategy_texts")  # introduction, conclusion, instruments (0011)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", Text),
    Column("password_hash", Text, nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(), nullable=False),
    # two-factor login (0009): the TOTP secret in force (base32; NULL: not enrolled), one being
    # set up and not yet confirmed, when it was enrolled, the last time step accepted (a code
    # is used once), the argon2 hashes of the unused recovery codes, and the pending second
    # step of a login (SHA-256 of its token, and until when it may be completed)
    Column("totp_secret", Text),
    Column("totp_pending", Text),
    Column("totp_enrolled_at", DateTime()),
    Column("totp_last_step", Integer),
    Column("recovery_codes", JSON),
    Column("login_challenge", String(64)),
    Column("login_challenge_until", DateTime()),
)
# user names are unique regardless of case (migration 0006)
Index("uq_users_username_lower", func.lower(users.c.username), unique=True)

grants = Table(
    "grants", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("cycle_key", String(100), nullable=False),  # "*" grants the role on every cycle
    Column("role", String(20), nullable=False),
    Column("clearance", String(40)),  # NULL: the classification scheme's default (0005)
    UniqueConstraint("user_id", "cycle_key"),
)

web_sessions = Table(
    "web_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(), nullable=False),
    Column("expires_at", DateTime(), nullable=False),
    Column("last_seen_at", DateTime()),  # idle expiry (0005)
    Column("reauth_at", DateTime()),  # last password confirmation, for admin actions (0005)
)

login_attempts = Table(
    "login_attempts", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(), nullable=False),
    Column("username", String(100), nullable=False),
    Column("client", String(100), nullable=False),
    Column("success", Boolean, nullable=False),
)
Index("ix_login_attempts_username", login_attempts.c.username, login_attempts.c.at)
Index("ix_login_attempts_client", login_attempts.c.client, login_attempts.c.at)

settings = Table(
    "settings", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(100), nullable=False, unique=True),
    Column("value", JSON, nullable=False),
    Column("updated_at", DateTime(), nullable=False),
    Column("updated_by", String(100), nullable=False),
)

expert_sessions = Table(
    "expert_sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("cycle_id", Integer, ForeignKey("cycles.id", ondelete="CASCADE"), nullable=False),
    Column("scenario_key", String(100), nullable=False),
    Column("facilitator", String(100), nullable=False),
    Column("status", String(10), nullable=False),  # open, closed, cancelled
    Column("experts", JSON, nullable=False),  # usernames invited
    Column("created_at", DateTime(), nullable=False),
    Column("closed_at", DateTime()),
    Column("agreed_revision", Integer),
)

expert_submissions = Table(
    "expert_submissions", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("expert_sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("expert", String(100), nullable=False),
    Column("document", JSON, nullable=False),  # the expert's ExpertScore
    Column("submitted_at", DateTime(), nullable=False),
    UniqueConstraint("session_id", "expert"),
)

expert_drafts = Table(  # an expert's form as typed, not yet (re)submitted (migration 0007)
    "expert_drafts", metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", Integer, ForeignKey("expert_sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("expert", String(100), nullable=False),
    Column("fields", JSON, nullable=False),  # form field name: text as typed
    Column("saved_at", DateTime(), nullable=False),
    UniqueConstraint("session_id", "expert"),
)

# Written in dependency order; backups and restores follow this order. Login sessions and login
# attempts are not backed up (short-lived secrets and throttling state).
TABLES = (settings, method_profiles, cycles, themes, risk_categories, scenarios, scores, reviews,
          measures, threat_levels, strategy_texts,
          signals, processes, dependencies, users, grants, expert_sessions, expert_submissions,
          expert_drafts, revisions, audit_log, audit_head, read_log, read_head)
