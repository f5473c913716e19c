"""Render plans and the streaming Speaker: the words are exactly the catalog's; a prompt with values plays its first
piece while the value is still rendering; value phrases are reusable cache pieces; warming covers every static
rendering; the earcon is a short in-band tone."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from dialogs.prompts import CATALOGS, plan, render, template, value_names
from dialogs.prompts.samples import recording_clips, sample_plans, sample_values
from dialogs.values import Money, Name
from speech.audio import duration_ms
from speech.tts.base import BaseTtsEngine
from speech.tts.registry import register_tts, unregister_tts
from speech.tts.speaker import Speaker
from tests.fixtures.settings import make_test_settings


def test_plans_say_exactly_the_catalog_words() -> None:
    for lang, catalog in CATALOGS.items():
        for pid in catalog:
            values = sample_values(pid, lang)
            p = plan(pid, values, lang)
            assert p.text == render(pid, values, lang)
            assert p.has_values == bool(value_names(template(pid, lang)))
            assert p.pii == any(isinstance(v, Money | Name) for v in values.values())


def test_a_prompt_with_values_is_text_parts_and_typed_value_pieces() -> None:
    p = plan("loan_overdue", sample_values("loan_overdue", "sw"), "sw")
    kinds = [(s.kind, s.clip) for s in p.segments]
    assert kinds[0] == ("text", "prompt:loan_overdue.0") and kinds[1][0] == "money"
    money = p.segments[1]
    assert money.pieces == ("shilingi", "elfu", "kumi na mbili", "na", "mia", "tano")
    assert plan("menu_item_savings", {}, "sw").whole_clip == "prompt:menu_item_savings"
    clips = recording_clips("sw")
    assert clips["loan_overdue.0"] == p.segments[0].text.strip()
    assert "menu_item_savings" in clips and "loan_overdue" not in clips


class Gated(BaseTtsEngine):
    """Text renders at once; anything with "thousand" waits until the test opens the gate."""

    name = "gated"
    gate: asyncio.Event
    rendered: list[str] = []

    async def _synthesize_impl(self, text: str, lang: str) -> bytes:
        if "thousand" in text:
            await Gated.gate.wait()
        Gated.rendered.append(text)
        return (np.sin(np.arange(4000) / 3) * 8000).astype("<i2").tobytes()  # 0.5 s of "speech"


def gated_speaker(tmp_path: Path, mode: str = "lead") -> Speaker:
    return Speaker(make_test_settings(tmp_path, speech={"tts": {
        "engines": {"en": "gated"}, "cache_dir": tmp_path / f"cache-{mode}", "value_rendering": mode}}))


@pytest.fixture
def gated(tmp_path: Path) -> Iterator[Speaker]:
    register_tts("gated", Gated)
    Gated.rendered = []
    yield gated_speaker(tmp_path)
    unregister_tts("gated")


async def test_first_piece_plays_while_the_value_still_renders(gated: Speaker) -> None:
    Gated.gate = asyncio.Event()
    p = plan("loan_balance", {"amount": Money(1_250_000, "KES")}, "en")  # "Your loan balance is {amount}."
    stream = gated.stream(p)
    first = await asyncio.wait_for(anext(stream), 5)  # arrives although the amount cannot render yet
    assert duration_ms(first) > 300 and Gated.rendered == ["Your loan balance is"]
    Gated.gate.set()
    rest = [c async for c in stream]
    assert len(rest) == 1 and Gated.rendered[-1] == "twelve thousand five hundred shillings."


async def test_value_renderings_are_cached_and_reused_by_other_calls(gated: Speaker, tmp_path: Path) -> None:
    Gated.gate = asyncio.Event()
    Gated.gate.set()
    amount = {"amount": Money(1_250_000, "KES")}
    await gated.render(plan("loan_balance", amount, "en"))
    await gated.render(plan("loan_balance", amount, "en"))  # the next caller with the same balance
    assert Gated.rendered.count("twelve thousand five hundred shillings.") == 1
    assert len(list((gated.cache.dir).rglob("*.enc"))) == 1  # the amount is personal: encrypted on disk
    pieces = gated_speaker(tmp_path, "pieces")  # pieces: the value phrase alone, reused across prompts
    Gated.rendered = []
    await pieces.render(plan("loan_balance", amount, "en"))
    await pieces.render(plan("fines_due", amount, "en"))
    assert Gated.rendered.count("twelve thousand five hundred shillings") == 1


async def test_sentences_mode_renders_whole_sentences(tmp_path: Path) -> None:
    register_tts("gated", Gated)
    try:
        Gated.gate, Gated.rendered = asyncio.Event(), []
        Gated.gate.set()
        speaker = Speaker(make_test_settings(tmp_path, speech={"tts": {
            "engines": {"en": "gated"}, "cache_dir": tmp_path / "c", "value_rendering": "sentences"}}))
        await speaker.render(plan("loan_next_date", sample_values("loan_next_date", "en"), "en"))
        assert sorted(Gated.rendered) == ["It is due on Thursday, the twelfth of November.", "You are doing well."]
        lead = gated_speaker(tmp_path, "lead")
        units = lead.units(plan("loan_next_date", sample_values("loan_next_date", "en"), "en"))
        assert [(u.text, u.value) for u in units] == [
            ("It is due on", False), ("Thursday, the twelfth of November.", True), ("You are doing well.", False)]
    finally:
        unregister_tts("gated")


def test_warming_covers_static_prompts_and_the_text_around_values(gated: Speaker) -> None:
    items = gated.warm_items(sample_plans(["en"]))
    texts = {t for _, t in items}
    for pid, tmpl in CATALOGS["en"].items():
        if not value_names(tmpl):
            assert render(pid, {}, "en") in texts
    assert "Your loan balance is" in texts and "twelve thousand five hundred shillings" not in texts
    assert not any("Grace" in t for t in texts)  # no sample value is warmed


def test_earcon_is_short_and_in_the_telephone_band() -> None:
    from speech.tts.earcon import earcon

    pcm = earcon()
    assert 150 <= duration_ms(pcm) <= 300
    x = np.frombuffer(pcm, dtype="<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 8000)
    assert spectrum[(freqs >= 300) & (freqs <= 3400)].sum() > 0.95 * spectrum.sum()
    assert np.abs(x).max() < 32767 * 0.25  # softer than speech


@pytest.mark.integration
async def test_prompt_seconds_with_the_real_default_voices(tmp_path: Path) -> None:
    speaker = Speaker(make_test_settings(tmp_path, speech={"tts": {"cache_dir": tmp_path / "cache"}}))
    short = await speaker.seconds(plan("pin_ok", {}, "en"))
    long = await speaker.seconds(plan("menu_keypad", {}, "en"))
    assert 0.3 < short < 2.0 < long
    assert speaker.voices()["en"].engine == "piper"
