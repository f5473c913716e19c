"""A render plan: a prompt as the TTS side needs it — its text parts and typed value parts, not just its words.

The dialogs' prompt catalog turns (prompt id, values, language) into a RenderPlan (dialogs.prompts.plan); the
Speaker renders static text parts once (cached for ever), value phrases separately (cached, reusable), and a
recorded pack stitches clips by id: the whole prompt, each text part around the values ("prompt:<id>.<n>"), and
the verbaliser's pieces for numbers, money, dates and times (thousands, hundreds, "na").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A value kind -> whether its words are personal (amounts and names are; a count, a weekday or a clock time alone
# are not): personal renderings are cached encrypted and expire.
PII_KINDS = frozenset({"money", "name", "private"})
VALUE_KINDS = ("money", "number", "date", "time", "name", "private")  # private: free text that is personal
PAUSE = ","  # a piece that is a short pause, not a clip ("elfu kumi, na mbili": 10,002)
_SENTENCE_END = re.compile(r"[.!?]\s*$")
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a prompt: literal text (kind "text") or one value's words with its stitching pieces."""

    text: str
    kind: str = "text"
    pieces: tuple[str, ...] = ()  # values: the words as recordable pieces, in order; PAUSE for a short break
    clip: str | None = None  # text: the recorded-pack clip id of this part

    @property
    def is_value(self) -> bool:
        return self.kind != "text"

    @property
    def pii(self) -> bool:
        return self.kind in PII_KINDS

    @property
    def has_words(self) -> bool:
        return bool(_HAS_WORD.search(self.text))

    @property
    def ends_sentence(self) -> bool:
        return not self.is_value and bool(_SENTENCE_END.search(self.text))


@dataclass(frozen=True, slots=True)
class RenderPlan:
    """Everything needed to say one prompt: `text` is exactly the words the bot says (and shows)."""

    lang: str
    segments: tuple[Segment, ...]
    prompt_id: str | None = None

    @classmethod
    def from_text(cls, text: str, lang: str, *, pii: bool = False) -> RenderPlan:
        """Free text with no structure (e.g. `ivr say --text`): one part, personal if `pii`."""
        return cls(lang, (Segment(text, "private" if pii else "text"),))

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def pii(self) -> bool:
        return any(s.pii for s in self.segments)

    @property
    def has_values(self) -> bool:
        return any(s.is_value for s in self.segments)

    @property
    def whole_clip(self) -> str | None:
        """The pack clip id of the whole prompt (static prompts only)."""
        return f"prompt:{self.prompt_id}" if self.prompt_id and not self.has_values else None

    def groups(self) -> list[tuple[Segment, ...]]:
        """Segments in runs that end at a sentence end on a segment edge: the unit a pack falls back by (a run is
        said wholly by the pack or wholly by the fallback voice, never mixed mid-sentence)."""
        out: list[tuple[Segment, ...]] = []
        run: list[Segment] = []
        for seg in self.segments:
            run.append(seg)
            if seg.ends_sentence:
                out.append(tuple(run))
                run = []
        if run:
            out.append(tuple(run))
        return out
