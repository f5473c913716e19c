"""FastAPI routes of the browser softphone: the page (`/phone`), its static files, demo callers, and `/phone/ws`.

The page is plain HTML + ES modules + CSS (no build step). The WebSocket endpoint waits for the page's
{"type": "call"} message, opens a call through the injected SoftphoneCalls (the same call pipeline Asterisk calls
reach), and runs it with a WebSocketTransport until either side hangs up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from starlette.websockets import WebSocketState

from ivr.audiosocket.server import CallHandler
from ivr.calls.registry import TooManyCalls
from ivr.settings import Settings
from ivr.softphone import protocol
from ivr.softphone.port import WebSocketTransport, serve_call

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
# WebSocket close codes (RFC 6455): 1000 normal, 1008 policy (bad input), 1011 server error, 1013 try again later.
CLOSE_NORMAL, CLOSE_POLICY, CLOSE_ERROR, CLOSE_BUSY = 1000, 1008, 1011, 1013
# Always allowed: the names a browser on this machine uses (plus any 127.x.y.z and *.localhost).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WILDCARD_BINDS = ("", "0.0.0.0", "::", "[::]")


class CallsUnavailable(RuntimeError):
    """The call pipeline cannot take a call now; the message is shown to the caller."""


class SoftphoneCalls(Protocol):
    """What the app gives the softphone: open a call from `caller` as if it came in over the phone network."""

    async def open_call(self, caller: str) -> tuple[uuid.UUID, CallHandler]: ...


def _app_calls(app: Any) -> SoftphoneCalls | None:
    return getattr(app.state, "softphone_calls", None)


def softphone_router(settings: Settings, get_calls: Callable[[Any], SoftphoneCalls | None] = _app_calls) -> APIRouter:
    """The routes; `get_calls(app)` finds the call pipeline at call time (it is built in the app's lifespan)."""
    cfg = settings.softphone
    audio = settings.audiosocket
    allowed = allowed_hosts(settings)

    def host_check(request: Request) -> None:
        name = host_name(request.headers.get("host"))
        if not host_allowed(name, allowed):
            raise HTTPException(403, _host_refusal(name))

    router = APIRouter(tags=["softphone"])
    ours = [Depends(host_check)]  # every HTTP route; the WebSocket checks for itself (it must say why, then close)
    active: set[uuid.UUID] = set()

    @router.get("/phone", include_in_schema=False, dependencies=ours)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "phone.html", media_type="text/html", headers={"Cache-Control": "no-cache"})

    @router.get("/phone/static/{name}", include_in_schema=False, dependencies=ours)
    async def static(name: str) -> FileResponse:
        path = STATIC / name
        if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
            raise HTTPException(404, "no such softphone file")
        return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "no-cache"})

    @router.get("/phone/callers", dependencies=ours)
    async def callers() -> dict[str, list[dict[str, str]]]:
        """The demo callers the page offers (IVR_SOFTPHONE__DEMO_CALLERS)."""
        return {"callers": [c.model_dump() for c in cfg.demo_callers]}

    @router.websocket("/phone/ws")
    async def phone_ws(ws: WebSocket) -> None:
        await ws.accept()
        name = host_name(ws.headers.get("host"))
        if not host_allowed(name, allowed):  # DNS rebinding: Origin and Host agree, but the name is not ours
            await _close(ws, protocol.error(_host_refusal(name)), code=CLOSE_POLICY)
            return
        if not _same_origin(ws):
            await _close(ws, protocol.error("calls can only be placed from this server's own /phone page"),
                         code=CLOSE_POLICY)
            return
        try:
            caller = await _await_call_request(ws, cfg.call_request_timeout_s)
            calls = get_calls(ws.app)
            if calls is None:
                raise CallsUnavailable("the call pipeline is not running on this server")
            if len(active) >= cfg.max_calls:
                raise CallsUnavailable(f"all {cfg.max_calls} softphone lines are busy: try again in a minute")
            call_id, handler = await calls.open_call(caller)
        except protocol.SoftphoneProtocolError as exc:
            await _close(ws, protocol.error(str(exc)), code=CLOSE_POLICY)
            return
        except CallsUnavailable as exc:
            await _close(ws, protocol.error(str(exc)), code=CLOSE_BUSY)
            return
        except TooManyCalls:  # the whole IVR is at IVR_CALLS__MAX_CALLS (phone and browser calls together)
            await _close(ws, protocol.error("all lines are busy: try again in a minute"), code=CLOSE_BUSY)
            return
        except WebSocketDisconnect:
            return
        except Exception:
            log.exception("softphone: opening a call failed")
            await _close(ws, protocol.error("the server could not start the call"), code=CLOSE_ERROR)
            return
        active.add(call_id)
        try:
            await ws.send_text(protocol.connected(str(call_id), audio.sample_rate, audio.frame_ms))
            transport = WebSocketTransport(ws, sample_rate=audio.sample_rate, frame_ms=audio.frame_ms,
                                           late_ms=audio.late_frame_ms)
            hangup = await serve_call(ws, call_id, handler, transport)
        except WebSocketDisconnect:
            return
        finally:
            active.discard(call_id)
        code = CLOSE_POLICY if hangup.cause.value == "protocol_error" else CLOSE_NORMAL
        messages = [protocol.error(hangup.detail)] if code == CLOSE_POLICY else []
        await _close(ws, *messages, protocol.ended(hangup.cause.value), code=code)

    return router


def allowed_hosts(settings: Settings) -> set[str]:
    """Loopback names, IVR_SOFTPHONE__ALLOWED_HOSTS, and the address the HTTP server binds (when it is one)."""
    names = {*LOOPBACK_HOSTS, *(h.strip().lower().strip("[]") for h in settings.softphone.allowed_hosts)}
    if settings.http.host not in WILDCARD_BINDS:
        names.add(settings.http.host.lower().strip("[]"))
    return names


def host_name(header: str | None) -> str | None:
    """The name of a Host header without its port ("[::1]:8000" -> "::1"), lower-cased; None when absent."""
    if not header:
        return None
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def host_allowed(name: str | None, allowed: set[str]) -> bool:
    if not name:
        return False
    parts = name.split(".")
    loopback_v4 = len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)
    return name in allowed or name.endswith(".localhost") or loopback_v4


def _host_refusal(name: str | None) -> str:
    return (f"this softphone is not served under the name {name or '(none)'}: add it to "
            "IVR_SOFTPHONE__ALLOWED_HOSTS if it is yours")


def _same_origin(ws: WebSocket) -> bool:
    """Browsers always send Origin: refuse pages of other sites (cross-site WebSocket use); tools send none."""
    origin = ws.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == ws.headers.get("host")


async def _await_call_request(ws: WebSocket, timeout_s: float) -> str:
    try:
        message = await asyncio.wait_for(ws.receive(), timeout_s)
    except TimeoutError:
        raise protocol.SoftphoneProtocolError(f"no call request within {timeout_s:g} s") from None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise protocol.SoftphoneProtocolError("the first message must be a call request")
    request = protocol.parse_text(message["text"])
    if not isinstance(request, protocol.PlaceCall):
        raise protocol.SoftphoneProtocolError("the first message must be a call request")
    return request.caller


async def _close(ws: WebSocket, *messages: str, code: int = CLOSE_NORMAL) -> None:
    """Say why, then close; a browser that already left is fine."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        if ws.client_state is WebSocketState.CONNECTED:
            for message in messages:
                await ws.send_text(message)
            await ws.close(code)


def include_softphone(app: FastAPI, settings: Settings) -> None:
    """Mount the softphone unless it is switched off (production default)."""
    if settings.softphone.is_enabled(settings.env):
        app.include_router(softphone_router(settings))
