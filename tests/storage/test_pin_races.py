"""PIN lockout under parallel calls: ten simultaneous wrong PINs lock once, with one audit row, on both backends."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from models.audit import AuditEvent
from models.base import utcnow
from models.pins import PinCheck, set_pin, verify_pin
from tests.storage.conftest import Db

PIN = "4821"
CALLS = 10


def _parallel(db: Db, pins: list[str], **kwargs: object) -> list[PinCheck]:
    """Every attempt in its own session and thread (one per call), all released at the same instant."""
    start = threading.Barrier(len(pins))
    now = utcnow()

    def attempt(pin: str) -> PinCheck:
        start.wait()
        with db.sessions() as s:
            result = verify_pin(s, "m-1", pin, now=now, **kwargs)  # type: ignore[arg-type]
            s.commit()
            return result

    with ThreadPoolExecutor(len(pins)) as pool:
        return list(pool.map(attempt, pins))


def _locks(db: Db) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "pin.locked")) or 0)


def test_ten_parallel_wrong_pins_lock_once_and_the_right_pin_is_then_refused(db: Db) -> None:
    with db.sessions() as s:
        set_pin(s, "m-1", PIN)
        s.commit()
    results = _parallel(db, [f"{1000 + i}" for i in range(CALLS)])
    wrong = [r for r in results if r.status == "wrong"]
    locked = [r for r in results if r.status == "locked"]
    # at most max_attempts - 1 callers hear "wrong, try again"; everyone else is told it is locked
    assert len(wrong) <= 2 and len(wrong) + len(locked) == CALLS, results
    assert _locks(db) == 1
    with db.sessions() as s:
        check = verify_pin(s, "m-1", PIN, now=utcnow())
        s.commit()
    assert check.status == "locked" and check.locked_until is not None
    assert check.locked_until > utcnow() + timedelta(minutes=14)


def test_parallel_attempts_never_get_more_than_three_guesses(db: Db) -> None:
    """Ten parallel guesses of which one is right: only three PINs are ever checked, so the right one may win only
    if it got one of the three slots — and then nothing else changes the outcome."""
    with db.sessions() as s:
        set_pin(s, "m-1", PIN)
        s.commit()
    results = _parallel(db, [PIN, *(f"{2000 + i}" for i in range(CALLS - 1))])
    checked = [r for r in results if r.status in ("ok", "wrong")]
    assert len(checked) <= 3
    assert sum(r.ok for r in results) <= 1
    assert _locks(db) <= 1
