"""Key rotation: re-encrypt every encrypted column (found from the metadata) and every recording file, resumably."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Engine, Table, Text, func, inspect, select, tuple_, type_coerce, update

from models.all import metadata
from models.crypto import EncryptedJSON, EncryptedText, KeyRing
from models.recording_store import RecordingStore, read_spool

# Rows per committed batch: small enough that an interruption loses little work, big enough to be quick.
DEFAULT_BATCH = 500

# progress(kind, advanced, total): kind is "<table>" or "recordings"
Progress = Callable[[str, int, int], None]
# called after each committed batch (tests use it to simulate a crash mid-way)
AfterBatch = Callable[[str, int], None]


@dataclass
class RotationReport:
    values_checked: int = 0
    values_rewritten: int = 0
    files_checked: int = 0
    files_rewritten: int = 0
    tables: dict[str, int] = field(default_factory=dict)


def encrypted_columns(meta: Any = metadata) -> dict[Table, list[Column[Any]]]:
    """Every table with EncryptedText/EncryptedJSON columns, so tables added by others are covered automatically."""
    found: dict[Table, list[Column[Any]]] = {}
    for table in meta.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)]
        if cols:
            found[table] = cols
    return found


def _existing_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _batches(engine: Engine, table: Table, cols: list[Column[Any]], batch: int) -> Iterator[Sequence[Any]]:
    """Rows (pk values + raw tokens) in primary-key order, keyset-paginated so each batch is its own query."""
    pk = list(table.primary_key.columns)
    raw = [type_coerce(c, Text).label(c.name) for c in cols]
    last: tuple[Any, ...] | None = None
    while True:
        stmt = select(*pk, *raw).order_by(*pk).limit(batch)
        if last is not None:
            stmt = stmt.where(pk[0] > last[0]) if len(pk) == 1 else stmt.where(tuple_(*pk) > tuple_(*last))
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return
        yield rows
        last = tuple(rows[-1][: len(pk)])


def _rotate_table(engine: Engine, table: Table, cols: list[Column[Any]], ring: KeyRing, report: RotationReport,
                  batch: int, progress: Progress | None, after_batch: AfterBatch | None) -> None:
    pk = list(table.primary_key.columns)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(table)).scalar_one()
    rewritten = 0
    for rows in _batches(engine, table, cols, batch):
        with engine.begin() as conn:  # one committed transaction per batch: an interruption keeps finished batches
            for row in rows:
                changes: dict[str, Any] = {}
                for i, col in enumerate(cols):
                    token = row[len(pk) + i]
                    if token is None:
                        continue
                    report.values_checked += 1
                    if not ring.is_primary(token.encode("ascii")):
                        changes[col.name] = type_coerce(ring.rotate(token.encode("ascii")).decode("ascii"), Text)
                if changes:
                    where = [c == row[j] for j, c in enumerate(pk)]
                    conn.execute(update(table).where(*where).values(changes))
                    report.values_rewritten += len(changes)
                    rewritten += len(changes)
        if progress:
            progress(table.name, len(rows), total)
        if after_batch:
            after_batch(table.name, len(rows))
    report.tables[table.name] = rewritten


def rotate_all(engine: Engine, ring: KeyRing, store: RecordingStore, *, batch_size: int = DEFAULT_BATCH,
               progress: Progress | None = None, after_batch: AfterBatch | None = None) -> RotationReport:
    """Re-encrypt everything not yet under `ring`'s primary key. Idempotent: a rerun skips finished values/files."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = RotationReport()
    present = _existing_tables(engine)
    for table, cols in encrypted_columns().items():
        if table.name in present:  # a table whose migration has not run yet holds nothing to rotate
            _rotate_table(engine, table, cols, ring, report, batch_size, progress, after_batch)
    files = list(store.files())
    for n, path in enumerate(files, 1):
        report.files_checked += 1
        if store.rotate_file(path, ring):
            report.files_rewritten += 1
        if progress:
            progress("recordings", 1, len(files))
        if after_batch and n % batch_size == 0:
            after_batch("recordings", batch_size)
    return report


@dataclass
class Leftovers:
    """Values and files the primary key alone cannot read (must be 0 before old keys are retired)."""

    values: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def total(self) -> int:
        return sum(self.values.values()) + self.files


def not_under_primary(engine: Engine, ring: KeyRing, store: RecordingStore, *,
                      batch_size: int = DEFAULT_BATCH) -> Leftovers:
    """Scan everything and count what still needs an older key."""
    left = Leftovers()
    present = _existing_tables(engine)
    for table, cols in encrypted_columns().items():
        if table.name not in present:
            continue
        pk_len = len(table.primary_key.columns)
        count = 0
        for rows in _batches(engine, table, cols, batch_size):
            for row in rows:
                count += sum(1 for t in row[pk_len:] if t is not None and not ring.is_primary(t.encode("ascii")))
        if count:
            left.values[table.name] = count
    left.files = sum(1 for p in store.files() if not ring.is_primary(p.read_bytes()))
    # a spool (a call being recorded, or left by a crash until the next start recovers it) still needs the keys
    # its chunks were written with: old keys are not retired while one does
    left.files += sum(1 for p in store.spools() if any(not ring.is_primary(t) for t in read_spool(p).tokens))
    return left
