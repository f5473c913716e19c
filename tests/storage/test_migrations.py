"""Migrations: up to head on both backends, idempotent, matching the models, down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from models.all import MODULES, metadata
from models.migrate import (
    alembic_config,
    current_revisions,
    downgrade_engine,
    head_revisions,
    upgrade_engine,
    upgrade_to_head,
)
from tests.storage.conftest import Db

FOUNDATION = {"calls", "turns", "recordings", "member_preferences", "pin_credentials", "consent_records",
              "audit_events"}
# tables of later revisions whose schema is also compared with the models
LATER = {"pin_guards"}


def test_upgrade_creates_foundation_tables_at_head(db: Db) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert tables >= FOUNDATION
    assert current_revisions(db.engine) == head_revisions()
    assert ScriptDirectory.from_config(alembic_config()).get_revision("0001_foundation") is not None


def test_upgrade_is_idempotent(db: Db) -> None:
    upgrade_to_head(db.settings)
    assert current_revisions(db.engine) == head_revisions()


def test_foundation_tables_match_the_models(db: Db) -> None:
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)

    def table_of(diff: object) -> str:
        op = diff[0] if isinstance(diff, list) else diff  # modify_* diffs come grouped in lists
        kind, args = op[0], op[1:]  # type: ignore[index]
        if kind in ("add_table", "remove_table"):
            return str(args[0].name)
        if kind in ("add_index", "remove_index", "add_constraint", "remove_constraint", "add_fk", "remove_fk"):
            return str(args[0].table.name)
        if kind in ("add_column", "remove_column") or kind.startswith("modify_"):
            return str(args[1])
        return "?"  # an unknown kind of difference counts against us

    mine = [d for d in diffs if table_of(d) in FOUNDATION | LATER | {"?"}]
    assert mine == []


def test_every_model_module_is_registered() -> None:
    assert {"models.calls", "models.members", "models.audit"} <= set(MODULES)
    assert set(metadata.tables) >= FOUNDATION


def test_downgrade_to_base_and_up_again(db: Db) -> None:
    downgrade_engine(db.engine, "base")
    assert not FOUNDATION & set(inspect(db.engine).get_table_names())
    upgrade_engine(db.engine)
    assert set(inspect(db.engine).get_table_names()) >= FOUNDATION


def test_0005_carries_an_existing_lock_over_to_the_membership_guard(db: Db) -> None:
    from datetime import timedelta

    from sqlalchemy import text

    from models.base import utcnow

    downgrade_engine(db.engine, "0004_meeting_recording")
    until = utcnow() + timedelta(minutes=10)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO pin_credentials (member_id, pin_hash, failed_attempts, locked_until, "
                          "updated_at) VALUES ('m-9', 'scrypt$x', 3, :u, :u)"), {"u": until})
    upgrade_engine(db.engine)
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT failed_attempts, locked_until FROM pin_guards WHERE key = 'member:m-9'")).one()
    assert row[0] == 3 and row[1] is not None
