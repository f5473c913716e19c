"""The language menu (keypad or the language's name), remembered for the member's next call."""

from __future__ import annotations

import languages
from dialogs.context import Conversation, Input
from dialogs.flow import StateDef, Step, goto
from dialogs.ladder import listen_for, reprompt
from dialogs.prompts import CATALOGS, LANGUAGE_WORDS
from nlu.types import Lang

# Keypad key -> language: each pack's `key` (pack.yml), for the languages the dialogs speak.
KEYS: dict[str, Lang] = {p.key: code for code, p in languages.packs().items() if code in CATALOGS}
# Where the call goes once the language is chosen, by where it was asked.
RETURN_TO = {"identify": "identified", "group": "group", "menu": "menu", "menu_more": "menu_more",
             "unknown": "unknown"}


def chosen_language(inp: Input) -> Lang | None:
    if inp.kind == "digits":
        return KEYS.get(inp.digits)
    phrase = inp.reading.phrase if inp.reading is not None else None
    words = [phrase] if phrase else inp.text.lower().split()
    text = " " + " ".join(words) + " "
    for lang, names in LANGUAGE_WORDS.items():
        if lang in CATALOGS and any(f" {name} " in text for name in names):
            return lang
    return None


async def enter(c: Conversation, back_to: str = "identify", back: bool = False) -> list[Step]:
    """"Change language" from the group choice, the menu or the unknown-caller prompt: the menu, then back there."""
    c.after_language = back_to
    return [c.say("language_menu"), listen_for(c, "language_menu")]


async def on_language(c: Conversation, inp: Input) -> list[Step]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    lang = chosen_language(inp)
    if lang is None:
        return reprompt(c, "no_match")
    c.lang = lang
    if c.member_ids:
        await c.store.set_language(c.member_ids, lang)
    return [c.say("language_saved"), goto(RETURN_TO.get(c.after_language, "identified"))]


STATES = (StateDef("language", enter, on_language),)
