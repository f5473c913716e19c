"""`ivr ledger`: serve the reference core ledger and seed its demo data (plus the demo callers' PINs in the IVR)."""

from __future__ import annotations

import socket

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from ivr.cli.common import settings_of
from ivr.settings import Settings

app = typer.Typer(no_args_is_help=True, help="The reference core ledger (ledger_core): serve it, seed demo data.")
console = Console()


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def safe_url(url: str) -> str:
    """A database URL fit for printing (password hidden)."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def set_demo_pins(settings: Settings) -> int:
    """Bring the IVR database to head and store each demo member's PIN (hashed by models.pins)."""
    from ledger_core.demo_people import demo_members
    from models.base import make_sessionmaker
    from models.migrate import engine_for, upgrade_to_head
    from models.pins import set_pin

    upgrade_to_head(settings)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine)() as session:
            members = demo_members()
            for member in members:
                set_pin(session, member.member_id, member.pin)
            session.commit()
    finally:
        engine.dispose()
    return len(members)


def seed_demo_data(settings: Settings, *, reset: bool = False) -> None:
    """Load the demo groups into the ledger database and the demo PINs into the IVR database."""
    from ledger_core.db import make_engine
    from ledger_core.demo import seed_demo

    engine = make_engine(settings.ledger_core.database_url)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("seeding demo meetings", total=None)
            report = seed_demo(engine, reset=reset,
                               progress=lambda what: progress.update(task, description=f"meeting {what}"))
    finally:
        engine.dispose()
    if report.created_groups:
        console.print(f"seeded {', '.join(report.created_groups)} ({report.transactions} transactions)")
    if report.skipped_groups:
        console.print(f"already there, left alone: {', '.join(report.skipped_groups)} (use --reset to rebuild)")
    count = set_demo_pins(settings)
    console.print(f"demo PINs set for {count} memberships in the IVR database")


def demo_callers_table() -> Table:
    """Demo phone numbers, names, groups, roles and PINs — demo data, printed on purpose so people can call in."""
    from ledger_core.demo_people import GROUPS, demo_members

    names = {g.group_id: g.name for g in GROUPS}
    table = Table(title="Demo callers (demo data: not real people)")
    for column in ("phone", "name", "group", "role", "member id", "PIN"):
        table.add_column(column)
    for m in demo_members():
        table.add_row(m.phone, m.name, names[m.group_id], m.role, m.member_id, m.pin)
    return table


@app.command("seed")
def seed(
    ctx: typer.Context,
    demo: bool = typer.Option(False, "--demo", help="Load the demo dataset (the only dataset there is)."),
    reset: bool = typer.Option(False, "--reset", help="Drop every ledger table first, then seed."),
) -> None:
    """Seed the reference ledger with the demo dataset and print the demo callers. Idempotent."""
    if not demo:
        console.print("[red]nothing to seed: pass --demo (the demo dataset is the only one)[/red]")
        raise typer.Exit(code=2)
    settings = settings_of(ctx)
    seed_demo_data(settings, reset=reset)
    console.print(demo_callers_table())


@app.command("serve")
def serve(ctx: typer.Context) -> None:
    """Run the reference ledger on IVR_LEDGER_CORE__HOST/PORT with IVR_LEDGER_CORE__DATABASE_URL until Ctrl-C."""
    import uvicorn

    from ledger_core.app import create_app

    cfg = settings_of(ctx).ledger_core
    if port_in_use(cfg.host, cfg.port):
        console.print(f"[red]port {cfg.host}:{cfg.port} is in use: set IVR_LEDGER_CORE__PORT to a free port[/red]")
        raise typer.Exit(code=1)
    where = f"http://{cfg.host}:{cfg.port}/v1"
    console.print(f"core ledger on {where} (OpenAPI: /docs), database {safe_url(cfg.database_url)}")
    # No access log: query strings carry phone numbers, which are never logged.
    from ivr.cli.serve import uvicorn_log_config

    uvicorn.run(create_app(cfg.database_url), host=cfg.host, port=cfg.port, log_level="warning", access_log=False,
                log_config=uvicorn_log_config())  # its tracebacks may quote SQL parameters: redacted
