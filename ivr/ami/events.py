"""Typed AMI events the IVR acts on (call progress of reminder calls, transfers, hang-ups); others stay generic."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from ivr.ami.protocol import AmiMessage


class OriginateReason(IntEnum):
    """`Reason` of OriginateResponse: the last control frame Asterisk saw on the outbound leg."""

    FAILED = 0  # the channel could not be created / no such endpoint
    HUNG_UP = 1  # hung up before answering
    NO_ANSWER = 3  # rang until the Originate timeout
    ANSWERED = 4
    BUSY = 5
    CONGESTION = 8


# Q.850 causes as Asterisk reports them in Hangup events (the ones reminder logic distinguishes).
CAUSE_NORMAL_CLEARING = 16
CAUSE_USER_BUSY = 17
CAUSE_NO_USER_RESPONSE = 18
CAUSE_NO_ANSWER = 19
CAUSE_CALL_REJECTED = 21
CAUSE_CONGESTION = 34


def _int(value: str, default: int = -1) -> int:
    try:
        return int(value)
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class AmiEvent:
    """Any event; `message` keeps every header (it may hold phone numbers: never log it)."""

    name: str
    message: AmiMessage = field(repr=False)

    @property
    def channel(self) -> str:
        return self.message.get("Channel")

    @property
    def uniqueid(self) -> str:
        return self.message.get("Uniqueid")

    @property
    def linkedid(self) -> str:
        return self.message.get("Linkedid")

    @property
    def action_id(self) -> str:
        return self.message.action_id

    @property
    def variables(self) -> dict[str, str]:
        """Channel variables named in manager.conf `channelvars`, one `ChanVariable: NAME=value` line each."""
        out: dict[str, str] = {}
        for line in self.message.get_all("ChanVariable"):
            name, sep, value = line.partition("=")
            if sep:
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class OriginateResponse(AmiEvent):
    @property
    def success(self) -> bool:
        return self.message.get("Response").lower() == "success"

    @property
    def reason(self) -> OriginateReason | int:
        code = _int(self.message.get("Reason"))
        try:
            return OriginateReason(code)
        except ValueError:
            return code

    @property
    def answered(self) -> bool:
        return self.success and self.reason == OriginateReason.ANSWERED


@dataclass(frozen=True, slots=True)
class Newchannel(AmiEvent):
    @property
    def state(self) -> int:
        return _int(self.message.get("ChannelState"))


@dataclass(frozen=True, slots=True)
class Newstate(AmiEvent):
    @property
    def state(self) -> int:
        return _int(self.message.get("ChannelState"))

    @property
    def state_desc(self) -> str:
        return self.message.get("ChannelStateDesc")


@dataclass(frozen=True, slots=True)
class DialBegin(AmiEvent):
    @property
    def dest_channel(self) -> str:
        return self.message.get("DestChannel")


@dataclass(frozen=True, slots=True)
class DialEnd(AmiEvent):
    @property
    def dest_channel(self) -> str:
        return self.message.get("DestChannel")

    @property
    def dial_status(self) -> str:
        return self.message.get("DialStatus")


@dataclass(frozen=True, slots=True)
class DtmfBegin(AmiEvent):
    @property
    def digit(self) -> str:
        return self.message.get("Digit")


@dataclass(frozen=True, slots=True)
class DtmfEnd(AmiEvent):
    @property
    def digit(self) -> str:
        return self.message.get("Digit")

    @property
    def duration_ms(self) -> int:
        return _int(self.message.get("DurationMs"), 0)


@dataclass(frozen=True, slots=True)
class Hangup(AmiEvent):
    @property
    def cause(self) -> int:
        return _int(self.message.get("Cause"))

    @property
    def cause_txt(self) -> str:
        return self.message.get("Cause-txt")


@dataclass(frozen=True, slots=True)
class FullyBooted(AmiEvent):
    pass


_TYPES: dict[str, type[AmiEvent]] = {
    "originateresponse": OriginateResponse,
    "newchannel": Newchannel,
    "newstate": Newstate,
    "dialbegin": DialBegin,
    "dialend": DialEnd,
    "dtmfbegin": DtmfBegin,
    "dtmfend": DtmfEnd,
    "hangup": Hangup,
    "fullybooted": FullyBooted,
}


def parse_event(message: AmiMessage) -> AmiEvent:
    name = message.get("Event")
    return _TYPES.get(name.lower(), AmiEvent)(name, message)
