"""Asterisk AudioSocket: pure codec, paced outbound transport, and the TCP server the call pipeline plugs into."""

from ivr.audiosocket.codec import FrameParser, Kind, ProtocolError, ProtocolErrorReason, WireFrame
from ivr.audiosocket.server import AudioSocketServer, CallHandler, CallRegistry
from ivr.audiosocket.transport import AudioTransport, Playback, TransportMetrics

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
