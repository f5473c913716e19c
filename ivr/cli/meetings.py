"""`ivr meetings`: meetings recorded by phone — list them, copy the outbox's verdicts, transcribe the recordings."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

from ivr.cli.common import settings_of
from ivr.meetings.transcribe import NothingToTranscribe, transcribe_meeting, untranscribed
from models import meetings as m
from models.base import make_sessionmaker
from models.migrate import engine_for
from speech.asr.base import AsrUnavailable
from speech.asr.whisper_engine import WhisperEngine

app = typer.Typer(no_args_is_help=True, help="Meetings recorded by phone (drafts, entries, transcripts).")
console = Console()


@app.command("list")
def list_meetings(ctx: typer.Context,
                  group: Annotated[str | None, typer.Option("--group", help="Only this group.")] = None) -> None:
    """Every recorded meeting with its status and entry counts (no names, amounts or speech), outbox verdicts
    copied first so a meeting posted since the call shows as posted."""
    settings = settings_of(ctx)
    engine = engine_for(settings)
    try:
        with make_sessionmaker(engine).begin() as s:
            q = select(m.MeetingDraft).order_by(m.MeetingDraft.meeting_date, m.MeetingDraft.id)
            if group:
                q = q.where(m.MeetingDraft.group_id == group)
            table = Table("id", "group", "date", "status", "entries", "transcribed")
            for d in s.scalars(q):
                if d.status == m.SUBMITTED:
                    m.apply_outbox_verdicts(s, d)
                counts: dict[str, int] = {}
                for e in d.entries:
                    counts[e.status] = counts.get(e.status, 0) + 1
                table.add_row(str(d.id), d.group_id, d.meeting_date.isoformat(), d.status,
                              ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-",
                              "yes" if d.transcribed_at else "no")
    finally:
        engine.dispose()
    console.print(table)


@app.command("transcribe")
def transcribe(ctx: typer.Context,
               meeting_id: Annotated[int | None, typer.Argument(help="One meeting (default: every handed-in "
                                                                     "meeting not transcribed yet).")] = None,
               lang: Annotated[str | None, typer.Option("--lang", help="Language of the recordings (default: "
                                                         "IVR_DIALOGS__DEFAULT_LANGUAGE).")] = None) -> None:
    """Transcribe session recordings with faster-whisper (IVR_SPEECH__ASR__WHISPER_MODEL) for the group's records."""
    settings = settings_of(ctx)
    ids = [meeting_id] if meeting_id is not None else untranscribed(settings)
    engine = WhisperEngine(settings.speech.asr)
    done = skipped = 0
    columns = (TextColumn("transcribing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as bar:
            task = bar.add_task("meetings", total=len(ids))
            for draft_id in ids:
                try:
                    asyncio.run(transcribe_meeting(settings, draft_id, engine, lang=lang))
                    done += 1
                except NothingToTranscribe:
                    skipped += 1
                bar.advance(task)
    except AsrUnavailable as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except LookupError as exc:
        console.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from None
    console.print(f"transcribed {done} meetings; {skipped} had no recording")
