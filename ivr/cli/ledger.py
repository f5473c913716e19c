"""`ivr ledger` sub-commands (filled in by the issue that owns them)."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="ledger commands.")
