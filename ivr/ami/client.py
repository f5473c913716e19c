"""A small asyncio AMI client: login, ActionID-correlated actions, Originate/Redirect/Hangup, typed events, reconnect.

Why not the PyPI `asterisk-ami` package: it is thread-based (a reader thread per client, callbacks on that thread),
and with its default `timeout=3` the reader thread dies after 3 s without AMI traffic, silently losing later
responses and events (ARCHITECTURE §6). Serving an asyncio app with it means bridging every event through
`call_soon_threadsafe`, wrapping it in AutoReconnect and still having no typed errors. AMI is a line protocol of
`Key: Value` blocks; a native asyncio client is ~300 lines, has no thread, keeps one connection per process, and
reports every failure as a typed error instead of a lost event.

The secret comes from settings and is written only into the Login action; logs name actions and ActionIDs only.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass

from ivr.ami.config import AmiSettings
from ivr.ami.errors import AmiActionError, AmiAuthError, AmiConnectionError, AmiError, AmiTimeout
from ivr.ami.events import AmiEvent, OriginateResponse, parse_event
from ivr.ami.protocol import AmiMessage, MessageParser, encode_action, parse_banner

log = logging.getLogger(__name__)

_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Events are fanned out to subscribers through bounded queues: a stuck consumer must not grow memory forever.
SUBSCRIBER_QUEUE = 10_000


@dataclass
class PendingOriginate:
    """An accepted `Async: true` Originate; `await result()` gives its OriginateResponse event."""

    action_id: str
    _future: asyncio.Future[OriginateResponse]

    async def result(self, timeout: float | None = None) -> OriginateResponse:
        try:
            return await asyncio.wait_for(asyncio.shield(self._future), timeout)
        except TimeoutError as exc:
            raise AmiTimeout(f"no OriginateResponse for {self.action_id} within {timeout} s") from exc


class EventSubscription:
    """Async-iterate the events received while subscribed. Close it (or use `async with`) when done."""

    def __init__(self, client: AmiClient) -> None:
        self._client = client
        self.queue: asyncio.Queue[AmiEvent] = asyncio.Queue(SUBSCRIBER_QUEUE)
        self.dropped = 0

    def __aiter__(self) -> AsyncIterator[AmiEvent]:
        return self._iter()

    async def _iter(self) -> AsyncIterator[AmiEvent]:
        while True:
            yield await self.queue.get()

    async def get(self, timeout: float | None = None) -> AmiEvent:
        return await asyncio.wait_for(self.queue.get(), timeout)

    def close(self) -> None:
        self._client._subscribers.discard(self)

    async def __aenter__(self) -> EventSubscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


class AmiClient:
    def __init__(self, settings: AmiSettings) -> None:
        self._s = settings
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[AmiMessage]] = {}
        self._originates: dict[str, asyncio.Future[OriginateResponse]] = {}
        self._subscribers: set[EventSubscription] = set()
        self._ids = itertools.count(1)
        self._prefix = f"ivr-{os.getpid()}-"
        self._connected = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._closing = False
        self.version = ""
        self.connections = 0  # successful logins so far (a reconnect adds one)

    # --- lifecycle ----------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect and log in once (raising a typed error if that fails), then keep the connection up."""
        await self._connect_and_login()
        self._supervisor = asyncio.create_task(self._supervise(), name="ami-supervisor")

    async def close(self) -> None:
        self._closing = True
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
        self._drop_connection(AmiConnectionError("AMI client closed"))

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    def subscribe(self) -> EventSubscription:
        sub = EventSubscription(self)
        self._subscribers.add(sub)
        return sub

    # --- actions ------------------------------------------------------------------------------------------------

    async def action(self, name: str, fields: Iterable[tuple[str, str]] = ()) -> AmiMessage:
        """Send an action and return its Response; `Response: Error` raises AmiActionError."""
        if not self._connected.is_set() or self._writer is None:
            raise AmiConnectionError(f"not connected to Asterisk AMI at {self._s.host}:{self._s.port}")
        return await self._send(self._writer, name, fields)

    async def ping(self) -> None:
        await self.action("Ping")

    async def originate(
        self,
        channel: str,
        *,
        context: str | None = None,
        exten: str = "reminder",  # the outbound extension in asterisk/extensions.conf
        priority: int = 1,
        caller_id: str | None = None,
        variables: Mapping[str, str] | None = None,
        ring_s: float | None = None,
        channel_id: str | None = None,
    ) -> PendingOriginate:
        """Queue an outbound call (`Async: true`); channel variables ride as one `Variable: K=V` line each.

        `channel_id` becomes the outbound channel's Uniqueid (`ChannelId`), so its events — the Hangup of a busy
        or unanswered attempt above all, whose OriginateResponse carries no Uniqueid — can be matched to the call.
        """
        fields: list[tuple[str, str]] = [
            ("Channel", channel),
            ("Context", context or self._s.outbound_context),
            ("Exten", exten),
            ("Priority", str(priority)),
            ("Timeout", str(int((ring_s if ring_s is not None else self._s.originate_ring_s) * 1000))),
            ("Async", "true"),
        ]
        if caller_id:
            fields.append(("CallerID", caller_id))
        if channel_id:
            fields.append(("ChannelId", channel_id))
        for key, value in (variables or {}).items():
            if not _VAR_NAME.match(key):
                raise ValueError(f"invalid channel variable name {key!r}")
            fields.append(("Variable", f"{key}={value}"))
        action_id = self._next_id()
        future: asyncio.Future[OriginateResponse] = asyncio.get_running_loop().create_future()
        self._originates[action_id] = future
        try:
            if not self._connected.is_set() or self._writer is None:
                raise AmiConnectionError(f"not connected to Asterisk AMI at {self._s.host}:{self._s.port}")
            await self._send(self._writer, "Originate", fields, action_id=action_id)
        except BaseException:
            self._originates.pop(action_id, None)
            raise
        return PendingOriginate(action_id, future)

    async def redirect(self, channel: str, *, exten: str, context: str | None = None, priority: int = 1) -> None:
        """Send a live channel to another dialplan place (transfer to a person: the transfer context)."""
        fields = [("Channel", channel), ("Context", context or self._s.transfer_context), ("Exten", exten),
                  ("Priority", str(priority))]
        await self.action("Redirect", fields)

    async def hangup(self, channel: str, cause: int = 16) -> None:
        await self.action("Hangup", [("Channel", channel), ("Cause", str(cause))])

    # --- internals ----------------------------------------------------------------------------------------------

    def _next_id(self) -> str:
        return f"{self._prefix}{next(self._ids)}"

    async def _send(
        self, writer: asyncio.StreamWriter, name: str, fields: Iterable[tuple[str, str]], action_id: str | None = None
    ) -> AmiMessage:
        action_id = action_id or self._next_id()
        data = encode_action(name, action_id, fields)
        future: asyncio.Future[AmiMessage] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = future
        try:
            writer.write(data)
            await writer.drain()
            response = await asyncio.wait_for(asyncio.shield(future), self._s.action_timeout_s)
        except TimeoutError as exc:
            raise AmiTimeout(f"AMI {name} ({action_id}): no response within {self._s.action_timeout_s} s") from exc
        except ConnectionError as exc:
            raise AmiConnectionError(f"AMI connection lost while sending {name}") from exc
        finally:
            self._pending.pop(action_id, None)
        log.debug("AMI %s (%s): %s", name, action_id, response.get("Response"))
        if response.get("Response").lower() == "error":
            raise AmiActionError(name, response.get("Message") or "error")
        return response

    async def _connect_and_login(self) -> None:
        s = self._s
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(s.host, s.port), s.connect_timeout_s)
            banner = await asyncio.wait_for(reader.readline(), s.connect_timeout_s)
        except (OSError, TimeoutError) as exc:
            raise AmiConnectionError(
                f"cannot reach Asterisk AMI at {s.host}:{s.port} ({type(exc).__name__}); "
                "check IVR_AMI__HOST / IVR_AMI__PORT and that manager.conf enables it"
            ) from exc
        try:
            self.version = parse_banner(banner)
            self._writer = writer
            reader_task = asyncio.create_task(self._read_loop(reader, writer), name="ami-reader")
            try:
                await self._send(writer, "Login", [("Username", s.username), ("Secret", s.secret.get_secret_value())])
            except AmiActionError as exc:
                raise AmiAuthError(
                    f"AMI login as {s.username!r} refused ({exc.message}); set IVR_AMI__USERNAME / IVR_AMI__SECRET "
                    "to match asterisk/manager.conf"
                ) from None
        except BaseException:
            self._drop_connection(AmiConnectionError("login failed"))
            writer.close()
            raise
        self._reader_task = reader_task
        self.connections += 1
        self._connected.set()
        log.info("AMI connected to %s:%d (manager %s)", s.host, s.port, self.version)

    async def _read_loop(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = MessageParser()
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                for msg in parser.feed(data):
                    self._dispatch(msg)
        except (ConnectionError, AmiError) as exc:
            log.warning("AMI connection error: %s", type(exc).__name__)
        finally:
            if self._writer is writer:
                self._drop_connection(AmiConnectionError("AMI connection lost"))
            writer.close()

    def _dispatch(self, msg: AmiMessage) -> None:
        # Events first: OriginateResponse is an event that also carries `Response:` and the Originate's ActionID.
        if not msg.is_event:
            if msg.is_response:
                future = self._pending.get(msg.action_id)
                if future is not None and not future.done():
                    future.set_result(msg)
            return
        event = parse_event(msg)
        if isinstance(event, OriginateResponse):
            pending = self._originates.pop(event.action_id, None)
            if pending is not None and not pending.done():
                pending.set_result(event)
        for sub in list(self._subscribers):
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                sub.dropped += 1

    def _drop_connection(self, error: AmiError) -> None:
        self._connected.clear()
        self._writer = None
        for futures in (self._pending, self._originates):
            for future in futures.values():
                if not future.done():
                    future.set_exception(error)
            futures.clear()

    async def _supervise(self) -> None:
        """Keep the connection: ping while up; when it drops, reconnect with exponential backoff and log in again."""
        s = self._s
        while not self._closing:
            assert self._reader_task is not None
            await self._watch(self._reader_task)
            if self._closing:
                return
            delay = s.reconnect_initial_s
            while not self._closing:
                log.warning("AMI disconnected; reconnecting in %.1f s", delay)
                await asyncio.sleep(delay)
                try:
                    await self._connect_and_login()
                    break
                except AmiError as exc:
                    log.warning("AMI reconnect failed: %s", exc)
                    delay = min(delay * 2, s.reconnect_max_s)

    async def _watch(self, reader_task: asyncio.Task[None]) -> None:
        """Return when the connection is gone; a Ping without answer closes a half-open connection."""
        while not reader_task.done():
            done, _ = await asyncio.wait({reader_task}, timeout=self._s.ping_interval_s)
            if done:
                return
            try:
                await self.ping()
            except AmiError as exc:
                log.warning("AMI keepalive failed (%s); dropping the connection", type(exc).__name__)
                writer = self._writer
                self._drop_connection(AmiConnectionError("keepalive failed"))
                if writer is not None:
                    writer.close()
                reader_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader_task
                return
