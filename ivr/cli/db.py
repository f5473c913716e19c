"""`ivr db`: bring the IVR's own database to the newest migration and show where it stands."""

from __future__ import annotations

import typer
from rich.console import Console

from ivr.cli.common import settings_of
from models.migrate import current_revisions, engine_for, head_revisions, upgrade_to_head

app = typer.Typer(no_args_is_help=True, help="The IVR's own database (calls, turns, PINs, consent, audit, outbox).")
console = Console()


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Run every pending Alembic migration on IVR_DATABASE__URL (idempotent)."""
    settings = settings_of(ctx)
    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        revs = ", ".join(sorted(current_revisions(engine)))
    finally:
        engine.dispose()
    console.print(f"database upgraded: at {revs}")


@app.command("current")
def current(ctx: typer.Context) -> None:
    """Show the database's revision and the newest available one; exit 1 when an upgrade is pending."""
    engine = engine_for(settings_of(ctx))
    try:
        have, head = current_revisions(engine), head_revisions()
    finally:
        engine.dispose()
    console.print(f"current: {', '.join(sorted(have)) or '(empty)'}  head: {', '.join(sorted(head))}")
    if have != head:
        console.print("run `bin/ivr db upgrade` to apply pending migrations")
        raise typer.Exit(1)
