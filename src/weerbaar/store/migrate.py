"""Schema migrations with Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from weerbaar.errors import PendingMigrations, WeerbaarError


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
    audit_key: str = ""
    """After :func:`upgrade`: the audit key the chains are signed with (made by migration 0008
    when there was none), or what is wrong with it."""

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
    """Run the pending migrations up to ``target`` (default: all of them). Migration 0008
    creates the audit key file when there is no audit key (``weerbaar.store.audit``)."""
    had_key = _audit_key() is not None
    command.upgrade(_config(engine), target)
    return replace(status(engine), audit_key=_describe_key(engine, had_key))


def _audit_key() -> object | None:
    from weerbaar.store.audit import load_key

    try:
        return load_key()
    except WeerbaarError:
        return None


def _describe_key(engine: Engine, had_key: bool) -> str:
    from weerbaar.store.audit import key_file, load_key, missing_key_text

    try:
        key = load_key()
    except WeerbaarError as exc:
        return f"the audit key cannot be used: {exc}"
    if key is None:
        return missing_key_text()
    try:
        with engine.connect() as conn:
            signed_with = conn.execute(text("SELECT key_id FROM audit_head WHERE id = 1")).scalar()
    except SQLAlchemyError:  # a schema before 0008
        signed_with = None
    if signed_with is not None and signed_with != key.id:
        return (f"the audit key in use ({key.source}) is {key.id}, but this database's audit "
                f"log is signed with {signed_with}: nothing can be written until that key is "
                "in place")
    if not had_key:
        return (f"created the audit key {key.id} in {key_file()}: keep a copy away from the "
                "database (docs/security.md)")
    return f"audit key {key.id} ({key.source})"


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
