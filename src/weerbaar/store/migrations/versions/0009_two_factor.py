"""Two-factor login (TOTP, RFC 6238) with recovery codes.

Columns of ``users``, all NULL for an account without two-factor login:

- ``totp_secret``: the TOTP secret in force (base32), shown to its user once, at enrolment;
- ``totp_pending``: a secret being set up, not yet confirmed with a code;
- ``totp_enrolled_at``: when the secret in force was confirmed;
- ``totp_last_step``: the last 30-second time step whose code was accepted (each code counts
  once);
- ``recovery_codes``: the argon2 hashes of the unused recovery codes (JSON list);
- ``login_challenge`` / ``login_challenge_until``: the SHA-256 of the token of a login whose
  password was right and whose second factor is still asked for, and until when.

The requirement (who must have two-factor login) is a store setting under the key
``two_factor`` (no row: the default), so it needs no column.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("totp_secret", sa.Text()), ("totp_pending", sa.Text()),
           ("totp_enrolled_at", sa.DateTime()), ("totp_last_step", sa.Integer()),
           ("recovery_codes", sa.JSON()), ("login_challenge", sa.String(64)),
           ("login_challenge_until", sa.DateTime()))


def upgrade() -> None:
    for name, kind in COLUMNS:  # nullable columns: a plain ALTER TABLE on both databases
        op.add_column("users", sa.Column(name, kind))


def downgrade() -> None:
    # the accounts go back to passwords only; the requirement setting is left (ignored). A
    # plain DROP COLUMN (SQLite 3.35 or later): copying the table, as a batch would, loses the
    # index on lower(username)
    for name, _ in reversed(COLUMNS):
        op.drop_column("users", name)
