"""A TCP server that speaks AMI the way Asterisk 22 does, with scripted call outcomes (ARCHITECTURE §6).

Banner `Asterisk Call Manager/<ver>\\r\\n`; `Key: Value` CRLF blocks; actions before Login → "Permission denied";
a failed Login answers `Response: Error / Message: Authentication failed` and closes the session; Originate with
`Async: true` answers "Originate successfully queued", then emits the channel events of the scripted outcome and an
OriginateResponse carrying the Originate's ActionID. Parsing here is independent of ivr.ami.protocol on purpose.

As on a real Asterisk: the Originate's `ChannelId` becomes the outbound channel's Uniqueid; channel events carry a
`ChanVariable: NAME=value` line for each variable named in manager.conf `channelvars` (`channelvars` here; the
value is empty where the channel has none); a failed Originate's OriginateResponse names the requested dial string
and no Uniqueid (`<unknown>`, as Asterisk 22 printed it), so only the channel's own Hangup event — busy 17, no
answer 19 — says why, and Asterisk may deliver that Hangup before or after the OriginateResponse
(`hangup_after_response`: the Hangup travels through Stasis, the response is written by the originate thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import Coroutine
from dataclasses import dataclass, field

VERSION = "11.0.0"

# outcome → (DialStatus, Hangup cause, Cause-txt, OriginateResponse Reason)
OUTCOMES: dict[str, tuple[str, int, str, int]] = {
    "answer": ("ANSWER", 16, "Normal Clearing", 4),
    "busy": ("BUSY", 17, "User busy", 5),
    "noanswer": ("NOANSWER", 19, "No answer", 3),
    "congestion": ("CONGESTION", 34, "Circuit/channel congestion", 8),
    "fail": ("CHANUNAVAIL", 0, "", 0),
}


def block(*pairs: tuple[str, str]) -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in pairs).encode() + b"\r\n"


@dataclass
class LiveChannel:
    name: str
    uniqueid: str
    caller_id: str
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class AmiPeer:
    username: str
    secret: str
    outcomes: dict[str, str] = field(default_factory=dict)  # Channel (e.g. "PJSIP/0712345678@trunk") → outcome
    step_s: float = 0.01  # delay between the scripted events of one call
    port: int = 0
    logins_ok: int = 0
    logins_failed: int = 0
    actions: list[dict[str, list[str]]] = field(default_factory=list)
    channels: dict[str, LiveChannel] = field(default_factory=dict)
    silent: bool = False  # stop answering actions (simulates a hung Asterisk)
    # manager.conf `channelvars` (asterisk/manager.conf ships these two)
    channelvars: tuple[str, ...] = ("IVR_CALL_UUID", "IVR_PURPOSE")
    hangup_after_response: bool = False  # a failed call's Hangup arrives after its OriginateResponse
    _server: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, port: int = 0) -> AmiPeer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port or self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.drop_connections()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def drop_connections(self) -> None:
        """What a restarting Asterisk does to its manager sessions."""
        for w in list(self._writers):
            w.close()
        self._writers.clear()
        await asyncio.sleep(0)

    async def emit(self, *pairs: tuple[str, str]) -> None:
        """Send an event to every logged-in session (privilege/ordering as Asterisk sends them)."""
        for w in list(self._writers):
            with contextlib.suppress(ConnectionError):
                w.write(block(*pairs))
                await w.drain()

    async def dtmf(self, channel: str, digit: str, duration_ms: int = 120) -> None:
        ch = self.channels[channel]
        common = (("Channel", ch.name), ("Uniqueid", ch.uniqueid), ("Digit", digit), ("Direction", "Received"))
        await self.emit(("Event", "DTMFBegin"), ("Privilege", "dtmf,all"), *common)
        await asyncio.sleep(duration_ms / 1000)
        await self.emit(("Event", "DTMFEnd"), ("Privilege", "dtmf,all"), *common, ("DurationMs", str(duration_ms)))

    # --- one manager session --------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(f"Asterisk Call Manager/{VERSION}\r\n".encode())
        authed: bool | None = False
        buf = b""
        try:
            while True:
                data = await reader.read(4096)
                if not data:
                    return
                buf += data
                while b"\r\n\r\n" in buf:
                    raw, buf = buf.split(b"\r\n\r\n", 1)
                    msg: dict[str, list[str]] = {}
                    for line in raw.decode().split("\r\n"):
                        k, _, v = line.partition(": ")
                        msg.setdefault(k.lower(), []).append(v)
                    if self.silent:
                        continue
                    authed = await self._handle(msg, bool(authed), writer)
                    if authed is None:
                        writer.close()
                        return
        except ConnectionError:
            return
        finally:
            self._writers.discard(writer)

    async def _handle(
        self, msg: dict[str, list[str]], authed: bool, writer: asyncio.StreamWriter
    ) -> bool | None:
        action = msg.get("action", [""])[0].lower()
        aid = ("ActionID", msg.get("actionid", [""])[0])
        self.actions.append(msg)
        reply = writer.write
        if action == "login":
            if msg.get("username") == [self.username] and msg.get("secret") == [self.secret]:
                self.logins_ok += 1
                reply(block(("Response", "Success"), aid, ("Message", "Authentication accepted")))
                self._writers.add(writer)
                reply(block(("Event", "FullyBooted"), ("Privilege", "system,all"), ("Uptime", "42"),
                            ("LastReload", "42"), ("Status", "Fully Booted")))
                return True
            self.logins_failed += 1
            reply(block(("Response", "Error"), aid, ("Message", "Authentication failed")))
            await writer.drain()
            return None  # Asterisk ends the session after a failed login
        if not authed:
            reply(block(("Response", "Error"), aid, ("Message", "Permission denied")))
            return authed
        if action == "ping":
            reply(block(("Response", "Success"), aid, ("Ping", "Pong"), ("Timestamp", "1764144000.000000")))
        elif action == "originate":
            reply(block(("Response", "Success"), aid, ("Message", "Originate successfully queued")))
            self._spawn(self._originate(msg, aid[1]))
        elif action in {"redirect", "hangup"}:
            name = msg.get("channel", [""])[0]
            if name not in self.channels:
                reply(block(("Response", "Error"), aid, ("Message", "No such channel")))
            elif action == "redirect":
                reply(block(("Response", "Success"), aid, ("Message", "Redirect successful")))
            else:
                reply(block(("Response", "Success"), aid, ("Message", "Channel Hungup")))
                cause = int(msg.get("cause", ["16"])[0])
                self._spawn(self._hangup(self.channels.pop(name), cause, "Normal Clearing"))
        elif action == "logoff":
            reply(block(("Response", "Goodbye"), aid, ("Message", "Thanks for all the fish.")))
            return None
        else:
            reply(block(("Response", "Error"), aid, ("Message", "Invalid/unknown command")))
        await writer.drain()
        return authed

    def _spawn(self, coro: Coroutine[object, object, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _originate(self, msg: dict[str, list[str]], action_id: str) -> None:
        target = msg.get("channel", [""])[0]
        dial_status, cause, cause_txt, reason = OUTCOMES[self.outcomes.get(target, "answer")]
        n = next(self._seq)
        uid = msg.get("channelid", [""])[0] or f"1764144000.{n}"
        variables = dict(v.split("=", 1) for v in msg.get("variable", []) if "=" in v)
        ch = LiveChannel(f"{target.split('@')[0]}-{n:08x}", uid, msg.get("callerid", [""])[0], variables)
        ctx, exten = msg.get("context", [""])[0], msg.get("exten", [""])[0]
        base = (("Channel", ch.name), ("Uniqueid", uid), ("Linkedid", uid), *self._chanvars(ch))

        async def event(name: str, *pairs: tuple[str, str]) -> None:
            await asyncio.sleep(self.step_s)
            await self.emit(("Event", name), ("Privilege", "call,all"), *pairs)

        def response(ok: bool, channel: str, unique: str) -> tuple[tuple[str, str], ...]:
            return (("ActionID", action_id), ("Response", "Success" if ok else "Failure"), ("Channel", channel),
                    ("Context", ctx), ("Exten", exten), ("Reason", str(reason)), ("Uniqueid", unique),
                    ("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>"))

        if dial_status == "CHANUNAVAIL":
            await event("OriginateResponse", *response(False, target, "<unknown>"))
            return
        await event("Newchannel", *base, ("ChannelState", "0"), ("ChannelStateDesc", "Down"), ("Context", ctx),
                    ("Exten", exten))
        await event("DialBegin", ("DestChannel", ch.name), ("DestUniqueid", uid), ("DialString", target))
        await event("Newstate", *base, ("ChannelState", "5"), ("ChannelStateDesc", "Ringing"))
        if dial_status == "ANSWER":
            await event("Newstate", *base, ("ChannelState", "6"), ("ChannelStateDesc", "Up"))
        await event("DialEnd", ("DestChannel", ch.name), ("DestUniqueid", uid), ("DialStatus", dial_status))
        if dial_status == "ANSWER":
            self.channels[ch.name] = ch
            await event("OriginateResponse", *response(True, ch.name, uid))
        elif self.hangup_after_response:
            await event("OriginateResponse", *response(False, target, "<unknown>"))
            await self._hangup(ch, cause, cause_txt)
        else:
            await self._hangup(ch, cause, cause_txt)
            await event("OriginateResponse", *response(False, target, "<unknown>"))

    def _chanvars(self, ch: LiveChannel) -> tuple[tuple[str, str], ...]:
        return tuple(("ChanVariable", f"{name}={ch.variables.get(name, '')}") for name in self.channelvars)

    async def _hangup(self, ch: LiveChannel, cause: int, cause_txt: str) -> None:
        await asyncio.sleep(self.step_s)
        await self.emit(("Event", "Hangup"), ("Privilege", "call,all"), ("Channel", ch.name),
                        ("ChannelState", "6"), ("Uniqueid", ch.uniqueid), ("Linkedid", ch.uniqueid),
                        *self._chanvars(ch), ("Cause", str(cause)), ("Cause-txt", cause_txt))
