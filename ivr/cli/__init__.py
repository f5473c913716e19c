"""The `ivr` console entry point: sub-commands load on first use (ivr/cli/lazy.py) and build the settings only when
they need them (ivr/cli/common.py), so `--help` is fast and writes nothing; start-up errors end in one line."""

from __future__ import annotations

import os
import sys

import typer

from ivr.cli.lazy import LazyGroup

app = typer.Typer(cls=LazyGroup, no_args_is_help=True, add_completion=False, help="MiKashBoks Voice command line.")


@app.callback()
def _root(ctx: typer.Context) -> None:
    """MiKashBoks Voice command line."""
    ctx.obj = None  # commands call ivr.cli.common.settings_of(ctx): nothing is read or written before that


def main() -> None:
    try:
        app()
    except Exception as exc:  # start-up failures end in one line; anything else keeps its traceback
        message = one_line(exc)
        if message is None or os.environ.get("IVR_LOG_LEVEL", "").upper() == "DEBUG":
            raise
        typer.echo(f"error: {message}", err=True)
        sys.exit(2)


def one_line(exc: BaseException) -> str | None:
    """The one-line message for an error a user can fix (bad setting, unwritable or full disk), else None."""
    from ivr.cli.common import StartupError, database_error, os_error
    from ivr.secrets import InsecureSettings

    if isinstance(exc, StartupError | InsecureSettings):
        return str(exc)
    debug = " (IVR_LOG_LEVEL=DEBUG shows the traceback)"
    if isinstance(exc, OSError) and exc.errno is not None:
        return os_error(exc) + debug
    if type(exc).__module__.startswith("sqlalchemy") and type(exc).__name__ == "OperationalError":
        return database_error(exc, os.environ.get("IVR_DATABASE__URL") or _default_database_url()) + debug
    return None


def _default_database_url() -> str:
    from models.config import DatabaseSettings

    return DatabaseSettings().url
