"""`ivr models install vosk LANG`: fetch a speech-recognition model into the configured models_dir."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from ivr.cli.common import settings_of
from speech.models_install import KNOWN_VOSK_MODELS, NO_VOSK_MODEL, ModelInstallError, install_vosk_model

app = typer.Typer(no_args_is_help=True, help="Speech-recognition models.")


class Engine(StrEnum):
    vosk = "vosk"


@app.command("install")
def install(
    ctx: typer.Context,
    engine: Engine = typer.Argument(..., help="ASR engine the model is for."),
    lang: str = typer.Argument(..., help="Language code, e.g. en, hi, ko."),
    url: str | None = typer.Option(None, help="Model zip URL (https, http or file) instead of the built-in one."),
    sha256: str | None = typer.Option(None, help="Expected SHA-256 of the zip; the install fails on a mismatch."),
    force: bool = typer.Option(False, help="Replace an installed model."),
) -> None:
    """Download, verify and unpack a model into <speech.models_dir>/<engine>/<lang>."""
    settings = settings_of(ctx, secrets=False)
    try:
        dest = install_vosk_model(lang, settings.speech.models_dir, url=url, sha256=sha256, force=force)
    except ModelInstallError as exc:
        typer.echo(f"error: {exc}", err=True)  # one line, never wrapped
        raise typer.Exit(code=1) from exc
    typer.echo(f"installed {engine.value} model for {lang} at {dest}")
    if sha256 is None:
        digest = json.loads((dest / "INSTALLED.json").read_text())["sha256"]
        typer.echo(f"sha256 {digest} (not verified: pin it with --sha256 next time)")


@app.command("list")
def list_models() -> None:
    """Built-in Vosk model URLs, and the languages that have none."""
    for lang, m in sorted(KNOWN_VOSK_MODELS.items()):
        typer.echo(f"{lang:6} {m.name:32} {m.size_mb:>4} MB  {m.url}")
    for lang, why in sorted(NO_VOSK_MODEL.items()):
        typer.echo(f"{lang:6} -- {why}")
