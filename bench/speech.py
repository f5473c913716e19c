"""Speech benchmark entry point: runs the ASR bench then the TTS bench and prints both tables.

Run: .venv/bin/python bench/speech.py [--repeat 5] [--lang en,sw]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="passes per TTS measurement")
    ap.add_argument("--lang", default="en,sw", help="languages of the ASR bench")
    args = ap.parse_args()
    # Separate processes so the ASR figures (CPU-s, latency) are not skewed by TTS models and vice versa.
    runs = [
        [sys.executable, "-m", "bench.speech_asr", "--lang", args.lang],
        [sys.executable, "-m", "bench.speech_tts", "--repeat", str(args.repeat)],
    ]
    worst = 0
    for cmd in runs:
        worst = max(worst, subprocess.call(cmd, cwd=ROOT))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
