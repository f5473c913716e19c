"""`ivr serve`: the IVR itself — FastAPI (call registration, ops, softphone) and the AudioSocket server, one loop."""

from __future__ import annotations

import typer
import uvicorn

from ivr.app import create_app
from ivr.cli.common import settings_of
from ivr.console.assets import ConsoleAssetsMissing


def serve(ctx: typer.Context) -> None:
    """Run the IVR on IVR_HTTP__HOST:PORT (HTTP) and IVR_AUDIOSOCKET__HOST:PORT (Asterisk media) until Ctrl-C."""
    settings = settings_of(ctx)
    a = settings.audiosocket
    typer.echo(f"IVR HTTP on http://{settings.http.host}:{settings.http.port}, AudioSocket on {a.host}:{a.port} "
               "(loading speech models and warming prompts first)", err=True)
    try:
        app = create_app(settings)
    except ConsoleAssetsMissing as exc:  # one line naming the setup command, not a traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_level=settings.log_level.lower(),
                lifespan="on")
