"""Run the IVR's Alembic migrations from Settings (packaged with models/, independent of the working directory)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from models.base import make_engine
from models.config import HasDatabase

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """A programmatic Alembic config; env.py uses the engine passed in `attributes` (no alembic.ini, no cwd)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def ensure_sqlite_dir(url: str) -> None:
    """SQLite creates the file but not its folder; make `var/` on first start."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        Path(url[len(prefix):]).expanduser().parent.mkdir(parents=True, exist_ok=True)


def engine_for(settings: HasDatabase) -> Engine:
    ensure_sqlite_dir(settings.database.url)
    return make_engine(settings.database.url, echo=settings.database.echo)


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade_engine(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def upgrade_to_head(settings: HasDatabase) -> None:
    """Bring the IVR database to the newest revision (idempotent; used by `ivr db upgrade`, the stack, tests)."""
    engine = engine_for(settings)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())
