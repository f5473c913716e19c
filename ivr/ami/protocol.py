"""AMI wire format, pure: encode actions and parse `Key: Value` messages incrementally from TCP chunks.

A message is CRLF-separated `Key: Value` lines ended by an empty line. Keys may repeat (`Variable:` on Originate,
`ChanVariable` on events), so a message keeps its ordered pairs. Values are never allowed to carry CR or LF:
that would let data (a caller ID, a variable) inject extra headers or a whole extra action.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ivr.ami.errors import AmiProtocolError

EOL = b"\r\n"
END = b"\r\n\r\n"
BANNER_PREFIX = "Asterisk Call Manager/"
# Asterisk's biggest messages (CoreShowChannels items, long Command output) stay far below this.
MAX_MESSAGE_BYTES = 1 << 20
_KEY = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True, slots=True)
class AmiMessage:
    """One response or event: ordered (key, value) pairs, looked up case-insensitively like Asterisk does."""

    pairs: tuple[tuple[str, str], ...]

    def get(self, key: str, default: str = "") -> str:
        k = key.lower()
        for name, value in self.pairs:
            if name.lower() == k:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        k = key.lower()
        return [v for name, v in self.pairs if name.lower() == k]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and any(name.lower() == key.lower() for name, _ in self.pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.pairs)

    @property
    def is_event(self) -> bool:
        return "Event" in self

    @property
    def is_response(self) -> bool:
        return "Response" in self

    @property
    def action_id(self) -> str:
        return self.get("ActionID")

    def __repr__(self) -> str:  # values can be phone numbers or secrets: show keys only
        return f"AmiMessage(keys={[k for k, _ in self.pairs]})"


def encode_action(action: str, action_id: str, fields: Iterable[tuple[str, str]] = ()) -> bytes:
    """`Action: X` + `ActionID` + fields, CRLF line ends, blank line terminator. Refuses CR/LF in any key/value."""
    lines = [("Action", action), ("ActionID", action_id), *fields]
    out = []
    for key, value in lines:
        if not _KEY.match(key):
            raise ValueError(f"invalid AMI header name {key!r}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"AMI header {key} contains a line break")
        out.append(f"{key}: {value}")
    return ("\r\n".join(out) + "\r\n\r\n").encode("utf-8")


def parse_banner(line: bytes) -> str:
    """The first line Asterisk sends, e.g. `Asterisk Call Manager/11.0.0` → `11.0.0`."""
    text = line.decode("utf-8", "replace").strip()
    if not text.startswith(BANNER_PREFIX):
        raise AmiProtocolError(f"not an Asterisk manager port (banner {text[:40]!r})")
    return text[len(BANNER_PREFIX) :]


def parse_message(block: bytes) -> AmiMessage:
    pairs: list[tuple[str, str]] = []
    for raw in block.split(EOL):
        line = raw.decode("utf-8", "replace")
        if not line:
            continue
        key, sep, value = line.partition(":")
        if sep and _KEY.match(key):
            pairs.append((key, value[1:] if value.startswith(" ") else value))
        else:
            pairs.append(("Output", line))  # raw output lines (old-style `Response: Follows` command output)
    return AmiMessage(tuple(pairs))


class MessageParser:
    """Feed chunks, get whole messages. A message larger than MAX_MESSAGE_BYTES is a protocol error."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[AmiMessage]:
        self._buf += data
        out: list[AmiMessage] = []
        while True:
            end = self._buf.find(END)
            if end < 0:
                break
            block = bytes(self._buf[:end])
            del self._buf[: end + len(END)]
            if block.strip():
                out.append(parse_message(block))
        if len(self._buf) > MAX_MESSAGE_BYTES:
            self._buf.clear()
            raise AmiProtocolError(f"AMI message exceeds {MAX_MESSAGE_BYTES} bytes without a terminator")
        return out
