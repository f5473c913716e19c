"""`ivr chat`: the member dialogs in a terminal against the real NLU and ledger (typed text stands for speech)."""

from __future__ import annotations

import asyncio
import sys

import typer

from dialogs.actions import Listen
from dialogs.prompts import CATALOGS
from dialogs.text import converse
from ivr.cli.common import settings_of
from ivr.settings import Settings
from ivr.wiring import component_warnings, real_ports
from nlu.types import Lang

HINT = "Type what you would say; #1234 = keypad digits; empty line = silence; Ctrl-D = hang up."


def chat(
    ctx: typer.Context,
    phone: str = typer.Option(..., "--phone", help="The caller ID to call from (a member's phone number)."),
    lang: str | None = typer.Option(None, "--lang", help="A language pack's code (`ivr languages list`): skip "
                                    "the language menu."),
) -> None:
    """Talk to the member dialogs from a terminal (or a script: one line per turn, prompts printed as BOT: ...)."""
    if lang is not None and lang not in CATALOGS:
        raise typer.BadParameter(f"must be one of {', '.join(CATALOGS)}", param_hint="--lang")
    settings = settings_of(ctx)
    interactive = sys.stdin.isatty()
    if interactive:
        typer.echo(HINT)
    asyncio.run(_chat(settings, phone, lang, interactive))


async def _chat(settings: Settings, phone: str, lang: Lang | None, interactive: bool) -> None:
    async def read_line(listen: Listen) -> str | None:
        if interactive:
            label = "keypad> " if not listen.speech else "you> "
            try:
                return await asyncio.to_thread(input, label)
            except EOFError:
                return None
        line = await asyncio.to_thread(sys.stdin.readline)
        return line.rstrip("\n") if line else None

    def write(line: str) -> None:
        print(line, flush=True)

    async with real_ports(settings) as ports:
        for warning in await component_warnings(ports):
            typer.echo(f"warning: {warning}", err=True)
        await converse(ports.dialog(lang=lang), phone, read_line, write)
