"""The menu states (main level, "more choices", help): speech and keypad at the same prompt, from the menu table.

Figures only after the PIN; a caller without one (or whose PIN entry is paused) hears why, kindly, and what
they can still do.
"""

from __future__ import annotations

from dialogs.actions import Say
from dialogs.context import Conversation, Input
from dialogs.flow import StateDef, Step, goto
from dialogs.ladder import listen_for, reprompt
from dialogs.menu import Level, MenuItem, announced, by_intent, by_key
from dialogs.values import Time
from ledger_client.errors import LedgerError

FOOTER = {"main": "menu_footer", "more": "menu_more_footer"}


def offer(c: Conversation, level: Level) -> list[Say]:
    """The choices of `level` said one line each, then the keys that work everywhere."""
    if level == "main" and not c.authenticated:
        return [c.say("menu_limited")]
    return [*(c.say(i.prompt) for i in announced(c, level) if i.prompt), c.say(FOOTER[level])]


async def enter_main(c: Conversation, back: bool = False) -> list[Step]:
    c.menu_level = "main"
    said = offer(c, "main")
    c.last_content = []
    return [*said, listen_for(c, said[0].prompt_id)]


async def enter_more(c: Conversation, back: bool = False) -> list[Step]:
    c.menu_level = "more"
    said = offer(c, "more")
    return [*said, listen_for(c, said[0].prompt_id)]


async def enter_help(c: Conversation, back: bool = False) -> list[Step]:
    c.goto("menu" if c.menu_level == "main" else "menu_more")
    return answered(c, [c.say("help")])


def answered(c: Conversation, said: list[Say]) -> list[Step]:
    """An answer, then "anything else?" (which offers star to hear it again)."""
    c.last_content = said
    return [*said, c.say("anything_else"), listen_for(c, "anything_else")]


def _choice(c: Conversation, inp: Input) -> MenuItem | None:
    level: Level = "more" if c.state == "menu_more" else "main"
    if inp.kind == "digits":
        return by_key(c, inp.digits[:1], level)
    if inp.reading is not None and inp.reading.intent:
        return by_intent(c, inp.reading.intent, level)
    return None


async def on_menu(c: Conversation, inp: Input) -> list[Step]:
    if inp.kind == "none":
        return reprompt(c, "no_input")
    item = _choice(c, inp)
    if item is None:
        return reprompt(c, "no_match")
    c.failures = 0
    return await do(c, item)


async def do(c: Conversation, item: MenuItem) -> list[Step]:
    if item.needs_pin and not c.authenticated:
        return [*private_figures(c), *await enter_main(c)]
    if item.goto is not None:
        return [goto(item.goto, back=item.intent == "go_back")] if item.goto != "language" else \
            [goto("language", back_to=c.state)]
    assert item.reader is not None
    try:
        said = await item.reader(c)
    except LedgerError:
        return [c.say("ledger_down"), c.say("anything_else"), listen_for(c, "anything_else")]
    return answered(c, said)


def private_figures(c: Conversation) -> list[Say]:
    """Why figures are not said: PIN entry paused (until when), or no PIN yet."""
    until = c.pin_locked_until
    if until is not None and until > c.now():
        local = until.astimezone(c.zone())
        return c.says("figures_locked", time=Time(local.time().replace(second=0, microsecond=0)))
    return [c.say("figures_need_pin")]


async def _no_input(c: Conversation, inp: Input) -> list[Step]:
    raise RuntimeError("the help state only speaks")


STATES = (
    StateDef("menu", enter_main, on_menu),
    StateDef("menu_more", enter_more, on_menu, back="menu"),
    StateDef("help", enter_help, _no_input),
)
