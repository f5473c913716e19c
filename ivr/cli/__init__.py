"""The `ivr` console entry point: builds settings once and hands them to each sub-command group."""

from __future__ import annotations

import logging

import typer

from ivr.cli import (
    chat,
    config,
    db,
    hear,
    keys,
    ledger,
    meetings,
    models_cmd,
    nlu,
    prompts,
    reminders,
    say,
    serve,
    stack,
)
from ivr.cli.common import configure_logging
from ivr.settings import load_settings
from models.crypto import install_keyring, keyring_from_settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help="MiKashBoks Voice command line.")
app.add_typer(config.app, name="config")
app.add_typer(db.app, name="db")
app.add_typer(keys.app, name="keys")
app.add_typer(ledger.app, name="ledger")
app.add_typer(nlu.app, name="nlu")
app.add_typer(models_cmd.app, name="models")
app.add_typer(prompts.app, name="prompts")
app.add_typer(reminders.app, name="reminders")
app.add_typer(meetings.app, name="meetings")
app.command("say")(say.say)
app.command("hear")(hear.hear)
app.command("chat")(chat.chat)
app.command("stack")(stack.stack)
app.command("serve")(serve.serve)


@app.callback()
def _root(ctx: typer.Context) -> None:
    """Build the settings once for every sub-command (never at import time)."""
    settings = load_settings()
    configure_logging(settings.log_level)
    install_keyring(keyring_from_settings(settings))  # every command can read/write encrypted columns
    ctx.obj = settings
    logging.getLogger(__name__).debug("settings loaded (env=%s)", settings.env)


def main() -> None:
    app()
