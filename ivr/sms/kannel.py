"""Outbound SMS through Kannel's sendsms HTTP API, behind a small Protocol, with typed errors.

Kannel (smsbox `sendsms-port`) answers at once: 202 "0: Accepted for delivery" or "3: Queued for later delivery"
once the message is in its queue; 4xx for a request it will never take (bad credentials, missing receiver); 503
when it cannot queue. We split texts ourselves (ivr/sms/gsm7.py) and send each part with its concatenation UDH, so
Kannel never splits or truncates anything. Which errors allow a resend decides whether a member gets a message
twice: only a request Kannel certainly did not take is retried; a lost answer is `SmsUncertain`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol

import httpx

from ivr.sms.config import SmsSettings

log = logging.getLogger(__name__)
# A refused connection is retried once at once: smsbox restarting takes well under a second to listen again.
CONNECT_RETRY_S = 0.2


class SmsError(RuntimeError):
    """Base of the SMS gateway's typed errors (messages never hold a number or a text)."""


class SmsUnavailable(SmsError):
    """The gateway did not take the message (down, refusing, queue full): safe to send again later."""


class SmsRejected(SmsError):
    """The gateway will never take this request (credentials, malformed receiver): resending cannot help."""


class SmsUncertain(SmsError):
    """The request went out but no answer came back: the gateway may have queued it. Not resent."""


@dataclass(frozen=True)
class SmsPart:
    """One SMS on the air: `coding` 0 = GSM 7-bit, 2 = UCS-2; `udh` set on parts of a concatenated message."""

    to: str = field(repr=False)
    text: str = field(repr=False)
    coding: int
    udh: bytes | None = None


class SmsGateway(Protocol):
    """Sends one part; returns when the gateway has queued it, raises an SmsError otherwise."""

    async def send(self, part: SmsPart) -> None: ...


def concat_udh(ref: int, total: int, seq: int) -> bytes:
    """3GPP TS 23.040 concatenated-SMS header, 8-bit reference: 05 00 03 ref total seq."""
    if not (0 <= ref <= 255 and 1 <= seq <= total <= 255):
        raise ValueError("concatenation reference 0-255, 1 <= seq <= total <= 255")
    return bytes([5, 0, 3, ref, total, seq])


class KannelGateway:
    """SmsGateway over Kannel's sendsms (HTTP POST with X-Kannel headers), on the process's shared httpx client."""

    def __init__(self, http: httpx.AsyncClient, settings: SmsSettings) -> None:
        self._http = http
        self._s = settings

    def _headers(self, part: SmsPart) -> dict[str, str]:
        """Kannel's POST form of sendsms: everything in X-Kannel-* headers and the text as the body, so no number,
        text or password is ever part of a URL (URLs end up in access logs and in httpx's request log)."""
        s = self._s
        headers = {"Content-Type": "text/plain; charset=UTF-8", "X-Kannel-Username": s.sendsms_username,
                   "X-Kannel-Password": s.sendsms_password.get_secret_value(), "X-Kannel-From": s.sender,
                   "X-Kannel-To": part.to, "X-Kannel-Coding": str(part.coding)}
        if part.udh:
            headers["X-Kannel-UDH"] = part.udh.hex()
        return headers

    async def send(self, part: SmsPart) -> None:
        timeout = httpx.Timeout(self._s.timeout_s, connect=self._s.connect_timeout_s)
        headers, payload = self._headers(part), part.text.encode("utf-8")
        for attempt in (1, 2):
            try:
                response = await self._http.post(self._s.sendsms_url, headers=headers, content=payload, timeout=timeout)
                break
            except httpx.ConnectError as exc:  # nothing was sent
                if attempt == 2:
                    raise SmsUnavailable(f"Kannel sendsms not reachable ({type(exc).__name__}); "
                                         "check IVR_SMS__SENDSMS_URL and that smsbox runs") from None
                await asyncio.sleep(CONNECT_RETRY_S)
            except httpx.ConnectTimeout:
                raise SmsUnavailable("Kannel sendsms connect timed out (IVR_SMS__CONNECT_TIMEOUT_S)") from None
            except httpx.TransportError as exc:  # sent, answer lost: it may be queued
                raise SmsUncertain(f"no answer from Kannel sendsms ({type(exc).__name__})") from None
        body = response.text.strip()[:120]
        if 200 <= response.status_code < 300:
            return
        if response.status_code in (401, 403):
            raise SmsRejected(f"Kannel refused the sendsms credentials ({response.status_code} {body}); "
                              "check IVR_SMS__SENDSMS_USERNAME / IVR_SMS__SENDSMS_PASSWORD")
        if 400 <= response.status_code < 500:
            raise SmsRejected(f"Kannel refused the message ({response.status_code} {body})")
        raise SmsUnavailable(f"Kannel could not queue the message ({response.status_code} {body})")
