"""`ivr stack`: the main job — migrations, the reference ledger with demo data, and (later) the IVR itself."""

from __future__ import annotations

import typer


def stack(ctx: typer.Context) -> None:
    """Run the stack on embedded defaults until Ctrl-C."""
    raise typer.Exit(code=2)
