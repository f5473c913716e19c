"""Member self-service flows from text, with fake ledger/NLU/clock and the real SQL store."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs.actions import End, Listen, Say, Transfer
from tests.dialogs.conftest import MAIN_MENU, MORE_MENU, Kit, give_pin
from tests.fakes.dialog_fakes import PHONE_NEW, PHONE_ONE, PHONE_TWO


async def test_single_group_member_hears_savings_after_pin(kit: Kit) -> None:
    c = kit.caller(lang="en")
    heard = await c.call(PHONE_ONE)
    assert heard[0] == "BOT: Hello Wanjiku, welcome to MiKashBoks."
    assert c.ids()[-1] == "pin_ask"
    listen = c.actions[-1]
    assert isinstance(listen, Listen) and not listen.speech and listen.max_digits == 4
    await c.send("#2580")
    assert c.ids() == ["pin_ok", *MAIN_MENU]
    heard = await c.send("savings")
    assert heard[:2] == ["BOT: Your savings are twelve thousand five hundred shillings.",
                         "BOT: That is one hundred and twenty-five shares. Well done for saving."]
    says = [a for a in c.actions if isinstance(a, Say)]
    assert not says[0].interruptible and says[-1].interruptible  # figures can't be skipped, the menu can


async def test_every_menu_item_by_keypad(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    expected = {"1": ["savings", "savings_shares"], "2": ["loan_balance", "loan_next", "loan_next_date"],
                "3": ["meeting_next", "meeting_place"]}
    for key, ids in expected.items():
        await c.send(f"#{key}")
        assert c.ids() == [*ids, "anything_else"], key
    await c.send("#4")  # the second level
    assert c.ids() == MORE_MENU
    more = {"1": ["fines_due", "fines_clear"], "2": ["social_fund", "social_thanks"],
            "3": ["group_totals", "group_cash", "group_totals_more", "group_social"]}
    for key, ids in more.items():
        await c.send(f"#{key}")
        assert c.ids() == [*ids, "anything_else"], key
    await c.send("#*")  # star: the last thing said (the group totals) again
    assert c.ids() == ["group_totals", "group_cash", "group_totals_more", "group_social", "anything_else"]
    await c.send("#9")  # back to the main level
    assert c.ids() == MAIN_MENU
    heard = await c.send("goodbye")
    assert c.ids() == ["goodbye"] and isinstance(c.actions[-1], End)
    assert heard[-1] == "-- call ended (completed)"


async def test_loan_wording_is_supportive_when_overdue(kit: Kit) -> None:
    give_pin(kit.sessions, "m-2", "4826")
    c = kit.caller(lang="en")
    await c.call(PHONE_TWO)
    await c.send("#1")
    await c.send("#4826")
    heard = await c.send("my loan")
    assert c.ids() == ["loan_balance", "loan_overdue", "loan_overdue_date", "loan_support", "anything_else"]
    assert "your group is there to support you" in heard[3]
    assert "Thursday, the nineteenth of November" in heard[2]


async def test_multi_group_caller_chooses_by_name(kit: Kit) -> None:
    c = kit.caller(lang="sw")
    heard = await c.call(PHONE_TWO)
    assert heard[1:4] == ["BOT: Idadi ya vikundi vyako ni mbili. Ungependa kikundi kipi?",
                          "BOT: Kwa Umoja Women, bonyeza moja.", "BOT: Kwa Kikundi cha Tumaini, bonyeza mbili."]
    assert c.ids() == ["welcome_member", "group_choose", "group_option", "group_option"]
    await c.send("tumaini tafadhali")
    assert c.ids() == ["group_chosen", "pin_ask"]
    await c.send("#1357")
    heard = await c.send("akiba")
    assert heard[:2] == ["BOT: Akiba yako ni shilingi elfu themanini na nne.",
                         "BOT: Hiyo ni hisa arobaini na mbili. Hongera kwa kuweka akiba."]


async def test_unknown_caller_is_told_kindly_and_can_reach_a_person(kit: Kit) -> None:
    c = kit.caller(lang="en", field_officer="PJSIP/officer")
    await c.call(PHONE_NEW)
    assert c.ids() == ["unknown_caller", "unknown_options"]
    await c.send("#0")
    assert c.ids() == ["transfer_officer"]
    assert c.actions[-1] == Transfer("field_officer", "PJSIP/officer", None)


async def test_unknown_caller_without_officer_gets_goodbye(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_NEW)
    await c.send("speak to a person")
    assert c.ids() == ["transfer_unavailable", "goodbye"]


async def test_transfer_to_secretary_names_her(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    heard = await c.send("speak to a person")
    assert heard[0] == "BOT: I am connecting you to Mary Akinyi, your group secretary. Please hold."
    assert c.actions[-1] == Transfer("secretary", "g-ke-sec", "g-ke")
    assert c.dialog.state == "ended"


async def test_pin_lockout_then_unlock_after_the_time(kit: Kit) -> None:
    c = kit.caller(lang="en", pin_max_attempts=3, pin_lock_minutes=15)
    await c.call(PHONE_ONE)
    await c.send("#1111")
    assert c.ids() == ["pin_wrong"]
    heard = await c.send("#2222")
    assert heard == ["BOT: That PIN did not match. No problem, you have one more try."]
    heard = await c.send("#3333")
    assert c.ids() == ["pin_locked", "pin_locked_help", "menu_limited"]
    assert "paused for fifteen minutes" in heard[0]
    heard = await c.send("savings")  # figures stay private while locked: said so, with the time it ends
    assert c.ids() == ["figures_locked", "figures_locked_later", "menu_limited"]
    assert "paused until" in heard[0]
    kit.clock.advance(minutes=5)
    again = kit.caller(lang="en")
    heard = await again.call(PHONE_ONE)
    assert again.ids() == ["welcome_member", "pin_locked", "pin_locked_help", "menu_limited"]
    assert "ten minutes" in heard[1]
    kit.clock.advance(minutes=11)
    later = kit.caller(lang="en")
    await later.call(PHONE_ONE)
    assert later.ids()[-1] == "pin_ask"
    await later.send("#2580")
    assert later.ids() == ["pin_ok", *MAIN_MENU]


async def test_member_without_pin_is_told_how_to_get_one(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_TWO)
    heard = await c.send("#1")  # m-2 has no PIN
    assert c.ids() == ["group_chosen", "pin_none", "pin_none_meanwhile", "menu_limited"]
    assert "Your group secretary, Mary Akinyi, can set one up" in heard[1]
    await c.send("#1")
    assert c.ids() == ["figures_need_pin", "menu_limited"]
    await c.send("next meeting")  # not private
    assert c.ids() == ["meeting_next", "meeting_place", "anything_else"]


async def test_spoken_pin_is_refused_never_understood_or_stored(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("two five eight zero")
    assert c.ids() == ["pin_keypad_only", "pin_short"]
    assert "two five eight zero" not in kit.nlu.asked
    await c.send("#2580")
    from sqlalchemy import select

    from models.calls import Turn

    with kit.sessions() as s:
        turns = s.scalars(select(Turn).where(Turn.call_id == c.dialog.call_id).order_by(Turn.seq)).all()
    assert [t.transcript for t in turns] == [None, None]
    assert [t.intent for t in turns] == [None, "pin_entry"]
    assert all(t.prompt_id in ("pin_ask", "pin_short") for t in turns)


async def test_language_menu_is_remembered_next_time(kit: Kit) -> None:
    c = kit.caller()
    await c.call(PHONE_ONE)
    assert c.ids() == ["language_menu"]
    heard = await c.send("#2")
    assert heard[0] == "BOT: Sawa, tutaongea Kiswahili. Nitakumbuka hivyo wakati ujao."
    assert c.dialog.lang == "sw"
    again = kit.caller()
    heard = await again.call(PHONE_ONE)
    assert again.ids()[0] == "welcome_member" and heard[0].startswith("BOT: Habari Wanjiku")


async def test_change_language_at_the_menu(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    await c.send("change language")
    assert c.ids() == ["language_menu"]
    await c.send("kiswahili")
    assert c.ids() == ["language_saved", *MAIN_MENU]
    heard = await c.send("mkopo")
    assert heard[0].startswith("BOT: Salio la mkopo wako ni shilingi elfu tano na mia mbili na hamsini.")


async def test_no_input_ladder_short_then_keypad_then_goodbye(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    await c.send("")
    assert c.ids() == ["no_input", "menu_short"]
    await c.send("what is the weather")
    assert c.ids() == ["no_match", "menu_keypad"]
    heard = await c.send("")
    assert c.ids() == ["goodbye_ladder"] and heard[-1] == "-- call ended (no_input)"


async def test_ladder_resets_after_a_good_turn_and_counts_are_configurable(kit: Kit) -> None:
    c = kit.caller(lang="en", reprompts=1)
    await c.call(PHONE_ONE)
    await c.send("#2580")
    await c.send("")
    await c.send("#1")
    await c.send("")
    assert c.ids() == ["no_input", "menu_short"]
    await c.send("")
    assert c.ids() == ["goodbye_ladder"]


async def test_stale_figures_say_their_age(kit: Kit) -> None:
    kit.ledger.stale_since = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    heard = await c.send("savings")
    assert heard[:2] == ["BOT: These figures are from Tuesday, the seventeenth of November.",
                         "BOT: That is the last time your group's records could be reached."]


async def test_ledger_down_without_cache_is_said_and_the_call_ends_kindly(kit: Kit) -> None:
    kit.ledger.down = True
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    assert c.ids() == ["ledger_down"] and isinstance(c.actions[-1], End)


async def test_ledger_down_mid_call_keeps_the_caller(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    kit.ledger.down = True
    await c.send("savings")
    assert c.ids() == ["ledger_down", "anything_else"]
    kit.ledger.down = False
    await c.send("savings")
    assert c.ids() == ["savings", "savings_shares", "anything_else"]


async def test_hangup_ends_the_dialog_and_call(kit: Kit) -> None:
    from dialogs.events import Hangup
    from models.calls import Call

    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    assert await c.dialog.handle(Hangup()) == []
    assert c.dialog.listening is None
    with kit.sessions() as s:
        call = s.get(Call, c.dialog.call_id)
        assert call is not None and call.outcome == "hangup" and call.caller_phone == PHONE_ONE


async def test_change_language_while_choosing_the_group_comes_back_to_the_choice(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_TWO)
    await c.send("change language")
    assert c.ids() == ["language_menu"]
    heard = await c.send("#2")
    assert c.ids() == ["language_saved", "group_choose", "group_option", "group_option"]
    assert heard[2] == "BOT: Kwa Umoja Women, bonyeza moja."
    again = kit.caller()  # remembered for both of her memberships: no language menu next time
    await again.call(PHONE_TWO)
    assert again.ids()[0] == "welcome_member" and again.dialog.lang == "sw"


async def test_unknown_caller_can_change_language(kit: Kit) -> None:
    c = kit.caller(lang="en")
    await c.call(PHONE_NEW)
    await c.send("change language")
    heard = await c.send("kiswahili")
    assert c.ids() == ["language_saved", "unknown_caller", "unknown_options"]
    assert heard[1].startswith("BOT: Karibu MiKashBoks. Namba hii")


async def test_an_understanding_that_comes_with_the_utterance_is_used_as_is(kit: Kit) -> None:
    from dialogs.events import Utterance
    from nlu.types import Understanding

    c = kit.caller(lang="en")
    await c.call(PHONE_ONE)
    await c.send("#2580")
    actions = await c.dialog.handle(Utterance("ngapi", 0.7, Understanding("check_fines", 0.9, "rasa", False)))
    assert [a.prompt_id for a in actions if isinstance(a, Say)] == ["fines_due", "fines_clear", "anything_else"]
    assert "ngapi" not in kit.nlu.asked


async def test_events_before_the_call_starts_are_refused(kit: Kit) -> None:
    import pytest

    from dialogs.events import NoInput

    c = kit.caller(lang="en")
    with pytest.raises(RuntimeError, match="before CallStarted"):
        await c.dialog.handle(NoInput())
