"""Recorded prompt packs: a folder per language of WAV clips (whole prompts, the text parts around a prompt's
values, and number/money/date pieces) stitched together — how IVRs speak languages no TTS engine speaks, and how
local teams replace robot voices.

Layout: <packs_dir>/<lang>/manifest.json, pieces/*.wav, prompts/*.wav (see pack_build.py, which writes one).
A render plan (speech.tts.plan) is served by clip id: "prompt:<id>" for a whole static prompt, "prompt:<id>.<n>"
for the text parts of a prompt with values, and for each value its pieces ("elfu", "kumi na mbili", "na", ...).
A plain text is served by greedy longest match of its words against every clip's words.
Gaps: `clips_for` reports what is missing instead of raising, so the Speaker can say that part of the prompt with
the fallback voice — a whole sentence at a time unless the manifest says "mix_voices": true.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from speech.audio import SAMPLE_RATE, AudioFormatError, concat, read_wav, to_telephone
from speech.tts.base import BaseTtsEngine, TtsCapabilities, TtsError, TtsUnavailable
from speech.tts.plan import PAUSE, Segment
from speech.tts.registry import register_tts

MANIFEST = "manifest.json"
FORMAT = 1
# Hyphens, dashes and slashes separate words ("twenty-one" == "twenty one"); other punctuation is dropped.
_SEPARATORS = re.compile(r"[\s\-‐‑–—/]+")


class PackSettings(BaseModel):
    """Recorded prompt packs (section `speech.tts.pack`, env IVR_SPEECH__TTS__PACK__*)."""

    # <dir>/<lang>/manifest.json + WAV clips (`ivr prompts build --lang sw` writes the script and a starter).
    dir: Path = Path("var/prompt_packs")


# A comma inside a number ("elfu kumi, na mbili") and a sentence end, as pauses between clips.
COMMA_PAUSE_MS = 250
SENTENCE_PAUSE_MS = 450


class PackError(TtsError):
    """A pack is malformed or cannot serve a text."""


class MissingClip(PackError):
    """The text needs a clip the pack does not have; the message names the clip and the pack."""


def words(text: str) -> tuple[str, ...]:
    """Normalised words: lower-case, punctuation and hyphens dropped ("Twenty-one," -> ("twenty", "one")).

    Combining marks stay (Devanagari vowel signs are part of the word); inner apostrophes stay ("o'clock")."""
    out = []
    for token in _SEPARATORS.split(text.lower()):
        kept = "".join(ch for ch in token if not unicodedata.category(ch).startswith(("P", "S")) or ch in "'’")
        kept = kept.strip("'’")
        if kept:
            out.append(kept)
    return tuple(out)


@dataclass(frozen=True)
class Clip:
    id: str  # "piece:<words>", "prompt:<prompt_id>", "prompt:<prompt_id>.<n>" or "name:<words>"
    kind: str  # "piece" | "prompt" | "name"
    text: str
    file: str  # relative to the pack folder


@dataclass(frozen=True)
class Pause:
    ms: int


@dataclass(frozen=True)
class Missing:
    """A part of a plan the pack has no (usable) clip for: `text` is what the fallback voice would say."""

    text: str
    clip_id: str


Part = Clip | Pause | Missing


class PromptPack:
    """One language's pack: manifest parsed at load, clips read (and converted to 8 kHz) on first use."""

    def __init__(self, root: Path, lang: str, clips: list[Clip], gap_ms: int, revision: str,
                 mix_voices: bool = False) -> None:
        self.root = root
        self.lang = lang
        self.clips = {c.id: c for c in clips}
        self.gap_ms = gap_ms
        self.revision = revision
        self.mix_voices = mix_voices
        self._by_words: dict[tuple[str, ...], Clip] = {}
        for clip in clips:
            key = words(clip.text)
            # a prompt clip wins over a piece with the same words (it was recorded as a whole)
            if key and (key not in self._by_words or clip.kind == "prompt"):
                self._by_words[key] = clip
        self._longest = max((len(k) for k in self._by_words), default=0)
        self._pcm: dict[str, bytes] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, root: Path) -> PromptPack:
        manifest = root / MANIFEST
        if not manifest.exists():
            raise TtsUnavailable(f"no prompt pack at {root}: run `ivr prompts build --lang {root.name}` "
                                 "or set IVR_SPEECH__TTS__PACK__DIR")
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise PackError(f"{manifest}: unsupported pack format {data.get('format')!r} (expected {FORMAT})")
            clips = [Clip(id=c["id"], kind=c["kind"], text=c["text"], file=c["file"]) for c in data["clips"]]
            lang, gap_ms = str(data["lang"]), int(data.get("gap_ms", 0))
            mix_voices = bool(data.get("mix_voices", False))
        except (ValueError, KeyError, TypeError) as exc:
            raise PackError(f"{manifest} is not a valid pack manifest ({type(exc).__name__}: {exc})") from exc
        # Re-recording a clip changes the revision, so the prompt cache does not serve the old voice.
        h = hashlib.sha256(manifest.read_bytes())
        for clip in clips:
            path = root / clip.file
            stat = path.stat() if path.exists() else None
            h.update(f"{clip.file}:{stat.st_size if stat else -1}:{stat.st_mtime_ns if stat else -1}".encode())
        return cls(root, lang, clips, gap_ms, h.hexdigest()[:12], mix_voices)

    def plan(self, text: str) -> list[Clip]:
        """The clips that say `text`, by greedy longest match; MissingClip names the first word no clip covers."""
        toks = words(text)
        if not toks:
            raise PackError("nothing to say: text has no words")
        out: list[Clip] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._longest, len(toks) - i), 0, -1):
                clip = self._by_words.get(toks[i : i + n])
                if clip is not None:
                    out.append(clip)
                    i += n
                    break
            else:
                raise MissingClip(f"prompt pack {self.root} has no clip for the word {toks[i]!r} "
                                  f"(add pieces/{toks[i]}.wav and a manifest entry, or rebuild the pack)")
        return out

    def usable(self, clip: Clip | None) -> bool:
        return clip is not None and (self.root / clip.file).exists()

    def _by_text(self, text: str) -> Clip | None:
        clip = self._by_words.get(words(text))
        return clip if self.usable(clip) else None

    def _piece_parts(self, piece: str) -> list[Part]:
        if piece == PAUSE:
            return [Pause(COMMA_PAUSE_MS)]
        clip = self._by_text(piece)
        if clip is not None:
            return [clip]
        toks = words(piece)
        if len(toks) > 1:  # a compound ("kumi na mbili") from its words, same voice
            parts = [self._by_text(t) for t in toks]
            if all(p is not None for p in parts):
                return [p for p in parts if p is not None]
        return [Missing(piece, f"piece:{' '.join(toks)}")]

    def clips_for(self, segments: Sequence[Segment], whole: str | None = None) -> list[Part]:
        """The clips (and pauses) that say `segments`, with Missing where the pack has no usable clip.
        `whole` is the clip id of the whole prompt (static prompts), used when it exists."""
        if whole is not None:
            clip = self.clips.get(whole)
            text = "".join(s.text for s in segments).strip()
            return [clip] if clip is not None and self.usable(clip) else [Missing(text, whole)]
        out: list[Part] = []
        for seg in segments:
            if seg.is_value:
                if seg.kind in ("name", "private"):
                    clip = self.clips.get(f"name:{' '.join(words(seg.text))}")
                    out.append(clip if clip is not None and self.usable(clip)
                               else Missing(seg.text, f"name:{' '.join(words(seg.text))}"))
                else:
                    for piece in seg.pieces:
                        out.extend(self._piece_parts(piece))
            elif seg.has_words:
                clip = self.clips.get(seg.clip) if seg.clip else None
                if clip is None or not self.usable(clip):
                    clip = self._by_text(seg.text) if words(seg.text) else None
                out.append(clip if clip is not None else Missing(seg.text.strip(), seg.clip or "prompt:?"))
            if seg.ends_sentence:
                out.append(Pause(SENTENCE_PAUSE_MS))
        while out and isinstance(out[-1], Pause):
            out.pop()
        return out

    def join(self, pcms: Sequence[bytes | Pause]) -> bytes:
        """Clips joined with the pack's gap; a Pause replaces the gap at its place."""
        out = bytearray()
        gap = b"\x00\x00" * (SAMPLE_RATE * self.gap_ms // 1000)
        prev_audio = False
        for item in pcms:
            if isinstance(item, Pause):
                out += b"\x00\x00" * (SAMPLE_RATE * item.ms // 1000)
                prev_audio = False
                continue
            if prev_audio:
                out += gap
            out += item
            prev_audio = True
        return bytes(out)

    def clip_pcm(self, clip: Clip) -> bytes:
        """The clip as 8 kHz slin16 (any WAV rate/width the recording team used is converted once)."""
        with self._lock:
            pcm = self._pcm.get(clip.id)
        if pcm is not None:
            return pcm
        path = self.root / clip.file
        if not path.exists():
            raise MissingClip(f"prompt pack clip {clip.id!r} is missing its file {path}")
        try:
            raw, rate = read_wav(path)
        except AudioFormatError as exc:
            raise PackError(f"prompt pack clip {clip.id!r}: {exc}") from exc
        pcm = to_telephone(raw, rate)
        with self._lock:
            self._pcm[clip.id] = pcm
        return pcm

    def render(self, text: str) -> bytes:
        return concat([self.clip_pcm(c) for c in self.plan(text)], self.gap_ms, SAMPLE_RATE)

    def render_prompt(self, prompt_id: str) -> bytes:
        clip = self.clips.get(f"prompt:{prompt_id}")
        if clip is None:
            raise MissingClip(f"prompt pack {self.root} has no clip for prompt {prompt_id!r}")
        return self.clip_pcm(clip)


class PackEngine(BaseTtsEngine):
    """The `pack` TTS engine: serves each language from <dir>/<lang>/ (packs loaded once per engine)."""

    name = "pack"
    capabilities = TtsCapabilities(streaming=False, any_text=False)

    def __init__(self, packs_dir: Path, *, timeout_s: float = 30.0) -> None:
        super().__init__(timeout_s=timeout_s)
        self._dir = Path(packs_dir)
        self._packs: dict[str, PromptPack] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, tts: Any) -> PackEngine:
        return cls(tts.pack.dir, timeout_s=tts.timeout_s)

    def check(self, lang: str) -> None:
        self.pack(lang)

    def pack(self, lang: str) -> PromptPack:
        with self._lock:
            pack = self._packs.get(lang)
            if pack is None:
                pack = PromptPack.load(self._dir / lang)
                self._packs[lang] = pack
            return pack

    def voice_id(self, lang: str) -> str:
        return f"{lang}-pack@{self.pack(lang).revision}"

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        pack = self.pack(lang)
        pack.plan(text)  # fail fast, on the loop, with the missing clip's name
        return await asyncio.to_thread(pack.render, text)

    async def render_parts(self, lang: str, parts: Sequence[Clip | Pause]) -> bytes:
        """Audio for clips and pauses (from clips_for, with no Missing left)."""
        pack = self.pack(lang)

        def work() -> bytes:
            return pack.join([p if isinstance(p, Pause) else pack.clip_pcm(p) for p in parts])

        return await asyncio.to_thread(work)


register_tts("pack", PackEngine)
