"""PIN lockout per person and per calling number (issue 13): three wrong PINs in total, whatever the group, lock
every membership of the person and the number; the lock is in the audit table and survives a restart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from dialogs.ports import PinStatus
from dialogs.store import SqlStore
from models.audit import AuditEvent
from models.base import make_sessionmaker, utcnow
from models.migrate import engine_for
from models.pins import PinCheck, pin_status, set_pin, verify_pin
from tests.storage.conftest import Db

PHONE = "+254 712 345 678"
OTHER_PHONE = "+254799000111"
BOTH = ("m-umoja-7", "m-tumaini-3")  # one person, a member of two groups


def _setup(db: Db) -> None:
    with db.sessions() as s:
        set_pin(s, BOTH[0], "1111")
        set_pin(s, BOTH[1], "2222")
        set_pin(s, "m-neighbour", "3333")  # another person who borrows the same phone
        s.commit()


def test_a_member_of_two_groups_gets_three_guesses_in_total(db: Db) -> None:
    _setup(db)
    t0 = utcnow()
    with db.sessions() as s:
        assert verify_pin(s, BOTH[0], "0000", now=t0, phone=PHONE, member_ids=BOTH) == PinCheck.wrong(2)
        assert verify_pin(s, BOTH[0], "0001", now=t0, phone=PHONE, member_ids=BOTH) == PinCheck.wrong(1)
        # the third guess is made in the other group: still the same person and number
        third = verify_pin(s, BOTH[1], "0002", now=t0, phone=PHONE, member_ids=BOTH)
    assert third.status == "locked" and third.locked_until == t0 + timedelta(minutes=15)
    with db.sessions() as s:
        for member in BOTH:  # both memberships, even from another phone, and even with the right PIN
            assert verify_pin(s, member, "1111" if member == BOTH[0] else "2222", now=t0 + timedelta(minutes=1),
                              phone=OTHER_PHONE, member_ids=(member,)).status == "locked"
            assert pin_status(s, member, now=t0 + timedelta(minutes=1)) == ("locked", third.locked_until)
        # the calling number is locked too: another member calling from it cannot guess either
        assert verify_pin(s, "m-neighbour", "3333", now=t0, phone=PHONE).status == "locked"
        # and the lock lifts after its time
        assert verify_pin(s, BOTH[0], "1111", now=t0 + timedelta(minutes=16), phone=PHONE, member_ids=BOTH).ok


def test_the_lock_is_audited_once_without_the_number(db: Db) -> None:
    _setup(db)
    with db.sessions() as s:
        for _ in range(3):
            verify_pin(s, BOTH[0], "0000", phone=PHONE, member_ids=BOTH)
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "pin.locked")).all()
    assert len(events) == 1
    assert events[0].subject_id == BOTH[0]
    assert "2 membership(s) and the calling number locked until" in events[0].reason
    assert "712" not in events[0].reason and "345" not in events[0].reason


def test_the_lock_survives_a_restart(db: Db) -> None:
    _setup(db)
    with db.sessions() as s:
        for _ in range(3):
            verify_pin(s, BOTH[0], "0000", phone=PHONE, member_ids=BOTH)
    db.engine.dispose()
    engine = engine_for(db.settings)  # a new process: new engine, nothing in memory
    try:
        with make_sessionmaker(engine)() as s:
            kind, until = pin_status(s, BOTH[1], phone=PHONE)
            assert kind == "locked" and until is not None and until > utcnow()
    finally:
        engine.dispose()


def test_withheld_numbers_have_no_shared_guard(db: Db) -> None:
    """An empty or "anonymous" caller ID is not a number: two people withholding theirs do not lock each other."""
    _setup(db)
    with db.sessions() as s:
        for _ in range(3):
            verify_pin(s, BOTH[0], "0000", phone="anonymous", member_ids=BOTH)
        assert verify_pin(s, "m-neighbour", "3333", phone="anonymous").ok
        assert verify_pin(s, "m-neighbour", "3333", phone="").ok


def test_the_store_port_takes_the_person_and_number_and_stays_compatible(db: Db) -> None:
    _setup(db)
    store = SqlStore(db.sessions)
    now = utcnow()

    async def scenario() -> tuple[PinCheck, PinStatus, PinStatus, PinCheck]:
        # old call shape (no phone, no other memberships) still works
        first = await store.verify_pin(BOTH[0], "0000", now=now, max_attempts=3, lock_minutes=15)
        for _ in range(2):
            last = await store.verify_pin(BOTH[1], "0000", now=now, max_attempts=3, lock_minutes=15,
                                          phone=PHONE, member_ids=list(BOTH))
        other = await store.pin_status(BOTH[0], now, phone=PHONE, member_ids=list(BOTH))
        neighbour = await store.pin_status("m-neighbour", now, phone=PHONE)
        return first, other, neighbour, last

    first, other, neighbour, last = asyncio.run(scenario())
    assert first == PinCheck.wrong(2)
    assert last.status == "locked"  # 1 wrong on m-umoja-7 + 2 on m-tumaini-3 as the same person = 3
    assert other == PinStatus("locked", last.locked_until)
    assert neighbour.kind == "locked"
    assert asyncio.run(store.pin_status("m-neighbour", now)) == PinStatus("set")
