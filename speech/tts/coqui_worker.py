"""Coqui TTS worker, run by .venv-coqui's Python (torch pins clash with the app venv): JSON lines on stdin/stdout.

Stdlib + Coqui only — it must not import the app. Protocol (one JSON object per line):
  worker -> {"ready": true, "rate": 22050}  once the model is loaded (or {"ready": false, "error": "..."})
  app    -> {"id": 1, "text": "...", "speaker": "", "language": ""}
  worker -> {"id": 1, "ok": true, "rate": 22050, "pcm": "<base64 s16le mono>"}  or  {"id": 1, "ok": false, "error": ...}
Coqui prints the sentences it speaks; fd 1 is re-pointed at stderr so nothing but protocol lines reach stdout.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO


def _protocol_stdout() -> TextIO:
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return proto


def _load(model: str) -> Any:
    from TTS.api import TTS

    path = Path(model)
    if path.is_dir():
        config = path / "config.json"
        checkpoints = sorted(path.glob("*.pth"))
        if not config.exists() or not checkpoints:
            raise FileNotFoundError(f"{path} must hold config.json and a *.pth checkpoint")
        best = [c for c in checkpoints if c.name.startswith("best_model")]
        return TTS(model_path=str((best or checkpoints)[-1]), config_path=str(config), progress_bar=False).to("cpu")
    return TTS(model_name=model, progress_bar=False).to("cpu")


def _reply(out: TextIO, obj: dict[str, Any]) -> None:
    out.write(json.dumps(obj) + "\n")
    out.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    out = _protocol_stdout()
    try:
        import numpy as np
        import torch

        torch.set_num_threads(max(1, args.threads))

        tts = _load(args.model)
        rate = int(tts.synthesizer.output_sample_rate)
    except Exception as exc:
        _reply(out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _reply(out, {"ready": True, "rate": rate})
    for line in sys.stdin:
        if not line.strip():
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            kwargs: dict[str, Any] = {}
            if req.get("speaker"):
                kwargs["speaker"] = req["speaker"]
            if req.get("language") and tts.is_multi_lingual:
                kwargs["language"] = req["language"]
            wav = np.asarray(tts.tts(text=req["text"], **kwargs), dtype=np.float32)
            pcm = (np.clip(wav, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
            _reply(out, {"id": req_id, "ok": True, "rate": rate, "pcm": base64.b64encode(pcm).decode("ascii")})
        except Exception as exc:  # report, keep serving: one bad text must not kill the voice
            _reply(out, {"id": req_id, "ok": False, "error": type(exc).__name__})
    return 0


if __name__ == "__main__":
    sys.exit(main())
