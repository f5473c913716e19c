"""`ivr prompts build`: render a starter recorded-prompt pack for a language that a local team can re-record."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ivr.cli.common import settings_of
from speech.tts.base import TtsError
from speech.tts.factory import build_tts, engine_name_for, tts_settings_of
from speech.tts.pack_build import build_pack, load_prompts_file

app = typer.Typer(no_args_is_help=True, help="Recorded prompt packs.")
err = Console(stderr=True)


@app.command("build")
def build(
    ctx: typer.Context,
    lang: str = typer.Option(..., "--lang", help="Language code, e.g. sw, en."),
    engine: str = typer.Option("", "--engine", help="TTS engine for the starter voice (default: the configured)."),
    out: Path | None = typer.Option(None, "--out", help="Pack folder (default: IVR_SPEECH__TTS__PACKS_DIR/<lang>)."),
    prompts_file: Path | None = typer.Option(None, "--prompts", help="JSON/YAML file of {prompt_id: text}."),
) -> None:
    """Write every number/money/date piece (and the given prompts) as WAV clips + manifest.json."""
    settings = settings_of(ctx)
    name = engine or engine_name_for(settings, lang)
    if name == "pack":
        typer.echo("error: a pack cannot be built from a pack: pass --engine espeak|piper|coqui", err=True)
        raise typer.Exit(2)
    target = out or tts_settings_of(settings).packs_dir / lang
    try:
        prompts = load_prompts_file(prompts_file) if prompts_file else {}
        tts = build_tts(settings, lang, name)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as bar:
            task = bar.add_task(f"{lang} pack ({name})", total=None)
            manifest = asyncio.run(build_pack(
                tts, lang, target, prompts, progress=lambda done, total: bar.update(task, completed=done,
                                                                                   total=total)))
    except TtsError as exc:
        typer.echo(f"error: {exc}", err=True)  # one line, no markup: paths and ids print as they are
        raise typer.Exit(1) from None
    typer.echo(str(manifest))
