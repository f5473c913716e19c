"""Sub-commands of `ivr` imported only when they run: `ivr --help` and `ivr say` must not load FastAPI, SQLAlchemy,
numpy or the speech engines (every command used to take 5-7 s to start).

The root help lists the commands from the table below (name, module, summary), without importing them; a test
keeps the summaries equal to the commands' own help. Running `ivr reminders ...` imports ivr.cli.reminders only.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup

if TYPE_CHECKING:  # Typer 0.29 vendors Click: its types, not the `click` package's
    from typer._click import Command, Context, HelpFormatter


@dataclass(frozen=True)
class Lazy:
    module: str  # under ivr.cli, or a full module path (with dots) for commands owned by another part of ivr
    attr: str  # a Typer app (a command group) or a function (a single command)
    summary: str  # the first line of its help, shown by `ivr --help`


COMMANDS: dict[str, Lazy] = {
    "chat": Lazy("chat", "chat", "Talk to the member dialogs from a terminal (or a script: one line per turn, "
                 "prompts printed as BOT: ...)."),
    "config": Lazy("config", "app", "Settings documentation."),
    "db": Lazy("db", "app", "The IVR's own database (calls, turns, PINs, consent, audit, outbox)."),
    "keys": Lazy("keys", "app", "PII encryption keys (phones, names, transcripts, recordings)."),
    "languages": Lazy("languages", "app", "Language packs: list them, check one for completeness."),
    "ledger": Lazy("ledger", "app", "The reference core ledger (ledger_core): serve it, seed demo data."),
    "meetings": Lazy("meetings", "app", "Meetings recorded by phone (drafts, entries, transcripts)."),
    "models": Lazy("models_cmd", "app", "Speech-recognition models."),
    "nlu": Lazy("nlu", "app", "Rasa NLU: train, serve, parse."),
    "prompts": Lazy("prompts", "app", "Recorded prompt packs and prompt lengths."),
    "reminders": Lazy("reminders", "app", "Outbound voice reminders (meetings, repayments, positive nudges)."),
    "hear": Lazy("hear", "hear", "Recognise each file as a call in that listen state would; print one JSON object "
                 "per file."),
    "say": Lazy("say", "say", "Print the words that will be spoken for a number, amount, date, time or text (and "
                "optionally synthesise)."),
    "serve": Lazy("serve", "serve", "Run the IVR on IVR_HTTP__HOST:PORT (HTTP) and IVR_AUDIOSOCKET__HOST:PORT "
                  "(Asterisk media) until Ctrl-C."),
    "sms": Lazy("sms", "app", "The SMS channel through Kannel (commands, replies, reminder SMS)."),
    "staff": Lazy("ivr.console.cli", "app", "Staff accounts of the web console (/console)."),
    "stack": Lazy("stack", "stack", "Run the stack until Ctrl-C: migrations, demo data if empty, the core ledger, "
                  "Rasa and the IVR."),
}


def load_command(name: str) -> Command:
    """Import the sub-command's module and build its Click command (what Typer would have built eagerly)."""
    spec = COMMANDS[name]
    module = spec.module if "." in spec.module else f"ivr.cli.{spec.module}"
    target: Any = getattr(importlib.import_module(module), spec.attr)
    if isinstance(target, typer.Typer):
        command: Command = typer.main.get_group(target)  # a group even with one sub-command
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


def _summary_only(name: str, summary: str) -> Command:
    stub = typer.Typer(add_completion=False)
    stub.command(name, help=summary, short_help=summary)(lambda: None)
    return typer.main.get_command(stub)


class LazyGroup(TyperGroup):
    """The root `ivr` group: commands from COMMANDS, imported on first use."""

    _listing = False

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        if self._listing:  # the root help needs names and summaries only
            return _summary_only(cmd_name, COMMANDS[cmd_name].summary)
        return load_command(cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False
