"""An in-memory fake of the core ledger's /v1 HTTP contract behind httpx.MockTransport, with injectable outages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx

GROUP = "g-kes-umoja"
PHONE = "+254712345678"
TX_TYPES = {"share_purchase", "savings", "social_fund", "loan_disbursement", "loan_repayment", "fine",
            "fine_payment", "withdrawal"}

GROUP_INFO: dict[str, Any] = {
    "group_id": GROUP, "name": "Umoja", "methodology": "VSLA", "currency": "KES", "language": "en",
    "timezone": "Africa/Nairobi",
    "meeting_schedule": {"frequency": "weekly", "weekday": 1, "time": "14:00", "place": "Church hall"},
    "share_price_minor": 20000, "loan_interest_rule": {"kind": "flat_monthly", "rate_bp": 1000},
    "social_fund_contribution_minor": 5000, "cycle_start": "2026-01-06", "cycle_end": "2026-12-29",
    "next_meeting": {"date": "2026-12-01", "time": "14:00", "weekday": 1, "place": "Church hall",
                     "timezone": "Africa/Nairobi"},
    "secretary_member_id": "m-0002",
}


@dataclass
class FakeLedgerCore:
    """Counts every posting it commits, so tests can check "exactly once" the way they do against the real core."""

    members: set[str] = field(default_factory=lambda: {"m-0001", "m-0002", "m-0003"})
    savings: dict[str, int] = field(default_factory=lambda: {"m-0001": 150000})
    txns: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    postings: int = 0
    down: bool = False          # every request fails to connect
    fail_next: int = 0          # the next N requests answer 503
    drop_after_commit: int = 0  # the next N posts commit, then the connection drops before the answer
    batch_409: bool = False     # answer 409 without naming an entry when a batch has more than one entry
    requests: list[httpx.Request] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if self.fail_next > 0:
            self.fail_next -= 1
            return httpx.Response(503, json={"detail": "overloaded"})
        parts = request.url.path.strip("/").split("/")[1:]  # drop "v1"
        if request.method == "POST":
            return self._post(parts, json.loads(request.content), request)
        return self._get(parts, request)

    def _get(self, parts: list[str], request: httpx.Request) -> httpx.Response:
        if parts == ["health"]:
            return httpx.Response(200, json={"status": "ok"})
        if parts == ["memberships"]:
            found = request.url.params.get("phone") == PHONE
            ms = [{"member_id": "m-0001", "group_id": GROUP, "group_name": "Umoja", "member_name": "Amina Otieno",
                   "first_name": "Amina", "role": "member", "language": "en"}] if found else []
            return httpx.Response(200, json={"phone_found": found, "memberships": ms})
        if not parts or parts[0] != "groups" or len(parts) < 2 or parts[1] != GROUP:
            return httpx.Response(404, json={"detail": "unknown group"})
        rest = parts[2:]
        if rest == []:
            return httpx.Response(200, json=GROUP_INFO)
        if rest == ["position"]:
            total = sum(self.savings.values())
            return httpx.Response(200, json={
                "group_id": GROUP, "currency": "KES", "total_savings_minor": total, "cash_in_box_minor": total,
                "loans_outstanding_minor": 0, "social_fund_balance_minor": 0, "fines_collected_minor": 0,
                "as_of": "2026-11-26T08:00:00Z"})
        if rest == ["members"]:
            return httpx.Response(200, json={"members": [
                {"member_id": m, "roster_number": i + 1, "name": f"Member {i + 1}", "first_name": f"M{i + 1}",
                 "nickname": None, "role": "member", "language": "en"} for i, m in enumerate(sorted(self.members))]})
        if len(rest) == 3 and rest[0] == "members" and rest[2] == "position":
            if rest[1] not in self.members:
                return httpx.Response(404, json={"detail": "unknown member"})
            return httpx.Response(200, json={
                "member_id": rest[1], "group_id": GROUP, "currency": "KES",
                "savings_minor": self.savings.get(rest[1], 0), "shares": 0, "loan_outstanding_minor": 0,
                "loans": [], "next_due_date": None, "next_due_amount_minor": None, "fines_due_minor": 0,
                "social_fund_contributions_minor": 0, "as_of": "2026-11-26T08:00:00Z"})
        return httpx.Response(404, json={"detail": "no such route"})

    def _post(self, parts: list[str], body: dict[str, Any], request: httpx.Request) -> httpx.Response:
        if len(parts) != 5 or parts[0] != "groups" or parts[2] != "meetings" or parts[4] != "transactions":
            return httpx.Response(404, json={"detail": "no such route"})
        if parts[1] != GROUP:
            return httpx.Response(404, json={"detail": "unknown group"})
        entries = body["entries"]
        problems = []
        for i, e in enumerate(entries):
            if e["member_id"] not in self.members:
                problems.append({"loc": ["body", "entries", i, "member_id"], "msg": "unknown member",
                                 "index": i, "field": "member_id", "reason": "unknown member"})
            if e["type"] not in TX_TYPES:
                problems.append({"loc": ["body", "entries", i, "type"], "msg": "unknown type"})
        if problems:
            return httpx.Response(422, json={"detail": problems})
        for e in entries:
            old = self.txns.get(e["idempotency_key"])
            if old is not None and old[0] != e:
                detail = "idempotency key reused with a different payload"
                if self.batch_409 and len(entries) > 1:
                    return httpx.Response(409, json={"detail": detail})
                i = entries.index(e)
                return httpx.Response(409, json={"detail": [{"index": i, "field": "idempotency_key",
                                                             "reason": detail}]})
        results = []
        for e in entries:
            key = e["idempotency_key"]
            if key in self.txns:
                results.append({"idempotency_key": key, "transaction_id": self.txns[key][1], "status": "replayed"})
                continue
            self.postings += 1
            txn_id = f"t-{self.postings:05d}"
            self.txns[key] = (e, txn_id)
            results.append({"idempotency_key": key, "transaction_id": txn_id, "status": "created"})
        if self.drop_after_commit > 0:
            self.drop_after_commit -= 1
            raise httpx.ReadError("connection reset after commit", request=request)
        return httpx.Response(200, json={"meeting_id": f"mt-{parts[3]}", "results": results})
