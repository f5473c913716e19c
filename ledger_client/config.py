"""Settings section owned by ledger_client/: how the IVR reaches the core ledger (env IVR_LEDGER__<NAME>)."""

from __future__ import annotations

from pydantic import BaseModel


class LedgerSettings(BaseModel):
    """How the IVR reaches the core ledger over HTTP."""

    # Where the core ledger's /v1 API lives (the reference ledger_core by default).
    base_url: str = "http://127.0.0.1:8100"
    # Callers are waiting on the line: a read must answer fast or fall back to the cache.
    connect_timeout_s: float = 1.0
    # Longest wait for the ledger's answer once connected.
    read_timeout_s: float = 2.0
    # Idempotent calls (GETs, idempotency-keyed posts) are retried with exponential backoff.
    retries: int = 2
    # First backoff delay, doubled after each failed try (also the outbox drainer's first backoff).
    backoff_s: float = 0.2
    # How often the outbox drainer retries pending writes while the core is unreachable.
    outbox_drain_interval_s: float = 5.0
    # Most outbox entries posted in one request (consecutive entries of the same meeting are batched).
    outbox_batch_size: int = 100
    # How long a drainer holds the outbox rows it is posting (several IVR hosts share one outbox); longer than a
    # post's worst case (timeouts times retries), so a slow post is never taken over, yet a crashed host's rows resume.
    outbox_lease_s: float = 60.0
