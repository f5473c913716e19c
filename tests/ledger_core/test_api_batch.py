"""Posting a meeting's transactions over real HTTP: all-or-nothing validation, idempotent replay, 409, SIGKILL."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from ledger_core.demo_people import demo_members
from tests.fixtures.ledger_server import LedgerCoreProcess

pytestmark = pytest.mark.integration

DAY = str(date.today() + timedelta(days=1))
KES = [m for m in demo_members() if m.group_id == "g-kes-umoja"]
GRACE, MARY, FAITH, ESTHER = KES[0], KES[1], KES[3], KES[4]


def _url(day: str = DAY, group: str = "g-kes-umoja") -> str:
    return f"/v1/groups/{group}/meetings/{day}/transactions"


def _count(server: LedgerCoreProcess, where: str = "1=1", args: tuple[Any, ...] = ()) -> int:
    with sqlite3.connect(server.db_url.removeprefix("sqlite:///")) as con:
        return int(con.execute(f"SELECT COUNT(*) FROM lc_transactions WHERE {where}", args).fetchone()[0])


def _position(http: httpx.Client, member_id: str, group: str = "g-kes-umoja") -> dict[str, Any]:
    return http.get(f"/v1/groups/{group}/members/{member_id}/position").json()


@pytest.fixture
def http(ledger_server: LedgerCoreProcess) -> httpx.Client:
    return httpx.Client(base_url=ledger_server.base_url, timeout=30)


def test_batch_created_then_replayed(http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    before = _position(http, GRACE.member_id)
    batch = {"entries": [
        {"idempotency_key": "k1", "member_id": GRACE.member_id, "type": "share_purchase", "amount_minor": 30_000},
        {"idempotency_key": "k2", "member_id": GRACE.member_id, "type": "social_fund", "amount_minor": 2_000},
        {"idempotency_key": "k3", "member_id": GRACE.member_id, "type": "fine", "amount_minor": 5_000,
         "note": "late"},
    ]}
    first = http.post(_url(), json=batch)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [r["status"] for r in body["results"]] == ["created"] * 3
    assert [r["idempotency_key"] for r in body["results"]] == ["k1", "k2", "k3"]
    after = _position(http, GRACE.member_id)
    # 3 shares of KES 100 = 30,000 cents more savings; KES 20 social fund; KES 50 fine now due.
    assert after["savings_minor"] == before["savings_minor"] + 30_000
    assert after["shares"] == before["shares"] + 3
    assert after["social_fund_contributions_minor"] == before["social_fund_contributions_minor"] + 2_000
    assert after["fines_due_minor"] == before["fines_due_minor"] + 5_000
    meetings = http.get("/v1/groups/g-kes-umoja/meetings", params={"from": DAY, "to": DAY}).json()["meetings"]
    assert [m["meeting_id"] for m in meetings] == [body["meeting_id"]]

    again = http.post(_url(), json=batch).json()
    assert [r["status"] for r in again["results"]] == ["replayed"] * 3
    assert [r["transaction_id"] for r in again["results"]] == [r["transaction_id"] for r in body["results"]]
    assert again["meeting_id"] == body["meeting_id"]
    assert _position(http, GRACE.member_id)["savings_minor"] == after["savings_minor"]
    assert _count(ledger_server, "idempotency_key IN ('k1','k2','k3')") == 3
    # A batch mixing a replayed key with a new one: the old one replays, the new one is created.
    mixed = http.post(_url(), json={"entries": [batch["entries"][0], {
        "idempotency_key": "k4", "member_id": GRACE.member_id, "type": "fine_payment", "amount_minor": 5_000}]})
    assert [r["status"] for r in mixed.json()["results"]] == ["replayed", "created"]


def test_same_key_different_payload_is_409(http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    entry = {"idempotency_key": "dup", "member_id": MARY.member_id, "type": "savings", "amount_minor": 1_000}
    assert http.post(_url(), json={"entries": [entry]}).status_code == 200
    total = _count(ledger_server)
    changed = http.post(_url(), json={"entries": [{**entry, "amount_minor": 2_000}]})
    assert changed.status_code == 409
    assert "dup" in changed.json()["detail"]
    other_day = http.post(_url(str(date.today() + timedelta(days=8))), json={"entries": [entry]})
    assert other_day.status_code == 409  # a key belongs to one meeting
    assert _count(ledger_server) == total


def test_invalid_batch_names_every_bad_entry_and_writes_nothing(
        http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    total = _count(ledger_server)
    grace = _position(http, GRACE.member_id)
    batch = {"entries": [
        {"idempotency_key": "ok", "member_id": GRACE.member_id, "type": "savings", "amount_minor": 1_000},
        {"idempotency_key": "b1", "member_id": "m-9999", "type": "savings", "amount_minor": 1_000},
        {"idempotency_key": "b2", "member_id": GRACE.member_id, "type": "withdrawal",
         "amount_minor": grace["savings_minor"] + 1_000 + 1},  # more than she has, even after entry 0
        {"idempotency_key": "b3", "member_id": MARY.member_id, "type": "loan_repayment", "amount_minor": 100},
        {"idempotency_key": "b4", "member_id": GRACE.member_id, "type": "fine_payment",
         "amount_minor": grace["fines_due_minor"] + 1},
        {"idempotency_key": "ok", "member_id": GRACE.member_id, "type": "savings", "amount_minor": 1_000},
        {"idempotency_key": "b6", "member_id": "m-0016", "type": "savings", "amount_minor": 1_000},  # other group
    ]}
    r = http.post(_url(), json=batch)
    assert r.status_code == 422
    problems = {(d["index"], d["field"]) for d in r.json()["detail"]}
    assert problems == {(1, "member_id"), (2, "amount_minor"), (3, "loan_id"), (4, "amount_minor"),
                        (5, "idempotency_key"), (6, "member_id")}
    assert all(d["loc"][:2] == ["body", "entries"] and d["reason"] for d in r.json()["detail"])
    assert _count(ledger_server) == total
    assert http.get("/v1/groups/g-kes-umoja/meetings", params={"from": DAY}).json() == {"meetings": []}
    assert _position(http, GRACE.member_id)["savings_minor"] == grace["savings_minor"]


def test_schema_errors_are_422_with_field(http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    total = _count(ledger_server)
    r = http.post(_url(), json={"entries": [
        {"idempotency_key": "a", "member_id": GRACE.member_id, "type": "savings", "amount_minor": 0},
        {"idempotency_key": "b", "member_id": GRACE.member_id, "type": "savings", "amount_minor": 10.5},
        {"member_id": GRACE.member_id, "type": "savings", "amount_minor": 100},
        {"idempotency_key": "d", "member_id": GRACE.member_id, "type": "gift", "amount_minor": 100},
    ]})
    assert r.status_code == 422
    locs = {tuple(d["loc"]) for d in r.json()["detail"]}
    assert {("body", "entries", 0, "amount_minor"), ("body", "entries", 1, "amount_minor"),
            ("body", "entries", 2, "idempotency_key"), ("body", "entries", 3, "type")} <= locs
    assert http.post(_url("2026-02-30"), json={"entries": []}).status_code == 422
    assert http.post(_url(group="g-nope"), json={"entries": [
        {"idempotency_key": "z", "member_id": GRACE.member_id, "type": "savings", "amount_minor": 1}]}
    ).status_code == 404
    assert _count(ledger_server) == total


def test_loan_disbursement_and_repayment(http: httpx.Client) -> None:
    # Grace borrows KES 2,000 for 2 months at 5%: interest 2,000 x 5% x 2 = 200 -> 20,000 cents; 2 x 110,000.
    r = http.post(_url(), json={"entries": [{"idempotency_key": "loan", "member_id": GRACE.member_id,
                                             "type": "loan_disbursement", "amount_minor": 200_000,
                                             "term_months": 2}]}).json()
    loan_id = r["results"][0]["loan_id"]
    loan = next(x for x in _position(http, GRACE.member_id)["loans"] if x["loan_id"] == loan_id)
    assert (loan["interest_minor"], loan["outstanding_minor"], loan["next_due_amount_minor"]) == (
        20_000, 220_000, 110_000)
    # Repayment without loan_id goes to her oldest open loan (this one: she has no other).
    pay = http.post(_url(), json={"entries": [{"idempotency_key": "pay", "member_id": GRACE.member_id,
                                               "type": "loan_repayment", "amount_minor": 150_000}]}).json()
    assert pay["results"][0]["loan_id"] == loan_id
    loan = next(x for x in _position(http, GRACE.member_id)["loans"] if x["loan_id"] == loan_id)
    assert (loan["outstanding_minor"], loan["next_due_amount_minor"]) == (70_000, 70_000)
    over = http.post(_url(), json={"entries": [{"idempotency_key": "over", "member_id": GRACE.member_id,
                                                "type": "loan_repayment", "loan_id": loan_id,
                                                "amount_minor": 70_001}]})
    assert over.status_code == 422 and over.json()["detail"][0]["field"] == "amount_minor"
    cash = http.get("/v1/groups/g-kes-umoja/position").json()["cash_in_box_minor"]
    too_big = http.post(_url(), json={"entries": [{"idempotency_key": "big", "member_id": MARY.member_id,
                                                   "type": "loan_disbursement", "amount_minor": cash + 1}]})
    assert too_big.status_code == 422


def test_sigkill_mid_batch_then_retry_posts_each_entry_exactly_once(
        http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    members = [m.member_id for m in KES]
    batches = [{"entries": [{"idempotency_key": f"kill-{b}-{i}", "member_id": members[i % len(members)],
                             "type": "savings", "amount_minor": 100 + i} for i in range(400)]} for b in range(3)]
    outcomes: list[int | str] = []

    def post_all() -> None:
        with httpx.Client(base_url=ledger_server.base_url, timeout=30) as client:
            for batch in batches:
                try:
                    outcomes.append(client.post(_url(), json=batch).status_code)
                except httpx.HTTPError as exc:
                    outcomes.append(type(exc).__name__)

    sender = threading.Thread(target=post_all)
    sender.start()
    time.sleep(0.3)  # somewhere in the middle of the batches
    ledger_server.kill()
    sender.join(timeout=60)
    ledger_server.start().wait_ready()
    for batch in batches:  # the client retries every batch with the same keys
        retry = http.post(_url(), json=batch)
        assert retry.status_code == 200
        statuses = {r["status"] for r in retry.json()["results"]}
        assert len(statuses) == 1  # a batch is all created or all replayed, never half
    assert _count(ledger_server, "idempotency_key LIKE 'kill-%'") == 1_200
    with sqlite3.connect(ledger_server.db_url.removeprefix("sqlite:///")) as con:
        (total,) = con.execute("SELECT SUM(amount_minor) FROM lc_transactions WHERE idempotency_key LIKE 'kill-%'"
                               ).fetchone()
    assert total == 3 * sum(100 + i for i in range(400))


def test_an_amount_beyond_the_limit_is_refused_naming_it(http: httpx.Client, ledger_server: LedgerCoreProcess) -> None:
    """2^63-1 used to be accepted, and then every member of the group was hung up on when the total was read."""
    from ledger_core.schemas import MAX_AMOUNT_MINOR

    before = _count(ledger_server)
    for amount in (2**63 - 1, MAX_AMOUNT_MINOR + 1):
        r = http.post(_url(), json={"entries": [{"idempotency_key": f"huge-{amount}", "member_id": GRACE.member_id,
                                                 "type": "savings", "amount_minor": amount}]})
        assert r.status_code == 422, r.text
        assert f"{MAX_AMOUNT_MINOR}" in r.text
    assert _count(ledger_server) == before
    ok = http.post(_url(), json={"entries": [{"idempotency_key": "at-the-limit", "member_id": GRACE.member_id,
                                              "type": "savings", "amount_minor": MAX_AMOUNT_MINOR}]})
    assert ok.status_code == 200, ok.text
