"""`ivr say`: print (and optionally synthesise) the words the bot would speak for a value."""

from __future__ import annotations

import typer


def say(ctx: typer.Context) -> None:
    """Print the words that will be spoken (filled in by the speech issue)."""
    raise typer.Exit(code=2)
