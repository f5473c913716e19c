"""TTS engines by name: each engine module registers its class with one line, the factory looks names up here.

    class MyEngine(BaseTtsEngine):
        name = "mine"
        async def _synthesize_impl(self, text, lang): ...
    register_tts("mine", MyEngine)

An engine is built with ``cls.from_settings(tts_settings)`` (BaseTtsEngine's default passes ``timeout_s``; engines
with their own settings section read it there, e.g. ``tts.espeak``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from speech.tts.base import TtsEngine, TtsUnavailable

EngineBuilder = Callable[[Any], TtsEngine]
_ENGINES: dict[str, EngineBuilder] = {}


def register_tts(name: str, engine: type | EngineBuilder) -> None:
    """Make `engine` (a class with ``from_settings``, or a builder taking the tts settings) known as `name`."""
    builder = getattr(engine, "from_settings", engine)
    if not callable(builder):
        raise TypeError(f"TTS engine {name!r} must be a class with from_settings() or a callable")
    _ENGINES[name] = builder


def unregister_tts(name: str) -> None:
    _ENGINES.pop(name, None)


def engine_names() -> tuple[str, ...]:
    _load_builtins()
    return tuple(_ENGINES)


def builder_for(name: str) -> EngineBuilder:
    _load_builtins()
    try:
        return _ENGINES[name]
    except KeyError:
        raise TtsUnavailable(f"unknown TTS engine {name!r}: choose one of {', '.join(_ENGINES)} "
                             "(IVR_SPEECH__TTS__DEFAULT_ENGINE / IVR_SPEECH__TTS__ENGINES)") from None


def _load_builtins() -> None:
    # Importing the engine modules registers them (their heavy dependencies load lazily, on first synthesis).
    from speech.tts import coqui, espeak, pack, piper_engine  # noqa: F401
