"""`ivr sms`: Kannel's configuration from the IVR's settings, the outbox's state, a member's reminder channel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine

from ivr.cli.common import settings_of
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ivr.sms.kannel_conf import KannelConf
from ivr.sms.state import CHANNELS, SmsState
from ivr.sms.stats import sms_stats
from models.base import make_sessionmaker
from models.crypto import install_keyring, keyring_from_settings
from models.migrate import engine_for, upgrade_to_head

app = typer.Typer(no_args_is_help=True, help="The SMS channel through Kannel (commands, replies, reminder SMS).")
console = Console()


@app.command("kannel-conf")
def kannel_conf(ctx: typer.Context,
                ivr_url: Annotated[str, typer.Option(help="The IVR's base URL as Kannel reaches it.")] = "",
                fake_smsc_port: Annotated[int | None, typer.Option(help="Add a fake SMSC (fakesmsc) on this port.")]
                = None,
                out: Annotated[Path | None, typer.Option(help="Write here instead of printing.")] = None) -> None:
    """Kannel's bearerbox + smsbox configuration for this IVR (add your operator's SMSC group)."""
    s = settings_of(ctx)
    url = ivr_url or f"http://{s.http.host}:{s.http.port}"
    port = int(s.sms.sendsms_url.rsplit(":", 1)[1].split("/", 1)[0]) if s.sms.sendsms_url.count(":") == 2 else 13013
    text = KannelConf(ivr_url=url, inbound_token=s.sms.inbound_token.get_secret_value(),
                      sendsms_username=s.sms.sendsms_username,
                      sendsms_password=s.sms.sendsms_password.get_secret_value(),
                      admin_password=s.sms.sendsms_password.get_secret_value() or "change-me", sendsms_port=port,
                      fake_smsc_port=fake_smsc_port).render()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        out.chmod(0o600)  # it holds the sendsms password and the inbound token
        console.print(f"wrote {out}")


def _sessions(ctx: typer.Context) -> tuple[Settings, Engine]:
    s = settings_of(ctx)
    install_keyring(keyring_from_settings(s))
    upgrade_to_head(s)
    return s, engine_for(s)


@app.command()
def outbox(ctx: typer.Context) -> None:
    """How many SMS are queued, sent, failed, cancelled or uncertain, per purpose (no numbers, no texts)."""
    _s, engine = _sessions(ctx)
    try:
        found = sms_stats(make_sessionmaker(engine))
    finally:
        engine.dispose()
    for purpose, statuses in sorted(found["outbox"].items()):
        console.print(f"{purpose}: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    console.print(f"{found['parts_sent']} part(s) sent in all")


@app.command()
def channel(ctx: typer.Context, member_id: str,
            choice: Annotated[str, typer.Argument(help="call or sms")]) -> None:
    """Set how a member gets reminders: by phone call (default) or by SMS (they can also text SMS / CALL)."""
    if choice not in CHANNELS:
        console.print(f"[red]error:[/red] the channel is one of {', '.join(CHANNELS)}", highlight=False)
        raise typer.Exit(1)
    s, engine = _sessions(ctx)
    try:
        sessions = make_sessionmaker(engine)
        asyncio.run(SmsState(sessions, ReminderStore(sessions, s.reminders)).set_channel([member_id], choice))
    finally:
        engine.dispose()
    console.print(f"reminders for {member_id} by {choice}")
