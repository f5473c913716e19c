"""`ivr serve --workers N`: N IVR processes on one host, each owning its calls end to end (HTTP, AudioSocket, ASR,
TTS, dialog), so a stall in one process's loop never delays another's audio.

- HTTP: every worker listens on IVR_HTTP__PORT with SO_REUSEPORT (the kernel spreads new connections, i.e. call
  registrations, over the workers), and on a private port IVR_HTTP__PORT + 1 + i for per-worker /metrics, /health
  and /ops/* (a scrape of the shared port reaches any one worker).
- AudioSocket: worker i listens on IVR_AUDIOSOCKET__PORT + i and answers each registration with
  `<uuid> <IVR_OPS__ADVERTISE_HOST>:<port>`, so Asterisk connects the call to the worker that registered it
  (asterisk/README.md: the one registration contract). Outbound reminder and callback calls carry the placing
  worker's address as the Originate variable IVR_MEDIA_ADDR, so they come back to it (any worker would admit them:
  their UUIDs are in the shared database).
- The supervisor only starts, watches and stops: a worker that dies stops the others and `ivr serve` exits 1
  (the service manager restarts the set), SIGINT/SIGTERM are passed on and every worker ends its calls.
Models are loaded per worker (Vosk/pocketsphinx/Piper hold native state that cannot be shared read-only safely
across processes here); memory grows by one engine set per worker.
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from ivr.cli.common import StartupError
from ivr.settings import Settings

log = logging.getLogger(__name__)
WILDCARDS = {"0.0.0.0", "::", ""}


def advertised_host(settings: Settings) -> str:
    host = settings.ops.advertise_host or settings.audiosocket.host
    if host in WILDCARDS:
        raise StartupError("ivr serve --workers: IVR_AUDIOSOCKET__HOST is a wildcard, so the workers cannot tell "
                           "Asterisk where to connect: set IVR_OPS__ADVERTISE_HOST (e.g. ivr or 10.0.0.5)")
    return host


def worker_settings(settings: Settings, index: int) -> Settings:
    """Worker `index`'s settings: its own AudioSocket port, advertised in every registration answer."""
    port = settings.audiosocket.port + index
    audio = settings.audiosocket.model_copy(update={"port": port, "advertise": f"{advertised_host(settings)}:{port}"})
    ops = settings.ops.model_copy(update={"worker": index})
    return settings.model_copy(update={"audiosocket": audio, "ops": ops})


def private_http_port(settings: Settings, index: int) -> int:
    return settings.http.port + 1 + index


def listen(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def supervise(settings: Settings, workers: int) -> int:
    """Start `workers` worker processes and wait; returns the exit code of `ivr serve`."""
    advertised_host(settings)  # fail before starting anything
    argv = [sys.executable, "-m", "ivr.cli", "serve", "--workers", str(workers)]
    procs = [subprocess.Popen([*argv, "--worker-index", str(i)]) for i in range(workers)]
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)  # uvicorn ends gracefully: no new calls, live calls ended

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while any(p.poll() is None for p in procs):
            dead = [(i, p.returncode) for i, p in enumerate(procs) if p.poll() is not None]
            if dead and not stopping:
                i, rc = dead[0]
                print(f"ivr serve: worker {i} exited with code {rc}; stopping the others", file=sys.stderr)
                code = 1
                stop(signal.SIGTERM, None)
            time.sleep(0.2)
    finally:
        deadline = time.monotonic() + 30
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
    return code
