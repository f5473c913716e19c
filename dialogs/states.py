"""The engine's table of states: every state of the member dialogs, by name (handlers list their own)."""

from __future__ import annotations

from types import MappingProxyType

from dialogs.flow import StateDef
from dialogs.handlers import identify, language, leave, meeting_entry, meeting_start, meeting_submit, menu, pin


def table(*groups: tuple[StateDef, ...]) -> dict[str, StateDef]:
    out: dict[str, StateDef] = {}
    for group in groups:
        for state in group:
            if state.name in out:
                raise ValueError(f"state {state.name!r} defined twice")
            out[state.name] = state
    return out


STATES: MappingProxyType[str, StateDef] = MappingProxyType(table(
    identify.STATES, language.STATES, pin.STATES, menu.STATES, leave.STATES,
    meeting_start.STATES, meeting_entry.STATES, meeting_submit.STATES,
))
