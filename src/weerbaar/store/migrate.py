"""Schema migrations with Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from weerbaar.errors import PendingMigrations


def _config(engine: Engine) -> Config:
    cfg = Config()
    location = Path(str(resources.files("weerbaar.store") / "migrations"))
    cfg.set_main_option("script_location", str(location))
    cfg.attributes["engine"] = engine
    return cfg


@dataclass(frozen=True)
class SchemaStatus:
    url: str
    current: str | None
    head: str
    pending: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def status(engine: Engine) -> SchemaStatus:
    """Which migration the database is at, and which are still to run."""
    script = ScriptDirectory.from_config(_config(engine))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = script.get_current_head()
    assert head is not None
    pending = tuple(
        rev.revision for rev in script.iterate_revisions(head, current or "base")
    )
    return SchemaStatus(url=engine.url.render_as_string(hide_password=True), current=current,
                        head=head, pending=tuple(reversed(pending)))


def upgrade(engine: Engine, target: str = "head") -> SchemaStatus:
    """Run the pending migrations up to ``target`` (default: all of them)."""
    command.upgrade(_config(engine), target)
    return status(engine)


def require_current(engine: Engine, db_option: str | None = None) -> None:
    """Refuse to work on a database with pending migrations, naming the command that fixes it."""
    state = status(engine)
    if not state.up_to_date:
        where = f" --db {db_option}" if db_option else ""
        at = state.current or "an empty schema"
        raise PendingMigrations(
            f"the database {state.url} is at {at} and has {len(state.pending)} pending "
            f"migration(s); run `weerbaar db upgrade{where}` first"
        )
