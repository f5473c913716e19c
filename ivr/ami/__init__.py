"""Asterisk Manager Interface: an asyncio client for outbound calls, transfers and call events."""

from ivr.ami.client import AmiClient, EventSubscription, PendingOriginate
from ivr.ami.errors import AmiActionError, AmiAuthError, AmiConnectionError, AmiError, AmiProtocolError, AmiTimeout
from ivr.ami.events import AmiEvent, OriginateReason, OriginateResponse

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
