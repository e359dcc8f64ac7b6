"""The cycle database: SQLite by default, PostgreSQL by URL; history that loses nothing.

This is the only package that imports SQLAlchemy and Alembic.
"""

from weerbaar.store.compare import CycleComparison, ItemChange, compare_cycles, compare_with_parent
from weerbaar.store.core import Store, open_store
from weerbaar.store.cycles import (
    SyncReport,
    apply_workspace,
    clone_cycle,
    cycle_workspace,
    freeze_cycle,
    get_cycle,
    import_workspace,
    list_cycles,
)
from weerbaar.store.edits import add, diff, get, history, restore, save
from weerbaar.store.engine import default_database_path
from weerbaar.store.migrate import PendingMigrations, SchemaStatus, status, upgrade

__all__ = [
    "CycleComparison",
    "ItemChange",
    "PendingMigrations",
    "SchemaStatus",
    "Store",
    "SyncReport",
    "add",
    "apply_workspace",
    "clone_cycle",
    "compare_cycles",
    "compare_with_parent",
    "cycle_workspace",
    "default_database_path",
    "diff",
    "freeze_cycle",
    "get",
    "get_cycle",
    "history",
    "import_workspace",
    "list_cycles",
    "open_store",
    "restore",
    "save",
    "status",
    "upgrade",
]
