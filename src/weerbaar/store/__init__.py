"""The cycle database: SQLite by default, PostgreSQL by URL; history that loses nothing.

The store holds repositories (reading and writing cycles, versioned documents, accounts, the
audit and read logs) and the migrations; the rules of the use cases live in
``weerbaar.services``. This is the only package that imports SQLAlchemy and Alembic.
"""

from weerbaar.errors import PendingMigrations
from weerbaar.store.core import Store, Tx, open_store
from weerbaar.store.cycles import cycle_workspace, get_cycle, import_workspace, list_cycles
from weerbaar.store.edits import add, get, history, restore, revision, revisions, save
from weerbaar.store.engine import default_database_path
from weerbaar.store.migrate import SchemaStatus, status, upgrade

__all__ = [
    "PendingMigrations",
    "SchemaStatus",
    "Store",
    "Tx",
    "add",
    "cycle_workspace",
    "default_database_path",
    "get",
    "get_cycle",
    "history",
    "import_workspace",
    "list_cycles",
    "open_store",
    "restore",
    "revision",
    "revisions",
    "save",
    "status",
    "upgrade",
]
