"""Race-free "insert or update" on SQLite and PostgreSQL (INSERT … ON CONFLICT), instead of get-then-insert.

A get-then-insert lets two concurrent requests both see "absent" and both insert: the second one hits the unique
key and answers a 500. `ON CONFLICT` makes the database decide, atomically, on both backends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def _table(model: type[DeclarativeBase] | Table) -> Table:
    table = model if isinstance(model, Table) else model.__table__
    assert isinstance(table, Table)
    return table


def upsert(session: Session, model: type[DeclarativeBase] | Table,
           values: Mapping[str, Any] | Sequence[Mapping[str, Any]], *, keys: Sequence[str],
           update: Sequence[str] | None = None) -> None:
    """Insert `values` (one row or several, same columns); on a conflict of the unique `keys` update the `update`
    columns (default: every given column except the keys; an empty list = leave the existing row alone). Columns
    with an `onupdate` (updated_at) change with the row, as through the ORM."""
    rows = [dict(values)] if isinstance(values, Mapping) else [dict(v) for v in values]
    if not rows:
        return
    # one row order everywhere, so two multi-row upserts lock rows in the same order (no deadlock on PostgreSQL)
    rows.sort(key=lambda r: tuple(str(r[k]) for k in keys))
    table = _table(model)
    given = set(rows[0])
    changed = [c for c in rows[0] if c not in keys] if update is None else list(update)
    if changed:
        changed += [c.name for c in table.columns
                    if c.onupdate is not None and c.name not in changed and c.name not in keys]
    # ORM column defaults (e.g. updated_at=utcnow) do not run for Core inserts: fill them like the ORM would.
    for column in table.columns:
        default = column.default if column.name not in given else None
        if default is None and column.name in changed and column.name not in given:
            default = column.onupdate
        if default is None:
            continue
        for row in rows:
            if getattr(default, "is_callable", False):
                row[column.name] = default.arg(None)  # type: ignore[attr-defined]
            elif getattr(default, "is_scalar", False):
                row[column.name] = default.arg  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).values(rows)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(rows)
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported (models/config.py)
        raise NotImplementedError(f"upsert on {dialect} is not supported: use SQLite or PostgreSQL")
    if changed:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                          set_={c: getattr(stmt.excluded, c) for c in changed})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    session.execute(stmt)
