"""Coqui TTS engine: talks to one worker process per model running in .venv-coqui (loaded once per process).

Install cost (scripts/setup.d/40-coqui.sh, measured on the dev machine): ~2 min and 5.5 GB, because torch 2.11
from PyPI pulls CUDA libraries. It is optional: IVR_SKIP_COQUI=1 skips it (the Coqui tests then skip).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import collections
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from speech.audio import to_telephone
from speech.tts.base import BaseTtsEngine, TtsError, TtsUnavailable
from speech.tts.registry import register_tts

WORKER = Path(__file__).with_name("coqui_worker.py")
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


class CoquiSettings(BaseModel):
    """Coqui TTS (section `speech.tts.coqui`, env IVR_SPEECH__TTS__COQUI__*)."""

    # A model directory (config.json + checkpoint .pth) or a model name (machines with internet).
    model: str = ""
    # The separate venv Coqui lives in (scripts/setup.d/40-coqui.sh builds it; torch pins clash with the app's).
    python: Path = Path(".venv-coqui/bin/python")
    # Loading torch + a model takes seconds; the worker must say "ready" within this.
    start_timeout_s: float = Field(default=180.0, gt=0)
    # Speaker name for multi-speaker models ("" = the model's default).
    speaker: str = ""
    # torch threads in the worker: 1 measured ~8x faster than torch's default (all cores) on a busy 2-core box,
    # where the IVR's own loop, Vosk and other calls compete for the same cores.
    threads: int = Field(default=1, ge=1)


def _coqui_python(path: Path) -> Path:
    # The default is relative to the checkout (where setup.sh builds .venv-coqui), wherever the CLI runs from.
    if path.is_absolute() or path.exists():
        return path
    return _PROJECT_ROOT / path


class CoquiWorker:
    """A running coqui_worker.py: one request at a time over stdin/stdout JSON lines (thread-safe, loop-agnostic)."""

    def __init__(self, python: Path, model: str, start_timeout_s: float, threads: int = 1) -> None:
        if not python.exists():
            raise TtsUnavailable(
                f"Coqui venv missing ({python}): run scripts/setup.sh (step 40-coqui) "
                "or set IVR_SPEECH__TTS__COQUI__PYTHON"
            )
        self._lock = threading.Lock()
        self._next_id = 0
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
        self.proc = subprocess.Popen(
            [str(python), "-u", str(WORKER), "--model", model, "--threads", str(threads)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            env=env,
        )
        # Coqui's stderr holds the sentences it speaks: keep only a short tail in memory, for start-up errors.
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        killer = threading.Timer(start_timeout_s, self.proc.kill)
        killer.start()
        try:
            hello = self._read()
        finally:
            killer.cancel()
        if not hello.get("ready"):
            self.close()
            detail = hello.get("error") or (self._stderr_tail[-1] if self._stderr_tail else "no output")
            raise TtsUnavailable(f"Coqui model {model!r} did not load ({detail}): fix IVR_SPEECH__TTS__COQUI__MODEL")
        self.rate = int(hello["rate"])

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr_tail.append(line.rstrip())

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            return {"ready": False, "ok": False, "error": f"worker exited (code {self.proc.poll()})"}
        return dict(json.loads(line))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, text: str, speaker: str = "", language: str = "") -> tuple[bytes, int]:
        """Synthesise in the worker; returns (s16le PCM, rate). Blocking: call through asyncio.to_thread."""
        assert self.proc.stdin is not None
        with self._lock:
            if not self.alive():
                raise TtsError("Coqui worker is not running")
            self._next_id += 1
            req_id = self._next_id
            try:
                self.proc.stdin.write(json.dumps({"id": req_id, "text": text, "speaker": speaker,
                                                  "language": language}) + "\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError) as exc:
                raise TtsError("Coqui worker went away") from exc
            reply = self._read()
        if not reply.get("ok") or reply.get("id") != req_id:
            raise TtsError(f"Coqui synthesis failed: {reply.get('error', 'out-of-order reply')}")
        return base64.b64decode(reply["pcm"]), int(reply["rate"])

    def close(self) -> None:
        if self.alive():
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_workers: dict[tuple[str, str], CoquiWorker] = {}
_workers_lock = threading.Lock()


def get_worker(python: Path, model: str, start_timeout_s: float, threads: int = 1) -> CoquiWorker:
    """The process-wide worker for (python, model), started on first use and restarted if it died."""
    key = (str(python), model)
    with _workers_lock:
        worker = _workers.get(key)
        if worker is None or not worker.alive():
            worker = CoquiWorker(python, model, start_timeout_s, threads)
            _workers[key] = worker
        return worker


@atexit.register
def close_workers() -> None:
    with _workers_lock:
        for worker in _workers.values():
            worker.close()
        _workers.clear()


class CoquiEngine(BaseTtsEngine):
    """Coqui TTS (VITS, XTTS, ...) from a model directory or name, synthesised in the .venv-coqui worker."""

    name = "coqui"

    def __init__(self, model: str, python: Path = Path(".venv-coqui/bin/python"), *, speaker: str = "",
                 start_timeout_s: float = 180.0, timeout_s: float = 30.0, threads: int = 1) -> None:
        super().__init__(timeout_s=timeout_s)
        if not model:
            raise TtsUnavailable("no Coqui model configured: set IVR_SPEECH__TTS__COQUI__MODEL (directory or name)")
        self._model = model
        self._python = python
        self._speaker = speaker
        self._start_timeout = start_timeout_s
        self._threads = threads

    @classmethod
    def from_settings(cls, tts: Any) -> CoquiEngine:
        cfg: CoquiSettings = tts.coqui
        return cls(cfg.model, _coqui_python(cfg.python), speaker=cfg.speaker, start_timeout_s=cfg.start_timeout_s,
                   timeout_s=tts.timeout_s, threads=cfg.threads)

    def voice_id(self, lang: str) -> str:
        return f"{Path(self._model).name}:{self._speaker or 'default'}"

    async def start(self) -> None:
        """Start (or reuse) the worker now, so the first caller does not wait for torch to load."""
        await asyncio.to_thread(get_worker, self._python, self._model, self._start_timeout, self._threads)

    def preload(self, lang: str) -> None:
        get_worker(self._python, self._model, self._start_timeout, self._threads)

    async def _prepare(self, lang: str) -> None:
        # (re)starting the worker loads torch and the model: bounded by start_timeout_s, not by the render timeout
        await asyncio.to_thread(get_worker, self._python, self._model, self._start_timeout, self._threads)

    def _render(self, text: str, lang: str) -> bytes:
        worker = get_worker(self._python, self._model, self._start_timeout, self._threads)
        pcm, rate = worker.request(text, self._speaker, lang)
        return to_telephone(pcm, rate)

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        return await asyncio.to_thread(self._render, text, lang)

    def _on_timeout(self) -> None:
        # a stuck worker would hold its lock forever: kill it; the next request starts a fresh one
        with _workers_lock:
            stuck = _workers.pop((str(self._python), self._model), None)
        if stuck is not None:
            stuck.proc.kill()


register_tts("coqui", CoquiEngine)
