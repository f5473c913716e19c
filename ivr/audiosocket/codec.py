"""AudioSocket wire format, pure and tiny: encode frames and parse them incrementally from arbitrary TCP chunks.

Protocol (docs.asterisk.org "AudioSocket", res/res_audiosocket.c): every message is
    kind (1 byte) | payload length (2 bytes, big-endian, unsigned) | payload
Kinds:
    0x00 hangup     no payload. Asterisk never sends it (EOF is its hang-up); a server sends it to end AudioSocket().
    0x01 UUID       16 raw bytes (binary form of the UUID given to AudioSocket()); first message Asterisk sends.
    0x03 DTMF       1 ASCII byte, one message per digit (Asterisk 20.x/21.x/22.x+).
    0x10 audio      slin 16-bit little-endian mono, 8 kHz (the AudioSocket app's only format).
    0x11..0x18      slin at 12, 16, 24, 32, 44.1, 48, 96, 192 kHz (channel driver, newer releases). One transitional
                    res_audiosocket.h briefly named 0x11 "slin16"; the published protocol table (above) is followed.
    0xff error      optional application-specific code; Asterisk's own: 0x01 hangup, 0x02 frame forwarding,
                    0x04 memory.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from enum import IntEnum, StrEnum

HEADER = struct.Struct(">BH")
HEADER_SIZE = HEADER.size  # 3
MAX_WIRE_PAYLOAD = 0xFFFF


class Kind(IntEnum):
    HANGUP = 0x00
    UUID = 0x01
    DTMF = 0x03
    AUDIO_8K = 0x10
    AUDIO_12K = 0x11
    AUDIO_16K = 0x12
    AUDIO_24K = 0x13
    AUDIO_32K = 0x14
    AUDIO_44K = 0x15
    AUDIO_48K = 0x16
    AUDIO_96K = 0x17
    AUDIO_192K = 0x18
    ERROR = 0xFF


SAMPLE_RATE_OF_KIND: dict[Kind, int] = {
    Kind.AUDIO_8K: 8000,
    Kind.AUDIO_12K: 12000,
    Kind.AUDIO_16K: 16000,
    Kind.AUDIO_24K: 24000,
    Kind.AUDIO_32K: 32000,
    Kind.AUDIO_44K: 44100,
    Kind.AUDIO_48K: 48000,
    Kind.AUDIO_96K: 96000,
    Kind.AUDIO_192K: 192000,
}
KIND_OF_SAMPLE_RATE: dict[int, Kind] = {rate: kind for kind, rate in SAMPLE_RATE_OF_KIND.items()}
_KNOWN_KINDS = frozenset(int(k) for k in Kind)
_DTMF_BYTES = frozenset(b"0123456789*#ABCD")


class AsteriskErrorCode(IntEnum):
    """Error codes Asterisk itself puts in a 0xff frame."""

    HANGUP = 0x01
    FRAME_FORWARDING = 0x02
    MEMORY = 0x04


class ProtocolErrorReason(StrEnum):
    UNKNOWN_KIND = "unknown_kind"
    OVERSIZE = "oversize"
    MALFORMED_UUID = "malformed_uuid"
    MALFORMED_DTMF = "malformed_dtmf"
    MALFORMED_AUDIO = "malformed_audio"
    MALFORMED_HANGUP = "malformed_hangup"
    TRUNCATED = "truncated"
    UNEXPECTED_KIND = "unexpected_kind"  # a valid kind at the wrong time or from the wrong side (server decides)


class ProtocolError(Exception):
    """The peer broke the AudioSocket protocol; the connection it came from must be closed."""

    def __init__(self, reason: ProtocolErrorReason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class WireFrame:
    kind: Kind
    payload: bytes

    @property
    def uuid(self) -> uuid.UUID:
        return uuid.UUID(bytes=self.payload)

    @property
    def digit(self) -> str:
        return chr(self.payload[0])

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE_OF_KIND[self.kind]

    @property
    def error_code(self) -> int | None:
        return self.payload[0] if self.payload else None


# --- encoding ------------------------------------------------------------------------------------------------


def encode(kind: Kind, payload: bytes = b"") -> bytes:
    if len(payload) > MAX_WIRE_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes does not fit the 16-bit length field")
    return HEADER.pack(kind, len(payload)) + payload


def encode_hangup() -> bytes:
    return encode(Kind.HANGUP)


def encode_uuid(call_id: uuid.UUID) -> bytes:
    return encode(Kind.UUID, call_id.bytes)


def encode_dtmf(digit: str) -> bytes:
    raw = digit.encode("ascii") if digit.isascii() else b""
    if len(raw) != 1 or raw[0] not in _DTMF_BYTES:
        raise ValueError(f"not a DTMF digit: {digit!r}")
    return encode(Kind.DTMF, raw)


def encode_audio(pcm: bytes, sample_rate: int = 8000) -> bytes:
    if not pcm or len(pcm) % 2:
        raise ValueError("audio payload must be a non-empty whole number of 16-bit samples")
    if sample_rate not in KIND_OF_SAMPLE_RATE:
        raise ValueError(f"AudioSocket has no audio kind for {sample_rate} Hz")
    return encode(KIND_OF_SAMPLE_RATE[sample_rate], pcm)


def encode_error(code: int | None = None) -> bytes:
    return encode(Kind.ERROR, b"" if code is None else bytes([code]))


# --- incremental parsing ---------------------------------------------------------------------------------------

# Asterisk forwards one channel frame per AudioSocket message, so inbound audio is as long as the caller side's
# packetisation: 20 ms normally, up to 60 ms on trunks with ptime 30/40/60 (G.711/G.729). 60 ms is therefore the
# default ceiling (960 bytes at 8 kHz); anything longer is not a voice frame and is refused before it is buffered,
# so a garbage length field can never make us wait for or hold 64 KiB.
DEFAULT_MAX_AUDIO_MS = 60
# An error frame's code is "optional, application-specific"; Asterisk sends one byte. Allow a little slack.
MAX_ERROR_PAYLOAD = 16


def max_payload(kind: Kind, max_audio_ms: int = DEFAULT_MAX_AUDIO_MS) -> int:
    if kind in SAMPLE_RATE_OF_KIND:
        return SAMPLE_RATE_OF_KIND[kind] * max_audio_ms // 1000 * 2
    return {Kind.HANGUP: 0, Kind.UUID: 16, Kind.DTMF: 1, Kind.ERROR: MAX_ERROR_PAYLOAD}[kind]


class FrameParser:
    """Feed byte chunks of any size, get whole frames; a violation poisons the parser and raises ProtocolError.

    If a chunk holds good frames followed by a violation, feed() returns the good frames and the error is raised by
    the next feed()/eof() and shown by `error` at once — so nothing valid is lost and nothing invalid slips through.
    """

    def __init__(self, max_audio_ms: int = DEFAULT_MAX_AUDIO_MS) -> None:
        if not 1 <= max_audio_ms <= 170:  # 170 ms at 192 kHz is the largest that fits the 16-bit length
            raise ValueError("max_audio_ms must be between 1 and 170")
        self._max_audio_ms = max_audio_ms
        self._buf = bytearray()
        self._error: ProtocolError | None = None

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes) -> list[WireFrame]:
        if self._error is not None:
            raise self._error
        self._buf += data
        frames: list[WireFrame] = []
        try:
            while len(self._buf) >= HEADER_SIZE:
                kind_byte, length = HEADER.unpack_from(self._buf)
                kind = self._check_header(kind_byte, length)
                end = HEADER_SIZE + length
                if len(self._buf) < end:
                    break
                payload = bytes(self._buf[HEADER_SIZE:end])
                del self._buf[:end]
                frames.append(self._check_payload(kind, payload))
        except ProtocolError as exc:
            self._error = exc
            self._buf.clear()
            if not frames:
                raise
            # Whole frames before the violation are real: hand them out; `error` (and the next feed) reports it.
        return frames

    @property
    def error(self) -> ProtocolError | None:
        """The violation that poisoned this parser, if any (check after handling what feed() returned)."""
        return self._error

    def eof(self) -> None:
        """The peer closed the connection: a partial frame left in the buffer is a truncation."""
        if self._error is not None:
            raise self._error
        if self._buf:
            left = len(self._buf)
            self._buf.clear()
            detail = f"connection closed inside a frame ({left} bytes)"
            self._error = ProtocolError(ProtocolErrorReason.TRUNCATED, detail)
            raise self._error

    def _check_header(self, kind_byte: int, length: int) -> Kind:
        """Validate as soon as the 3-byte header is in, so a bad length is refused before any payload is awaited."""
        if kind_byte not in _KNOWN_KINDS:
            raise ProtocolError(ProtocolErrorReason.UNKNOWN_KIND, f"kind 0x{kind_byte:02x}")
        kind = Kind(kind_byte)
        if kind is Kind.UUID and length != 16:
            raise ProtocolError(ProtocolErrorReason.MALFORMED_UUID, f"UUID payload is {length} bytes, not 16")
        if kind is Kind.DTMF and length != 1:
            raise ProtocolError(ProtocolErrorReason.MALFORMED_DTMF, f"DTMF payload is {length} bytes, not 1")
        if kind is Kind.HANGUP and length:
            raise ProtocolError(ProtocolErrorReason.MALFORMED_HANGUP, f"hangup carries {length} payload bytes")
        if kind in SAMPLE_RATE_OF_KIND and (length == 0 or length % 2):
            detail = f"audio payload of {length} bytes is not whole samples"
            raise ProtocolError(ProtocolErrorReason.MALFORMED_AUDIO, detail)
        limit = max_payload(kind, self._max_audio_ms)
        if length > limit:
            raise ProtocolError(ProtocolErrorReason.OVERSIZE, f"{kind.name} payload {length} > {limit} bytes")
        return kind

    @staticmethod
    def _check_payload(kind: Kind, payload: bytes) -> WireFrame:
        if kind is Kind.DTMF and payload[0] not in _DTMF_BYTES:
            raise ProtocolError(ProtocolErrorReason.MALFORMED_DTMF, f"DTMF byte 0x{payload[0]:02x} is not a digit")
        return WireFrame(kind, payload)
