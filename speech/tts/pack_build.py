"""Writes a starter prompt pack with a TTS engine: one clip per verbaliser piece plus any static prompts, a
manifest, and a recording script (CSV) so a local team can re-record every clip with real voices.

The dialog prompt catalog plugs in by passing {prompt_id: text}; number/money/date pieces come from
speech.verbalise.vocabulary(lang). Clips are trimmed of leading/trailing silence so stitched numbers flow.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from speech.audio import SAMPLE_RATE, rms_dbfs, write_wav
from speech.tts.base import TtsEngine
from speech.tts.pack import FORMAT, MANIFEST, PackError, words

# Below this level a 10 ms slice counts as silence when trimming clip edges (espeak's tails are ~-90 dBFS).
TRIM_DBFS = -50.0
# Keep this much of the quiet edge so plosives and fades are not cut.
TRIM_PAD_MS = 20
# Pause stitched between clips: short enough for "elfu kumi na mbili" to sound like one number.
DEFAULT_GAP_MS = 60


def trim(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """Drop leading/trailing silence (keeping TRIM_PAD_MS); an all-quiet clip is returned unchanged."""
    step = rate // 100 * 2  # 10 ms in bytes
    loud = [i for i in range(0, len(pcm), step) if rms_dbfs(pcm[i : i + step]) > TRIM_DBFS]
    if not loud:
        return pcm
    pad = rate * TRIM_PAD_MS // 1000 * 2
    return pcm[max(0, loud[0] - pad) : min(len(pcm), loud[-1] + step + pad)]


def _slug(text: str) -> str:
    slug = "_".join(words(text))
    return slug or "clip"


def _pieces(lang: str) -> list[str]:
    from speech.verbalise import UnsupportedLanguage, vocabulary

    try:
        return vocabulary(lang)
    except UnsupportedLanguage:
        return []


async def build_pack(engine: TtsEngine, lang: str, out_dir: Path, prompts: Mapping[str, str] | None = None,
                     *, gap_ms: int = DEFAULT_GAP_MS, progress: Callable[[int, int], None] | None = None) -> Path:
    """Render every piece and prompt of `lang` into `out_dir` (the language folder); returns the manifest path."""
    prompts = dict(prompts or {})
    for pid in prompts:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", pid):
            raise PackError(f"prompt id {pid!r} must be letters, digits, '_', '-' or '.' (it names a file)")
    pieces = _pieces(lang)
    if not pieces and not prompts:
        raise PackError(f"nothing to put in a {lang!r} pack: no verbaliser for it and no prompts given")
    jobs: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for piece in pieces:
        key = words(piece)
        if key and key not in seen:
            seen.add(key)
            jobs.append({"id": f"piece:{' '.join(key)}", "kind": "piece", "text": piece,
                         "file": f"pieces/{_slug(piece)}.wav"})
    for pid, text in prompts.items():
        jobs.append({"id": f"prompt:{pid}", "kind": "prompt", "text": text, "file": f"prompts/{pid}.wav"})

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pieces").mkdir(exist_ok=True)
    (out_dir / "prompts").mkdir(exist_ok=True)
    for done, job in enumerate(jobs, 1):
        pcm = trim(await engine.synthesize(job["text"], lang))
        write_wav(out_dir / job["file"], pcm, SAMPLE_RATE)
        if progress is not None:
            progress(done, len(jobs))

    manifest = {
        "format": FORMAT,
        "lang": lang,
        "rate": SAMPLE_RATE,
        "gap_ms": gap_ms,
        "source": {"engine": engine.name, "voice": engine.voice_id(lang)},
        "note": "Re-record any clip as a WAV (any rate, mono) under the same file name; see recording_script.csv.",
        "clips": jobs,
    }
    path = out_dir / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    with (out_dir / "recording_script.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "kind", "say_this"])
        for job in jobs:
            writer.writerow([job["file"], job["kind"], job["text"]])
    return path


def load_prompts_file(path: Path) -> dict[str, str]:
    """{prompt_id: text} from a JSON or YAML file; a clear error for anything else."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"cannot read prompts file {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() in (".yml", ".yaml"):
            import yaml

            data = yaml.safe_load(raw)
        else:
            data = json.loads(raw)
    except Exception as exc:  # json/yaml syntax errors of various types
        raise PackError(f"prompts file {path} does not parse: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise PackError(f"prompts file {path} must be a mapping of prompt_id to text")
    return dict(data)
