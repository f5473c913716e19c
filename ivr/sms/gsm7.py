"""GSM 03.38 7-bit alphabet check and SMS segmenting (GSM-7 160/153 septets, UCS-2 70/67 UTF-16 units).

Written out here rather than trusting a gateway: how many parts a reply costs is the member's and the group's
money, and a split must never cut an escape pair (GSM-7 extension characters take two septets) or a surrogate pair
(UCS-2/UTF-16 characters outside the BMP take two units).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# The basic character set, in code order 0x00..0x7F (0x1B is the escape to the extension table).
BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Characters of the extension table: each is sent as ESC + one septet, so it counts twice.
EXTENSION = frozenset("\f^{}\\[~]|€")
_BASIC = frozenset(BASIC) - {"\x1b"}
assert len(BASIC) == 128

# Sizes of one SMS: 140 octets = 160 septets or 70 UCS-2 units; a concatenated part loses 6 octets to its UDH
# (IEI 0x00, 8-bit reference), leaving 153 septets (with fill bits) or 67 units.
SINGLE = {"gsm7": 160, "ucs2": 70}
PART = {"gsm7": 153, "ucs2": 67}
Coding = Literal["gsm7", "ucs2"]


class TooLong(ValueError):
    """A text that would need more parts than allowed (the message names the count, never the text)."""


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM-7 basic or extension table."""
    return all(ch in _BASIC or ch in EXTENSION for ch in text)


def _units(ch: str, coding: Coding) -> int:
    if coding == "gsm7":
        return 2 if ch in EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def length(text: str, coding: Coding | None = None) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    coding = coding or coding_for(text)
    return sum(_units(ch, coding) for ch in text)


def coding_for(text: str) -> Coding:
    return "gsm7" if is_gsm7(text) else "ucs2"


@dataclass(frozen=True)
class Segmented:
    coding: Coding
    parts: tuple[str, ...]

    @property
    def dcs(self) -> int:
        """Kannel's `coding` value: 0 = 7-bit, 2 = UCS-2."""
        return 0 if self.coding == "gsm7" else 2


def segment(text: str, max_parts: int = 10) -> Segmented:
    """Split `text` into SMS parts: one part up to 160/70, else parts of at most 153/67, breaking at a space when
    one is near (so a word is not cut), never inside an escape or surrogate pair."""
    if not text:
        raise ValueError("an SMS needs some text")
    coding = coding_for(text)
    if length(text, coding) <= SINGLE[coding]:
        return Segmented(coding, (text,))
    size = PART[coding]
    parts: list[str] = []
    rest = text
    while rest:
        used, cut = 0, 0
        for i, ch in enumerate(rest):
            u = _units(ch, coding)
            if used + u > size:
                break
            used += u
            cut = i + 1
        if cut < len(rest):
            space = rest.rfind(" ", 0, cut)
            if space > cut * 2 // 3:  # a space in the last third of the part: break there, keep the word whole
                cut = space + 1
        parts.append(rest[:cut])
        rest = rest[cut:]
        if len(parts) > max_parts:
            raise TooLong(f"text needs more than {max_parts} SMS parts")
    return Segmented(coding, tuple(parts))
