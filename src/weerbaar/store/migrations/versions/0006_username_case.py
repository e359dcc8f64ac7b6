"""User names are unique regardless of case: ``ANN`` cannot be added when ``ann`` exists.

- ``uq_users_username_lower``: a unique index on ``lower(username)`` (SQLite and PostgreSQL both
  index expressions). User names are ASCII (letters, digits, ``._-@``), so both databases'
  ``lower()`` agree.

A database that already holds two user names differing only in case cannot take the index: the
upgrade stops before changing anything and names them, so an administrator can rename or remove
one of each pair (e.g. on the previous version) and upgrade again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from weerbaar.errors import Conflict

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEX = "uq_users_username_lower"


def upgrade() -> None:
    rows = op.get_bind().execute(sa.text(
        "SELECT username FROM users WHERE lower(username) IN ("
        "SELECT lower(username) FROM users GROUP BY lower(username) HAVING count(*) > 1) "
        "ORDER BY lower(username), username")).scalars().all()
    if rows:
        groups: dict[str, list[str]] = {}
        for name in rows:
            groups.setdefault(name.lower(), []).append(name)
        listed = "; ".join(" and ".join(repr(n) for n in names) for names in groups.values())
        raise Conflict(
            "cannot make user names unique regardless of case: the database holds user names "
            f"that differ only in case ({listed}); rename or remove all but one of each "
            "(nothing was changed), then run `weerbaar db upgrade` again")
    op.create_index(INDEX, "users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="users")
