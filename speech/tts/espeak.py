"""espeak-ng engine: the always-available default voice for every language espeak has (en, sw, hi, ...)."""

from __future__ import annotations

import asyncio
import shutil

from speech.audio import AudioFormatError, read_wav_bytes, to_telephone
from speech.tts.base import TtsError, TtsUnavailable


class EspeakEngine:
    """Runs `espeak-ng -v VOICE --stdin --stdout` as an asyncio subprocess per utterance (~25 ms a sentence).

    Text goes in on stdin, never on the command line, so amounts and names do not show up in `ps`.
    """

    name = "espeak"

    def __init__(
        self,
        binary: str = "espeak-ng",
        voices: dict[str, str] | None = None,
        rate_wpm: int = 145,
        timeout_s: float = 30.0,
    ) -> None:
        path = shutil.which(binary)
        if path is None:
            raise TtsUnavailable(
                f"espeak-ng not found ({binary!r}): run scripts/setup.sh (apt espeak-ng) "
                "or set IVR_SPEECH__TTS__ESPEAK_BINARY"
            )
        self._binary = path
        self._voices = dict(voices or {})
        self._rate = rate_wpm
        self._timeout = timeout_s

    def voice_id(self, lang: str) -> str:
        return f"{self._voices.get(lang, lang)}@{self._rate}wpm"

    async def synthesize(self, text: str, lang: str) -> bytes:
        if not text.strip():
            raise TtsError("nothing to say: empty text")
        voice = self._voices.get(lang, lang)
        proc = await asyncio.create_subprocess_exec(
            self._binary, "-v", voice, "-s", str(self._rate), "--stdin", "--stdout",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(proc.communicate(text.encode("utf-8")), self._timeout)
        except TimeoutError as exc:
            proc.kill()
            await proc.wait()
            raise TtsError(f"espeak-ng took longer than {self._timeout} s (IVR_SPEECH__TTS__TIMEOUT_S)") from exc
        if proc.returncode != 0:
            msg = err.decode("utf-8", "replace").strip().splitlines()
            detail = msg[-1] if msg else f"exit {proc.returncode}"
            if "voice does not exist" in detail:
                raise TtsUnavailable(
                    f"espeak-ng has no voice {voice!r} for language {lang!r}: "
                    "set IVR_SPEECH__TTS__ESPEAK_VOICES or use another engine for it"
                )
            raise TtsError(f"espeak-ng failed: {detail}")
        try:
            pcm, rate = read_wav_bytes(out, name="espeak-ng output")
        except AudioFormatError as exc:
            raise TtsError(f"espeak-ng produced unreadable audio: {exc}") from exc
        return to_telephone(pcm, rate)
