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
        "notes": runtime.notes,
    }


@router.get("/ops/calls")
async def calls(registry: RegistryDep) -> dict[str, int]:
    """Counts only: no caller numbers here."""
    return {"active": len(registry.sessions), "pending": registry.pending, "completed": registry.completed}
