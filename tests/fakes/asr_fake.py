"""A scripted utterance-level ASR engine for unit tests of the ASR base class and of callers (dialogs, sessions)."""

from __future__ import annotations

from speech.asr.base import AsrCapabilities, AsrResult, BaseAsrEngine, Grammar


class ScriptedAsr(BaseAsrEngine):
    """Returns the next scripted transcript per utterance; raises ``fail_with`` if set. Records what it was given."""

    name = "scripted"
    capabilities = AsrCapabilities(streaming=False, grammar=False, word_timings=False, alternatives=False)

    def __init__(self, transcripts: list[str], confidence: float = 0.9, fail_with: Exception | None = None) -> None:
        super().__init__()
        self._transcripts = list(transcripts)
        self._confidence = confidence
        self.fail_with = fail_with
        self.calls: list[tuple[int, int, str, Grammar | None]] = []

    async def _recognize_impl(self, pcm: bytes, rate: int, lang: str, grammar: Grammar | None) -> AsrResult:
        self.calls.append((len(pcm), rate, lang, grammar))
        if self.fail_with is not None:
            raise self.fail_with
        text = self._transcripts.pop(0)
        return AsrResult(text=text, confidence=self._confidence if text else 0.0, is_final=True)
