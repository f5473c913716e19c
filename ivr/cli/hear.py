"""`ivr hear`: recognise recorded caller turns exactly as a live call in a listen state would (for operators tuning a
deployment, and for tests) — same endpointer, grammar, engine, NLU and normalisers — one JSON object per file.

    ivr hear --lang sw --listen amount [--group GROUP_ID] a.wav b.wav
    {"file": "a.wav", "engine": "pocketsphinx", "text": "elfu mbili", "confidence": 0.81, "intent": null,
     "entities": {"amount": 2000}, "ms": 12.4}

Understanding goes through the Rasa server at IVR_NLU__URL when it answers and the keyword fallback otherwise, as
a call's would. `--calibrate` instead prints the cepstral mean of the files (IVR_SPEECH__ASR__POCKETSPHINX_CMN_INIT).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console

import languages as language_packs
from ivr.calls.engines import AsrEngines, HearingPlan, load_asr_engines
from ivr.calls.listening import hear_audio
from ivr.calls.states import STATES, State, listen_for, meaning
from ivr.cli.common import settings_of
from ivr.settings import Settings
from ledger_client.client import LedgerClient
from ledger_client.errors import LedgerError
from ledger_client.types import RosterMember
from nlu.client import RasaClient
from nlu.normalise.names import RosterMember as NameEntry
from nlu.types import LANGS
from nlu.understand import Nlu
from speech.asr.base import AsrError, AsrUnavailable
from speech.audio import SAMPLE_RATE, AudioFormatError, read_wav

err = Console(stderr=True, soft_wrap=True)  # an error stays one line, however narrow the terminal


def _fail(msg: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {msg}", highlight=False)
    return typer.Exit(1)


def read_call_audio(path: Path) -> bytes:
    """An 8 kHz mono 16-bit WAV as AudioSocket would carry it; anything else is refused with what it is."""
    pcm, rate = read_wav(path)
    if rate != SAMPLE_RATE:
        raise AudioFormatError(f"{path} is {rate} Hz; call audio is {SAMPLE_RATE} Hz (convert it, e.g. "
                               f"`sox in.wav -r 8000 -c 1 -b 16 out.wav`)")
    return pcm


async def _group(settings: Settings, http: httpx.AsyncClient, group_id: str) -> tuple[list[RosterMember], str]:
    client = LedgerClient(http=http, settings=settings.ledger)
    info = await client.group(group_id)
    roster = await client.roster(group_id)
    return list(roster.members), info.currency


async def hear_files(settings: Settings, *, lang: str, state: State, files: Sequence[str | Path], group: str | None,
                     engines: AsrEngines | None = None) -> list[dict[str, Any]]:
    """The JSON objects `ivr hear` prints, one per file (in order)."""
    out: list[dict[str, Any]] = []
    async with httpx.AsyncClient() as http:
        roster: list[RosterMember] = []
        currency = language_packs.get(lang).currency  # no --group: the language pack's default currency
        if group:
            roster, currency = await _group(settings, http, group)
        asr = engines or await load_asr_engines(settings.speech, [lang])
        listen = listen_for(state, lang, roster)
        hearing = await HearingPlan().for_listen(listen, lang, asr.for_lang(lang), asr.open_for(lang),
                                                 currency=currency)
        if hearing.engine is None:
            raise AsrUnavailable(f"no speech recogniser for {lang}: {'; '.join(asr.notes)}")
        nlu = Nlu(parser=RasaClient(http, settings.nlu.url, settings.nlu.timeout_s), settings=settings.nlu)
        names = [NameEntry(m.member_id, m.name, (m.nickname,) if m.nickname else ()) for m in roster]
        for path in files:  # `file` echoes each path as given ("./a.wav" stays "./a.wav")
            pcm = read_call_audio(Path(path))
            started = time.perf_counter()
            result, engine = await hear_audio(pcm, SAMPLE_RATE, hearing, lang, settings.speech.vad)
            understanding = None
            if result.text:
                understanding = await nlu.understand(result.text, lang, currency=currency,
                                                     roster=names, today=date.today())
            m = meaning(state, result.text, understanding, lang=lang, currency=currency, roster=roster)
            out.append({"file": str(path), "engine": engine, "text": result.text,
                        "confidence": round(result.confidence, 3), "intent": m.intent, "entities": m.entities,
                        "ms": round((time.perf_counter() - started) * 1000, 1)})
    return out


def hear(
    ctx: typer.Context,
    files: list[str] = typer.Argument(..., help="8 kHz mono 16-bit WAV files, one caller turn each."),
    lang: str = typer.Option(..., "--lang", help="Caller language: an installed pack's code (`ivr languages list`)."),
    listen: str = typer.Option("menu", "--listen", help=f"Listen state: {', '.join(STATES)}."),
    group: str | None = typer.Option(None, "--group", help="Group id: its roster (names) and currency, from the "
                                     "ledger at IVR_LEDGER__BASE_URL."),
    calibrate: bool = typer.Option(False, "--calibrate", help="Print the files' cepstral mean for "
                                   "IVR_SPEECH__ASR__POCKETSPHINX_CMN_INIT instead of recognising them."),
) -> None:
    """Recognise each file as a call in that listen state would; print one JSON object per file."""
    settings = settings_of(ctx, secrets=False)  # reads files and the ledger; no secret, no state written
    if lang not in LANGS:
        raise _fail(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    if listen not in STATES:
        raise _fail(f"unknown listen state {listen!r}; use one of {', '.join(STATES)}")
    for noisy in ("httpx", "ivr.calls.engines", "speech", "ledger_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # stdout is the JSON
    try:
        if calibrate:
            from speech.asr.sphinx_calibrate import calibrate_cmn

            cmn = calibrate_cmn([(read_call_audio(Path(p)), SAMPLE_RATE) for p in files], settings.speech.asr)
            typer.echo(json.dumps({"pocketsphinx_cmn_init": cmn}))
            return
        rows = asyncio.run(hear_files(settings, lang=lang, state=listen, files=files,
                                      group=group))
    except (AudioFormatError, AsrUnavailable, AsrError, ValueError) as exc:
        raise _fail(str(exc)) from None
    except LedgerError as exc:
        raise _fail(f"cannot read group {group!r} from the ledger at {settings.ledger.base_url} "
                    f"(IVR_LEDGER__BASE_URL): {exc}") from None
    for row in rows:
        typer.echo(json.dumps(row, ensure_ascii=False))
