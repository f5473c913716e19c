"""Prompt cache with the real espeak-ng engine: miss/hit (memory and disk), keyed by engine/voice/lang/text,
PII encrypted at rest with HMAC file names, expiry, concurrent misses rendered once, warm-up."""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from models.crypto import KeyRing
from speech.prompt_cache import CacheError, PromptCache
from speech.tts.espeak import EspeakEngine

pytestmark = pytest.mark.integration

AMOUNT_TEXT = "Akiba yako ni shilingi elfu kumi na mbili na mia tano"


class CountingEngine:
    """The real espeak-ng engine, counting how often it is asked to render (a spy, not a fake)."""

    def __init__(self, rate_wpm: int = 145) -> None:
        self.inner = EspeakEngine(rate_wpm=rate_wpm)
        self.name = self.inner.name
        self.calls = 0

    def voice_id(self, lang: str) -> str:
        return self.inner.voice_id(lang)

    async def synthesize(self, text: str, lang: str) -> bytes:
        self.calls += 1
        return await self.inner.synthesize(text, lang)


def ring() -> KeyRing:
    return KeyRing([Fernet.generate_key().decode()], secrets.token_hex(16))


async def test_miss_then_memory_hit_then_disk_hit(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = PromptCache(tmp_path, keyring=ring())
    first = await cache.get(engine, "Karibu MiKashBoks", "sw")
    again = await cache.get(engine, "Karibu MiKashBoks", "sw")
    assert first == again and engine.calls == 1
    assert (cache.stats.misses, cache.stats.memory_hits) == (1, 1)
    # a new process (new cache object) over the same directory reads the disk, no rendering
    fresh = PromptCache(tmp_path, keyring=cache._ring)
    assert await fresh.get(engine, "Karibu MiKashBoks", "sw") == first
    assert engine.calls == 1 and fresh.stats.disk_hits == 1
    assert fresh.cached(engine, "Karibu MiKashBoks", "sw") == first


async def test_key_covers_engine_voice_language_and_text(tmp_path: Path) -> None:
    cache = PromptCache(tmp_path)
    base, slower = CountingEngine(), CountingEngine(rate_wpm=100)
    await cache.get(base, "habari", "sw")
    await cache.get(base, "habari", "sw")
    await cache.get(base, "habari", "en")  # language
    await cache.get(base, "habari yako", "sw")  # text
    await cache.get(slower, "habari", "sw")  # voice
    assert base.calls == 3 and slower.calls == 1
    assert len(list(tmp_path.glob("*/*.pcm"))) == 4


async def test_pii_is_encrypted_at_rest_and_not_guessable_from_file_names(tmp_path: Path) -> None:
    keys = ring()
    engine = CountingEngine()
    cache = PromptCache(tmp_path, keyring=keys)
    pcm = await cache.get(engine, AMOUNT_TEXT, "sw", pii=True)
    files = list(tmp_path.rglob("*.*"))
    assert [f.suffix for f in files] == [".enc"]
    blob = files[0].read_bytes()
    assert b"RIFF" not in blob and b"WAVE" not in blob
    assert pcm[4000:4064] not in blob  # no clear audio anywhere in the file
    assert b"elfu" not in blob and "elfu" not in files[0].name
    assert (files[0].stat().st_mode & 0o777) == 0o600
    # the name is an HMAC under the key ring, not a plain hash anyone could recompute
    other_key = PromptCache(tmp_path, keyring=ring()).key(engine, AMOUNT_TEXT, "sw", True)
    assert files[0].stem == cache.key(engine, AMOUNT_TEXT, "sw", True) != other_key
    fresh = PromptCache(tmp_path, keyring=keys)
    assert await fresh.get(engine, AMOUNT_TEXT, "sw", pii=True) == pcm and fresh.stats.disk_hits == 1


async def test_pii_written_under_a_dropped_key_is_re_rendered(tmp_path: Path) -> None:
    lookup = "same-lookup-key"
    old = KeyRing([Fernet.generate_key().decode()], lookup)
    engine = CountingEngine()
    await PromptCache(tmp_path, keyring=old).get(engine, AMOUNT_TEXT, "sw", pii=True)
    new = KeyRing([Fernet.generate_key().decode()], lookup)
    cache = PromptCache(tmp_path, keyring=new)
    assert len(await cache.get(engine, AMOUNT_TEXT, "sw", pii=True)) > 0
    assert engine.calls == 2 and cache.stats.misses == 1


async def test_pii_without_key_ring_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CacheError, match="IVR_SECURITY__ENCRYPTION_KEYS"):
        await PromptCache(tmp_path).get(CountingEngine(), AMOUNT_TEXT, "sw", pii=True)
    assert not list(tmp_path.rglob("*.*"))


async def test_pii_entries_expire(tmp_path: Path) -> None:
    keys = ring()
    engine = CountingEngine()
    await PromptCache(tmp_path, keyring=keys, pii_ttl_s=60).get(engine, AMOUNT_TEXT, "sw", pii=True)
    await PromptCache(tmp_path, keyring=keys, pii_ttl_s=60).get(engine, "Karibu", "sw")
    (enc,) = tmp_path.rglob("*.enc")
    old = time.time() - 120
    os.utime(enc, (old, old))
    assert PromptCache(tmp_path, keyring=keys, pii_ttl_s=60).prune() == 1
    assert not enc.exists() and len(list(tmp_path.rglob("*.pcm"))) == 1  # static prompts never expire
    cache = PromptCache(tmp_path, keyring=keys, pii_ttl_s=60)
    await cache.get(engine, AMOUNT_TEXT, "sw", pii=True)
    assert engine.calls == 3 and cache.stats.misses == 1


async def test_concurrent_misses_render_once(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = PromptCache(tmp_path)
    results = await asyncio.gather(*(cache.get(engine, "Tafadhali subiri", "sw") for _ in range(5)))
    assert engine.calls == 1 and len(set(results)) == 1


async def test_engine_error_propagates_and_caches_nothing(tmp_path: Path) -> None:
    from speech.tts.base import TtsUnavailable

    cache = PromptCache(tmp_path)
    with pytest.raises(TtsUnavailable):
        await cache.get(CountingEngine(), "hello", "lg")
    assert not list(tmp_path.rglob("*.*"))


async def test_memory_lru_is_bounded(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = PromptCache(tmp_path, memory_items=2)
    for text in ("moja", "mbili", "tatu"):
        await cache.get(engine, text, "sw")
    assert cache.cached(engine, "moja", "sw") is None and cache.cached(engine, "tatu", "sw") is not None
    await cache.get(engine, "moja", "sw")
    assert engine.calls == 3 and cache.stats.disk_hits == 1


async def test_truncated_file_is_re_rendered(tmp_path: Path) -> None:
    engine = CountingEngine()
    await PromptCache(tmp_path).get(engine, "moja", "sw")
    (pcm_file,) = tmp_path.rglob("*.pcm")
    pcm_file.write_bytes(pcm_file.read_bytes()[:-1])
    assert len(await PromptCache(tmp_path).get(engine, "moja", "sw")) % 2 == 0
    assert engine.calls == 2


async def test_warm_renders_static_prompts_ahead(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = PromptCache(tmp_path)
    seen: list[int] = []
    n = await cache.warm(lambda lang: engine, [("sw", "Karibu"), ("en", "Welcome"), ("sw", "Karibu")], seen.append)
    assert n == 3 and seen == [1, 2, 3] and engine.calls == 2
    assert cache.cached(engine, "Welcome", "en") is not None


def test_from_settings_uses_the_settings_keys_and_dirs(settings) -> None:  # type: ignore[no-untyped-def]
    cache = PromptCache.from_settings(settings)
    assert cache.dir == settings.speech.tts.cache_dir
    assert cache._ring is not None


async def test_prune_trims_oldest_beyond_the_size_limit(tmp_path: Path) -> None:
    engine = CountingEngine()
    cache = PromptCache(tmp_path)
    paths = []
    for age, text in ((300, "moja"), (200, "mbili"), (100, "tatu")):
        await cache.get(engine, text, "sw")
        path = cache._path(cache.key(engine, text, "sw", False), False)
        os.utime(path, (time.time() - age, time.time() - age))
        paths.append(path)
    limited = PromptCache(tmp_path, max_disk_bytes=paths[-1].stat().st_size)
    assert limited.prune() == 2
    assert list(tmp_path.rglob("*.pcm")) == [paths[-1]]  # the newest stays
