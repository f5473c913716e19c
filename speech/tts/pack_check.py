"""`ivr prompts check`: what a recorded pack still lacks or gets wrong, one line per problem, before callers hear it.

Checks each clip the manifest (and the current catalog) needs: missing or unreadable file, too quiet, clipped,
too long, long silence at an edge (stitched numbers would stutter), and clips the catalog needs that the
manifest does not list yet (the catalog changed: rebuild the script).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.audio import AudioFormatError, read_wav
from speech.tts.pack import MANIFEST, words

# A clip whose loudest 50 ms stays under this is too quiet to be heard over line noise (aim for -12..-3 dBFS).
QUIET_PEAK_DBFS = -24.0
# Samples this close to full scale, this many or more: the recorder clipped (distortion a phone line makes worse).
CLIP_LEVEL = 32_000
CLIPPED_SAMPLES = 3
# A prompt should take at most this long to say (prompt design for the ear: `ivr prompts durations` checks it).
MAX_PROMPT_S = 8.0
# A take is too long for its text beyond 2 s + 0.2 s a letter (twice as slow as a clear reader, ~10 letters a second
# in Swahili or English; letters, not words, because Swahili words are long): a long pause, a false start or a
# second take left in the file.
TAKE_BASE_S = 2.0
TAKE_PER_LETTER_S = 0.2
# Silence at the start or end beyond this makes stitched clips stutter ("elfu ... kumi"): trim it.
MAX_EDGE_SILENCE_S = 0.4
_SILENCE_DBFS = -45.0


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def _frames_dbfs(samples: np.ndarray, rate: int, ms: int) -> np.ndarray:
    n = max(1, rate * ms // 1000)
    usable = len(samples) // n * n
    if usable == 0:
        return np.array([-np.inf])
    frames = samples[:usable].reshape(-1, n).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    with np.errstate(divide="ignore"):
        return np.asarray(20 * np.log10(np.maximum(rms, 1e-9) / 32768.0))


def check_clip(path: Path, kind: str, text: str) -> list[str]:
    """Problems of one clip file (empty list: fine)."""
    if not path.exists():
        return [f'missing — record: "{text}"']
    try:
        pcm, rate = read_wav(path)
    except AudioFormatError as exc:
        return [f"unreadable ({exc})"]
    samples = np.frombuffer(pcm, dtype="<i2")
    if len(samples) == 0:
        return ["empty (no audio)"]
    out = []
    seconds = len(samples) / rate
    letters = sum(len(w) for w in words(text))
    limit = TAKE_BASE_S + TAKE_PER_LETTER_S * letters
    if seconds > limit:
        out.append(f"too long ({seconds:.1f} s for {letters} letters; at most {limit:.1f} s: "
                   "a pause or a second take left in?)")
    levels = _frames_dbfs(samples, rate, 50)
    peak = float(levels.max())
    if peak < QUIET_PEAK_DBFS:
        out.append(f"too quiet (loudest 50 ms at {peak:.0f} dBFS; record louder, peaks around -12..-3 dBFS)")
    clipped = int(np.count_nonzero(np.abs(samples.astype(np.int32)) >= CLIP_LEVEL))
    if clipped >= CLIPPED_SAMPLES:
        out.append(f"clipped ({clipped} samples at full scale; record a little quieter)")
    loud = np.nonzero(_frames_dbfs(samples, rate, 10) > _SILENCE_DBFS)[0]
    if len(loud) and peak >= QUIET_PEAK_DBFS:
        lead, tail = loud[0] * 0.01, seconds - (loud[-1] + 1) * 0.01
        for where, s in (("start", lead), ("end", tail)):
            if s > MAX_EDGE_SILENCE_S:
                out.append(f"{s:.1f} s of silence at the {where} (trim to under {MAX_EDGE_SILENCE_S:.1f} s)")
    return out


def check_pack(root: Path, expected: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem of the pack at `root`; `expected` = {clip id: text} the current catalog needs."""
    manifest = root / MANIFEST
    if not manifest.exists():
        return [Problem(str(manifest), f"no pack here: run `ivr prompts build --lang {root.name}`")]
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        clips = [(str(c["id"]), str(c["kind"]), str(c["text"]), str(c["file"])) for c in data["clips"]]
    except (ValueError, KeyError, TypeError) as exc:
        return [Problem(MANIFEST, f"not a valid pack manifest ({type(exc).__name__}: {exc})")]
    problems: list[Problem] = []
    listed = {cid for cid, *_ in clips}
    listed_words = {words(text) for *_, text, _f in clips}
    for cid, text in (expected or {}).items():
        if cid not in listed and not (cid.startswith("piece:") and words(text) in listed_words):
            problems.append(Problem(MANIFEST, f'{cid} is not in the manifest — say: "{text}" '
                                              f"(the catalog changed: run `ivr prompts build --lang {root.name}`)"))
    for _cid, kind, text, file in clips:
        problems += [Problem(file, msg) for msg in check_clip(root / file, kind, text)]
    return problems
