"""Reads an inbound SMS: which command (words from every language's SMS_COMMANDS) and a PIN if it carries one."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from dialogs.prompts.sms import SMS_COMMANDS
from models.pins import PIN_MAX, PIN_MIN

COMMANDS = ("savings", "loan", "meeting", "help", "stop", "start", "sms", "call")
FIGURES = frozenset({"savings", "loan"})  # private: only after a PIN (or to a group's trusted registered number)


@dataclass(frozen=True)
class Parsed:
    """What the message asks. `pin` is secret: never log or store it; `languages` are those the word belongs to."""

    command: str | None
    pin: str | None
    languages: tuple[str, ...] = ()

    def __repr__(self) -> str:  # a PIN must not reach a log through a repr
        return f"Parsed(command={self.command!r}, pin={'***' if self.pin else None}, languages={self.languages!r})"


def _fold(text: str) -> str:
    """Lower case, Latin letters without accents, punctuation as spaces ("Akiba, 1234!" -> "akiba 1234"). Marks on
    other scripts stay inside their word (Devanagari vowel signs, virama, nukta: "कर्ज़" stays one word)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text).casefold():
        if unicodedata.category(ch).startswith("M"):
            if out and not out[-1].isascii():
                out.append(ch)  # a vowel sign or nukta of its letter; an accent on a Latin letter is dropped
        else:
            out.append(ch if ch.isalnum() or ch == "?" else " ")
    return unicodedata.normalize("NFC", "".join(out))


def _index() -> dict[str, tuple[str, tuple[str, ...]]]:
    """word -> (command, languages having that word for it)."""
    found: dict[str, dict[str, list[str]]] = {}
    for lang, commands in SMS_COMMANDS.items():
        for command, words in commands.items():
            if command not in COMMANDS:
                raise ValueError(f"SMS_COMMANDS[{lang!r}] names an unknown command {command!r}")
            for word in (_fold(w).strip() for w in words):
                found.setdefault(word, {}).setdefault(command, []).append(lang)
    out = {}
    for word, by_command in found.items():
        if len(by_command) > 1:
            raise ValueError(f"SMS command word {word!r} means several commands: {sorted(by_command)}")
        ((command, langs),) = by_command.items()
        out[word] = (command, tuple(langs))
    return out


WORDS = _index()


def parse(text: str) -> Parsed:
    command: str | None = None
    languages: tuple[str, ...] = ()
    pin: str | None = None
    for token in _fold(text).split():
        if command is None and token in WORDS:
            command, languages = WORDS[token]
        elif pin is None and token.isascii() and token.isdigit() and PIN_MIN <= len(token) <= PIN_MAX:
            pin = token
    return Parsed(command, pin, languages)
