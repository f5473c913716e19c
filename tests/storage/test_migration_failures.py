"""A migration that fails half-way (disk full, a crash) leaves the database at the revision it had before the
upgrade — no half-created tables — so the next start simply upgrades again (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.operations import Operations
from sqlalchemy import event, inspect
from sqlalchemy.exc import OperationalError

from models.base import make_engine
from models.migrate import current_revisions, downgrade_engine, head_revisions, upgrade_engine
from tests.fixtures.postgres import PostgresCluster


class DiskFull(OSError):
    """Stands in for ENOSPC raised in the middle of a migration."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.integration])])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "postgres":
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        yield cluster.new_database("migfail")
    else:
        yield f"sqlite:///{tmp_path / 'ivr.db'}"


def _fail_after(monkeypatch: pytest.MonkeyPatch, tables: int) -> None:
    """The `tables`+1-th create_table of this upgrade fails (as a full disk would)."""
    real = Operations.create_table
    made = {"n": 0}

    def create_table(self: Operations, name: str, *cols: Any, **kw: Any) -> Any:
        if made["n"] >= tables:
            raise DiskFull(28, "No space left on device")
        made["n"] += 1
        return real(self, name, *cols, **kw)

    monkeypatch.setattr(Operations, "create_table", create_table)


def test_a_first_migration_that_fails_half_way_leaves_an_empty_database(url: str,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(url)
    try:
        with monkeypatch.context() as m:
            _fail_after(m, 3)  # calls, turns, recordings created; then the disk is full
            with pytest.raises(DiskFull):
                upgrade_engine(engine)
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
        assert current_revisions(engine) == set()
        upgrade_engine(engine)  # the next start: no "table ... already exists"
        assert current_revisions(engine) == head_revisions()
    finally:
        engine.dispose()


def test_a_later_migration_that_fails_keeps_the_previous_revision(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(url)
    try:
        upgrade_engine(engine, "0002_ledger_outbox")
        before = set(inspect(engine).get_table_names())
        with monkeypatch.context() as m:
            _fail_after(m, 1)  # 0003 creates its first table, then fails
            with pytest.raises(DiskFull):
                upgrade_engine(engine)
        assert current_revisions(engine) == {"0002_ledger_outbox"}
        assert set(inspect(engine).get_table_names()) == before
        upgrade_engine(engine)
        assert current_revisions(engine) == head_revisions()
        downgrade_engine(engine, "0002_ledger_outbox")  # and back down is transactional as well
        assert set(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()


def test_a_real_full_disk_on_sqlite_rolls_the_first_migration_back(tmp_path: Path) -> None:
    """SQLite's own "database or disk is full" (max_page_count caps the file), not an injected exception."""
    engine = make_engine(f"sqlite:///{tmp_path / 'ivr.db'}")

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA max_page_count = 12")

    try:
        with pytest.raises(OperationalError, match="full"):
            upgrade_engine(engine)
        assert set(inspect(engine).get_table_names()) - {"alembic_version"} == set()
    finally:
        engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'ivr.db'}")  # space freed: the next start works
    try:
        upgrade_engine(engine)
        assert current_revisions(engine) == head_revisions()
    finally:
        engine.dispose()
