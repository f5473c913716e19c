"""AudioSocket codec: byte-exact fixtures, every kind, every malformation, and fuzzing of the incremental parser."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.audiosocket.codec import (
    FrameParser,
    Kind,
    ProtocolError,
    ProtocolErrorReason,
    WireFrame,
    encode,
    encode_audio,
    encode_dtmf,
    encode_error,
    encode_hangup,
    encode_uuid,
)

CALL = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")


def test_byte_exact_encodings() -> None:
    assert encode_hangup() == b"\x00\x00\x00"
    assert encode_uuid(CALL) == bytes.fromhex("010010" "0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert encode_dtmf("5") == b"\x03\x00\x015"
    assert encode_dtmf("#") == b"\x03\x00\x01#"
    pcm = bytes(range(256)) + bytes(64)  # 320 bytes: 20 ms at 8 kHz
    assert encode_audio(pcm) == b"\x10\x01\x40" + pcm
    assert encode_audio(b"\x01\x00" * 320, 16000)[:3] == b"\x12\x02\x80"  # 0x12 = 16 kHz per the protocol table
    assert encode_error(0x02) == b"\xff\x00\x01\x02"
    assert encode_error() == b"\xff\x00\x00"


def test_what_asterisk_writes_parses_to_typed_frames() -> None:
    # ast_audiosocket_init writes {0x01, 0x00, 0x10, uuid[16]}; then voice and DTMF frames
    wire = bytes([1, 0, 16]) + CALL.bytes + b"\x10\x01\x40" + b"\x11\x22" * 160 + b"\x03\x00\x01" + b"9"
    frames = FrameParser().feed(wire)
    assert [f.kind for f in frames] == [Kind.UUID, Kind.AUDIO_8K, Kind.DTMF]
    assert frames[0].uuid == CALL
    assert frames[1].payload == b"\x11\x22" * 160 and frames[1].sample_rate == 8000
    assert frames[2].digit == "9"


@pytest.mark.parametrize("kind", [k for k in Kind if 0x10 <= k <= 0x18])
def test_every_audio_kind_round_trips(kind: Kind) -> None:
    rates = {0x10: 8000, 0x11: 12000, 0x12: 16000, 0x13: 24000, 0x14: 32000, 0x15: 44100, 0x16: 48000,
             0x17: 96000, 0x18: 192000}
    pcm = b"\x01\x02" * (rates[kind] // 50)  # 20 ms
    (frame,) = FrameParser().feed(encode_audio(pcm, rates[kind]))
    assert frame == WireFrame(kind, pcm)
    assert frame.sample_rate == rates[kind]


def test_error_frame_carries_asterisk_code() -> None:
    (frame,) = FrameParser().feed(encode_error(0x04))
    assert frame.kind is Kind.ERROR and frame.error_code == 0x04
    (frame,) = FrameParser().feed(encode_error())
    assert frame.error_code is None


def test_byte_at_a_time_reassembles() -> None:
    wire = encode_uuid(CALL) + encode_audio(b"\x05\x06" * 160) + encode_dtmf("*") + encode_hangup()
    parser = FrameParser()
    got: list[WireFrame] = []
    for b in wire:
        got += parser.feed(bytes([b]))
    assert [f.kind for f in got] == [Kind.UUID, Kind.AUDIO_8K, Kind.DTMF, Kind.HANGUP]
    assert parser.buffered == 0
    parser.eof()  # clean end: nothing pending


@pytest.mark.parametrize(
    ("wire", "reason"),
    [
        (b"\x02\x00\x00", ProtocolErrorReason.UNKNOWN_KIND),
        (b"\x20\x00\x02ab", ProtocolErrorReason.UNKNOWN_KIND),
        (b"\x01\x00\x0f" + bytes(15), ProtocolErrorReason.MALFORMED_UUID),
        (b"\x01\x00\x11" + bytes(17), ProtocolErrorReason.MALFORMED_UUID),
        (b"\x03\x00\x02" + b"12", ProtocolErrorReason.MALFORMED_DTMF),
        (b"\x03\x00\x00", ProtocolErrorReason.MALFORMED_DTMF),
        (b"\x03\x00\x01" + b"x", ProtocolErrorReason.MALFORMED_DTMF),
        (b"\x10\x00\x00", ProtocolErrorReason.MALFORMED_AUDIO),
        (b"\x10\x00\x03abc", ProtocolErrorReason.MALFORMED_AUDIO),
        (b"\x00\x00\x01\x00", ProtocolErrorReason.MALFORMED_HANGUP),
        (b"\x10\x03\xc2", ProtocolErrorReason.OVERSIZE),  # 962 bytes > 60 ms at 8 kHz
        (b"\x10\xff\xfe", ProtocolErrorReason.OVERSIZE),
        (b"\xff\x01\x00", ProtocolErrorReason.OVERSIZE),
    ],
)
def test_malformed_frames_raise_typed_errors(wire: bytes, reason: ProtocolErrorReason) -> None:
    with pytest.raises(ProtocolError) as info:
        FrameParser().feed(wire)
    assert info.value.reason is reason


def test_oversize_is_refused_from_the_header_alone() -> None:
    # The length field says 64 KiB: we must not wait for (or buffer) the payload before refusing.
    with pytest.raises(ProtocolError) as info:
        FrameParser().feed(b"\x10\xff\xfe")
    assert info.value.reason is ProtocolErrorReason.OVERSIZE


def test_max_audio_limit_is_configurable() -> None:
    FrameParser(max_audio_ms=60).feed(encode_audio(bytes(960)))
    with pytest.raises(ProtocolError):
        FrameParser(max_audio_ms=40).feed(encode_audio(bytes(960)))
    with pytest.raises(ValueError):
        FrameParser(max_audio_ms=0)


def test_truncated_frame_at_eof() -> None:
    parser = FrameParser()
    parser.feed(encode_audio(bytes(320))[:100])
    with pytest.raises(ProtocolError) as info:
        parser.eof()
    assert info.value.reason is ProtocolErrorReason.TRUNCATED


def test_parser_is_poisoned_after_an_error() -> None:
    parser = FrameParser()
    with pytest.raises(ProtocolError):
        parser.feed(b"\x42\x00\x00")
    with pytest.raises(ProtocolError):
        parser.feed(encode_hangup())


def test_encoders_refuse_bad_input() -> None:
    for bad in ("", "55", "x", "é"):
        with pytest.raises(ValueError):
            encode_dtmf(bad)
    with pytest.raises(ValueError):
        encode_audio(b"\x00")
    with pytest.raises(ValueError):
        encode_audio(bytes(320), 11025)
    with pytest.raises(ValueError):
        encode(Kind.AUDIO_8K, bytes(70000))


_frames = st.one_of(
    st.uuids().map(encode_uuid),
    st.sampled_from("0123456789*#ABCD").map(encode_dtmf),
    st.integers(1, 480).flatmap(lambda n: st.binary(min_size=2 * n, max_size=2 * n)).map(encode_audio),
    st.just(encode_hangup()),
    st.integers(0, 255).map(encode_error),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_frames, min_size=1, max_size=20), st.data())
def test_random_chunking_reassembles_exactly(wires: list[bytes], data: st.DataObject) -> None:
    stream = b"".join(wires)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(stream) - 1)), max_size=30)))
    parser = FrameParser()
    got: list[WireFrame] = []
    prev = 0
    for cut in [*cuts, len(stream)]:
        got += parser.feed(stream[prev:cut])
        prev = cut
    assert b"".join(encode(f.kind, f.payload) for f in got) == stream
    assert len(got) == len(wires)
    parser.eof()


@settings(max_examples=500, deadline=None)
@given(st.lists(st.binary(max_size=300), max_size=20))
def test_garbage_never_crashes_beyond_protocol_error(chunks: list[bytes]) -> None:
    parser = FrameParser()
    try:
        for chunk in chunks:
            for f in parser.feed(chunk):
                assert isinstance(f.kind, Kind)
        parser.eof()
    except ProtocolError as exc:
        assert isinstance(exc.reason, ProtocolErrorReason)
    assert parser.buffered <= 3 + 960  # never holds more than one maximal frame


def test_good_frames_before_a_violation_are_delivered_then_the_error() -> None:
    parser = FrameParser()
    frames = parser.feed(encode_uuid(CALL) + encode_dtmf("4") + b"\x42\x00\x00")
    assert [f.kind for f in frames] == [Kind.UUID, Kind.DTMF]
    assert parser.error is not None and parser.error.reason is ProtocolErrorReason.UNKNOWN_KIND
    with pytest.raises(ProtocolError):
        parser.feed(b"")
    with pytest.raises(ProtocolError):
        parser.eof()
