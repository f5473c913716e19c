"""Typed failures of the core ledger, so callers can tell "down" from "said no" from "no such thing"."""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Base of every ledger-client failure."""


class LedgerUnavailable(LedgerError):
    """The core did not answer usefully: network error, timeout or 5xx. Safe to retry later."""


class LedgerNotFound(LedgerError):
    """The core answered 404: an unknown group, member or meeting id."""


@dataclass(frozen=True)
class EntryProblem:
    """One reason the core gave for refusing a request; `index` is the entry's position in a posted batch."""

    index: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "request"
        return f"{where}: {self.field}: {self.reason}"


class LedgerRejected(LedgerError):
    """The core refused the input (4xx other than 404); `problems` lists every reason it gave.

    str() names only the entries and fields: the core's reasons may quote balances ("exceeds the member's savings
    of 12000"), so they are kept in `problems` / `reasons()` for the caller to store encrypted or say, not to log.
    """

    def __init__(self, status_code: int, problems: list[EntryProblem], endpoint: str) -> None:
        self.status_code = status_code
        self.problems = problems
        self.endpoint = endpoint
        where = "; ".join(
            f"entry {p.index}: {p.field}" if p.index is not None else p.field for p in problems
        ) or "no reason given"
        super().__init__(f"ledger rejected {endpoint} ({status_code}): {where}")

    def reasons(self, index: int | None = None) -> str:
        """The core's full reasons (all, or those for one entry). May hold amounts: never log this."""
        chosen = [p for p in self.problems if index is None or p.index == index]
        return "; ".join(str(p) for p in chosen) or f"rejected ({self.status_code})"

    @property
    def entry_indexes(self) -> set[int]:
        """Indexes of the batch entries the core named (empty if it blamed the request as a whole)."""
        return {p.index for p in self.problems if p.index is not None}


class LedgerConflict(LedgerRejected):
    """409: an idempotency key was replayed with a different payload."""
