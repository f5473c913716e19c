"""Recorded prompt packs: a folder per language of WAV clips (whole prompts and number/money/date word pieces)
stitched together — how IVRs speak languages no TTS engine speaks, and how local teams replace robot voices.

Layout: <packs_dir>/<lang>/manifest.json, pieces/*.wav, prompts/*.wav (see pack_build.py, which writes one).
A text is served by greedy longest match of its words against every clip's words, so a prompt clip
("your savings are") and piece clips ("elfu", "kumi na mbili") combine in one utterance.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from speech.audio import SAMPLE_RATE, AudioFormatError, concat, read_wav, to_telephone
from speech.tts.base import TtsError, TtsUnavailable

MANIFEST = "manifest.json"
FORMAT = 1
# Hyphens, dashes and slashes separate words ("twenty-one" == "twenty one"); other punctuation is dropped.
_SEPARATORS = re.compile(r"[\s\-‐‑–—/]+")


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
    id: str  # "piece:<words>" or "prompt:<prompt_id>"
    kind: str  # "piece" | "prompt"
    text: str
    file: str  # relative to the pack folder


class PromptPack:
    """One language's pack: manifest parsed at load, clips read (and converted to 8 kHz) on first use."""

    def __init__(self, root: Path, lang: str, clips: list[Clip], gap_ms: int, revision: str) -> None:
        self.root = root
        self.lang = lang
        self.clips = {c.id: c for c in clips}
        self.gap_ms = gap_ms
        self.revision = revision
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
                                 "or set IVR_SPEECH__TTS__PACKS_DIR")
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise PackError(f"{manifest}: unsupported pack format {data.get('format')!r} (expected {FORMAT})")
            clips = [Clip(id=c["id"], kind=c["kind"], text=c["text"], file=c["file"]) for c in data["clips"]]
            lang, gap_ms = str(data["lang"]), int(data.get("gap_ms", 0))
        except (ValueError, KeyError, TypeError) as exc:
            raise PackError(f"{manifest} is not a valid pack manifest ({type(exc).__name__}: {exc})") from exc
        # Re-recording a clip changes the revision, so the prompt cache does not serve the old voice.
        h = hashlib.sha256(manifest.read_bytes())
        for clip in clips:
            path = root / clip.file
            stat = path.stat() if path.exists() else None
            h.update(f"{clip.file}:{stat.st_size if stat else -1}:{stat.st_mtime_ns if stat else -1}".encode())
        return cls(root, lang, clips, gap_ms, h.hexdigest()[:12])

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


class PackEngine:
    """The `pack` TTS engine: serves each language from <packs_dir>/<lang>/ (packs loaded once per engine)."""

    name = "pack"

    def __init__(self, packs_dir: Path) -> None:
        self._dir = Path(packs_dir)
        self._packs: dict[str, PromptPack] = {}
        self._lock = threading.Lock()

    def pack(self, lang: str) -> PromptPack:
        with self._lock:
            pack = self._packs.get(lang)
            if pack is None:
                pack = PromptPack.load(self._dir / lang)
                self._packs[lang] = pack
            return pack

    def voice_id(self, lang: str) -> str:
        return f"{lang}-pack@{self.pack(lang).revision}"

    async def synthesize(self, text: str, lang: str) -> bytes:
        pack = self.pack(lang)
        pack.plan(text)  # fail fast, on the loop, with the missing clip's name
        return await asyncio.to_thread(pack.render, text)
