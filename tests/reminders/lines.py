"""What a reminder call says, as text lines (like dialogs.text, without importing the self-service engine)."""

from __future__ import annotations

from collections.abc import Sequence

from dialogs.actions import Action, End, Say
from dialogs.prompts import render


def action_lines(actions: Sequence[Action]) -> list[str]:
    out = []
    for action in actions:
        if isinstance(action, Say):
            out.append("BOT: " + render(action.prompt_id, action.values, action.lang))
        elif isinstance(action, End):
            out.append(f"-- call ended ({action.outcome})")
    return out
