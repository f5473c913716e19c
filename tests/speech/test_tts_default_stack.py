"""A fresh stack (no TTS settings at all) speaks English with Piper and Swahili with espeak-ng, and says so: the app's
/health names each language's engine and voice, and start-up notes carry the same lines (`ivr stack` prints them);
without the Piper voice English falls back to espeak-ng, and /health says that too."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import running_ivr
from tests.fixtures.ledger_server import free_port
from tests.fixtures.settings import make_test_settings

pytestmark = pytest.mark.integration


def fresh(tmp_path: Path, **tts: object):  # type: ignore[no-untyped-def]
    return make_test_settings(
        tmp_path, http={"port": free_port()}, audiosocket={"port": free_port()},
        calls={"languages": ["en", "sw"], "warm_prompts": False},
        speech={"models_dir": tmp_path / "models", "tts": {"cache_dir": tmp_path / "cache", **tts}})


async def test_fresh_stack_speaks_english_with_piper_and_says_so(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    async with running_ivr(settings) as base, httpx.AsyncClient() as http:
        health = (await http.get(f"{base}/health")).json()
    assert health["tts"]["en"]["engine"] == "piper"
    assert health["tts"]["en"]["voice"].startswith("en_US-joe-medium")
    assert health["tts"]["en"]["fallback"] is False
    assert health["tts"]["sw"]["engine"] == "espeak"
    assert any(n.startswith("en: spoken by piper (en_US-joe-medium") for n in health["notes"])
    assert any(n.startswith("sw: spoken by espeak (") for n in health["notes"])


async def test_without_the_piper_voice_english_falls_back_and_health_says_why(tmp_path: Path) -> None:
    settings = fresh(tmp_path, piper={"voices": {"en": tmp_path / "no-such-voice.onnx"}})
    async with running_ivr(settings) as base, httpx.AsyncClient() as http:
        health = (await http.get(f"{base}/health")).json()
    en = health["tts"]["en"]
    assert (en["engine"], en["configured"], en["fallback"]) == ("espeak", "piper", True)
    note = next(n for n in health["notes"] if n.startswith("en: spoken by espeak"))
    assert "piper is unavailable" in note
