"""Alembic environment for the IVR database: all models registered via models.all; engine from models.migrate.

Every upgrade (or downgrade) runs in ONE transaction on both backends, so a failure half-way — a full disk, a
crash — leaves the revision the database had before, never half-created tables ("table outbox already exists" on
every later start). PostgreSQL has transactional DDL natively; on SQLite, pysqlite normally commits each CREATE
by itself (it only opens transactions before INSERT/UPDATE/DELETE), so the connection is switched to explicit
transactions for the migration and opened with BEGIN IMMEDIATE (which also serialises two processes migrating at
the same time: the second one waits, then finds the work done).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
        # one transaction around all pending revisions, DDL included (SQLite too: see _sqlite_transaction)
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def _sqlite_transaction(connection: Connection) -> Iterator[None]:
    """Make pysqlite leave transaction control to us for this connection (isolation_level=None), open one
    transaction for the whole migration, and restore the driver's behaviour before the connection goes back to
    the pool."""
    raw = connection.connection.driver_connection
    saved = raw.isolation_level  # type: ignore[union-attr]
    raw.isolation_level = None  # type: ignore[union-attr]
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield
    finally:
        if raw.in_transaction:  # type: ignore[union-attr]
            raw.rollback()  # type: ignore[union-attr]
        raw.isolation_level = saved  # type: ignore[union-attr]


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
            if connection.dialect.name == "sqlite":
                with _sqlite_transaction(connection):
                    _run(connection)
                    connection.commit()
            else:
                _run(connection)
                connection.commit()
    finally:
        if owned:
            engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
