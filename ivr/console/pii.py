"""Rules for showing personal data in the console: a stated reason, the group's consent, an audit row per view.

A PII view is a POST (reason + CSRF token), never a plain link, so another site cannot make a signed-in browser
open one. Recordings are played by an <audio> element (a GET): the audited view hands out short-lived links signed
with a per-process key and bound to the session, the recording, the span and the reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

# Same bounds as the admin API's `reason` (ivr/api/meetings.py): long enough to mean something, short enough to read.
REASON_MIN, REASON_MAX = 3, 300


class PiiRefused(PermissionError):
    """A PII view that may not happen; the message says what is missing (shown to the staff member)."""


def check_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN:
        raise PiiRefused("Say why you need to see this (at least 3 characters): the reason is kept in the audit trail.")
    if len(text) > REASON_MAX:
        raise PiiRefused(f"Keep the reason under {REASON_MAX} characters.")
    return text


def check_consent(granted: bool, group_id: str | None) -> None:
    if not group_id:
        raise PiiRefused("This call is not linked to a group (the caller never signed in with a PIN), so no group "
                         "has consented to staff seeing its details.")
    if not granted:
        raise PiiRefused(f"Group {group_id} has not consented to staff seeing members' names, numbers, speech or "
                         "recordings. An admin records the group's decision on the group's page.")


@dataclass(frozen=True)
class MediaGrant:
    recording_id: int
    start_ms: int
    end_ms: int | None
    reason: str


class MediaLinks:
    """Signed, expiring links for recordings shown in an audited view (valid in the session that viewed them)."""

    def __init__(self, ttl_s: float, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)
        self._ttl_s = ttl_s

    def _sign(self, body: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.new(self._key, body, hashlib.sha256).digest()).decode().rstrip("=")

    def mint(self, *, session_id: int, grant: MediaGrant, now: datetime) -> str:
        payload = {"s": session_id, "r": grant.recording_id, "a": grant.start_ms, "b": grant.end_ms,
                   "why": grant.reason, "exp": int(now.timestamp() + self._ttl_s)}
        body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body.encode())}"

    def check(self, token: str, *, session_id: int, recording_id: int, now: datetime) -> MediaGrant:
        body, _, sig = token.partition(".")
        if not body or not hmac.compare_digest(sig, self._sign(body.encode())):
            raise PiiRefused("This recording link is not valid: open the page again with a reason.")
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if payload["s"] != session_id or payload["r"] != recording_id:
            raise PiiRefused("This recording link belongs to another view: open the page again with a reason.")
        if now.timestamp() > payload["exp"]:
            raise PiiRefused("This recording link has expired: open the page again with a reason.")
        return MediaGrant(recording_id, int(payload["a"]), payload["b"], str(payload["why"]))
