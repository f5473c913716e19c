"""What every route of the IVR's HTTP app gets: bounded request bodies and clear answers for failures that are not
the request's fault.

`install_api_guards(app)` (one line in ivr.app.create_app, after app.state.settings is set):
- request bodies are limited BEFORE they are read (BodyLimit, a pure ASGI middleware): a Content-Length over the
  limit is answered 413 at once, and a chunked body is counted as it arrives and cut off at the limit — a huge body
  is never buffered (issue 14: four 128 MB bodies took the IVR to 1 GB). IVR_HTTP__MAX_BODY_BYTES for the app,
  2,048 bytes for the dialplan's call registration. WebSockets are not touched (the softphone checks each message).
- a value encrypted with a key this process does not have (KeysNotLoaded) answers 503 naming the setting, never
  a bare 500 — the process already tried to reload its keys (models.crypto.decrypt) before giving up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ivr.api import calls as calls_api
from models.crypto import KeysNotLoaded

log = logging.getLogger(__name__)
SETTING = "IVR_HTTP__MAX_BODY_BYTES"


class BodyLimit:
    """Refuse request bodies over a limit (per path prefix, else the default) without reading them."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, per_path: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    def _limit(self, path: str) -> tuple[int, str]:
        for prefix, limit in self.per_path.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                # the dialplan treats any answer that is not a UUID as a refusal: say so plainly
                return limit, f"refused: request body over {limit} bytes"
        return self.max_bytes, f"request body over {self.max_bytes} bytes (the limit is {SETTING})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, detail = self._limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            log.warning("%s %s refused: %s", scope.get("method"), scope["path"], detail)
            await _send_413(send, detail)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # FastAPI re-raises HTTPException from body parsing as is: the client gets 413
                    log.warning("%s %s refused: %s", scope.get("method"), scope["path"], detail)
                    raise HTTPException(413, detail)
            return message

        await self.app(scope, counted, send)


async def _send_413(send: Send, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def install_api_guards(app: FastAPI) -> None:
    settings: Any = app.state.settings
    app.add_middleware(BodyLimit, max_bytes=settings.http.max_body_bytes,
                       per_path={"/asterisk/calls": calls_api.MAX_BODY})

    @app.exception_handler(KeysNotLoaded)
    async def _keys_missing(request: Request, exc: KeysNotLoaded) -> JSONResponse:
        log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)})
