"""Helpers shared by CLI sub-commands: settings from the Typer context, logging set-up."""

from __future__ import annotations

import logging

import typer

from ivr import logredact
from ivr.settings import Settings


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings built by the root callback."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Settings):
        raise RuntimeError("settings were not built: run through the `ivr` entry point")
    return obj


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logredact.install()  # phone numbers, PINs and amounts never reach a log handler in clear
