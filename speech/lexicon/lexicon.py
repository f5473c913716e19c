"""A language's pronunciation lexicon: exceptions, then a pronouncing dictionary, then letter rules — all from data.

``languages/<lang>/lexicon/g2p.yml`` says how words of the language get phones: its own letter ``rules`` (Swahili),
or a ``base_dictionary`` (English: the CMUdict pocketsphinx ships) with ``unknown_words: <other language>`` whose
rules spell what the dictionary lacks (East African names in English calls). ``exceptions.yml`` overrides both.
Loaded once per process per language (a dictionary is ~130k words).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path

from speech.lexicon.g2p import LetterRules, fold
from speech.lexicon.packs import LanguageDataError, language_dir, load_yaml

_ALT = re.compile(r"\(\d+\)$")
# Words are letters with inner apostrophes (ng'ombe, what's); everything else is split off by the tokeniser.
# Indic scripts' vowel signs and virama, and the accents other scripts keep after folding (Greek, Cyrillic), are
# marks, not \w: they belong to the word (digits and danda excepted).
_LETTER = r"(?:[^\W\d_]|[\u0300-\u036f\u0900-\u0963\u0970-\u0dff])"
_TOKEN = re.compile(rf"{_LETTER}+(?:'{_LETTER}+)*", re.UNICODE)


def words_of(text: str) -> list[str]:
    """The lexicon's tokenisation of a phrase: folded words, digits and punctuation dropped."""
    return _TOKEN.findall(fold(text))


def pocketsphinx_cmudict() -> Path:
    try:
        from pocketsphinx import Config
    except ImportError as exc:
        raise LanguageDataError("the pocketsphinx package is not installed: run scripts/setup.sh "
                                "(pip install pocketsphinx)") from exc
    return Path(Config()["dict"])  # the wheel's default dictionary: CMUdict of its bundled US-English model


BASE_DICTIONARIES = {"pocketsphinx-cmudict": pocketsphinx_cmudict}


def read_dictionary(path: Path) -> dict[str, tuple[str, ...]]:
    """A Sphinx pronouncing dictionary (``word phones``, alternatives as ``word(2)``) -> word -> pronunciations."""
    out: dict[str, list[str]] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LanguageDataError(f"cannot read the pronouncing dictionary {path}: {exc.strerror or exc}") from exc
    for line in text.splitlines():
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or line.startswith(";;"):
            continue
        word = _ALT.sub("", parts[0]).lower()
        phones = " ".join(parts[1].split("#", 1)[0].split())
        if phones:
            out.setdefault(word, []).append(phones)
    return {w: tuple(p) for w, p in out.items()}


class Lexicon:
    """Pronunciations for the words of one language (space-separated phones, main pronunciation first)."""

    def __init__(self, lang: str, *, exceptions: dict[str, tuple[str, ...]], rules: LetterRules | None = None,
                 dictionary: dict[str, tuple[str, ...]] | None = None, fallback: Lexicon | None = None,
                 phoneset: str = "cmu") -> None:
        if rules is None and dictionary is None and fallback is None:
            raise LanguageDataError(f"{lang}: the lexicon has neither rules, a dictionary nor unknown_words")
        self.lang = lang
        self.phoneset = phoneset
        self._exceptions = exceptions
        self._rules = rules
        self._dictionary = dictionary or {}
        self._fallback = fallback

    @classmethod
    def load(cls, lang: str, root: Path | None = None) -> Lexicon:
        """Read ``languages/<lang>/lexicon/`` (g2p.yml required, exceptions.yml optional)."""
        base = language_dir(lang, root) / "lexicon"
        g2p_path = base / "g2p.yml"
        if not g2p_path.is_file():
            raise LanguageDataError(f"{lang}: no {g2p_path} (the language's pronunciation rules)")
        data = load_yaml(g2p_path)
        phoneset = str(data.get("phoneset", "cmu"))
        rules = LetterRules.from_data(data, source=str(g2p_path)) if data.get("rules") else None
        dictionary = None
        if name := data.get("base_dictionary"):
            if name not in BASE_DICTIONARIES:
                raise LanguageDataError(f"{g2p_path}: unknown base_dictionary {name!r} "
                                        f"(known: {', '.join(BASE_DICTIONARIES)})")
            dictionary = read_dictionary(BASE_DICTIONARIES[name]())
        fallback = None
        if other := data.get("unknown_words"):
            if other == lang:
                raise LanguageDataError(f"{g2p_path}: unknown_words cannot name the language itself")
            fallback = lexicon_for(str(other), root)
            if fallback.phoneset != phoneset:
                raise LanguageDataError(f"{g2p_path}: unknown_words {other!r} uses phoneset {fallback.phoneset}, "
                                        f"not {phoneset}")
        exceptions: dict[str, tuple[str, ...]] = {}
        exc_path = base / "exceptions.yml"
        if exc_path.is_file():
            for word, prons in (load_yaml(exc_path).get("words") or {}).items():
                if isinstance(prons, str):
                    prons = [prons]
                if not prons or not all(isinstance(p, str) and p.strip() for p in prons):
                    raise LanguageDataError(f"{exc_path}: {word!r} needs a list of pronunciations")
                exceptions[fold(str(word))] = tuple(" ".join(p.split()) for p in prons)
        return cls(lang, exceptions=exceptions, rules=rules, dictionary=dictionary, fallback=fallback,
                   phoneset=phoneset)

    def pronunciations(self, word: str) -> tuple[str, ...]:
        """Every pronunciation of ``word``; raises LanguageDataError when none can be made."""
        w = fold(word)
        if w in self._exceptions:
            return self._exceptions[w]
        if w in self._dictionary:
            return self._dictionary[w]
        if self._rules is not None:
            return self._rules.pronounce(w)
        if self._fallback is not None:
            return self._fallback.pronunciations(w)
        raise LanguageDataError(f"{self.lang}: no pronunciation for {word!r} (add it to exceptions.yml)")

    def for_words(self, words: Iterable[str]) -> dict[str, tuple[str, ...]]:
        return {w: self.pronunciations(w) for w in dict.fromkeys(fold(x) for x in words)}

    def known(self, word: str) -> bool:
        """True when the word is in the exceptions or dictionary (not only spelled by rules)."""
        w = fold(word)
        return w in self._exceptions or w in self._dictionary


_CACHE: dict[tuple[str, Path | None], Lexicon] = {}
_LOCK = threading.Lock()


def lexicon_for(lang: str, root: Path | None = None) -> Lexicon:
    """The process-wide lexicon of ``lang`` (loaded on first use)."""
    key = (lang, root)
    with _LOCK:
        lex = _CACHE.get(key)
    if lex is None:
        lex = Lexicon.load(lang, root)
        with _LOCK:
            lex = _CACHE.setdefault(key, lex)
    return lex
