"""Parse latency of the real Rasa server via nlu.client over the held-out sets: p50/p95 (target p95 <= 20 ms).

Run: .venv/bin/python bench/nlu_latency.py [--url http://127.0.0.1:5005] [--rounds 3]
Without --url it trains (if the data changed) and starts its own Rasa on a free port, and stops it at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress

from nlu import server
from nlu.client import RasaClient
from nlu.config import NluSettings
from nlu.evaluation import evaluate, load_heldout, percentile

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "nlu" / "data"


async def bench(url: str, rounds: int, console: Console) -> None:
    sets = {lang: load_heldout(DATA / f"heldout_{lang}.yml") for lang in ("en", "sw")}
    everything: list[float] = []
    async with httpx.AsyncClient() as http:  # one shared client, as in the IVR process
        client = RasaClient(http, url, timeout_s=2.0)
        for _ in range(5):
            await client.parse("warm up")

        async def classify(text: str) -> str:
            return (await client.parse(text)).intent

        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("parsing held-out utterances", total=rounds * sum(map(len, sets.values())))
            for lang, examples in sets.items():
                lat: list[float] = []
                acc = 0.0
                for _ in range(rounds):
                    report = await evaluate(examples, classify)
                    lat.extend(report.latencies_ms)
                    acc = report.accuracy
                    progress.advance(task, len(examples))
                everything.extend(lat)
                console.print(
                    f"{lang}: n={len(lat)} p50={statistics.median(lat):.1f} ms p95={percentile(lat, 95):.1f} ms "
                    f"max={max(lat):.1f} ms accuracy={acc:.3f}"
                )
    console.print(
        f"all: n={len(everything)} p50={statistics.median(everything):.1f} ms "
        f"p95={percentile(everything, 95):.1f} ms (target p95 <= 20 ms)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", help="an already running Rasa; default: start one")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    console = Console()
    if args.url:
        asyncio.run(bench(args.url, args.rounds, console))
        return
    paths = server.rasa_paths(NluSettings(), REPO / "var")
    t0 = time.monotonic()
    model = server.train(paths)
    console.print(f"model {model.name} ready in {time.monotonic() - t0:.1f} s")
    rasa = server.start(paths, model, port=server.free_port(), timeout_s=300, log_dir=REPO / "var" / "nlu" / "logs")
    console.print(f"rasa start-up: {rasa.startup_s:.1f} s")
    try:
        asyncio.run(bench(rasa.url, args.rounds, console))
    finally:
        rasa.stop()


if __name__ == "__main__":
    main()
