"""Typed errors of the ledger service; the app maps each to its HTTP status (404, 409, 422)."""

from __future__ import annotations

from dataclasses import dataclass


class LedgerError(Exception):
    """Base of every error the service raises on purpose."""


class NotFound(LedgerError):
    """An unknown group, member or loan id in the path (404)."""


class IdempotencyConflict(LedgerError):
    """An idempotency key reused with a different payload (409)."""


@dataclass(frozen=True)
class EntryProblem:
    index: int
    field: str
    reason: str

    def as_detail(self) -> dict[str, object]:
        """FastAPI-style validation item plus explicit index/field/reason."""
        return {
            "loc": ["body", "entries", self.index, self.field],
            "msg": self.reason,
            "type": "value_error",
            "index": self.index,
            "field": self.field,
            "reason": self.reason,
        }


class BatchRejected(LedgerError):
    """One or more entries are invalid; nothing was written (422)."""

    def __init__(self, problems: list[EntryProblem]) -> None:
        super().__init__(f"{len(problems)} invalid entries")
        self.problems = problems


class BadRequest(LedgerError):
    """A query parameter with a bad value (422), e.g. a malformed phone number."""

    def __init__(self, loc: list[str | int], reason: str) -> None:
        super().__init__(reason)
        self.loc = loc
        self.reason = reason
