"""The cycle database: SQLite by default, PostgreSQL by URL; history that loses nothing.

This is the only package that imports SQLAlchemy and Alembic.
"""

from weerbaar.store.core import Store, open_store
from weerbaar.store.cycles import (
    CycleComparison,
    ScenarioChange,
    SyncReport,
    apply_workspace,
    clone_cycle,
    compare_with_parent,
    cycle_workspace,
    diff_revisions,
    freeze_cycle,
    get_cycle,
    get_scenario,
    import_workspace,
    list_cycles,
    restore_revision,
    scenario_history,
    update_scenario,
)
from weerbaar.store.engine import default_database_path
from weerbaar.store.migrate import PendingMigrations, SchemaStatus, status, upgrade

__all__ = [
    "CycleComparison",
    "PendingMigrations",
    "ScenarioChange",
    "SchemaStatus",
    "Store",
    "SyncReport",
    "apply_workspace",
    "clone_cycle",
    "compare_with_parent",
    "cycle_workspace",
    "default_database_path",
    "diff_revisions",
    "freeze_cycle",
    "get_cycle",
    "get_scenario",
    "import_workspace",
    "list_cycles",
    "open_store",
    "restore_revision",
    "scenario_history",
    "status",
    "update_scenario",
    "upgrade",
]
