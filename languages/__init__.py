"""Language packs: a language is a folder (languages/<code>/pack.yml + its data), found here, never named in code.

A pack folder holds ``pack.yml`` (the metadata below) and, optionally, the data the other packages read through
this registry: ``prompts.yml`` (the prompt catalog and the recogniser's phrases per listen state), ``words.yml``
(yes/no/repair words, the keyword fallback's phrases, the words that pick the language at the language menu),
``sms.yml`` (SMS texts, command words and date/time style), ``nlu.yml`` (Rasa training examples, merged into the
one model), ``lexicon/`` + ``grammar.yml`` (the recogniser),
``verbalise.py`` (numbers, money, dates and times as words: number_words, money_words, date_words, weekday_words,
time_words, vocabulary) and ``numbers.py`` (numbers as callers say them, for the recogniser and the NLU):

* ``DIGITS``: {digit word: "0".."9"} for digit strings (member and phone numbers);
* ``WORDS`` (a set) or ``is_word(token) -> bool``: could the token be part of a spoken number;
* ``parse(tokens, digits_value) -> Fraction``: number words (and digit tokens, read by the ``digits_value``
  callable handed in) to a value, ValueError when they are not entirely a number;
* ``grammar(rules) -> node``: the spoken-number grammar, built with the ``speech.grammar.rules`` module handed in
  (so a pack never imports speech);
* ``currency_words(currency | None) -> (major nouns, minor nouns, country words)`` and
  ``amount_grammar(rules, number, major, minor, country) -> node``: money as the verbaliser says it;
* ``date_grammar(rules, number) -> {"weekday", "calendar", "before"?, "after"?: node}``: the date forms;
* ``MONEY`` {"major", "minor", "fillers", "determiners": [words]} and ``DATES`` {"weekdays", "months": {word: n},
  "relative", "relative_past": {phrase: days}, "next_week", "next", "last", "day_fillers": [words],
  "ordinals": {word: n}}: the words the NLU's normalisers merge over every pack.

``pack.yml``'s optional ``numbers_also`` lists languages whose number words this one's callers mix in. This package
is low in the layering: it reads files and never imports ivr, dialogs, nlu or speech.

Packs are discovered in the built-in ``languages/`` folder and in any folder added with :func:`add_root` (a local
team's packs, or a test's throwaway pack); a later root may not redefine a code already found.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

BUILTIN_DIR = Path(__file__).resolve().parent
_CODE = re.compile(r"^[a-z]{2,3}$")
_ROOTS: list[Path] = [BUILTIN_DIR]
# The env form of LanguageSettings.dirs (languages/config.py): a JSON list of folders, or one folder.
DIRS_ENV = "IVR_LANGUAGES__DIRS"


class LanguagePackError(ValueError):
    """A pack is missing, malformed or names something that does not exist; the message names the file."""


@dataclass(frozen=True)
class TtsChoice:
    """Which TTS engine speaks the language and with which voice (engine-specific name), tuned rate if any."""

    engine: str
    voice: str | None = None
    rate_wpm: int | None = None


@dataclass(frozen=True)
class LanguagePack:
    """One language's metadata (pack.yml) and the folder its data lives in."""

    code: str
    name: str  # said in the language itself, in the language menu ("Kiswahili", "हिंदी")
    english_name: str
    key: str  # keypad key that picks it at the language menu
    currency: str  # ISO 4217 code for demo groups and for commands without a group
    tts: TtsChoice
    menu_line: str  # the language menu's sentence for this language, in it ("Kwa Kiswahili bonyeza mbili.")
    dir: Path
    recorded_pack: str | None = None  # folder (under the TTS pack dir) of the recorded prompts: its manifest.json
    order: int = 100  # position in the language menu
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def path(self, *parts: str) -> Path:
        return self.dir.joinpath(*parts)

    def has(self, *parts: str) -> bool:
        return self.path(*parts).exists()

    def data(self, name: str) -> dict[str, Any]:
        """A YAML mapping of the pack (``{}`` when the file is absent); a clear error when it is malformed."""
        return load_yaml(self.path(name)) if self.has(name) else {}

    def module(self, name: str) -> ModuleType | None:
        """The pack's Python module ``<name>.py`` (e.g. its verbaliser), loaded once, or None if it has none."""
        return _module(str(self.path(f"{name}.py")), f"languages_pack_{self.code}_{name}")


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a language data file, or a clear error naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LanguagePackError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise LanguagePackError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LanguagePackError(f"{path} must hold a mapping at the top level")
    return data


@cache
def _module(path: str, modname: str) -> ModuleType | None:
    if not Path(path).is_file():
        return None
    spec = importlib.util.spec_from_file_location(modname, path)
    if spec is None or spec.loader is None:
        raise LanguagePackError(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[modname] = mod
    spec.loader.exec_module(mod)
    return mod


def _read_pack(folder: Path) -> LanguagePack:
    meta_path = folder / "pack.yml"
    meta = load_yaml(meta_path)
    code = str(meta.get("code", ""))
    if code != folder.name or not _CODE.match(code):
        raise LanguagePackError(f"{meta_path}: code {code!r} must be the folder's name, 2-3 lower-case letters")
    missing = [k for k in ("name", "english_name", "key", "currency", "tts", "menu_line") if meta.get(k) in (None, "")]
    if missing:
        raise LanguagePackError(f"{meta_path}: missing {', '.join(missing)}")
    tts = meta["tts"]
    if not isinstance(tts, dict) or not tts.get("engine"):
        raise LanguagePackError(f"{meta_path}: tts must be a mapping with an engine (and a voice)")
    key = str(meta["key"])
    if len(key) != 1 or not key.isdigit() or key in "09":
        raise LanguagePackError(f"{meta_path}: key must be one keypad digit 1-8 (0 is a person, 9 is back)")
    known = {"code", "name", "english_name", "key", "currency", "tts", "menu_line", "recorded_pack", "order"}
    return LanguagePack(
        code=code, name=str(meta["name"]), english_name=str(meta["english_name"]), key=key,
        currency=str(meta["currency"]).upper(), menu_line=str(meta["menu_line"]),
        tts=TtsChoice(str(tts["engine"]), str(tts["voice"]) if tts.get("voice") else None,
                      int(tts["rate_wpm"]) if tts.get("rate_wpm") else None),
        dir=folder, recorded_pack=str(meta["recorded_pack"]) if meta.get("recorded_pack") else None,
        order=int(meta.get("order", 100)), extra={k: v for k, v in meta.items() if k not in known},
    )  # fmt: skip


_CACHE: dict[tuple[Path, ...], dict[str, LanguagePack]] = {}


def _env_roots() -> list[Path]:
    raw = os.environ.get(DIRS_ENV, "").strip()
    if not raw:
        return []
    try:
        dirs = json.loads(raw) if raw.startswith("[") else [raw]
    except json.JSONDecodeError as exc:
        raise LanguagePackError(f"{DIRS_ENV} must be a JSON list of folders: {exc}") from None
    roots = [Path(d).resolve() for d in dirs]
    for r in roots:
        if not r.is_dir():
            raise LanguagePackError(f"{DIRS_ENV}: language pack folder {r} does not exist")
    return roots


def packs() -> dict[str, LanguagePack]:
    """Every installed pack by code, in language-menu order. Raises LanguagePackError on a broken pack or when
    two packs claim the same code or keypad key."""
    roots = list(dict.fromkeys([*_ROOTS, *_env_roots()]))
    key = tuple(roots)
    if key in _CACHE:
        return _CACHE[key]
    found: dict[str, LanguagePack] = {}
    for root in roots:
        for meta in sorted(root.glob("*/pack.yml")):
            p = _read_pack(meta.parent)
            if p.code in found:
                raise LanguagePackError(f"{meta}: language {p.code!r} is already installed from {found[p.code].dir}")
            found[p.code] = p
    keys: dict[str, str] = {}
    for p in found.values():
        if p.key in keys:
            raise LanguagePackError(f"{p.dir / 'pack.yml'}: key {p.key} is already {keys[p.key]!r}'s")
        keys[p.key] = p.code
    ordered = dict(sorted(found.items(), key=lambda kv: (kv[1].order, kv[0])))
    _CACHE[key] = ordered
    return ordered


def codes() -> tuple[str, ...]:
    """The installed language codes, language-menu order."""
    return tuple(packs())


def get(code: str) -> LanguagePack:
    """The pack of ``code`` (a region suffix is ignored: "sw-TZ" -> sw); a clear error listing what exists."""
    base = re.split(r"[-_]", str(code).strip().lower(), maxsplit=1)[0]
    try:
        return packs()[base]
    except KeyError:
        raise LanguagePackError(f"no language pack {code!r}; installed: {', '.join(codes())}") from None


def default_code() -> str:
    """The first pack in menu order: the language of callers we know nothing about unless settings say otherwise."""
    return codes()[0]


def by_key(digit: str) -> str | None:
    """The code of the pack the keypad digit picks at the language menu."""
    return next((p.code for p in packs().values() if p.key == digit), None)


def add_root(folder: Path) -> None:
    """Also discover packs in ``folder`` (each sub-folder with a pack.yml); idempotent."""
    folder = Path(folder).resolve()
    if not folder.is_dir():
        raise LanguagePackError(f"language pack folder {folder} does not exist")
    if folder not in _ROOTS:
        _ROOTS.append(folder)


def remove_root(folder: Path) -> None:
    """Forget a folder added with add_root (tests clean up their throwaway packs)."""
    folder = Path(folder).resolve()
    if folder in _ROOTS and folder != BUILTIN_DIR:
        _ROOTS.remove(folder)


__all__ = ["BUILTIN_DIR", "LanguagePack", "LanguagePackError", "TtsChoice", "add_root", "by_key", "codes",
           "default_code", "get", "load_yaml", "packs", "remove_root"]
