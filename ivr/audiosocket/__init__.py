"""Asterisk AudioSocket: pure codec, paced outbound transport, and the TCP server the call pipeline plugs into.

Names load on first use (PEP 562): `ivr.audiosocket.config` is read by every `ivr` command to build the settings
and must not import the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr.lazy_exports import lazy_exports

_WHERE = {
    "FrameParser": "codec", "Kind": "codec", "ProtocolError": "codec", "ProtocolErrorReason": "codec",
    "WireFrame": "codec", "AudioSocketServer": "server", "CallHandler": "server", "CallRegistry": "server",
    "AudioTransport": "transport", "Playback": "transport", "TransportMetrics": "transport",
}  # fmt: skip

if TYPE_CHECKING:
    from ivr.audiosocket.codec import FrameParser, Kind, ProtocolError, ProtocolErrorReason, WireFrame
    from ivr.audiosocket.server import AudioSocketServer, CallHandler, CallRegistry
    from ivr.audiosocket.transport import AudioTransport, Playback, TransportMetrics


__getattr__ = lazy_exports("ivr.audiosocket", _WHERE)

__all__ = [
    "AudioSocketServer",
    "AudioTransport",
    "CallHandler",
    "CallRegistry",
    "FrameParser",
    "Kind",
    "Playback",
    "ProtocolError",
    "ProtocolErrorReason",
    "TransportMetrics",
    "WireFrame",
]
