"""Speech benchmark entry point the issue names: runs the ASR bench then the TTS bench and prints both tables.

Run: .venv/bin/python bench/speech.py [--repeat 5] [--recognizers 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="passes per measurement")
    ap.add_argument("--recognizers", type=int, default=20, help="live recognisers for the ASR memory figure")
    args = ap.parse_args()
    # Separate processes so the ASR figures (RSS per recogniser) are not skewed by TTS models and vice versa.
    runs = [
        [sys.executable, "-m", "bench.speech_asr", "--repeat", str(args.repeat),
         "--recognizers", str(args.recognizers)],
        [sys.executable, "-m", "bench.speech_tts", "--repeat", str(args.repeat)],
    ]
    worst = 0
    for cmd in runs:
        worst = max(worst, subprocess.call(cmd, cwd=ROOT))
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
