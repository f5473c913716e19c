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


YES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_pack_words("yes"))
NO: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_pack_words("no"))
REPEAT: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_pack_words("repeat"))
BACK: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_pack_words("back"))
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
