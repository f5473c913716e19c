"""Rendered-prompt cache: TTS output kept on disk (Fernet-encrypted when the text holds PII) behind an in-memory LRU,
so a repeated prompt starts playing in well under 20 ms instead of waiting for an engine.

Key = (engine, voice, language, text). With a key ring the file name is an HMAC of the key, so a cached
"balance is twelve thousand" cannot be found by hashing guessed amounts; PII files also expire (`pii_ttl_s`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any

from models.crypto import KeyRing, KeysNotLoaded, keyring_from_settings
from speech.tts.base import BaseTtsEngine, TtsEngine, split_sentences
from speech.tts.factory import tts_settings_of

log = logging.getLogger(__name__)


class CacheError(RuntimeError):
    """The cache cannot do what was asked (e.g. store PII without an encryption key ring)."""


@dataclass
class CacheStats:
    memory_hits: int = 0
    disk_hits: int = 0
    misses: int = 0


class PromptCache:
    """get(engine, text, lang, pii=...) -> 8 kHz slin16, rendering through the engine only on a miss."""

    def __init__(self, directory: Path, *, keyring: KeyRing | None = None, memory_items: int = 256,
                 pii_ttl_s: int = 86_400, max_disk_bytes: int = 500 * 2**20) -> None:
        self.dir = Path(directory)
        self._ring = keyring
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._memory_items = memory_items
        self._pii_ttl = pii_ttl_s
        self._max_disk = max_disk_bytes
        self._inflight: dict[str, asyncio.Future[bytes]] = {}
        self.stats = CacheStats()

    @classmethod
    def from_settings(cls, settings: Any) -> PromptCache:
        """From ivr.settings.Settings: cache dir and sizes from speech.tts, the key ring from security."""
        tts = tts_settings_of(settings)
        return cls(tts.cache_dir, keyring=keyring_from_settings(settings), memory_items=tts.cache_memory_items,
                   pii_ttl_s=tts.cache_pii_ttl_s, max_disk_bytes=tts.cache_max_disk_mb * 2**20)

    def key(self, engine: TtsEngine, text: str, lang: str, pii: bool) -> str:
        raw = json.dumps([engine.name, engine.voice_id(lang), lang, text, pii], ensure_ascii=False)
        if self._ring is not None:
            return self._ring.lookup_hash(raw)
        if pii:
            raise CacheError("PII prompts need an encryption key ring (IVR_SECURITY__ENCRYPTION_KEYS)")
        return sha256(raw.encode()).hexdigest()

    def _path(self, key: str, pii: bool) -> Path:
        return self.dir / key[:2] / (key + (".enc" if pii else ".pcm"))

    def _remember(self, key: str, pcm: bytes) -> None:
        self._memory[key] = pcm
        self._memory.move_to_end(key)
        while len(self._memory) > self._memory_items:
            self._memory.popitem(last=False)

    def _read_disk(self, key: str, pii: bool) -> bytes | None:
        path = self._path(key, pii)
        try:
            if pii and time.time() - path.stat().st_mtime > self._pii_ttl:
                path.unlink(missing_ok=True)
                return None
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if pii:
            assert self._ring is not None
            try:
                return self._ring.decrypt(data)
            except KeysNotLoaded:
                # written under a key that has since been dropped: a cache may forget, it re-renders
                log.warning("prompt cache entry %s… not decryptable with current keys; re-rendering", key[:8])
                return None
        if len(data) % 2:
            log.warning("prompt cache entry %s… is truncated; re-rendering", key[:8])
            return None
        return data

    def _write_disk(self, key: str, pii: bool, pcm: bytes) -> None:
        path = self._path(key, pii)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self._ring.encrypt(pcm) if pii and self._ring is not None else pcm
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)

    def cached(self, engine: TtsEngine, text: str, lang: str, *, pii: bool = False) -> bytes | None:
        """Memory-only lookup (no I/O), for callers that must not wait."""
        return self._memory.get(self.key(engine, text, lang, pii))

    async def get(self, engine: TtsEngine, text: str, lang: str, *, pii: bool = False) -> bytes:
        """Audio for `text`: memory, then disk, then the engine (concurrent misses of one key render once)."""
        key = self.key(engine, text, lang, pii)
        pcm = self._memory.get(key)
        if pcm is not None:
            self._memory.move_to_end(key)
            self.stats.memory_hits += 1
            return pcm
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            pcm = await asyncio.to_thread(self._read_disk, key, pii)
            if pcm is not None:
                self.stats.disk_hits += 1
            else:
                self.stats.misses += 1
                pcm = await engine.synthesize(text, lang)
                await asyncio.to_thread(self._write_disk, key, pii, pcm)
            self._remember(key, pcm)
            future.set_result(pcm)
            return pcm
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters (if any) re-raise it, nobody else must
            raise
        finally:
            del self._inflight[key]

    async def stream(self, engine: TtsEngine, text: str, lang: str, *, pii: bool = False) -> AsyncIterator[bytes]:
        """Like get(), but on a miss the engine's audio is yielded sentence by sentence as it renders (the first
        sentence plays while the rest render) and the whole rendering is stored once complete."""
        key = self.key(engine, text, lang, pii)
        pcm = self._memory.get(key)
        if pcm is None and key not in self._inflight:
            pcm = await asyncio.to_thread(self._read_disk, key, pii)
            if pcm is not None:
                self.stats.disk_hits += 1
                self._remember(key, pcm)
        elif pcm is not None:
            self._memory.move_to_end(key)
            self.stats.memory_hits += 1
        if pcm is not None:
            yield pcm
            return
        if key in self._inflight or len(split_sentences(text)) < 2:
            yield await self.get(engine, text, lang, pii=pii)  # one sentence (or rendering already): no gain
            return
        self.stats.misses += 1
        chunks: list[bytes] = []
        async for chunk in _sentences(engine, text, lang):
            chunks.append(chunk)
            yield chunk
        whole = b"".join(chunks)
        await asyncio.to_thread(self._write_disk, key, pii, whole)
        self._remember(key, whole)

    async def warm(self, engine_for: Callable[[str], TtsEngine], prompts: Iterable[tuple[str, str]],
                   progress: Callable[[int], None] | None = None) -> int:
        """Render static (non-PII) prompts, given as (lang, text), ahead of the first call; returns how many."""
        count = 0
        for lang, text in prompts:
            await self.get(engine_for(lang), text, lang)
            count += 1
            if progress is not None:
                progress(count)
        return count

    def prune(self) -> int:
        """Delete expired PII renderings, stray temp files, then the oldest renderings while the cache is over
        its size limit; returns how many files went. Run it at start-up and periodically."""
        removed = 0
        now = time.time()
        kept: list[tuple[float, int, Path]] = []
        for path in self.dir.glob("*/*"):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            expired = path.suffix == ".enc" and now - st.st_mtime > self._pii_ttl
            if expired or path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
                removed += 1
            else:
                kept.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in kept)
        for _, size, path in sorted(kept):
            if total <= self._max_disk:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed


async def _sentences(engine: TtsEngine, text: str, lang: str) -> AsyncIterator[bytes]:
    if isinstance(engine, BaseTtsEngine):
        async for chunk in engine.stream(text, lang):
            yield chunk
        return
    yield await engine.synthesize(text, lang)  # a Protocol-only engine without streaming
