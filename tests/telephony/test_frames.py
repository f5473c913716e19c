"""Typed frames: barge-in semantics by type, validation, and no caller data in reprs."""

from __future__ import annotations

import uuid

import pytest

from ivr.frames import (
    BotAudio,
    CallerAudio,
    CallStarted,
    Dtmf,
    Flush,
    Hangup,
    HangupCause,
    Transfer,
    frame_bytes,
)


def test_frame_sizes() -> None:
    assert frame_bytes() == 320
    assert frame_bytes(16000) == 640
    assert CallerAudio(bytes(320)).duration_ms == 20


def test_only_interruptible_bot_audio_is_dropped_by_barge_in() -> None:
    assert BotAudio(bytes(320)).interruptible
    assert not BotAudio(bytes(320), interruptible_prompt=False).interruptible
    for frame in (CallerAudio(bytes(320)), Dtmf("5"), Hangup(HangupCause.CALLER), Flush(), CallStarted(uuid.uuid4())):
        assert not frame.interruptible


def test_dtmf_validates_digits() -> None:
    for d in "0123456789*#ABCD":
        assert Dtmf(d).digit == d
    for bad in ("", "12", "x", "a"):
        with pytest.raises(ValueError):
            Dtmf(bad)


def test_transfer_target_stays_out_of_repr() -> None:
    assert "0712345678" not in repr(Transfer("0712345678"))
