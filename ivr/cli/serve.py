"""`ivr serve`: the IVR itself — FastAPI (call registration, ops, softphone) and the AudioSocket server, one loop.

Uvicorn configures logging of its own (handlers on the `uvicorn.*` loggers that do not propagate to the root), so
the redaction filter of ivr.logredact is attached to those handlers too: `uvicorn_log_config()` is uvicorn's
default configuration with the filter on every handler (access lines carry query strings, error tracebacks may
quote SQL parameters). `ivr ledger serve` uses the same configuration.
"""

from __future__ import annotations

from typing import Any

import typer

from ivr.cli.common import settings_of
from ivr.console.assets import ConsoleAssetsMissing


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging config with the redaction filter on each of its handlers (ivr.logredact owns it)."""
    from ivr.logredact import uvicorn_log_config as redacted

    return redacted()


def serve(ctx: typer.Context) -> None:
    """Run the IVR on IVR_HTTP__HOST:PORT (HTTP) and IVR_AUDIOSOCKET__HOST:PORT (Asterisk media) until Ctrl-C."""
    import uvicorn

    from ivr.app import create_app
    from models.migrate import upgrade_to_head

    settings = settings_of(ctx)
    # Migrate before uvicorn starts: a full disk or an unreachable database is then one line (ivr.cli.main), not
    # uvicorn's "Application startup failed" traceback. The app's lifespan finds the database at head.
    upgrade_to_head(settings)
    a = settings.audiosocket
    typer.echo(f"IVR HTTP on http://{settings.http.host}:{settings.http.port}, AudioSocket on {a.host}:{a.port} "
               "(loading speech models and warming prompts first)", err=True)
    try:
        app = create_app(settings)
    except ConsoleAssetsMissing as exc:  # one line naming the setup command, not a traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    uvicorn.run(app, host=settings.http.host, port=settings.http.port, log_level=settings.log_level.lower(),
                lifespan="on", log_config=uvicorn_log_config())
