"""Typed frames: sizes, validation, and one vocabulary (only the frames the transports use exist)."""

from __future__ import annotations

import dataclasses

import pytest

from ivr import frames
from ivr.frames import CallerAudio, Dtmf, frame_bytes


def test_frame_sizes() -> None:
    assert frame_bytes() == 320
    assert frame_bytes(16000) == 640
    assert CallerAudio(bytes(320)).duration_ms == 20


def test_dtmf_validates_digits() -> None:
    for d in "0123456789*#ABCD":
        assert Dtmf(d).digit == d
    for bad in ("", "12", "x", "a"):
        with pytest.raises(ValueError):
            Dtmf(bad)


def test_only_the_inbound_frames_exist() -> None:
    """Transfer / EndCall / CallStarted are dialog actions and events; a frame twin would be a second name."""
    declared = {n for n, v in vars(frames).items() if isinstance(v, type) and dataclasses.is_dataclass(v)}
    assert declared == {"Frame", "CallerAudio", "Dtmf", "Hangup"}
