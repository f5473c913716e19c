"""FastAPI dependencies as Annotated aliases: routers declare what they need, the lifespan's Runtime provides it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from ivr.calls.registry import CallRegistry
from ivr.runtime import Runtime
from ivr.settings import Settings


def _runtime(request: Request) -> Runtime:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(503, "the IVR is starting or stopping")
    assert isinstance(runtime, Runtime)
    return runtime


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _registry(request: Request) -> CallRegistry:
    return _runtime(request).registry


SettingsDep = Annotated[Settings, Depends(_settings)]
RegistryDep = Annotated[CallRegistry, Depends(_registry)]
RuntimeDep = Annotated[Runtime, Depends(_runtime)]
