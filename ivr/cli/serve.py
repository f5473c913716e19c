"""`ivr serve`: the IVR itself — FastAPI (call registration, ops, softphone) and the AudioSocket server, one loop.

Uvicorn configures logging of its own (handlers on the `uvicorn.*` loggers that do not propagate to the root), so
the redaction filter of ivr.logredact is attached to those handlers too: `uvicorn_log_config()` is uvicorn's
default configuration with the filter on every handler (access lines carry query strings, error tracebacks may
quote SQL parameters). `ivr ledger serve` uses the same configuration.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ivr.cli.common import settings_of
from ivr.console.assets import ConsoleAssetsMissing


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's logging config with the redaction filter on each of its handlers (ivr.logredact owns it)."""
    from ivr.logredact import uvicorn_log_config as redacted

    return redacted()


def serve(ctx: typer.Context,
          workers: Annotated[int, typer.Option(
              "--workers", min=1, max=64,
              help="Worker processes, each owning its calls (AudioSocket port + i, HTTP port shared).")] = 1,
          worker_index: Annotated[int, typer.Option("--worker-index", hidden=True)] = -1) -> None:
    """Run the IVR on IVR_HTTP__HOST:PORT (HTTP) and IVR_AUDIOSOCKET__HOST:PORT (Asterisk media) until Ctrl-C."""
    import uvicorn

    from ivr.app import create_app
    from models.migrate import upgrade_to_head

    settings = settings_of(ctx)
    if workers > 1 and worker_index < 0:
        from ivr.cli.workers import supervise

        upgrade_to_head(settings)  # once, before the workers start (they find the database at head)
        raise typer.Exit(supervise(settings, workers))
    sockets = None
    if worker_index >= 0:
        from ivr.cli.workers import listen, private_http_port, worker_settings

        settings = worker_settings(settings, worker_index)
        h = settings.http
        sockets = [listen(h.host, h.port, reuse_port=True),
                   listen(h.host, private_http_port(settings, worker_index), reuse_port=False)]
    else:
        # Migrate before uvicorn starts: a full disk or an unreachable database is then one line (ivr.cli.main),
        # not uvicorn's "Application startup failed" traceback. The app's lifespan finds the database at head.
        upgrade_to_head(settings)
    a = settings.audiosocket
    who = f"worker {worker_index}: " if worker_index >= 0 else ""
    typer.echo(f"{who}IVR HTTP on http://{settings.http.host}:{settings.http.port}, AudioSocket on {a.host}:{a.port} "
               "(loading speech models and warming prompts first)", err=True)
    try:
        app = create_app(settings)
    except ConsoleAssetsMissing as exc:  # one line naming the setup command, not a traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    config = uvicorn.Config(app, host=settings.http.host, port=settings.http.port,
                            log_level=settings.log_level.lower(), lifespan="on", log_config=uvicorn_log_config())
    server = uvicorn.Server(config)
    server.run(sockets=sockets)
    if not server.started:  # what uvicorn.run() does: start-up failed (the lifespan logged why)
        raise typer.Exit(3)
