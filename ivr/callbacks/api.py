"""POST /asterisk/missed-calls: the dialplan's missed-call context reports a drop (CURL) before rejecting the call.

Same contract as POST /asterisk/calls (X-IVR-Token, form body `caller=..&dialled=..&uniqueid=..`): the answer is
plain text `ok <disposition>` or `refused`, and the dialplan hangs up without answering whatever it says, so the
caller pays nothing. The number never reaches a log.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import PlainTextResponse

from dialogs.handlers.identify import hidden
from ivr.callbacks.scheduler import CallbackScheduler
from ivr.settings import Settings

log = logging.getLogger(__name__)
router = APIRouter(tags=["callbacks"])
MAX_BODY = 2048


@router.post("/asterisk/missed-calls", response_class=PlainTextResponse)
async def missed_call(request: Request, x_ivr_token: Annotated[str | None, Header()] = None) -> PlainTextResponse:
    settings: Settings = request.app.state.settings
    expected = settings.calls.register_token.get_secret_value()
    if expected:
        if not hmac.compare_digest((x_ivr_token or "").encode(), expected.encode()):
            log.warning("missed call refused: wrong or missing X-IVR-Token")
            return PlainTextResponse("refused", status_code=403)
    elif settings.env != "development":
        log.error("missed call refused: set IVR_CALLS__REGISTER_TOKEN (required outside development)")
        return PlainTextResponse("refused", status_code=403)
    scheduler: CallbackScheduler | None = getattr(request.app.state, "callbacks", None)
    if scheduler is None:
        return PlainTextResponse("refused", status_code=503)  # callbacks off (IVR_CALLBACKS__ENABLED)
    body = await request.body()
    if len(body) > MAX_BODY:
        return PlainTextResponse("refused", status_code=400)
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return PlainTextResponse("refused", status_code=400)
    callers = fields.get("caller", [""])
    if len(callers) != 1 or len(callers[0]) > 40:
        return PlainTextResponse("refused", status_code=400)
    caller = callers[0].strip()
    if hidden(caller):
        log.info("missed call with a hidden number: nobody to call back")
        return PlainTextResponse("ok hidden")
    return PlainTextResponse(f"ok {await scheduler.missed(caller)}")
