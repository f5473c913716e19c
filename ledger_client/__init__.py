"""Typed async client for the core ledger: timeouts, retries, read cache with as-of, write outbox.

The names below are imported on first use (PEP 562), not with the package: `ledger_client.config` is read by every
`ivr` command to build the settings, and must not drag SQLAlchemy and httpx into `ivr --help`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "CachedLedger": "cache", "Fetched": "cache", "LedgerClient": "client", "OutboxDrainer": "drainer",
    "EntryProblem": "errors", "LedgerConflict": "errors", "LedgerError": "errors", "LedgerNotFound": "errors",
    "LedgerRejected": "errors", "LedgerUnavailable": "errors", "DrainReport": "outbox", "Outbox": "outbox",
    "OutboxConflict": "outbox", "ParkedEntry": "outbox", "Receipt": "outbox", "LedgerServices": "services",
    "build_ledger_services": "services", "TransactionEntry": "types", "new_idempotency_key": "types",
}  # fmt: skip

if TYPE_CHECKING:
    from ledger_client.cache import CachedLedger, Fetched
    from ledger_client.client import LedgerClient
    from ledger_client.drainer import OutboxDrainer
    from ledger_client.errors import (
        EntryProblem,
        LedgerConflict,
        LedgerError,
        LedgerNotFound,
        LedgerRejected,
        LedgerUnavailable,
    )
    from ledger_client.outbox import DrainReport, Outbox, OutboxConflict, ParkedEntry, Receipt
    from ledger_client.services import LedgerServices, build_ledger_services
    from ledger_client.types import TransactionEntry, new_idempotency_key


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ledger_client' has no attribute {name!r}")
    return getattr(importlib.import_module(f"ledger_client.{module}"), name)

__all__ = [
    "CachedLedger",
    "DrainReport",
    "EntryProblem",
    "Fetched",
    "LedgerClient",
    "LedgerConflict",
    "LedgerError",
    "LedgerNotFound",
    "LedgerRejected",
    "LedgerServices",
    "LedgerUnavailable",
    "Outbox",
    "OutboxConflict",
    "OutboxDrainer",
    "ParkedEntry",
    "Receipt",
    "TransactionEntry",
    "build_ledger_services",
    "new_idempotency_key",
]
