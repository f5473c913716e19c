"""Roster name matching: what ASR heard -> ranked member candidates with scores, so dialogs can ask "which Mary?"."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from nlu.normalise.numbers import is_any_number_token
from nlu.normalise.tokens import tokenize
from nlu.types import MemberCandidate


@dataclass(frozen=True)
class RosterMember:
    """A group member as the ledger knows them; nicknames come from the ledger when it has any."""

    member_id: str
    name: str
    nicknames: tuple[str, ...] = ()


# Words around a name in a meeting-recording utterance that must never be taken for a name.
STOPWORDS = {
    "paid", "pay", "has", "have", "for", "her", "his", "the", "and", "add", "record", "give", "took", "bought",
    "loan", "savings", "saving", "shares", "share", "fine", "fines", "social", "fund", "shillings", "repaid",
    "deposited", "of", "a", "to", "from", "by", "is", "was", "with", "member", "mrs", "mr", "mama", "baba",
    "amelipa", "ameweka", "akiba", "hisa", "mkopo", "faini", "mfuko", "wa", "jamii", "ya", "na", "kwa", "shilingi",
    "mpe", "andika", "ongeza", "amechukua", "amenunua", "uh", "eeh", "sasa", "basi", "yes", "no", "ndio", "hapana",
    "many", "money", "more", "one", "all", "ten",
}  # fmt: skip


_SOUND_RULES: list[tuple[str, str]] = [
    (r"ch", "§"), (r"th", "t"), (r"ph", "f"), (r"ck", "k"), (r"c", "k"), (r"q", "k"), (r"(?<=[^s])h", ""),
    (r"er\b", "a"), (r"y", "i"), (r"ee", "i"), (r"oo", "u"), (r"(.)\1", r"\1"),
]  # fmt: skip
_SOUND = [(re.compile(pat), rep) for pat, rep in _SOUND_RULES]


@lru_cache(maxsize=8192)  # roster names and common words recur on every utterance
def sound_key(word: str) -> str:
    """A rough spoken form, so ASR spellings of the same sound meet: "peter"/"peta", "esther"/"esta", "jon"/"john"."""
    w = word.lower()
    for pat, rep in _SOUND:
        w = pat.sub(rep, w)
    return w


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(tokenize(text))


def _word_score(heard: str, name: str) -> float:
    return max(fuzz.ratio(heard, name), fuzz.ratio(sound_key(heard), sound_key(name)) * 0.97)


def _token_score(heard: list[str], name_tokens: list[str]) -> float:
    """Each heard word against its best name word (handles misheard and first-name-only), weighted by coverage."""
    if not heard or not name_tokens:
        return 0.0
    best = [max(_word_score(h, n) for n in name_tokens) for h in heard]
    covered = min(len(heard), len(name_tokens)) / len(name_tokens)
    return (sum(best) / len(best)) * (0.9 + 0.1 * covered)


def score_member(heard: str, member: RosterMember) -> float:
    """0-100: how well the heard words fit this member's name or one of their nicknames."""
    ht = list(_words(heard))
    if not ht:
        return 0.0
    h = " ".join(ht)
    nt = list(_words(member.name))
    full = " ".join(nt)
    scores = [
        fuzz.token_sort_ratio(h, full),
        fuzz.ratio(h.replace(" ", ""), full.replace(" ", "")),  # split/joined names: "jo anne" ~ "joanne"
        _token_score(ht, nt),
    ]
    if len(ht) > 1 and len(nt) > 1:
        joined_first = fuzz.ratio("".join(ht), nt[0])  # a first name heard as two words
        scores.append(joined_first * 0.95)
    for nick in member.nicknames:
        nick_t = list(_words(nick))
        scores.append(_token_score(ht, nick_t + nt[1:]))
        scores.append(fuzz.ratio(h, " ".join(nick_t)) * 0.95)
    return round(max(scores), 1)


def match_members(
    heard: str, roster: Iterable[RosterMember], *, min_score: float = 70.0, limit: int = 5
) -> list[MemberCandidate]:
    """Candidates at or above `min_score`, best first (ties by name). Empty when nobody on the roster fits."""
    scored = [(score_member(heard, m), m) for m in roster]
    out = [MemberCandidate(m.member_id, m.name, s) for s, m in scored if s >= min_score]
    out.sort(key=lambda c: (-c.score, c.name))
    return out[:limit]


def find_members(
    utterance: str, roster: Sequence[RosterMember], *, min_score: float = 70.0, limit: int = 5
) -> list[MemberCandidate]:
    """Names inside a whole utterance ("mary wanjiku paid five hundred"): best window of 1-3 non-stop words."""
    tokens = tokenize(utterance)
    spans: list[list[str]] = []
    run: list[str] = []
    for tok in [*tokens, "|"]:
        if tok == "|" or tok in STOPWORDS or is_any_number_token(tok) or len(tok) < 2:
            if run:
                spans.append(run)
            run = []
        else:
            run.append(tok)
    best: dict[str, MemberCandidate] = {}
    for span in spans:
        for n in range(1, min(3, len(span)) + 1):
            for i in range(len(span) - n + 1):
                window = " ".join(span[i : i + n])
                for cand in match_members(window, roster, min_score=min_score, limit=len(roster)):
                    if cand.member_id not in best or cand.score > best[cand.member_id].score:
                        best[cand.member_id] = cand
    out = sorted(best.values(), key=lambda c: (-c.score, c.name))
    return out[:limit]
