"""LedgerClient against the in-memory fake: typed answers, typed errors, retries, no phone numbers in logs."""

from __future__ import annotations

import logging
from datetime import date

import httpx
import pytest
from pydantic import ValidationError

from ledger_client import (
    LedgerClient,
    LedgerNotFound,
    LedgerRejected,
    LedgerUnavailable,
    TransactionEntry,
    new_idempotency_key,
)
from ledger_client.client import parse_problems
from ledger_client.config import LedgerSettings
from tests.fakes.ledger_core_fake import GROUP, PHONE, FakeLedgerCore


async def test_reads_are_typed(client: LedgerClient) -> None:
    ms = await client.memberships(PHONE)
    assert ms.phone_found and ms.memberships[0].member_id == "m-0001"
    g = await client.group(GROUP)
    assert g.methodology == "VSLA" and g.next_meeting is not None and g.next_meeting.date == date(2026, 12, 1)
    pos = await client.member_position(GROUP, "m-0001")
    assert pos.savings_minor == 150000 and pos.as_of.tzinfo is not None
    roster = await client.roster(GROUP)
    assert [m.roster_number for m in roster.members] == [1, 2, 3]
    gp = await client.group_position(GROUP)
    assert gp.total_savings_minor == 150000
    assert await client.health()


async def test_unknown_phone_is_an_answer_not_an_error(client: LedgerClient) -> None:
    ms = await client.memberships("+255700000000")
    assert not ms.phone_found and ms.memberships == []


async def test_unknown_ids_raise_not_found(client: LedgerClient) -> None:
    with pytest.raises(LedgerNotFound):
        await client.group("g-nope")
    with pytest.raises(LedgerNotFound):
        await client.member_position(GROUP, "m-9999")


async def test_5xx_is_retried_with_exponential_backoff(client: LedgerClient, fake: FakeLedgerCore) -> None:
    fake.fail_next = 2
    g = await client.group(GROUP)
    assert g.group_id == GROUP
    assert client.sleeps == [0.001, 0.002]  # type: ignore[attr-defined]
    assert len(fake.requests) == 3


async def test_down_core_raises_unavailable_after_retries(client: LedgerClient, fake: FakeLedgerCore) -> None:
    fake.down = True
    with pytest.raises(LedgerUnavailable, match="cannot reach"):
        await client.roster(GROUP)
    assert len(fake.requests) == 3  # 1 + retries


async def test_timeout_is_unavailable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    async def no_sleep(_: float) -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as http:
        c = LedgerClient(http=http, settings=LedgerSettings(base_url="http://x", retries=0), sleep=no_sleep)
        with pytest.raises(LedgerUnavailable, match="timed out"):
            await c.group(GROUP)


async def test_contract_mismatch_is_not_silently_accepted() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"x": 1}))) as h:
        c = LedgerClient(http=h, settings=LedgerSettings(base_url="http://x", retries=0))
        with pytest.raises(LedgerUnavailable, match="does not match the contract"):
            await c.member_position(GROUP, "m-0001")


async def test_rejection_lists_every_bad_entry(client: LedgerClient) -> None:
    entries = [
        TransactionEntry(idempotency_key=new_idempotency_key(), member_id="m-0001", type="savings", amount_minor=5000),
        TransactionEntry(idempotency_key=new_idempotency_key(), member_id="m-7777", type="savings", amount_minor=777),
        TransactionEntry(idempotency_key=new_idempotency_key(), member_id="m-8888", type="fine", amount_minor=888),
    ]
    with pytest.raises(LedgerRejected) as info:
        await client.post_transactions(GROUP, date(2026, 11, 24), entries)
    assert info.value.status_code == 422
    assert info.value.entry_indexes == {1, 2}
    assert all(p.field == "member_id" for p in info.value.problems)
    assert "777" not in str(info.value) and "888" not in str(info.value)
    # the reasons may quote balances: kept out of str() (which gets logged), available on purpose
    assert "unknown member" not in str(info.value)
    assert info.value.reasons(1) == "entry 1: member_id: unknown member"


def test_problem_parsing_handles_fastapi_and_plain_details() -> None:
    fastapi = [{"loc": ["body", "entries", 2, "amount_minor"], "msg": "Input should be greater than 0",
                "input": 0, "type": "greater_than"}]
    (p,) = parse_problems(fastapi)
    assert (p.index, p.field, p.reason) == (2, "amount_minor", "Input should be greater than 0")
    (q,) = parse_problems("bad phone")
    assert (q.index, q.field) == (None, "request")
    (r,) = parse_problems([{"loc": ["query", "phone"], "msg": "not E.164"}])
    assert (r.index, r.field) == (None, "query.phone")


def test_entries_refuse_floats_zero_and_unknown_types() -> None:
    key = new_idempotency_key()
    for bad in ({"amount_minor": 12.5}, {"amount_minor": 0}, {"amount_minor": -5}, {"amount_minor": "100"},
                {"type": "gift"}, {"idempotency_key": ""}):
        fields = {"idempotency_key": key, "member_id": "m-0001", "type": "savings", "amount_minor": 100} | bad
        with pytest.raises(ValidationError):
            TransactionEntry.model_validate(fields)


async def test_phone_never_reaches_the_log(client: LedgerClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await client.memberships(PHONE)
    assert "REDACTED" in caplog.text  # httpx did log the request line ...
    digits = PHONE.lstrip("+")
    assert digits not in caplog.text and "712345678" not in caplog.text  # ... without the number
