"""How states hand over without importing each other: a handler returns `Goto("menu")` and the engine enters it.

The engine owns the table of states (dialogs/states.py). A state is a `StateDef`: how it is entered (says its
question, returns its Listen) and how it reads an answer. `Goto` never leaves the dialog: the engine replaces it
with the target state's entry actions, so the call layer only ever sees Say / Listen / Record / Transfer / End.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dialogs.actions import Action

if TYPE_CHECKING:
    from dialogs.context import Conversation, Input


@dataclass(frozen=True)
class Goto:
    """Enter state `state` (its `enter(c, **args)`); the actions before it in the list are said first."""

    state: str
    args: Mapping[str, Any] = field(default_factory=dict)


def goto(state: str, **args: Any) -> Goto:
    return Goto(state, args)


Step = Action | Goto
Enter = Callable[..., Awaitable[list[Step]]]
OnInput = Callable[["Conversation", "Input"], Awaitable[list[Step]]]


@dataclass(frozen=True)
class StateDef:
    """One listen state of the conversation.

    `protected`: leaving it by a global intent (goodbye, speak to a person) is checked first ("do you want to stop
    recording?"), because work in progress or a PIN entry would be cut short. `back`: the state "go back" returns
    to (None: the question is asked again).
    """

    name: str
    enter: Enter
    on_input: OnInput
    protected: bool = False
    back: str | None = None
