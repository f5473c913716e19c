"""The main menu: speech and keypad at the same prompt; figures only after the PIN, the rest for everyone."""

from __future__ import annotations

from dialogs.actions import Action, Say
from dialogs.context import Conversation, Input
from dialogs.handlers import figures, language, meeting, person
from dialogs.handlers.ladder import listen_for, reprompt
from ledger_client.errors import LedgerError

KEYS = {"1": "savings", "2": "loan", "3": "meeting", "4": "fines", "5": "social", "6": "group",
        "7": "language", "8": "repeat", "9": "help", "0": "person", "*": "goodbye"}
INTENTS = {"check_savings": "savings", "check_loan": "loan", "next_meeting": "meeting", "check_fines": "fines",
           "social_fund": "social", "group_position": "group", "change_language": "language", "repeat": "repeat",
           "help": "help", "speak_to_person": "person", "goodbye": "goodbye"}
# Personal or group figures: only after a correct PIN. The meeting time and place are not private.
PRIVATE = {"savings", "loan", "fines", "social", "group"}


def enter(c: Conversation) -> list[Action]:
    if start := meeting.line_start(c):  # the meeting line: officers go straight to recording after the PIN
        return start
    c.goto("menu")
    prompt = "menu_main" if c.authenticated else "menu_limited"
    return [c.say(prompt), listen_for(c, prompt)]


def choice_of(inp: Input) -> str | None:
    if inp.kind == "digits":
        return KEYS.get(inp.digits[:1])
    return INTENTS.get(inp.intent or "")


async def on_menu(c: Conversation, inp: Input) -> list[Action]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    if meeting.wants_recording(inp):
        return meeting.start(c)
    choice = choice_of(inp)
    if choice is None:
        return reprompt(c, "no_match")
    c.failures = 0
    return await do(c, choice)


def _then_listen(c: Conversation, said: list[Say]) -> list[Action]:
    c.last_content = said
    return [*said, c.say("anything_else"), listen_for(c, "anything_else")]


async def do(c: Conversation, choice: str) -> list[Action]:
    if choice in PRIVATE and not c.authenticated:
        return [c.say("figures_need_pin"), c.say("menu_limited"), listen_for(c, "menu_limited")]
    if choice in figures.READERS:
        try:
            said = await figures.READERS[choice](c)
        except LedgerError:
            return [c.say("ledger_down"), c.say("anything_else"), listen_for(c, "anything_else")]
        return _then_listen(c, said)
    if choice == "language":
        return language.ask(c)
    if choice == "repeat":
        return _then_listen(c, c.last_content) if c.last_content else enter(c)
    if choice == "help":
        return _then_listen(c, [c.say("help")])
    if choice == "person":
        return await person.transfer(c)
    return person.goodbye(c)
