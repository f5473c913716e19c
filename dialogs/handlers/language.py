"""The language menu (keypad or the language's name), remembered for the member's next call."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.context import Conversation, Input
from dialogs.handlers.ladder import listen_for, reprompt
from dialogs.prompts import LANGUAGE_WORDS
from nlu.types import Lang

KEYS: dict[str, Lang] = {"1": "en", "2": "sw"}


def chosen_language(inp: Input) -> Lang | None:
    if inp.kind == "digits":
        return KEYS.get(inp.digits)
    words = inp.text.lower().split()
    for lang, names in LANGUAGE_WORDS.items():
        if any(name in words for name in names):
            return "sw" if lang == "sw" else "en"
    return None


async def on_language(c: Conversation, inp: Input) -> list[Action]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    lang = chosen_language(inp)
    if lang is None:
        return reprompt(c, "no_match")
    c.lang = lang
    if c.member_ids:
        await c.store.set_language(c.member_ids, lang)
    actions: list[Action] = [c.say("language_saved")]
    from dialogs.handlers import identify, menu  # (identify -> pin -> menu import chain; resolved at call time)

    match c.after_language:
        case "menu":
            return actions + menu.enter(c)
        case "group":
            return actions + identify.ask_group(c)
        case "unknown":
            c.goto("unknown")
            return [*actions, c.say("unknown_caller"), listen_for(c, "unknown_caller")]
    return actions + await identify.identified(c)


def ask(c: Conversation) -> list[Action]:
    """"Change language" from the group choice, the menu or the unknown-caller prompt: the menu, then back there."""
    if c.state in ("group", "menu", "unknown"):
        c.after_language = c.state
    c.goto("language")
    return [c.say("language_menu"), listen_for(c, "language_menu")]
