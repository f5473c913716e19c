"""CallSession turn-taking with fakes at the edges (media port, speaker, ASR, dialog): barge-in only on
interruptible prompts and only after `barge_in_ms` of voice, keypad collection, no-input, End and caller hang-up."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from dialogs import events
from dialogs.actions import End, Listen, Say
from dialogs.events import Digits, NoInput, Utterance
from ivr.calls.config import CallSettings
from ivr.calls.session import CallInfo, CallSession, SessionDeps
from ivr.frames import CallerAudio, Dtmf, Hangup, HangupCause
from speech.vad_config import VadSettings
from tests.fakes.asr_fake import ScriptedAsr
from tests.fakes.call_fakes import FakeMedia, ScriptedDialog, ToneSpeaker, tone

MENU = Say("menu_keypad")  # interruptible
FIGURES = Say("ledger_down", interruptible=False)
SPEECH = Listen("menu_main", phrases=("savings",), no_input_timeout_s=2.0)
PIN = Listen("pin_ask", speech=False, max_digits=4, terminator="#", no_input_timeout_s=2.0,
             inter_digit_timeout_s=0.5)


class Rig:
    def __init__(self, script: list[list[object]], *, transcripts: list[str] | None = None, prompt_ms: int = 1000,
                 **calls: object) -> None:
        self.dialog = ScriptedDialog(script)  # type: ignore[arg-type]
        self.media = FakeMedia()
        self.asr = ScriptedAsr(transcripts or [])
        self.speaker = ToneSpeaker(prompt_ms)
        self.ended: list[CallSession] = []
        deps = SessionDeps(speaker=self.speaker, asr_for=lambda _lang: self.asr,  # type: ignore[arg-type]
                           new_dialog=lambda _id: self.dialog, timings=None,  # type: ignore[arg-type,return-value]
                           settings=CallSettings(**calls), vad=VadSettings())  # type: ignore[arg-type]
        self.session = CallSession(CallInfo(uuid.uuid4(), caller="+254700000001"), deps, on_end=self.ended.append)

    def start(self) -> None:
        self.session.attach(self.media)

    async def speak(self, ms: int, *, then_silence_ms: int = 600) -> None:
        """Caller audio in real time: `ms` of voice, then quiet frames."""
        for chunk in [tone(20)] * (ms // 20) + [bytes(320)] * (then_silence_ms // 20):
            self.session.inbox.put(CallerAudio(chunk, 8000, time.monotonic()))
            await asyncio.sleep(0.02)

    async def keys(self, digits: str, gap_s: float = 0.05) -> None:
        for d in digits:
            self.session.inbox.put(Dtmf(d, time.monotonic()))
            await asyncio.sleep(gap_s)

    async def hang_up(self) -> None:
        await self.session.on_frame(Hangup(HangupCause.CALLER))

    async def until(self, cond: object, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():  # type: ignore[operator]
            assert time.monotonic() < deadline, "condition not reached"
            await asyncio.sleep(0.01)


async def test_voice_over_an_interruptible_prompt_barges_in_and_is_recognised() -> None:
    rig = Rig([[MENU, SPEECH], [End()]], transcripts=["savings"], prompt_ms=3000)
    rig.start()
    await asyncio.sleep(0.3)
    await rig.speak(400)
    await rig.until(lambda: len(rig.dialog.events) >= 2)
    assert rig.media.flushes == 1
    assert rig.dialog.events[1] == Utterance("savings", 0.9)
    assert rig.session.latency.speech_to_audio_ms == []  # End said nothing
    await rig.until(lambda: rig.media.hung_up)


async def test_short_voice_does_not_cut_the_prompt() -> None:
    rig = Rig([[MENU, SPEECH], [End()]], transcripts=["mm"], prompt_ms=3000, barge_in_ms=240)
    rig.start()
    await asyncio.sleep(0.3)
    await rig.speak(160)  # voiced (VAD min 120 ms) but shorter than the 240 ms barge-in
    await rig.until(lambda: len(rig.dialog.events) >= 2)
    assert rig.media.flushes == 0


async def test_voice_over_a_non_interruptible_prompt_is_ignored() -> None:
    rig = Rig([[FIGURES, SPEECH], [End()]], transcripts=[], prompt_ms=1500)
    rig.start()
    await asyncio.sleep(0.2)
    await rig.speak(600, then_silence_ms=200)  # all while the figures play
    await rig.until(lambda: len(rig.dialog.events) >= 2, timeout=6)
    assert rig.media.flushes == 0
    assert rig.dialog.events[1] == NoInput()  # nothing was heard after the prompt; no-input 2 s later
    assert rig.asr.calls == []


async def test_keypad_digit_flushes_interruptible_prompt_and_terminator_ends_entry() -> None:
    rig = Rig([[MENU, PIN], [End()]], prompt_ms=3000)
    rig.start()
    await asyncio.sleep(0.2)
    await rig.keys("12#")
    await rig.until(lambda: len(rig.dialog.events) >= 2)
    assert rig.media.flushes == 1
    assert rig.dialog.events[1] == Digits("12")


async def test_max_digits_and_inter_digit_timeout() -> None:
    rig = Rig([[FIGURES, PIN], [PIN], [End()]], prompt_ms=200)
    rig.start()
    await asyncio.sleep(0.3)
    await rig.keys("2580")  # max_digits reached: no terminator needed
    await rig.until(lambda: len(rig.dialog.events) >= 2)
    assert rig.dialog.events[1] == Digits("2580")
    await rig.keys("#")  # a stray terminator after a complete entry is not an answer
    await rig.keys("7")
    started = time.monotonic()
    await rig.until(lambda: len(rig.dialog.events) >= 3)
    assert rig.dialog.events[2] == Digits("7")
    assert time.monotonic() - started >= 0.45  # the 0.5 s inter-digit timeout ended it


async def test_no_input_timer_starts_after_the_prompt() -> None:
    rig = Rig([[MENU, SPEECH], [End()]], prompt_ms=1000)
    started = time.monotonic()
    rig.start()
    await rig.until(lambda: len(rig.dialog.events) >= 2, timeout=6)
    assert rig.dialog.events[1] == NoInput()
    assert time.monotonic() - started >= 2.9  # 1 s prompt + 2 s no-input


async def test_end_plays_the_goodbye_then_hangs_up() -> None:
    rig = Rig([[Say("goodbye", interruptible=False), End("completed")]], prompt_ms=600)
    started = time.monotonic()
    rig.start()
    await rig.until(lambda: rig.media.hung_up)
    assert time.monotonic() - started >= 0.55
    await rig.until(lambda: rig.ended)
    assert rig.session.outcome == "completed" and not rig.session.running


async def test_caller_hang_up_mid_utterance_ends_everything() -> None:
    rig = Rig([[MENU, SPEECH]], transcripts=["never used"], prompt_ms=200)
    rig.start()
    await asyncio.sleep(0.3)
    await rig.speak(300, then_silence_ms=0)  # utterance in progress (stream open)
    await asyncio.wait_for(rig.hang_up(), 3)
    assert not rig.session.running and rig.ended
    assert isinstance(rig.dialog.events[-1], events.Hangup)
    assert rig.session.outcome == "hangup"
    assert rig.asr.calls == []  # the unfinished utterance was dropped, not recognised


@pytest.mark.parametrize("frames", [0, 5])
async def test_hang_up_before_and_after_start(frames: int) -> None:
    rig = Rig([[MENU, SPEECH]], prompt_ms=200)
    rig.start()
    await rig.speak(frames * 20, then_silence_ms=0)
    await asyncio.wait_for(rig.hang_up(), 3)
    assert rig.ended and not rig.session.running


async def test_a_spoken_question_ends_with_the_earcon_a_keypad_one_does_not() -> None:
    rig = Rig([[MENU, SPEECH], [MENU, PIN], [End()]], transcripts=["savings"], prompt_ms=300)
    rig.start()
    await rig.until(lambda: len(rig.media.played) >= 2)
    assert rig.media.played[-1] == rig.speaker.earcon()  # after the menu: "your turn to speak"
    await rig.speak(400)
    await rig.until(lambda: len(rig.dialog.events) >= 2)
    await rig.until(lambda: len(rig.media.played) >= 3)
    await asyncio.sleep(0.2)
    assert rig.media.played[2:] == [rig.media.played[2]] and rig.media.played[2] != rig.speaker.earcon()
    await rig.keys("1234")
    await rig.until(lambda: rig.media.hung_up)
