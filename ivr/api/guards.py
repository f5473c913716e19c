"""What every route of the IVR's HTTP app gets: clear answers for failures that are not the request's fault.

`install_api_guards(app)` (one line in ivr.app.create_app):
- a value encrypted with a key this process does not have (KeysNotLoaded) answers 503 naming the setting, never
  a bare 500 — the process already tried to reload its keys (models.crypto.decrypt) before giving up.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from models.crypto import KeysNotLoaded

log = logging.getLogger(__name__)


def install_api_guards(app: FastAPI) -> None:
    @app.exception_handler(KeysNotLoaded)
    async def _keys_missing(request: Request, exc: KeysNotLoaded) -> JSONResponse:
        log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)})
