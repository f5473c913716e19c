"""Prompt catalogs and listen-state phrases read from language packs (languages/<code>/prompts.yml): a language
added as a folder speaks without a code change. The language menu is built from every pack's own line."""

from __future__ import annotations

from collections.abc import Iterable

import languages
from languages import LanguagePack, LanguagePackError


def language_menu() -> str:
    """Each installed language offered in its own words ("For English press one. Kwa Kiswahili bonyeza mbili.")."""
    return " ".join(p.menu_line for p in languages.packs().values())


def language_words() -> dict[str, tuple[str, ...]]:
    """code -> the words that pick that language at the language menu, in every installed language: its own name
    (pack.yml) and what each pack's words.yml `language_names` calls it."""
    out: dict[str, list[str]] = {code: [p.name.lower(), p.english_name.lower()]
                                 for code, p in languages.packs().items()}
    for p in languages.packs().values():
        for code, names in (p.data("words.yml").get("language_names") or {}).items():
            if code in out:
                out[code] += [str(n).lower() for n in names]
    return {code: tuple(dict.fromkeys(words)) for code, words in out.items()}


def language_phrases(code: str) -> tuple[str, ...]:
    """What callers of ``code`` say at the language menu (its words.yml `language_names`, in its own script): the
    menu's grammar in that language, so its lexicon can pronounce every word."""
    names = languages.get(code).data("words.yml").get("language_names") or {}
    return tuple(dict.fromkeys(str(w).lower() for ws in names.values() for w in ws))


def _prompts(pack: LanguagePack) -> dict[str, str]:
    raw = pack.data("prompts.yml").get("prompts") or {}
    if not isinstance(raw, dict):
        raise LanguagePackError(f"{pack.path('prompts.yml')}: `prompts` must map prompt ids to sentences")
    catalog = {str(k): str(v) for k, v in raw.items()}
    catalog.setdefault("language_menu", language_menu())
    return catalog


def pack_catalogs(packs: Iterable[LanguagePack]) -> dict[str, dict[str, str]]:
    """code -> {prompt id: template} for every pack that ships a prompts.yml."""
    return {p.code: _prompts(p) for p in packs if p.has("prompts.yml")}


def pack_phrases(packs: Iterable[LanguagePack]) -> dict[str, dict[str, tuple[str, ...]]]:
    """code -> {listen state: phrases} (the `phrases` of prompts.yml; the language menu hears every language's
    names for the languages)."""
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for p in packs:
        if not p.has("prompts.yml"):
            continue
        raw = p.data("prompts.yml").get("phrases") or {}
        phrases = {str(k): tuple(str(x) for x in v) for k, v in raw.items()}
        phrases.setdefault("language", language_phrases(p.code))
        out[p.code] = phrases
    return out
