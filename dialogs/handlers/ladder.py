"""The no-input / no-match ladder: a shorter reprompt, then the keypad menu spelled out, then a polite goodbye."""

from __future__ import annotations

from dialogs.actions import Action, End, Listen
from dialogs.context import Conversation
from dialogs.expect import Expect
from dialogs.prompts import LANGUAGE_WORDS
from dialogs.values import Count, Name

# state -> (short reprompt, keypad menu); the counts come from DialogSettings.reprompts
STEPS: dict[str, tuple[str, str]] = {
    "language": ("language_menu", "language_menu"),
    "group": ("group_short", "group_keypad"),
    "pin": ("pin_short", "pin_short"),
    "menu": ("menu_short", "menu_keypad"),
    "unknown": ("unknown_short", "unknown_keypad"),
}
LIMITED_STEPS = ("menu_limited", "menu_limited_keypad")
# What the main menu (and "anything else?") answers to.
MENU_INTENTS = ("check_savings", "check_loan", "next_meeting", "check_fines", "social_fund", "group_position",
                "change_language", "repeat", "help", "record_meeting")


def listen_for(c: Conversation, prompt_id: str) -> Listen:
    """The Listen of the current state, attributed to `prompt_id` (the prompt the caller is answering)."""
    match c.state:
        case "language":
            words = tuple(w for ws in LANGUAGE_WORDS.values() for w in ws)
            return c.listen(prompt_id, grammar="language", expects=Expect(("choice",), phrases=words, globals=()))
        case "group":
            names = tuple(m.group_name for m in c.memberships)
            return c.listen(prompt_id, phrases=names, expects=Expect(("choice",), phrases=names,
                                                                     intents=("change_language",)))
        case "pin":
            return c.listen(prompt_id, grammar=None, digits=c.settings.pin_length, speech=False,
                            expects=Expect(("digits",), globals=()),
                            timeout_s=c.settings.pin_timeout_s)
        case "unknown":
            return c.listen(prompt_id, grammar="unknown",
                            expects=Expect(("menu",), intents=("help", "change_language")))
        case _:
            return c.listen(prompt_id, grammar="menu", expects=Expect(("menu",), intents=MENU_INTENTS))


def group_options(c: Conversation) -> list[Action]:
    return [c.say("group_option", name=Name(m.group_name), key=Count(i)) for i, m in enumerate(c.memberships, 1)]


def reprompt(c: Conversation, prefix: str) -> list[Action]:
    """One rung down the ladder. `prefix` is the apology said first ("no_input", "no_match", "pin_keypad_only")."""
    c.failures += 1
    if c.failures > c.settings.reprompts:
        c.goto("ended")
        return [c.say("goodbye_ladder"), End("no_input" if prefix == "no_input" else "no_match")]
    steps = LIMITED_STEPS if c.state == "menu" and not c.authenticated else STEPS[c.state]
    prompt = steps[0] if c.failures == 1 else steps[1]
    actions: list[Action] = [c.say(prefix), c.say(prompt)]
    if c.state == "group" and prompt == "group_keypad":
        actions += group_options(c)
    return [*actions, listen_for(c, prompt)]
