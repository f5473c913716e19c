"""Leaving a protected state (a meeting recording, a PIN entry) by a global intent: asked first, never assumed.

"Goodbye" or "speak to a person" heard in the middle of recording a meeting may be a member's name or a word to
someone in the room; the caller says yes before the call leaves, and "no" returns to the exact question.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.actions import Listen, Say
from dialogs.context import Conversation, Input
from dialogs.expect import Expect
from dialogs.flow import StateDef, Step
from dialogs.people import global_intent

PROMPT = {"pin": "leave_pin_ask"}
DEFAULT_PROMPT = "leave_recording_ask"


@dataclass(frozen=True)
class Leaving:
    """The global intent waiting for a yes, and the question to return to on a no."""

    intent: str
    state: str
    listen: Listen | None
    said: tuple[Say, ...]


def _listen(c: Conversation, prompt: str) -> Listen:
    return c.listen(prompt, grammar=None, expects=Expect(("yes_no",), globals=()))


async def enter(c: Conversation, back: bool = False) -> list[Step]:
    leaving = c.leaving
    assert isinstance(leaving, Leaving)
    prompt = PROMPT.get(leaving.state, DEFAULT_PROMPT)
    return [c.say(prompt), c.say("leave_yes_no"), _listen(c, prompt)]


async def on_answer(c: Conversation, inp: Input) -> list[Step]:
    leaving = c.leaving
    assert isinstance(leaving, Leaving)
    yes = {"1": True, "2": False}.get(inp.digits) if inp.kind == "digits" else (
        inp.reading.yes if inp.reading is not None else None)
    if yes is None:
        c.failures += 1
        if c.failures > c.settings.reprompts:
            yes = False  # no clear answer: staying is the safe choice (nothing is lost)
        else:
            return [c.say("no_match"), c.say("leave_yes_no"), *([c.listening] if c.listening else [])]
    c.leaving = None
    if yes:
        return await global_intent(c, leaving.intent)
    c.goto(leaving.state)
    c.listening = leaving.listen
    return [c.say("leave_cancelled"), *leaving.said, *([leaving.listen] if leaving.listen else [])]


STATES = (StateDef("leave", enter, on_answer),)
