"""Settings section of the AudioSocket server (env IVR_AUDIOSOCKET__<NAME>)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class AudioSocketSettings(BaseModel):
    """The AudioSocket TCP server Asterisk connects to (binds loopback by default)."""

    # Where Asterisk's AudioSocket() connects; loopback unless Asterisk runs on another host.
    host: str = "127.0.0.1"
    # AudioSocket TCP port (the dialplan's AudioSocket(uuid,host:port)).
    port: int = 9092
    # The `host:port` Asterisk should dial for calls this process registers, added to the registration answer
    # (`<uuid> <host:port>`); empty: the answer is the bare UUID and the dialplan's AUDIOSOCKET_ADDR is used.
    # `ivr serve --workers N` sets it per worker (port + worker index) from IVR_OPS__ADVERTISE_HOST.
    advertise: str = Field(default="", pattern=r"^$|^[A-Za-z0-9.\-\[\]:]+:[0-9]{1,5}$")
    # Outbound playout tick: Asterisk frames slin in 20 ms (320 bytes at 8 kHz); we send exactly that, on a clock.
    frame_ms: int = Field(default=20, ge=10, le=60)
    # The AudioSocket app only speaks 8 kHz (kind 0x10); the channel driver can do 12..192 kHz (0x11..0x18).
    sample_rate: Literal[8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000] = 8000
    # Longest inbound audio frame accepted: one channel frame per message, up to ptime 60 on trunks (see codec).
    max_inbound_frame_ms: int = Field(default=60, ge=20, le=170)
    # Asterisk writes the UUID frame right after connecting; a peer silent this long is not Asterisk.
    uuid_timeout_s: float = 2.0
    # An outbound frame sent more than this after its slot is "late" (counted; jitter the caller may hear).
    late_frame_ms: float = 40.0
