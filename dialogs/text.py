"""Runs a dialog from lines of text (typed = speech, `#1234` = keypad, empty = silence), printing `BOT:` lines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from dialogs.actions import Action, End, Listen, Say, Transfer
from dialogs.engine import Dialog
from dialogs.events import CallStarted, Digits, Event, Hangup, NoInput, Utterance
from dialogs.prompts import render

ReadLine = Callable[[Listen], Awaitable[str | None]]
Write = Callable[[str], None]


def parse_line(line: str) -> Event:
    """One caller turn from one line of text."""
    text = line.strip()
    if not text:
        return NoInput()
    if text.startswith("#"):
        digits = text[1:].strip().rstrip("#")
        return Digits(digits) if digits else NoInput()
    return Utterance(text)


def action_lines(actions: list[Action]) -> list[str]:
    """What a text caller sees: each prompt's words (values through the verbalisers), transfers and hang-ups."""
    lines = []
    for action in actions:
        if isinstance(action, Say):
            lines.append("BOT: " + render(action.prompt_id, action.values, action.lang))
        elif isinstance(action, Transfer):
            lines.append(f"-- transfer to {action.kind.replace('_', ' ')}")
        elif isinstance(action, End):
            lines.append(f"-- call ended ({action.outcome})")
    return lines


async def converse(dialog: Dialog, caller: str, read_line: ReadLine, write: Write) -> list[list[Action]]:
    """A whole call: CallStarted, then one line per Listen until the dialog ends or input runs out (= hang-up)."""
    history = [await dialog.handle(CallStarted(caller, now=dialog.c.now()))]
    for out in action_lines(history[-1]):
        write(out)
    while (listen := dialog.listening) is not None:
        line = await read_line(listen)
        if line is None:
            await dialog.handle(Hangup())
            write("-- caller hung up")
            break
        history.append(await dialog.handle(parse_line(line)))
        for out in action_lines(history[-1]):
            write(out)
    return history
