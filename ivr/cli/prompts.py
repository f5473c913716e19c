"""`ivr prompts build|check|durations`: the recorded prompt pack of a language (the script a local team records,
starter clips, what is still missing or badly recorded) and how long each prompt takes to say."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from dialogs.prompts import CATALOGS
from dialogs.prompts.samples import recording_clips, sample_plans
from ivr.cli.common import settings_of
from speech.tts.base import TtsError
from speech.tts.factory import build_tts, engine_name_for, tts_settings_of
from speech.tts.pack_build import build_pack, load_prompts_file, script
from speech.tts.pack_check import MAX_PROMPT_S, check_pack

app = typer.Typer(no_args_is_help=True, help="Recorded prompt packs and prompt lengths.")
err = Console(stderr=True)


def _need_catalog(lang: str) -> None:
    if lang not in CATALOGS:
        typer.echo(f"error: no prompt catalog for {lang!r} (catalogs: {', '.join(CATALOGS)}); "
                   "pass --prompts FILE for a pack of other prompts", err=True)
        raise typer.Exit(2)


@app.command("build")
def build(
    ctx: typer.Context,
    lang: str = typer.Option(..., "--lang", help="Language code, e.g. sw, en."),
    engine: str = typer.Option("", "--engine", help="TTS engine for the starter clips (default: the configured; "
                               "'none' writes only the script and manifest)."),
    out: Path | None = typer.Option(None, "--out", help="Pack folder (default: IVR_SPEECH__TTS__PACK__DIR/<lang>)."),
    prompts_file: Path | None = typer.Option(None, "--prompts", help="JSON/YAML {clip name: text} instead of the "
                                             "dialog catalog."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Re-render starter clips that already exist "
                                   "(default: keep them, so recorded clips are never replaced)."),
    mix_voices: bool = typer.Option(False, "--mix-voices", help="Let the fallback voice fill single missing clips "
                                    "mid-sentence (default: a sentence with a gap is said whole by the fallback)."),
) -> None:
    """Write the full recording script (every static prompt, every text part around a prompt's values, every
    number/money/date piece, weekday and month names, currency words), the manifest and starter clips."""
    settings = settings_of(ctx)
    name = engine or engine_name_for(settings, lang)
    if name == "pack":
        typer.echo("error: a pack cannot be built from a pack: pass --engine espeak|piper|coqui|none", err=True)
        raise typer.Exit(2)
    target = out or tts_settings_of(settings).pack.dir / lang
    try:
        if prompts_file:
            prompts = load_prompts_file(prompts_file)
        else:
            _need_catalog(lang)
            prompts = recording_clips(lang)
        tts = None if name == "none" else build_tts(settings, lang, name)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err) as bar:
            task = bar.add_task(f"{lang} pack ({name})", total=None)
            manifest = asyncio.run(build_pack(
                tts, lang, target, prompts, overwrite=overwrite, mix_voices=mix_voices,
                progress=lambda done, total: bar.update(task, completed=done, total=total)))
    except TtsError as exc:
        typer.echo(f"error: {exc}", err=True)  # one line, no markup: paths and ids print as they are
        raise typer.Exit(1) from None
    typer.echo(str(manifest))
    typer.echo(f"recording script: {manifest.parent / 'recording_script.csv'}", err=True)


@app.command("check")
def check(
    ctx: typer.Context,
    lang: str = typer.Option(..., "--lang", help="Language code, e.g. sw."),
    pack_dir: Path | None = typer.Option(None, "--pack", help="Pack folder (default: IVR_SPEECH__TTS__PACK__DIR/"
                                         "<lang>)."),
) -> None:
    """One line per problem: clips missing, too quiet, clipped, too long or with long silences; exit 1 if any."""
    settings = settings_of(ctx)
    root = pack_dir or tts_settings_of(settings).pack.dir / lang
    expected: dict[str, str] = {}
    if lang in CATALOGS:
        try:
            expected = {job["id"]: job["text"] for job in script(lang, recording_clips(lang))}
        except TtsError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    problems = check_pack(root, expected)
    for problem in problems:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {root}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{root}: every clip is present and usable", err=True)


@app.command("durations")
def durations(
    ctx: typer.Context,
    lang: str = typer.Option(..., "--lang", help="Language code, e.g. en."),
    limit_s: float = typer.Option(MAX_PROMPT_S, "--limit", help="Flag prompts longer than this (seconds)."),
) -> None:
    """Render every prompt (sample values) with the configured voice and print its length in seconds."""
    from speech.tts.speaker import Speaker

    _need_catalog(lang)
    speaker = Speaker(settings_of(ctx))

    async def measure() -> list[tuple[str, float]]:
        return [(p.prompt_id or "", await speaker.seconds(p)) for p in sample_plans([lang])]

    try:
        rows = asyncio.run(measure())
    except TtsError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for pid, seconds in sorted(rows, key=lambda r: -r[1]):
        typer.echo(f"{seconds:5.1f} s  {pid}{'  (over the limit)' if seconds > limit_s else ''}")
    over = sum(1 for _, s in rows if s > limit_s)
    typer.echo(f"{len(rows)} prompts, {over} over {limit_s:g} s ({speaker.describe()[0]})", err=True)
