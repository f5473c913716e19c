"""What a listen state expects as an answer: one declaration used by the dialog's understanding and the recogniser.

Each Listen carries an `Expect`. The dialog reads an utterance in the order the kinds are declared (the state's own
readings first, e.g. a date before a yes/no at "is this today's meeting?"), and only then global intents, when they
are clearly said. The call layer turns the same declaration into the recogniser's grammar for the state (ivr/calls),
so what the bot can hear and what it understands never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ExpectKind = Literal[
    "menu",  # a choice among `intents` (menu items, commands)
    "yes_no",  # affirm / deny (and keys 1 / 2)
    "date",  # a day: "yesterday", "on Saturday", "the twelfth of November"
    "member_name",  # a name from `names` (the group's roster, or the candidates of a namesake question)
    "amount",  # a sum of money in words or digits
    "digits",  # keypad digits only (PIN, member number); `speech=False` on the Listen when nothing may be said
    "meeting_entry",  # "<member> paid <amount> <type>", a bulk entry, or a recording command (`intents`)
    "transaction_type",  # savings, shares, social fund, loan repayment, new loan, fine, withdrawal
    "choice",  # one of `phrases` (group names, language names)
    "free",  # open speech (dictation): no grammar can hold it
]
# Intents a caller may say in (almost) any state; the state lists which of them it honours in `Expect.globals`.
GLOBAL_INTENTS: tuple[str, ...] = ("goodbye", "speak_to_person")


@dataclass(frozen=True)
class Expect:
    """The answers a question accepts. `kinds` are tried in order; the first one that reads the utterance wins."""

    kinds: tuple[ExpectKind, ...] = ("free",)
    intents: tuple[str, ...] = ()  # NLU intent names that answer this question (menu items, commands)
    phrases: tuple[str, ...] = ()  # literal answers for "choice" (said as written: group or language names)
    names: tuple[str, ...] = ()  # member names for "member_name" / "meeting_entry", as on the roster
    globals: tuple[str, ...] = GLOBAL_INTENTS  # global intents honoured here when clearly said
    past: bool = False  # a "date" answer is about something that happened: "on Saturday" is the last one

    def __post_init__(self) -> None:
        if not self.kinds:
            raise ValueError("an Expect needs at least one kind")
        unknown = set(self.globals) - set(GLOBAL_INTENTS)
        if unknown:
            raise ValueError(f"not global intents: {sorted(unknown)}")

    @property
    def primary(self) -> ExpectKind:
        return self.kinds[0]

    def accepts(self, kind: ExpectKind) -> bool:
        return kind in self.kinds

    @property
    def open(self) -> bool:
        """True when no closed grammar can cover the answer (dictation)."""
        return "free" in self.kinds
