"""Typed async client for the core ledger: timeouts, retries, read cache with as-of, write outbox."""

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
