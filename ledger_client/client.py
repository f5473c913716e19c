"""The typed async HTTP client for the core ledger's /v1 API: explicit timeouts, retries, typed errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from ledger_client.config import LedgerSettings
from ledger_client.errors import (
    EntryProblem,
    LedgerConflict,
    LedgerNotFound,
    LedgerRejected,
    LedgerUnavailable,
)
from ledger_client.redact import install_httpx_redaction
from ledger_client.types import (
    GroupInfo,
    GroupPosition,
    Meeting,
    MemberPosition,
    Memberships,
    PostResult,
    Roster,
    TransactionEntry,
    UpcomingEvent,
)

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
Sleep = Callable[[float], Awaitable[None]]


def _seg(value: str) -> str:
    """One URL path segment (ids are opaque strings to us)."""
    return quote(value, safe="")


def parse_problems(detail: Any) -> list[EntryProblem]:
    """Read a FastAPI-style `detail` (string, list of {loc,msg} or {index,field,reason}) into EntryProblems.

    The offending *values* are never copied: a reason may be logged or stored, an amount must not be.
    """
    if isinstance(detail, str):
        return [EntryProblem(None, "request", detail)]
    if isinstance(detail, dict):
        for key in ("errors", "entries", "detail"):
            if isinstance(detail.get(key), list):
                return parse_problems(detail[key])
        return [_one_problem(detail)]
    if isinstance(detail, list):
        return [_one_problem(item) if isinstance(item, dict) else EntryProblem(None, "request", str(item))
                for item in detail]
    return [EntryProblem(None, "request", "no reason given")]


def _one_problem(item: dict[str, Any]) -> EntryProblem:
    reason = str(item.get("reason") or item.get("msg") or item.get("message") or "invalid")
    index = item.get("index")
    field = item.get("field")
    loc = item.get("loc")
    if isinstance(loc, list):
        parts = list(loc)
        if "entries" in parts:
            after = parts[parts.index("entries") + 1:]
            if after and isinstance(after[0], int) and index is None:
                index = after[0]
                after = after[1:]
            field = field or ".".join(str(p) for p in after) or "entry"
        else:
            field = field or ".".join(str(p) for p in parts if p != "body") or "request"
    return EntryProblem(index if isinstance(index, int) else None, str(field or "request"), reason)


class LedgerClient:
    """One adapter for the core ledger. Reads and idempotency-keyed posts are retried; nothing is ever guessed."""

    def __init__(self, *, http: httpx.AsyncClient, settings: LedgerSettings, sleep: Sleep = asyncio.sleep) -> None:
        self._http = http
        self._settings = settings
        self._base = settings.base_url.rstrip("/")
        self._sleep = sleep
        self._timeout = httpx.Timeout(
            connect=settings.connect_timeout_s,
            read=settings.read_timeout_s,
            write=settings.read_timeout_s,
            pool=settings.connect_timeout_s,
        )
        install_httpx_redaction()

    # ---- reads (all idempotent, all retried) -------------------------------------------------------------------

    async def health(self) -> bool:
        body = await self._call("GET", "/v1/health", endpoint="health")
        return isinstance(body, dict) and body.get("status") == "ok"

    async def memberships(self, phone: str) -> Memberships:
        body = await self._call("GET", "/v1/memberships", params={"phone": phone}, endpoint="memberships")
        return self._parse(Memberships, body, "memberships")

    async def group(self, group_id: str) -> GroupInfo:
        body = await self._call("GET", f"/v1/groups/{_seg(group_id)}", endpoint="group")
        return self._parse(GroupInfo, body, "group")

    async def group_position(self, group_id: str, as_of: date | None = None) -> GroupPosition:
        params = {"as_of": as_of.isoformat()} if as_of else None
        path = f"/v1/groups/{_seg(group_id)}/position"
        body = await self._call("GET", path, params=params, endpoint="group position")
        return self._parse(GroupPosition, body, "group position")

    async def roster(self, group_id: str) -> Roster:
        body = await self._call("GET", f"/v1/groups/{_seg(group_id)}/members", endpoint="roster")
        return self._parse(Roster, body, "roster")

    async def member_position(self, group_id: str, member_id: str) -> MemberPosition:
        path = f"/v1/groups/{_seg(group_id)}/members/{_seg(member_id)}/position"
        body = await self._call("GET", path, endpoint="member position")
        return self._parse(MemberPosition, body, "member position")

    async def meetings(self, group_id: str, start: date | None = None, end: date | None = None) -> list[Meeting]:
        params = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v is not None}
        body = await self._call("GET", f"/v1/groups/{_seg(group_id)}/meetings", params=params, endpoint="meetings")
        return [self._parse(Meeting, m, "meetings") for m in self._list_of(body, "meetings", "meetings")]

    async def upcoming_events(self, start: datetime, end: datetime) -> list[UpcomingEvent]:
        params = {"from": start.isoformat(), "to": end.isoformat()}
        body = await self._call("GET", "/v1/events/upcoming", params=params, endpoint="upcoming events")
        return [self._parse(UpcomingEvent, e, "upcoming events") for e in self._list_of(body, "events", "events")]

    # ---- writes ------------------------------------------------------------------------------------------------

    async def post_transactions(
        self, group_id: str, meeting_date: date, entries: Sequence[TransactionEntry]
    ) -> PostResult:
        """Post one meeting's batch. Every entry carries an idempotency key, so a retry can't double-post."""
        if not entries:
            raise ValueError("post_transactions needs at least one entry")
        path = f"/v1/groups/{_seg(group_id)}/meetings/{meeting_date.isoformat()}/transactions"
        body = await self._call(
            "POST", path, json={"entries": [e.wire() for e in entries]}, endpoint="post transactions"
        )
        result = self._parse(PostResult, body, "post transactions")
        sent = {e.idempotency_key for e in entries}
        got = {r.idempotency_key for r in result.results}
        if sent != got:
            raise LedgerUnavailable(f"core answered post transactions for {len(got)} keys, {len(sent)} were sent")
        return result

    # ---- plumbing ----------------------------------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        endpoint: str,
        params: dict[str, str] | None = None,
        json: Any = None,
    ) -> Any:
        """Every call here is idempotent (GET or keyed POST), so LedgerUnavailable is retried with backoff."""
        attempts = 1 + max(0, self._settings.retries)
        for attempt in range(attempts):
            try:
                return await self._once(method, path, endpoint=endpoint, params=params, json=json)
            except LedgerUnavailable as exc:
                if attempt + 1 >= attempts:
                    raise
                delay = self._settings.backoff_s * (2**attempt)
                log.info("ledger %s unavailable (%s); retry %d/%d in %.2fs",
                         endpoint, exc, attempt + 1, attempts - 1, delay)
                await self._sleep(delay)
        raise AssertionError("unreachable")

    async def _once(
        self, method: str, path: str, *, endpoint: str, params: dict[str, str] | None, json: Any
    ) -> Any:
        try:
            resp = await self._http.request(
                method, self._base + path, params=params, json=json, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            raise LedgerUnavailable(f"ledger {endpoint}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise LedgerUnavailable(f"ledger {endpoint}: cannot reach {self._base} ({type(exc).__name__})") from exc
        status = resp.status_code
        if status >= 500:
            raise LedgerUnavailable(f"ledger {endpoint}: core answered {status}")
        if 200 <= status < 300:
            try:
                return resp.json()
            except ValueError as exc:
                raise LedgerUnavailable(f"ledger {endpoint}: core answered {status} with non-JSON body") from exc
        detail = _detail_of(resp)
        if status == 404:
            problems = parse_problems(detail)
            raise LedgerNotFound(f"ledger {endpoint}: not found: {'; '.join(p.reason for p in problems)}")
        if status == 409:
            raise LedgerConflict(status, parse_problems(detail), endpoint)
        if 400 <= status < 500:
            raise LedgerRejected(status, parse_problems(detail), endpoint)
        raise LedgerUnavailable(f"ledger {endpoint}: unexpected status {status}")

    @staticmethod
    def _parse(model: type[M], body: Any, endpoint: str) -> M:
        try:
            return model.model_validate(body)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
            raise LedgerUnavailable(f"ledger {endpoint}: answer does not match the contract ({fields})") from None

    @staticmethod
    def _list_of(body: Any, key: str, endpoint: str) -> list[Any]:
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise LedgerUnavailable(f"ledger {endpoint}: answer has no '{key}' list")
        return items


def _detail_of(resp: httpx.Response) -> Any:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200] or resp.reason_phrase
    return body.get("detail", body) if isinstance(body, dict) else body
