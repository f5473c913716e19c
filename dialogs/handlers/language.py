"""The language menu (keypad or the language's name), remembered for the member's next call."""

from __future__ import annotations

from dialogs.actions import Action
from dialogs.context import Conversation, Input
from dialogs.handlers.ladder import reprompt
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
    if c.after_language == "menu":
        from dialogs.handlers import menu

        return actions + menu.enter(c)
    from dialogs.handlers import identify

    return actions + await identify.identified(c)
