"""PINs: salted scrypt hashes, three wrong PINs lock, the lock lifts after its time, PINs never reach the logs."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from models.audit import AuditEvent
from models.base import utcnow
from models.members import PinCredential, PinGuard
from models.pins import InvalidPin, PinCheck, set_pin, verify_pin
from tests.storage.conftest import Db

PIN = "4821"


def test_set_and_verify(db: Db) -> None:
    with db.session() as s:
        set_pin(s, "m-0001", PIN)
        s.commit()
    with db.session() as s:
        assert verify_pin(s, "m-0001", PIN) == PinCheck.success()
        assert verify_pin(s, "m-0001", "1111") == PinCheck.wrong(2)
        assert verify_pin(s, "m-0002", PIN) == PinCheck.no_pin()


def test_hash_is_salted_and_holds_no_pin(db: Db) -> None:
    with db.session() as s:
        set_pin(s, "m-a", PIN)
        set_pin(s, "m-b", PIN)
        s.commit()
        hashes = s.scalars(select(PinCredential.pin_hash).order_by(PinCredential.member_id)).all()
    assert hashes[0] != hashes[1]
    assert all(h.startswith("scrypt$") and PIN not in h for h in hashes)


def test_three_wrong_lock_then_unlock_after_the_time(db: Db) -> None:
    t0 = utcnow()
    with db.session() as s:
        set_pin(s, "m-0001", PIN)
        s.commit()
    with db.session() as s:
        assert verify_pin(s, "m-0001", "0000", now=t0) == PinCheck.wrong(2)
        s.commit()
    with db.session() as s:  # the counter survives across sessions (i.e. calls)
        assert verify_pin(s, "m-0001", "0001", now=t0) == PinCheck.wrong(1)
        locked = verify_pin(s, "m-0001", "0002", now=t0, lock_minutes=10)
        s.commit()
    assert locked.status == "locked" and locked.locked_until == t0 + timedelta(minutes=10)
    with db.session() as s:
        # even the right PIN is refused while locked, and it does not extend the lock
        assert verify_pin(s, "m-0001", PIN, now=t0 + timedelta(minutes=9)) == PinCheck.locked(locked.locked_until)
        s.commit()
    with db.session() as s:
        assert verify_pin(s, "m-0001", PIN, now=t0 + timedelta(minutes=10, seconds=1)).ok
        s.commit()
        guard = s.get(PinGuard, "member:m-0001")
        assert guard is not None and guard.failed_attempts == 0 and guard.locked_until is None
        actions = s.scalars(select(AuditEvent.action)).all()
    assert actions == ["pin.locked"]


def test_unlocked_member_gets_full_attempts_again(db: Db) -> None:
    t0 = utcnow()
    with db.session() as s:
        set_pin(s, "m-1", PIN)
        for pin in ("1", "22", "333x"):  # malformed entries count as wrong, never as errors
            verify_pin(s, "m-1", pin, now=t0)
        later = t0 + timedelta(minutes=16)
        assert verify_pin(s, "m-1", "9999", now=later) == PinCheck.wrong(2)


def test_set_pin_resets_a_lock(db: Db) -> None:
    t0 = utcnow()
    with db.session() as s:
        set_pin(s, "m-1", PIN)
        for _ in range(3):
            verify_pin(s, "m-1", "0000", now=t0)
        set_pin(s, "m-1", "5555")
        assert verify_pin(s, "m-1", "5555", now=t0).ok
        assert not verify_pin(s, "m-1", PIN, now=t0).ok


@pytest.mark.parametrize("bad", ["12", "123456789", "12a4", "", "١٢٣٤"])
def test_invalid_pins_are_refused_without_echo(db: Db, bad: str) -> None:
    with db.session() as s, pytest.raises(InvalidPin) as err:
        set_pin(s, "m-1", bad)
    assert bad == "" or bad not in str(err.value)


def test_pin_never_logged(db: Db, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with db.session() as s:
        set_pin(s, "m-1", "739146")
        verify_pin(s, "m-1", "739146")
        for _ in range(3):
            verify_pin(s, "m-1", "846193")
    assert caplog.records, "expected PIN activity to be logged"
    assert "739146" not in caplog.text and "846193" not in caplog.text


def test_naive_now_is_refused(db: Db) -> None:
    with db.session() as s:
        set_pin(s, "m-1", PIN)
        with pytest.raises(ValueError, match="aware"):
            verify_pin(s, "m-1", PIN, now=utcnow().replace(tzinfo=None))
