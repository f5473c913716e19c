"""`ivr nlu train|serve|parse`: train the Rasa model when its data changed, run the server, debug a parse."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from datetime import date
from urllib.parse import urlparse

import httpx
import typer
from rich.console import Console

from ivr.cli.common import settings_of
from nlu import server
from nlu.client import RasaClient
from nlu.types import LANGS, NluUnavailable
from nlu.understand import Nlu

app = typer.Typer(no_args_is_help=True, help="Rasa NLU: train, serve, parse.")
err = Console(stderr=True)


def _paths(ctx: typer.Context) -> server.RasaPaths:
    s = settings_of(ctx, secrets=False)
    return server.rasa_paths(s.nlu, s.data_dir)


def _terminate(_signum: int, _frame: object) -> None:
    sys.exit(0)  # unwinds through `finally`, which stops Rasa (a training run stops with its process)


def _fail(msg: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {msg}", highlight=False)
    return typer.Exit(1)


@app.command()
def train(
    ctx: typer.Context, force: bool = typer.Option(False, help="Retrain even if the data did not change.")
) -> None:
    """Train the NLU model (only when config/domain/data changed, unless --force); prints the model path."""
    try:
        with err.status("training the Rasa NLU model (a few seconds)..."):
            model = server.train(_paths(ctx), force=force)
    except (server.RasaNotInstalled, server.RasaFailed) as exc:
        raise _fail(str(exc)) from None
    typer.echo(str(model))


@app.command()
def serve(ctx: typer.Context, port: int = typer.Option(0, help="Port (default: the one in IVR_NLU__URL).")) -> None:
    """Train if needed, then run `rasa run --enable-api` on 127.0.0.1 until Ctrl-C."""
    s = settings_of(ctx, secrets=False)
    paths = _paths(ctx)
    port = port or urlparse(s.nlu.url).port or 5005
    signal.signal(signal.SIGTERM, _terminate)  # from here on: the stack's stop or its parent-death signal
    try:
        with err.status("training the Rasa NLU model if its data changed..."):
            model = server.train(paths)
        with err.status(f"starting Rasa on 127.0.0.1:{port} (TensorFlow import takes a while)..."):
            rasa = server.start(paths, model, port=port, timeout_s=s.nlu.startup_timeout_s,
                                log_dir=s.data_dir / "nlu" / "logs")  # fmt: skip
    except (server.RasaNotInstalled, server.RasaFailed) as exc:
        raise _fail(str(exc)) from None
    err.print(f"rasa ready at {rasa.url} in {rasa.startup_s:.1f} s (model {model.name}); Ctrl-C stops it")
    try:
        rasa.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        rasa.stop()
    if rasa.process.returncode not in (0, -signal.SIGINT, None):
        raise _fail(f"rasa exited with {rasa.process.returncode}; see {rasa.log_file}")


@app.command()
def parse(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="What the caller said (as ASR wrote it)."),
    lang: str = typer.Option("", help="Caller language: an installed pack's code (`ivr languages list`); "
                             "default the first pack."),
    currency: str = typer.Option("KES", help="Group currency for amounts (ISO code)."),
    today: str = typer.Option("", help="Resolve relative dates against this day (YYYY-MM-DD); default today."),
    no_fallback: bool = typer.Option(False, "--no-fallback", help="Fail instead of using the keyword fallback."),
) -> None:
    """Parse one utterance through the running Rasa server and print the JSON result."""
    s = settings_of(ctx, secrets=False)
    lang = lang or LANGS[0]
    if lang not in LANGS:
        raise _fail(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    day = date.fromisoformat(today) if today else date.today()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # stdout is the JSON; no per-request noise on stderr

    async def run() -> dict[str, object]:
        async with httpx.AsyncClient() as http:
            client = RasaClient(http, s.nlu.url, s.nlu.timeout_s)
            if no_fallback:
                await client.parse(text)  # raises NluUnavailable when Rasa is not answering
            nlu = Nlu(parser=client, settings=s.nlu)
            result = await nlu.understand(text, lang, currency=currency, today=day)
            return result.to_json()

    try:
        typer.echo(json.dumps(asyncio.run(run()), indent=2, ensure_ascii=False))
    except NluUnavailable as exc:
        raise _fail(f"{exc} (start it with `bin/ivr nlu serve` or set IVR_NLU__URL)") from None
    except ValueError as exc:
        raise _fail(str(exc)) from None
