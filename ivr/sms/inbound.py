"""GET /sms/kannel: Kannel's sms-service get-url delivers each inbound SMS here (see ivr/sms/kannel_conf.py).

The query carries `token` (IVR_SMS__INBOUND_TOKEN), `from`, `to`, `text` (the message bytes, URL-encoded: UTF-8
for 7-bit messages, UTF-16BE for UCS-2 ones, as `coding`/`charset` say) and `id` (Kannel's message id, which a
re-delivery repeats). The answer body is empty (the service has max-messages = 0): the reply goes through the
outbox. 200 = handled (or a repeat); 4xx = never deliver again; 503 = try again later (Kannel re-delivers).
Neither the number nor the text reaches a log.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from ivr.settings import Settings
from ivr.sms.channel import SmsChannel
from models.crypto import current_keyring

log = logging.getLogger(__name__)
router = APIRouter(tags=["sms"])
# An SMS is at most a few hundred bytes even URL-encoded as UCS-2; a longer query is not Kannel.
MAX_QUERY = 8192


def decode_text(raw: bytes, coding: str, charset: str) -> str:
    """The message text from Kannel's %b bytes."""
    if coding == "2" or charset.upper() in ("UTF-16BE", "UCS-2", "UCS2"):
        return raw.decode("utf-16-be", errors="replace")
    try:
        return raw.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def read_query(query: str) -> dict[str, bytes]:
    fields = parse_qs(query, keep_blank_values=True, encoding="latin-1", max_num_fields=20)
    return {k: v[0].encode("latin-1") for k, v in fields.items() if len(v) == 1}


@router.get("/sms/kannel", response_class=PlainTextResponse)
async def kannel_inbound(request: Request) -> PlainTextResponse:
    settings: Settings = request.app.state.settings
    channel: SmsChannel | None = getattr(request.app.state, "sms", None)
    query = request.url.query
    if len(query) > MAX_QUERY:
        return PlainTextResponse("too long", status_code=413)
    fields = read_query(query)
    expected = settings.sms.inbound_token.get_secret_value()
    if expected:
        if not hmac.compare_digest(fields.get("token", b""), expected.encode()):
            log.warning("inbound SMS refused: wrong or missing token")
            return PlainTextResponse("forbidden", status_code=403)
    elif settings.env != "development":
        log.error("inbound SMS refused: set IVR_SMS__INBOUND_TOKEN (required outside development)")
        return PlainTextResponse("forbidden", status_code=403)
    if channel is None:
        log.warning("inbound SMS refused: the SMS channel is off (IVR_SMS__ENABLED)")
        return PlainTextResponse("sms off", status_code=503)
    phone = fields.get("from", b"").decode("utf-8", errors="replace").strip()
    if not phone or len(phone) > 20:
        return PlainTextResponse("bad sender", status_code=400)
    text = decode_text(fields.get("text", b""), fields.get("coding", b"0").decode(),
                       fields.get("charset", b"").decode("ascii", errors="replace"))
    key = fields.get("id", b"").decode("ascii", errors="replace").strip()
    if not key:  # no Kannel id: the same sender, text and minute is the same message (a keyed hash: it holds a PIN)
        key = "h:" + current_keyring().lookup_hash(f"{phone}|{text}|{channel.clock():%Y%m%d%H%M}")[:40]
    try:
        answer = await channel.receive(key, phone, text)
    except Exception:
        log.exception("inbound SMS could not be handled; Kannel will deliver it again")
        return PlainTextResponse("retry", status_code=503)
    log.info("inbound SMS %s", "repeat ignored" if answer is None else f"{answer.command}: {answer.outcome}")
    return PlainTextResponse("")
