"""Read endpoints of ledger_core over real HTTP (subprocess server on the seeded demo data)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from ledger_core.demo_people import GROUPS, SHARED_PERSON, demo_members
from tests.fixtures.ledger_server import LedgerCoreProcess, copy_ledger_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, _ledger_demo_template: Path) -> Iterator[LedgerCoreProcess]:
    """One read-only server for this module (no test here writes)."""
    path = copy_ledger_database(_ledger_demo_template, tmp_path_factory.mktemp("reads") / "ledger_core.db")
    with LedgerCoreProcess(f"sqlite:///{path}", log_path=path.with_suffix(".log")) as proc:
        yield proc


@pytest.fixture(scope="module")
def http(server: LedgerCoreProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


def _db(server: LedgerCoreProcess) -> sqlite3.Connection:
    return sqlite3.connect(server.db_url.removeprefix("sqlite:///"))


def test_health(http: httpx.Client) -> None:
    assert http.get("/v1/health").json() == {"status": "ok"}


def test_memberships_of_a_person_in_two_groups(http: httpx.Client) -> None:
    amina = [m for m in demo_members() if m.name == SHARED_PERSON]
    assert len({m.phone for m in amina}) == 1 and len(amina) == 2
    body = http.get("/v1/memberships", params={"phone": amina[0].phone}).json()
    assert body["phone_found"] is True
    assert {(m["group_id"], m["member_id"]) for m in body["memberships"]} == {(m.group_id, m.member_id) for m in amina}
    by_group = {m["group_id"]: m for m in body["memberships"]}
    assert by_group["g-tzs-tumaini"]["language"] == "sw" and by_group["g-kes-umoja"]["language"] == "en"
    assert by_group["g-kes-umoja"]["role"] == "treasurer" and by_group["g-kes-umoja"]["first_name"] == "Amina"
    assert by_group["g-kes-umoja"]["group_name"] == "Umoja Women VSLA"
    # An unencoded '+' arrives as a space; spaces and dashes in the number are tolerated.
    raw = http.get(f"/v1/memberships?phone={amina[0].phone}").json()
    assert raw["phone_found"] is True


def test_memberships_unknown_and_malformed_phone(http: httpx.Client) -> None:
    assert http.get("/v1/memberships", params={"phone": "+254700000001"}).json() == {
        "phone_found": False, "memberships": []}
    bad = http.get("/v1/memberships", params={"phone": "hello"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "phone"]
    assert http.get("/v1/memberships").status_code == 422


def test_group_info_and_next_meeting(http: httpx.Client) -> None:
    g = http.get("/v1/groups/g-tzs-tumaini").json()
    assert (g["methodology"], g["currency"], g["language"], g["timezone"]) == (
        "VSLA", "TZS", "sw", "Africa/Dar_es_Salaam")
    assert g["meeting_schedule"] == {"frequency": "fortnightly", "weekday": 5, "time": "10:00",
                                     "place": "Ofisi ya Kata, Temeke, Dar es Salaam"}
    assert g["loan_interest_rule"] == {"kind": "flat_monthly", "rate_bp": 1000}
    assert g["share_price_minor"] == 200_000 and isinstance(g["social_fund_contribution_minor"], int)
    nxt = g["next_meeting"]
    start = datetime.fromisoformat(f"{nxt['date']}T{nxt['time']}").replace(tzinfo=ZoneInfo(g["timezone"]))
    now = datetime.now(UTC)
    assert now < start <= now + timedelta(days=14)  # fortnightly: the next one is within two weeks
    assert date.fromisoformat(nxt["date"]).weekday() == 5 == nxt["weekday"]
    assert nxt["timezone"] == "Africa/Dar_es_Salaam"
    roster = http.get("/v1/groups/g-tzs-tumaini/members").json()["members"]
    assert g["secretary_member_id"] == next(m["member_id"] for m in roster if m["role"] == "secretary")


def test_roster(http: httpx.Client) -> None:
    members = http.get("/v1/groups/g-kes-umoja/members").json()["members"]
    assert [m["roster_number"] for m in members] == list(range(1, 16))
    assert all("phone" not in m for m in members)
    assert {m["role"] for m in members} == {"chair", "secretary", "treasurer", "member"}
    total = len(members) + len(http.get("/v1/groups/g-tzs-tumaini/members").json()["members"])
    assert total >= 25


def test_unknown_ids_are_404(http: httpx.Client) -> None:
    for path in ("/v1/groups/g-nope", "/v1/groups/g-nope/position", "/v1/groups/g-nope/members",
                 "/v1/groups/g-nope/meetings", "/v1/groups/g-kes-umoja/members/m-9999/position",
                 "/v1/groups/g-tzs-tumaini/members/m-0001/position"):  # m-0001 is in the other group
        r = http.get(path)
        assert r.status_code == 404, path
        assert isinstance(r.json()["detail"], str)


def _expected_member(con: sqlite3.Connection, member_id: str) -> dict[str, int]:
    """Hand computation straight from the rows: no ledger_core code involved."""
    sums: dict[str, int] = defaultdict(int)
    for kind, amount in con.execute("SELECT type, amount_minor FROM lc_transactions WHERE member_id=?", (member_id,)):
        sums[kind] += amount
    outstanding = 0
    for loan_pk, principal, interest in con.execute(
            "SELECT id, principal_minor, interest_minor FROM lc_loans WHERE member_id=?", (member_id,)):
        (repaid,) = con.execute("SELECT COALESCE(SUM(amount_minor),0) FROM lc_transactions WHERE loan_id=? "
                                "AND type='loan_repayment'", (loan_pk,)).fetchone()
        outstanding += principal + interest - repaid
    return {
        "savings_minor": sums["share_purchase"] + sums["savings"] - sums["withdrawal"],
        "fines_due_minor": sums["fine"] - sums["fine_payment"],
        "social_fund_contributions_minor": sums["social_fund"],
        "loan_outstanding_minor": outstanding,
    }


def test_member_positions_match_hand_computation(http: httpx.Client, server: LedgerCoreProcess) -> None:
    statuses = set()
    with _db(server) as con:
        for m in demo_members():
            got = http.get(f"/v1/groups/{m.group_id}/members/{m.member_id}/position").json()
            expected = _expected_member(con, m.member_id)
            assert {k: got[k] for k in expected} == expected, m.member_id
            group = next(g for g in GROUPS if g.group_id == m.group_id)
            shares = got["savings_minor"] // group.share_price_minor if group.methodology == "VSLA" else 0
            assert got["shares"] == shares
            assert got["currency"] == group.currency
            statuses |= {loan["status"] for loan in got["loans"]}
            for loan in got["loans"]:
                assert loan["outstanding_minor"] >= 0 and loan["loan_id"].startswith("l-")
            datetime.fromisoformat(got["as_of"])
    assert statuses == {"current", "overdue", "repaid"}


def test_overdue_loan_figures(http: httpx.Client) -> None:
    # Esther (KES roster 5) borrowed KES 4,000 at 5% for 3 months and paid only the first installment:
    # interest 4,000 x 5% x 3 = 600 -> total 4,600 = 460,000 cents; installments 153,333 / 153,333 / 153,334.
    esther = next(m for m in demo_members() if m.name == "Esther Atieno")
    pos = http.get(f"/v1/groups/g-kes-umoja/members/{esther.member_id}/position").json()
    (loan,) = pos["loans"]
    assert (loan["principal_minor"], loan["interest_minor"], loan["status"]) == (400_000, 60_000, "overdue")
    assert loan["outstanding_minor"] == 460_000 - 153_333
    assert (pos["next_due_date"], pos["next_due_amount_minor"]) == (loan["next_due_date"], 153_333)
    assert date.fromisoformat(loan["next_due_date"]) < date.today()


def test_group_position_matches_hand_computation(http: httpx.Client, server: LedgerCoreProcess) -> None:
    with _db(server) as con:
        s: dict[str, int] = defaultdict(int)
        for kind, amount in con.execute(
                "SELECT type, amount_minor FROM lc_transactions WHERE group_id='g-kes-umoja'"):
            s[kind] += amount
        (loan_total,) = con.execute("SELECT SUM(principal_minor + interest_minor) FROM lc_loans "
                                    "WHERE group_id='g-kes-umoja'").fetchone()
    got = http.get("/v1/groups/g-kes-umoja/position").json()
    assert got["total_savings_minor"] == s["share_purchase"] + s["savings"] - s["withdrawal"]
    assert got["cash_in_box_minor"] == (s["share_purchase"] + s["savings"] + s["social_fund"] + s["fine_payment"]
                                        + s["loan_repayment"] - s["loan_disbursement"] - s["withdrawal"]
                                        - s["social_fund_payout"])
    assert got["loans_outstanding_minor"] == loan_total - s["loan_repayment"]
    assert got["social_fund_balance_minor"] == s["social_fund"] - s["social_fund_payout"]
    assert got["fines_collected_minor"] == s["fine_payment"]
    # As of an earlier date the group had saved less; before the cycle, nothing.
    earlier = http.get("/v1/groups/g-kes-umoja/position", params={"as_of": str(date.today() - timedelta(days=60))})
    assert 0 < earlier.json()["total_savings_minor"] < got["total_savings_minor"]
    before = http.get("/v1/groups/g-kes-umoja/position", params={"as_of": "2000-01-01"}).json()
    assert before["total_savings_minor"] == before["cash_in_box_minor"] == before["loans_outstanding_minor"] == 0
    assert http.get("/v1/groups/g-kes-umoja/position", params={"as_of": "yesterday"}).status_code == 422


def test_meetings_list_and_filter(http: httpx.Client) -> None:
    meetings = http.get("/v1/groups/g-kes-umoja/meetings").json()["meetings"]
    assert len(meetings) >= 16  # 20 weeks of weekly meetings
    dates = [date.fromisoformat(m["date"]) for m in meetings]
    assert dates == sorted(dates) and all(d.weekday() == 3 for d in dates)
    window = http.get("/v1/groups/g-kes-umoja/meetings",
                      params={"from": str(dates[2]), "to": str(dates[4])}).json()["meetings"]
    assert [m["date"] for m in window] == [str(d) for d in dates[2:5]]


def test_upcoming_events_window(http: httpx.Client) -> None:
    now = datetime.now(UTC)
    body = http.get("/v1/events/upcoming", params={"from": now.isoformat(),
                                                   "to": (now + timedelta(days=35)).isoformat()}).json()
    meetings = [e for e in body["events"] if e["kind"] == "meeting"]
    kes = [e for e in meetings if e["group_id"] == "g-kes-umoja"]
    tzs = [e for e in meetings if e["group_id"] == "g-tzs-tumaini"]
    assert len(kes) == 5 and len(tzs) in (2, 3)  # weekly vs fortnightly in 35 days
    info = http.get("/v1/groups/g-kes-umoja").json()
    assert kes[0]["date"] == info["next_meeting"]["date"] and kes[0]["time"] == "14:00"
    repayments = [e for e in body["events"] if e["kind"] == "repayment"]
    assert repayments, "the demo has current loans with installments due within 35 days"
    for e in repayments:
        pos = http.get(f"/v1/groups/{e['group_id']}/members/{e['member_id']}/position").json()
        loan = next(loan for loan in pos["loans"] if loan["loan_id"] == e["loan_id"])
        # an overdue loan's next instalment is still announced (reminders are support, not blame)
        assert loan["status"] in ("current", "overdue"), (e["group_id"], loan["status"])
        assert 0 < e["amount_minor"] <= loan["outstanding_minor"]
    # Nothing in a window long before the cycle; a reversed window is a clear 422.
    old = http.get("/v1/events/upcoming", params={"from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"})
    assert old.json() == {"events": []}
    bad = http.get("/v1/events/upcoming", params={"from": now.isoformat(), "to": "2001-01-01T00:00:00Z"})
    assert bad.status_code == 422


def test_openapi_is_the_contract(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    assert "/v1/groups/{group_id}/meetings/{date}/transactions" in spec["paths"]
    schemas = spec["components"]["schemas"]
    assert {"MemberPosition", "GroupInfo", "Batch", "BatchResult", "Events"} <= set(schemas)
    money = [f for f in schemas["MemberPosition"]["properties"] if f.endswith("_minor")]
    assert all(schemas["MemberPosition"]["properties"][f].get("type") in ("integer", None) for f in money)
