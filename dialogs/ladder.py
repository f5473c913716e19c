"""The Listen of each member state, and the no-input / no-match ladder: a shorter reprompt, then the keypad choices
spelled out, then a polite goodbye. Shared by the handlers (it imports none of them)."""

from __future__ import annotations

from dialogs.actions import End, Listen
from dialogs.context import Conversation
from dialogs.expect import Expect
from dialogs.flow import Step
from dialogs.menu import menu_intents
from dialogs.prompts import LANGUAGE_WORDS
from dialogs.values import Count, Name

# state -> (short reprompt, keypad choices); the counts come from DialogSettings.reprompts
STEPS: dict[str, tuple[str, str]] = {
    "language": ("language_menu", "language_menu"),
    "group": ("group_short", "group_keypad"),
    "pin": ("pin_short", "pin_short"),
    "menu": ("menu_short", "menu_keypad"),
    "menu_more": ("menu_more_short", "menu_more_keypad"),
    "unknown": ("unknown_short", "unknown_keypad"),
    "hidden_number": ("number_ask", "number_ask"),
}
LIMITED_STEPS = ("menu_limited", "menu_limited_keypad")
PHONE_DIGITS = 15  # E.164 numbers have at most 15 digits


def listen_for(c: Conversation, prompt_id: str) -> Listen:
    """The Listen of the current state, attributed to `prompt_id` (the prompt the caller is answering)."""
    match c.state:
        case "language":
            words = tuple(w for ws in LANGUAGE_WORDS.values() for w in ws)
            return c.listen(prompt_id, grammar="language",
                            expects=Expect(("choice",), phrases=words, globals=("goodbye",)))
        case "group":
            names = tuple(m.group_name for m in c.memberships)
            return c.listen(prompt_id, phrases=names, expects=Expect(("choice", "menu"), phrases=names,
                                                                     intents=("change_language",)))
        case "pin":
            return c.listen(prompt_id, grammar=None, digits=c.settings.pin_length, speech=False,
                            expects=Expect(("digits",)), timeout_s=c.settings.pin_timeout_s)
        case "hidden_number":
            return c.listen(prompt_id, grammar=None, digits=PHONE_DIGITS, expects=Expect(("digits",)))
        case "unknown":
            return c.listen(prompt_id, grammar="unknown",
                            expects=Expect(("menu",), intents=("help", "change_language")))
        case _:
            return c.listen(prompt_id, grammar="menu", expects=Expect(("menu",), intents=menu_intents(c)))


def group_options(c: Conversation) -> list[Step]:
    return [c.say("group_option", name=Name(m.group_name), key=Count(i)) for i, m in enumerate(c.memberships, 1)]


def reprompt(c: Conversation, prefix: str) -> list[Step]:
    """One rung down the ladder. `prefix` is the apology said first ("no_input", "no_match", "pin_keypad_only")."""
    c.failures += 1
    if c.failures > c.settings.reprompts:
        c.goto("ended")
        return [c.say("goodbye_ladder"), End("no_input" if prefix == "no_input" else "no_match")]
    steps = LIMITED_STEPS if c.state == "menu" and not c.authenticated else STEPS[c.state]
    prompt = steps[0] if c.failures == 1 else steps[1]
    actions: list[Step] = [c.say(prefix), c.say(prompt)]
    if c.state == "group" and prompt == "group_keypad":
        actions += group_options(c)
    return [*actions, listen_for(c, prompt)]
