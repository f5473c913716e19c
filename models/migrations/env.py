"""Alembic environment for the IVR database: all models registered via models.all; engine from models.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection, Engine

from models.all import metadata
from models.base import make_engine

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: later migrations use batch mode there
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given: Engine | None = config.attributes.get("engine")
    owned = given is None
    if given is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("no database for migrations: use models.migrate.upgrade_to_head(settings)")
        engine = make_engine(url)
    else:
        engine = given
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
