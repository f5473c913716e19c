"""Asterisk Manager Interface: an asyncio client for outbound calls, transfers and call events.

Names load on first use (PEP 562): `ivr.ami.config` is read by every `ivr` command to build the settings and
must not import the client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr.lazy_exports import lazy_exports

_WHERE = {
    "AmiClient": "client", "EventSubscription": "client", "PendingOriginate": "client",
    "AmiActionError": "errors", "AmiAuthError": "errors", "AmiConnectionError": "errors", "AmiError": "errors",
    "AmiProtocolError": "errors", "AmiTimeout": "errors",
    "AmiEvent": "events", "OriginateReason": "events", "OriginateResponse": "events",
}  # fmt: skip

if TYPE_CHECKING:
    from ivr.ami.client import AmiClient, EventSubscription, PendingOriginate
    from ivr.ami.errors import AmiActionError, AmiAuthError, AmiConnectionError, AmiError, AmiProtocolError, AmiTimeout
    from ivr.ami.events import AmiEvent, OriginateReason, OriginateResponse


__getattr__ = lazy_exports("ivr.ami", _WHERE)

__all__ = [
    "AmiActionError",
    "AmiAuthError",
    "AmiClient",
    "AmiConnectionError",
    "AmiError",
    "AmiEvent",
    "AmiProtocolError",
    "AmiTimeout",
    "EventSubscription",
    "OriginateReason",
    "OriginateResponse",
    "PendingOriginate",
]
