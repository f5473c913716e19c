"""The menu as one table: each row is a choice (key, intent, PIN rule, what answers it, the line that offers it).

Designed for the ear: at most four announced choices per level, the most used first, each offered as "say X, or
press N"; a second level ("more choices") for the rest. Adding a choice = one `MenuItem` row + its prompts.
Keys 0 (a person) and * (hear this again) work everywhere; 9 goes back from the second level.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dialogs import figures

if TYPE_CHECKING:
    from dialogs.actions import Say
    from dialogs.context import Conversation

Reader = Callable[["Conversation"], Awaitable[list["Say"]]]
Level = Literal["main", "more"]
Audience = Literal["all", "members", "officers"]
OFFICERS = frozenset({"chair", "secretary", "treasurer"})


@dataclass(frozen=True)
class MenuItem:
    """One menu choice. Exactly one of `reader` (figures said as the answer) and `goto` (a state) is set.

    `key` None / `prompt` None: reachable by voice only and not announced (help, repeat-like commands).
    """

    key: str | None
    intent: str
    prompt: str | None
    reader: Reader | None = None
    goto: str | None = None
    needs_pin: bool = False
    level: Level = "main"
    audience: Audience = "all"

    def __post_init__(self) -> None:
        if (self.reader is None) == (self.goto is None):
            raise ValueError(f"menu item {self.intent!r} needs exactly one of reader / goto")


MENU: tuple[MenuItem, ...] = (
    MenuItem("1", "check_savings", "menu_item_savings", reader=figures.savings, needs_pin=True),
    MenuItem("2", "check_loan", "menu_item_loan", reader=figures.loan, needs_pin=True),
    MenuItem("3", "next_meeting", "menu_item_meeting", reader=figures.meeting),
    MenuItem("4", "more_choices", "menu_item_more", goto="menu_more"),
    MenuItem("1", "check_fines", "menu_item_fines", reader=figures.fines, needs_pin=True, level="more"),
    MenuItem("2", "social_fund", "menu_item_social", reader=figures.social, needs_pin=True, level="more"),
    MenuItem("3", "group_position", "menu_item_group", reader=figures.group_totals, needs_pin=True, level="more"),
    MenuItem("4", "change_language", "menu_item_language", goto="language", level="more", audience="members"),
    MenuItem("4", "record_meeting", "menu_item_record", goto="meeting_consent", level="more", audience="officers"),
    MenuItem("5", "change_language", None, goto="language", level="more", audience="officers"),
    MenuItem("9", "go_back", None, goto="menu", level="more"),
    MenuItem(None, "help", None, goto="help"),
    MenuItem(None, "change_language", None, goto="language"),
    MenuItem(None, "record_meeting", None, goto="meeting_consent"),
)


def is_officer(c: Conversation) -> bool:
    return c.membership is not None and c.membership.role in OFFICERS


def _for(c: Conversation, item: MenuItem) -> bool:
    if item.audience == "all":
        return True
    return (item.audience == "officers") == is_officer(c)


def items(c: Conversation, table: Sequence[MenuItem] | None = None) -> list[MenuItem]:
    """The rows this caller has (officers and members differ on the second level); the call's table by default."""
    rows = table if table is not None else (c.menu or MENU)
    return [i for i in rows if _for(c, i)]


def announced(c: Conversation, level: Level, table: Sequence[MenuItem] | None = None) -> list[MenuItem]:
    """The choices said at `level`: PIN-only ones are left out for a caller without a PIN."""
    return [i for i in items(c, table) if i.level == level and i.prompt and (c.authenticated or not i.needs_pin)]


def by_key(c: Conversation, key: str, level: Level, table: Sequence[MenuItem] | None = None) -> MenuItem | None:
    return next((i for i in items(c, table) if i.key == key and i.level == level), None)


def by_intent(c: Conversation, intent: str | None, level: Level,
              table: Sequence[MenuItem] | None = None) -> MenuItem | None:
    """A spoken choice works from either level; this level's row wins when an intent is on both."""
    found = [i for i in items(c, table) if i.intent == intent]
    return next((i for i in found if i.level == level), found[0] if found else None)


def menu_intents(c: Conversation, table: Sequence[MenuItem] | None = None) -> tuple[str, ...]:
    """Every intent the menu answers to (the Listen's Expect, and so the recogniser's grammar)."""
    return tuple(dict.fromkeys(i.intent for i in items(c, table) if i.intent != "go_back"))
