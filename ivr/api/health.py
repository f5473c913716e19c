"""GET /health (liveness + what is loaded) and GET /ops/calls (live call counts) for operators."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ivr.deps import RegistryDep, RuntimeDep

router = APIRouter(tags=["ops"])


@router.get("/health")
async def health(runtime: RuntimeDep) -> dict[str, Any]:
    s = runtime.settings
    asr = runtime.asr
    return {
        "status": "ok",
        "audiosocket": f"{s.audiosocket.host}:{runtime.audiosocket.port}",
        "asr": {lang: engine.name for lang, engine in asr.engines.items()},
        # who speaks each language: the engine, its voice, and the configured engine when it had to fall back
        "tts": {lang: {"engine": v.engine, "voice": v.voice, "configured": v.configured, "fallback": v.fell_back}
                for lang, v in runtime.speaker.voices().items()},
        "notes": runtime.notes,
    }


@router.get("/ops/calls")
async def calls(registry: RegistryDep) -> dict[str, Any]:
    """Counts and timings of recent calls only: no caller numbers here."""
    recent = list(registry.recent)
    latencies = sorted(ms for s in recent for ms in s.speech_to_audio_ms)

    def pct(p: float) -> int | None:
        return latencies[min(len(latencies) - 1, round(p * (len(latencies) - 1)))] if latencies else None

    return {"active": len(registry.sessions), "pending": registry.pending, "completed": registry.completed,
            "recent": {"calls": len(recent), "speech_to_audio_ms_p50": pct(0.5), "speech_to_audio_ms_p95": pct(0.95),
                       "late_frames": sum(s.late_frames for s in recent),
                       "frames_sent": sum(s.frames_sent for s in recent)}}
