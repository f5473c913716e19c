"""AMI wire format: exact action bytes, header-injection refusal, incremental parsing, typed events."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.ami.errors import AmiProtocolError
from ivr.ami.events import Hangup, OriginateReason, OriginateResponse, parse_event
from ivr.ami.protocol import MAX_MESSAGE_BYTES, AmiMessage, MessageParser, encode_action, parse_banner


def test_action_bytes_are_exact() -> None:
    wire = encode_action("Originate", "ivr-1", [("Channel", "PJSIP/100"), ("Variable", "A=1"), ("Variable", "B=2")])
    assert wire == (
        b"Action: Originate\r\nActionID: ivr-1\r\nChannel: PJSIP/100\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n"
    )


@pytest.mark.parametrize("value", ["x\r\nAction: Hangup", "a\nb", "a\rb"])
def test_line_breaks_in_values_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        encode_action("Originate", "1", [("CallerID", value)])
    with pytest.raises(ValueError):
        encode_action("Originate", "1", [("Bad Key", "v")])


def test_banner() -> None:
    assert parse_banner(b"Asterisk Call Manager/11.0.0\r\n") == "11.0.0"
    with pytest.raises(AmiProtocolError):
        parse_banner(b"SSH-2.0-OpenSSH_9.2\r\n")


def test_parser_handles_repeats_case_and_split_chunks() -> None:
    wire = b"Event: Hangup\r\nChannel: PJSIP/a-1\r\nCause: 17\r\nCause-txt: User busy\r\nchanvariable: X=1\r\n" \
           b"ChanVariable: Y=2\r\n\r\nResponse: Success\r\nActionID: 7\r\nMessage: ok: fine\r\n\r\n"
    parser = MessageParser()
    msgs: list[AmiMessage] = []
    for i in range(len(wire)):
        msgs += parser.feed(wire[i : i + 1])
    assert len(msgs) == 2
    ev = parse_event(msgs[0])
    assert isinstance(ev, Hangup) and ev.cause == 17 and ev.cause_txt == "User busy" and ev.channel == "PJSIP/a-1"
    assert msgs[0].get_all("ChanVariable") == ["X=1", "Y=2"]
    assert msgs[1].is_response and msgs[1].action_id == "7" and msgs[1].get("message") == "ok: fine"
    assert "17" not in repr(msgs[0])  # values (numbers, secrets) stay out of reprs


def test_originate_response_reasons() -> None:
    def ev(resp: str, reason: str) -> OriginateResponse:
        e = parse_event(AmiMessage((("Event", "OriginateResponse"), ("Response", resp), ("Reason", reason))))
        assert isinstance(e, OriginateResponse)
        return e

    assert ev("Success", "4").answered
    assert ev("Failure", "5").reason is OriginateReason.BUSY and not ev("Failure", "5").answered
    assert ev("Failure", "3").reason is OriginateReason.NO_ANSWER
    assert ev("Failure", "8").reason is OriginateReason.CONGESTION
    assert ev("Failure", "0").reason is OriginateReason.FAILED
    assert ev("Failure", "1").reason is OriginateReason.HUNG_UP
    assert ev("Failure", "42").reason == 42


def test_unterminated_flood_is_a_protocol_error() -> None:
    with pytest.raises(AmiProtocolError):
        MessageParser().feed(b"Event: X\r\n" + b"A" * (MAX_MESSAGE_BYTES + 1))


_KEYS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_VALUES = st.text(alphabet=[chr(c) for c in range(32, 127)], max_size=20)


_MESSAGES = st.lists(st.lists(st.tuples(_KEYS, _VALUES), min_size=1, max_size=5), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(_MESSAGES, st.integers(1, 50))
def test_random_messages_survive_any_chunking(messages: list[list[tuple[str, str]]], step: int) -> None:
    wire = b"".join(encode_action("X", str(i), m) for i, m in enumerate(messages))
    parser = MessageParser()
    got: list[AmiMessage] = []
    for i in range(0, len(wire), step):
        got += parser.feed(wire[i : i + step])
    assert [m.pairs for m in got] == [(("Action", "X"), ("ActionID", str(i)), *m) for i, m in enumerate(messages)]
