"""The database as a whole: open it, its schema and migrations, backups.

:func:`open_database` gives the unit of work every use case takes (a
:class:`~weerbaar.store.Store`: SQLite by default, PostgreSQL by URL). Migrating, backing up and
restoring are the system operator's (or an administrator's) use cases.
"""

from __future__ import annotations

from pathlib import Path

from weerbaar.domain import Role
from weerbaar.services.registry import use_case
from weerbaar.services.viewer import Viewer
from weerbaar.store import SchemaStatus, Store, open_store, status, upgrade
from weerbaar.store import backup as backups
from weerbaar.store.engine import default_database_path


def open_database(target: str | None = None, *, check_schema: bool = True) -> Store:
    """Open the database at ``target`` (a path or URL; default: the user's SQLite file).

    With ``check_schema`` a database with pending migrations is refused
    (:class:`~weerbaar.errors.PendingMigrations`)."""
    return open_store(target, check_schema=check_schema)


def database_location() -> Path:
    """The default SQLite file."""
    return default_database_path()


@use_case
def schema_status(store: Store, viewer: Viewer) -> SchemaStatus:
    """Which migration the database is at, and which are still to run."""
    viewer.require(Role.ADMIN, None)
    return status(store.engine)


@use_case
def upgrade_schema(store: Store, viewer: Viewer) -> SchemaStatus:
    """Run the pending migrations."""
    viewer.require(Role.ADMIN, None)
    return upgrade(store.engine)


@use_case
def backup_database(store: Store, viewer: Viewer, path: Path) -> dict[str, int]:
    """Write every table (history, audit and read logs included) to a new gzip file; rows per
    table."""
    viewer.require(Role.ADMIN, None)
    return backups.backup(store, path)


@use_case
def restore_database(store: Store, viewer: Viewer, path: Path) -> dict[str, int]:
    """Restore a backup into this empty, upgraded database; rows per table."""
    viewer.require(Role.ADMIN, None)
    return backups.restore(store, path)


__all__ = ["SchemaStatus", "Store", "backup_database", "database_location", "open_database",
           "restore_database", "schema_status", "upgrade_schema"]
