"""`ivr config`: show every setting with its env name, default and meaning (the README table is generated here)."""

from __future__ import annotations

import typer

from ivr.settings import Settings
from ivr.settings_doc import markdown_table

app = typer.Typer(no_args_is_help=True, help="Settings documentation.")


@app.command("table")
def table() -> None:
    """Print the configuration table as Markdown (the README embeds it)."""
    typer.echo(markdown_table(Settings))
