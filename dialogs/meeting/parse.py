"""What one caller turn means while recording: an entry (speech or keypad), a bulk entry, or a command.

Supported spoken forms (English / Swahili), in any order: a roster name, a transaction type and an amount —
"Mary paid two hundred savings", "John repaid five hundred on his loan", "Grace took a loan of one thousand",
"Peter fine fifty", "Baraka ameweka akiba elfu mbili". Keypad: roster number * type code * amount in whole
currency units, then # ("3*1*200#"). A piece that is missing or unreadable is asked for on its own.

Bulk forms (one read-back and one confirmation for every member on the roster): a type, an amount and one of
"for everyone / everybody / all members / each member / every member" or "kila mtu / kila mwanachama /
wanachama wote / wote" — e.g. "social fund for everyone fifty", "mfuko wa jamii kila mtu elfu moja". Only money
every member pays in is allowed in bulk: savings, shares and social fund (never loans, fines or withdrawals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ledger_client.types import RosterMember
from nlu.normalise.amounts import find_amount
from nlu.normalise.names import RosterMember as NameEntry
from nlu.normalise.names import find_members, score_member
from nlu.normalise.tokens import tokenize
from nlu.normalise.transactions import TransactionType, transaction_type
from nlu.types import MemberCandidate
from speech.currency import currency as currency_of

# nlu's transaction words -> the core ledger's transaction types
LEDGER_TYPE = {
    TransactionType.SAVINGS: "savings", TransactionType.SHARES: "share_purchase",
    TransactionType.SOCIAL_FUND: "social_fund", TransactionType.LOAN_REPAYMENT: "loan_repayment",
    TransactionType.LOAN_DISBURSEMENT: "loan_disbursement", TransactionType.FINE: "fine",
    TransactionType.WITHDRAWAL: "withdrawal",
}  # fmt: skip
# keypad type codes (said in the keypad help prompt, same order in both languages)
TYPE_CODES = {"1": "savings", "2": "share_purchase", "3": "social_fund", "4": "loan_repayment",
              "5": "loan_disbursement", "6": "fine", "7": "withdrawal"}
BULK_TYPES = frozenset({"savings", "share_purchase", "social_fund"})
BULK_PHRASES = ("for everyone", "for everybody", "for all members", "for each member", "for every member",
                "everyone", "everybody", "all members", "each member", "every member", "kila mtu",
                "kila mwanachama", "wanachama wote", "wote")
# keypad commands in the entry loop (one key, then #)
KEY_COMMANDS = {"7": "undo", "8": "read_all", "9": "total", "6": "finish"}
INTENT_COMMANDS = {"undo_last": "undo", "read_back_all": "read_all", "finish_recording": "finish"}
COMMAND_WORDS: dict[str, tuple[str, ...]] = {
    "undo": ("undo", "remove the last", "delete the last", "cancel the last", "scratch that", "futa",
             "ondoa ya mwisho", "ghairi"),
    "read_all": ("read everything", "read all", "read back", "read the list", "soma zote", "soma kila kitu",
                 "soma rekodi", "soma orodha"),
    "total": ("total", "totals", "jumla"),
    "finish": ("finish", "finished", "that is all", "that's all", "we are done", "submit", "end the meeting",
               "maliza", "tumemaliza", "ni hayo tu", "wasilisha", "funga mkutano"),
}
# words near a name that fuzzy name matching must not take for one
NOT_NAMES = {"on", "in", "at", "her", "his", "paid", "took", "loan", "everyone", "everybody", "each", "every",
             "members", "kila", "mtu", "wanachama", "wote", "mwanachama", "yake", "repaid", "fine", "amelipa"}
MIN_NAME_SCORE = 70.0  # nlu's name_min_score default
AMBIGUITY_MARGIN = 8.0  # name scores this close to the best one are asked about ("Mary A or Mary W?")
FULL_NAME_SCORE = 99.0  # an exact full-name (or nickname) match outranks a first-name-only match
SURE_NAME_SCORE = 90.0  # a name heard alone and matched less surely than this is checked ("I heard ...")

Command = Literal["undo", "read_all", "total", "finish"]


@dataclass(frozen=True)
class Parsed:
    """The pieces one turn gave (any may be missing); `candidates` > 1 means the name must be disambiguated."""

    candidates: tuple[MemberCandidate, ...] = ()
    type: str | None = None
    amount_minor: int | None = None
    bulk: bool = False
    amount_heard: bool = False  # the caller said something that looked like an amount but it was unreadable


def _phrase_in(text: str, phrases: Sequence[str]) -> bool:
    joined = " " + " ".join(tokenize(text)) + " "
    return any(f" {p} " in joined for p in phrases)


def command_of(text: str, intent: str | None) -> Command | None:
    """A loop command from the intent or from the command words (Rasa may be down: keywords still work)."""
    for name, words in COMMAND_WORDS.items():
        if _phrase_in(text, words):
            return name  # type: ignore[return-value]
    cmd = INTENT_COMMANDS.get(intent or "")
    return cmd  # type: ignore[return-value]


def roster_entries(roster: Sequence[RosterMember]) -> list[NameEntry]:
    return [NameEntry(m.member_id, m.name, (m.nickname,) if m.nickname else ()) for m in roster]


def pick(candidates: Sequence[MemberCandidate]) -> tuple[MemberCandidate, ...]:
    """One clear winner, or the close ones (at most 3) to ask about."""
    if not candidates:
        return ()
    best = candidates[0].score
    if best >= FULL_NAME_SCORE and all(c.score < FULL_NAME_SCORE for c in candidates[1:]):
        return (candidates[0],)  # the whole name was said ("Mary Akinyi"): no question
    close = [c for c in candidates if best - c.score < AMBIGUITY_MARGIN]
    return tuple(close[:3])


def names_in(text: str, roster: Sequence[RosterMember]) -> tuple[MemberCandidate, ...]:
    cleaned = " ".join(t for t in tokenize(text) if t not in NOT_NAMES)
    return pick(find_members(cleaned, roster_entries(roster)))


def best_of(text: str, candidates: Sequence[MemberCandidate], roster: Sequence[RosterMember]
            ) -> MemberCandidate | None:
    """The candidate whose whole name fits what was said clearly best ("Halima Said" of the two Halimas)."""
    ids = {c.member_id for c in candidates}
    cleaned = " ".join(t for t in tokenize(text) if t not in NOT_NAMES)
    scored = sorted(((score_member(cleaned, e), e.member_id) for e in roster_entries(roster) if e.member_id in ids),
                    reverse=True)
    if not scored or scored[0][0] < MIN_NAME_SCORE or (len(scored) > 1 and scored[0][0] - scored[1][0] < 3):
        return None
    return next(c for c in candidates if c.member_id == scored[0][1])


def speech_entry(text: str, roster: Sequence[RosterMember], currency: str, lang: str) -> Parsed:
    found = transaction_type(text)
    amount = find_amount(text, currency, lang)
    bulk = _phrase_in(text, BULK_PHRASES)
    looks_numeric = bool(re.search(r"\d", text))
    return Parsed(
        candidates=() if bulk else names_in(text, roster),
        type=LEDGER_TYPE[found] if found else None,
        amount_minor=amount.minor if amount and amount.minor > 0 else None,
        bulk=bulk,
        amount_heard=looks_numeric and amount is None,
    )


def keypad_amount(digits: str, currency: str) -> int | None:
    """Whole currency units typed on the keypad -> minor units."""
    if not digits.isdigit() or int(digits) <= 0:
        return None
    return int(digits) * currency_of(currency).factor


def by_number(roster: Sequence[RosterMember], digits: str) -> MemberCandidate | None:
    if not digits.isdigit():
        return None
    for m in roster:
        if m.roster_number == int(digits):
            return MemberCandidate(m.member_id, m.name, 100.0)
    return None


def keypad_entry(digits: str, roster: Sequence[RosterMember], currency: str) -> Parsed | None:
    """"3*1*200" -> member 3, savings, 200 whole units; "3*1" or "3" leave the rest to be asked.
    None when the member number is not on the roster or the shape is wrong."""
    parts = digits.split("*")
    if not 1 <= len(parts) <= 3:
        return None
    member = by_number(roster, parts[0])
    if member is None:
        return None
    kind = TYPE_CODES.get(parts[1]) if len(parts) > 1 else None
    amount = keypad_amount(parts[2], currency) if len(parts) > 2 else None
    return Parsed(candidates=(member,), type=kind, amount_minor=amount)
