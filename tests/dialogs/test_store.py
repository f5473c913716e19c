"""What a call leaves behind: turns with prompt ids, intents, confidences and timings; PII encrypted; clean logs."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select, text

from models.calls import Call, Turn
from models.crypto import phone_hash
from models.members import MemberPreference
from tests.dialogs.conftest import Kit
from tests.fakes.dialog_fakes import PHONE_ONE


async def test_every_turn_is_stored_with_timings_and_encrypted_transcript(kit: Kit) -> None:
    c = kit.caller()
    await c.call(PHONE_ONE)
    for line in ("#1", "#2580", "savings", "", "goodbye"):
        await c.send(line)
    call_id = c.dialog.call_id
    with kit.sessions() as s:
        call = s.get(Call, call_id)
        assert call is not None
        assert (call.member_id, call.group_id, call.language, call.outcome) == ("m-1", "g-ke", "en", "completed")
        assert call.caller_hash == phone_hash(PHONE_ONE) and call.caller_name == "Wanjiku Kamau"
        turns = s.scalars(select(Turn).where(Turn.call_id == call_id).order_by(Turn.seq)).all()
        raw = s.execute(text("SELECT caller_phone FROM calls")).scalar_one()
        raw_turns = [r[0] for r in s.execute(text("SELECT transcript FROM turns ORDER BY seq"))]
        pref = s.get(MemberPreference, "m-1")
    assert [t.seq for t in turns] == [1, 2, 3, 4, 5]
    assert [t.prompt_id for t in turns] == ["language_menu", "pin_ask", "menu_item_savings", "anything_else",
                                                   "menu_short"]
    assert [t.transcript for t in turns] == ["keypad:1", None, "savings", None, "goodbye"]
    assert [t.intent for t in turns] == [None, "pin_entry", "check_savings", "no_input", "goodbye"]
    assert turns[2].confidence == pytest.approx(0.95)
    assert turns[2].nlu_ms is not None and turns[2].ledger_ms is not None
    assert turns[0].nlu_ms is None  # keypad: no NLU round trip
    assert PHONE_ONE not in raw and not any(r and "savings" in r for r in raw_turns)  # encrypted at rest
    assert pref is not None and pref.language == "en"


async def test_logs_hold_no_phone_pin_speech_or_amounts(kit: Kit, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    kit.ledger.stale_since = kit.clock.now
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    for line in ("#2580", "savings", "my loan", "tell me about the weather"):
        await c.send(line)
    # call ids are random hex and could contain "2580" by chance: take them out before looking for the PIN
    logged = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<call>", caplog.text)
    assert "<call>" in logged  # the engine did log (the check below is not vacuous)
    for secret in (PHONE_ONE, "2580", "1250000", "12500", "twelve thousand", "weather", "Wanjiku"):
        assert secret not in logged, secret
