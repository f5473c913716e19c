"""The no-input / no-match ladder: a shorter reprompt, then the keypad menu spelled out, then a polite goodbye."""

from __future__ import annotations

from dialogs.actions import Action, End, Listen
from dialogs.context import Conversation
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


def listen_for(c: Conversation, prompt_id: str) -> Listen:
    """The Listen of the current state, attributed to `prompt_id` (the prompt the caller is answering)."""
    match c.state:
        case "language":
            return c.listen(prompt_id, grammar="language")
        case "group":
            return c.listen(prompt_id, phrases=tuple(m.group_name for m in c.memberships))
        case "pin":
            return c.listen(prompt_id, grammar=None, digits=c.settings.pin_length, speech=False,
                            timeout_s=c.settings.pin_timeout_s)
        case "unknown":
            return c.listen(prompt_id, grammar="unknown")
        case _:
            return c.listen(prompt_id, grammar="menu")


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
