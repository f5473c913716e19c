"""Writes a prompt pack: the manifest and the recording script (CSV: every clip to record, what to say), and —
with a TTS engine — a starter clip for each clip not recorded yet, so the pack speaks before the local team has
recorded it and their recordings replace the starter clips one by one (existing files are kept).

The dialog prompt catalog plugs in by passing {clip name: text} (a whole static prompt "menu_item_savings", a text part
around a prompt's values "savings.0"); number/money/date pieces come from speech.verbalise.stitch_pieces (numbers
1-99 whole, scale words, "na"/"and", currency nouns, weekdays, months, clock words). Starter clips are trimmed
of leading/trailing silence and levelled (stitch.level) so stitched numbers flow as one voice.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from speech.audio import SAMPLE_RATE, write_wav
from speech.tts.base import TtsEngine
from speech.tts.pack import FORMAT, MANIFEST, PackError, words
from speech.tts.stitch import level, trim

# Pause stitched between clips: short enough for "elfu kumi na mbili" to sound like one number.
DEFAULT_GAP_MS = 60


def _slug(text: str) -> str:
    slug = "_".join(words(text))
    return slug or "clip"


def _pieces(lang: str) -> list[str]:
    from speech.verbalise import UnsupportedLanguage
    from speech.verbalise.stitch_pieces import piece_vocabulary

    try:
        return list(piece_vocabulary(lang))
    except UnsupportedLanguage:
        return []


def script(lang: str, prompts: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """Every clip of a `lang` pack: {id, kind, text, file}, pieces first, then the given prompt clips."""
    prompts = dict(prompts or {})
    for pid in prompts:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", pid) or pid.startswith("."):
            raise PackError(f"prompt id {pid!r} must be letters, digits, '_', '-' or '.' (it names a file)")
    jobs: list[dict[str, str]] = []
    seen: set[tuple[str, ...]] = set()
    for piece in _pieces(lang):
        key = words(piece)
        if key and key not in seen:
            seen.add(key)
            jobs.append({"id": f"piece:{' '.join(key)}", "kind": "piece", "text": piece,
                         "file": f"pieces/{_slug(piece)}.wav"})
    for pid, text in prompts.items():
        jobs.append({"id": f"prompt:{pid}", "kind": "prompt", "text": text, "file": f"prompts/{pid}.wav"})
    if not jobs:
        raise PackError(f"nothing to put in a {lang!r} pack: no verbaliser for it and no prompts given")
    return jobs


async def build_pack(engine: TtsEngine | None, lang: str, out_dir: Path, prompts: Mapping[str, str] | None = None,
                     *, gap_ms: int = DEFAULT_GAP_MS, overwrite: bool = True, mix_voices: bool = False,
                     progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the manifest and recording script of a `lang` pack into `out_dir` (the language folder) and, with an
    engine, a starter clip per clip (only where no file exists unless `overwrite`); returns the manifest path."""
    jobs = script(lang, prompts)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pieces").mkdir(exist_ok=True)
    (out_dir / "prompts").mkdir(exist_ok=True)
    for done, job in enumerate(jobs, 1):
        target = out_dir / job["file"]
        if engine is not None and (overwrite or not target.exists()):
            pcm = level(trim(await engine.synthesize(job["text"], lang)))
            write_wav(target, pcm, SAMPLE_RATE)
        if progress is not None:
            progress(done, len(jobs))

    manifest = {
        "format": FORMAT,
        "lang": lang,
        "rate": SAMPLE_RATE,
        "gap_ms": gap_ms,
        # false: a sentence with a missing clip is said whole by the fallback voice, never one word in another
        # voice; true allows filling single missing clips with the fallback voice.
        "mix_voices": mix_voices,
        "source": {"engine": engine.name, "voice": engine.voice_id(lang)} if engine is not None else None,
        "note": "Record every clip as a WAV (mono, any rate, peaks -12..-3 dBFS) under its file name; "
                "see recording_script.csv, then run `ivr prompts check`.",
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
