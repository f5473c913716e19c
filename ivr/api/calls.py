"""POST /asterisk/calls: the dialplan registers a call (CURL, form POST) and gets back the call UUID as plain text.

Contract (asterisk/README.md): the body is exactly the 36-character UUID on success; anything else (here `refused`)
makes the dialplan play ss-noservice. CURL() returns the body whatever the status, so refusals carry a status for
logs and tools but a body that is not a UUID. The caller's number never reaches a log.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Header, Request
from fastapi.responses import PlainTextResponse

from ivr.calls.registry import TooManyCalls
from ivr.deps import RegistryDep, SettingsDep

log = logging.getLogger(__name__)
router = APIRouter(tags=["calls"])
REFUSED = "refused"
# Longest field accepted: caller IDs are ≤ 15 digits (E.164) and channel names a few dozen characters.
MAX_FIELD = 200
FIELDS = ("caller", "dialled", "channel", "uniqueid")


# A registration body is four short fields; anything bigger is not the dialplan.
MAX_BODY = 2048


def parse_registration(body: bytes) -> dict[str, str]:
    """The form CURL() posts (`caller=..&dialled=..&channel=..&uniqueid=..`); ValueError names what is wrong."""
    if len(body) > MAX_BODY:
        raise ValueError(f"body over {MAX_BODY} bytes")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body), max_num_fields=10)
    except UnicodeDecodeError:
        raise ValueError("body is not UTF-8") from None
    out: dict[str, str] = {}
    for name in FIELDS:
        values = fields.get(name, [""])
        if len(values) != 1:
            raise ValueError(f"{name} given {len(values)} times")
        if len(values[0]) > MAX_FIELD:
            raise ValueError(f"{name} longer than {MAX_FIELD} characters")
        out[name] = values[0].strip()
    return out


@router.post("/asterisk/calls", response_class=PlainTextResponse)
async def register_call(
    request: Request,
    registry: RegistryDep,
    settings: SettingsDep,
    x_ivr_token: Annotated[str | None, Header()] = None,
) -> PlainTextResponse:
    expected = settings.calls.register_token.get_secret_value()
    if not expected:  # load_settings() generates it in development and requires it elsewhere (ivr.secrets)
        log.error("call registration refused: IVR_CALLS__REGISTER_TOKEN is empty (settings not built by "
                  "load_settings?)")
        return PlainTextResponse(REFUSED, status_code=403)
    if not hmac.compare_digest((x_ivr_token or "").encode(), expected.encode()):
        log.warning("call registration refused: wrong or missing X-IVR-Token")
        return PlainTextResponse(REFUSED, status_code=403)
    try:
        form = parse_registration(await request.body())
    except ValueError as exc:
        log.warning("call registration refused: malformed form (%s)", exc)
        return PlainTextResponse(REFUSED, status_code=400)
    caller, channel, uniqueid = form["caller"], form["channel"], form["uniqueid"]
    try:
        info = registry.register(caller=caller, dialled=form["dialled"], channel=channel)
    except TooManyCalls as exc:
        log.warning("call registration refused: %s", exc)
        return PlainTextResponse(REFUSED, status_code=503)
    log.info("call %s registered for channel %s (uniqueid %s)", info.call_id, channel or "?", uniqueid or "?")
    return PlainTextResponse(str(info.call_id))
