"""The synthetic corpus heard exactly as `ivr hear` (and a live call) hears a turn: the listen state's Listen, the
hearing plan, the endpointer, the engine, the NLU (Rasa or its keyword fallback) and the state's normalisers.
Shared by tests/speech/test_asr_accuracy.py; run as a script it prints accuracy per language, state and voice set:

    .venv/bin/python -m tests.speech.asr_hearing [en|sw] [tune|test]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from ivr.calls.engines import AsrEngines, HearingPlan, load_asr_engines
from ivr.calls.listening import hear_audio
from ivr.calls.states import State, listen_for, meaning
from ivr.settings import Settings
from nlu.client import RasaClient
from nlu.normalise.names import RosterMember as NameEntry
from nlu.understand import Nlu
from tests.fixtures.ledger_server import free_port
from tests.fixtures.settings import make_test_settings
from tests.speech.asr_corpus import (
    GROUPS,
    TEST_VOICES,
    TUNE_VOICES,
    Item,
    Outcome,
    Voice,
    correct,
    items,
    render,
    roster,
)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.right}/{self.total} = {self.rate:.1%}"


class CorpusHearer:
    """One process's engines and hearing plan, hearing corpus items in their listen state."""

    def __init__(self, settings: Settings, engines: AsrEngines) -> None:
        self.settings = settings
        self.engines = engines
        self.plan = HearingPlan()

    @classmethod
    async def start(cls, settings: Settings, langs: Sequence[str]) -> CorpusHearer:
        return cls(settings, await load_asr_engines(settings.speech, list(langs)))

    async def hear(self, item: Item, voice: Voice, http: httpx.AsyncClient) -> Outcome:
        lang = item.lang
        state: State = "menu" if item.state == "oog" else item.state  # type: ignore[assignment]
        people = roster(lang)
        currency = GROUPS[lang][1]
        listen = listen_for(state, lang, people)
        hearing = await self.plan.for_listen(listen, lang, self.engines.for_lang(lang), self.engines.open_for(lang),
                                             currency=currency)
        pcm = render(voice, item.text)
        result, _ = await hear_audio(pcm, 8000, hearing, lang, self.settings.speech.vad)
        understanding = None
        if result.text:
            nlu = Nlu(parser=RasaClient(http, self.settings.nlu.url, self.settings.nlu.timeout_s),
                      settings=self.settings.nlu)
            names = [NameEntry(m.member_id, m.name, (m.nickname,) if m.nickname else ()) for m in people]
            understanding = await nlu.understand(result.text, lang, currency=currency,  # type: ignore[arg-type]
                                                 roster=names, today=date.today())
        m = meaning(state, result.text, understanding, lang=lang, currency=currency, roster=people)
        rejected = not result.text
        ok = correct(item, result.text, rejected, m.intent, m.entities)
        return Outcome(item, voice, result.text, result.confidence, rejected, ok, len(pcm) / 16000)

    async def run(self, lang: str, voices: Sequence[Voice]) -> list[Outcome]:
        out = []
        async with httpx.AsyncClient() as http:
            for voice in voices:
                for item in items(lang):
                    out.append(await self.hear(item, voice, http))
        return out


def tally(outcomes: Sequence[Outcome]) -> dict[str, Tally]:
    """Per state (and "all" for the in-grammar states), right / total."""
    out: dict[str, Tally] = defaultdict(Tally)
    for o in outcomes:
        for key in (o.item.state, *(("all",) if o.item.state != "oog" else ())):
            out[key].total += 1
            out[key].right += o.correct
    return dict(out)


def report(outcomes: Sequence[Outcome]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(tally(outcomes).items()))


def offline_settings(tmp: Path, nlu_url: str | None = None) -> Settings:
    """Test settings; the NLU at ``nlu_url`` or, by default, a closed local port (the keyword fallback answers)."""
    return make_test_settings(tmp, nlu={"url": nlu_url or f"http://127.0.0.1:{free_port()}", "timeout_s": 1.0})


async def _main(langs: list[str], sets: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        hearer = await CorpusHearer.start(offline_settings(Path(tmp)), langs)
        for lang in langs:
            for name in sets:
                voices = (TUNE_VOICES if name == "tune" else TEST_VOICES)[lang]
                outcomes = await hearer.run(lang, voices)
                print(f"{lang} {name}: {report(outcomes)}", flush=True)
                for v in voices:
                    print(f"  {v.name}: {report([o for o in outcomes if o.voice == v])}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(_main([a for a in args if a in ("en", "sw")] or ["en", "sw"],
                      [a for a in args if a in ("tune", "test")] or ["test"]))
