"""Typed async client for the core ledger: timeouts, retries, read cache with as-of, write outbox."""
