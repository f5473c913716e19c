"""The words the dialogs themselves listen for, per language: yes/no, repeat, go back, and global intents said clearly.

These are answers the prompts tell callers to say ("say yes or press one", "say go back"), so they must work even
when Rasa is down or unsure. Multi-word entries are matched as whole phrases; single words as whole tokens.
"""

from __future__ import annotations

from types import MappingProxyType

import languages
from nlu.fallback import PHRASES as NLU_PHRASES


def _pack_words(key: str) -> dict[str, tuple[str, ...]]:
    """code -> the `key` list of each pack's words.yml (yes, no, repeat, back) for packs that have one."""
    out = {}
    for code, p in languages.packs().items():
        words = p.data("words.yml").get(key)
        if words:
            out[code] = tuple(str(w).lower() for w in words)
    return out


YES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "en": ("yes", "yeah", "yep", "yes please", "correct", "that is right", "that's right", "right", "ok", "okay",
           "sure", "i agree", "agree", "true"),
    "sw": ("ndiyo", "ndio", "naam", "sawa", "sahihi", "kweli", "ehe", "nakubali", "ni sawa", "ndiyo tafadhali"),
    **_pack_words("yes"),
})  # fmt: skip
NO: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "en": ("no", "nope", "no thank you", "no thanks", "not now", "not today", "wrong", "incorrect", "not correct",
           "not right", "i don't agree", "i do not agree", "don't"),
    "sw": ("hapana", "la", "sio", "siyo", "si sahihi", "si kweli", "makosa", "sitaki", "si sasa", "hapana asante",
           "sikubali"),
    **_pack_words("no"),
})  # fmt: skip
REPEAT: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "en": ("repeat", "repeat that", "say that again", "say it again", "say again", "again please", "come again",
           "pardon", "one more time"),
    "sw": ("rudia", "rudia tena", "sema tena", "sijasikia", "sikusikia", "mara moja tena"),
    **_pack_words("repeat"),
})  # fmt: skip
BACK: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "en": ("go back", "back", "previous", "the previous question", "take me back"),
    "sw": ("rudi nyuma", "rudi", "nyuma", "swali lililopita", "nirudishe"),
    **_pack_words("back"),
})  # fmt: skip
# Exact phrases of the global intents: said like this they leave the current question (after a check in a
# recording or PIN flow). The NLU's keyword lists are the single source.
GLOBAL_PHRASES: MappingProxyType[str, MappingProxyType[str, tuple[str, ...]]] = MappingProxyType({
    lang: MappingProxyType({intent: words for intent, words in NLU_PHRASES[lang]
                            if intent in ("goodbye", "speak_to_person")})
    for lang in NLU_PHRASES
})
# Yes/no words count only in a short answer: "no more reminders" is not a "no", "yes I saved two hundred" is
# an entry, not a confirmation.
SHORT_ANSWER_WORDS = 4
