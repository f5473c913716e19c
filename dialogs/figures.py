"""Reading a member's figures from the ledger, positively framed, with their age when they come from the cache."""

from __future__ import annotations

from datetime import time
from typing import Any

from dialogs.actions import Say
from dialogs.context import Conversation
from dialogs.values import Count, Date, Money, Name, Time
from ledger_client.cache import Fetched
from ledger_client.types import MemberPosition


def _as_of(c: Conversation, fetched: Fetched[Any]) -> list[Say]:
    """Cached figures say how old they are ("as of Tuesday, the twelfth of November")."""
    return c.says("figures_as_of", date=Date(c.local_date(fetched.as_of))) if fetched.stale else []


async def _position(c: Conversation) -> Fetched[MemberPosition]:
    assert c.membership is not None
    m = c.membership
    return await c.timed_ledger(c.ledger.member_position(m.group_id, m.member_id))


async def savings(c: Conversation) -> list[Say]:
    got = await _position(c)
    p = got.value
    amount = Money(p.savings_minor, p.currency)
    said = c.says("savings", amount=amount, shares=Count(p.shares)) if p.shares else c.says("savings_only",
                                                                                               amount=amount)
    return [*_as_of(c, got), *said]


async def loan(c: Conversation) -> list[Say]:
    """Balance first; then what is past due, truthfully (the count and the total, never only the first one) and
    kindly (support, not blame); then the next repayment to come."""
    got = await _position(c)
    p = got.value
    if p.loan_outstanding_minor <= 0:
        return [*_as_of(c, got), c.say("loan_none")]
    said = [c.say("loan_balance", amount=Money(p.loan_outstanding_minor, p.currency))]
    past = sorted((d.due_date, d.owed_minor) for loan in p.loans for d in loan.past_due)
    if not past and p.next_due_date is not None and p.next_due_date < c.local_date() and p.next_due_amount_minor:
        past = [(p.next_due_date, p.next_due_amount_minor)]  # a ledger that does not list past-due installments
    upcoming = sorted((loan.upcoming_due_date, loan.upcoming_due_amount_minor or 0) for loan in p.loans
                      if loan.upcoming_due_date is not None)
    if not past and not upcoming and p.next_due_date is not None and p.next_due_amount_minor:
        upcoming = [(p.next_due_date, p.next_due_amount_minor)]
    if len(past) == 1:
        said += c.says("loan_overdue", amount=Money(past[0][1], p.currency), date=Date(past[0][0]))
    elif past:
        total = Money(sum(owed for _, owed in past), p.currency)
        amounts = {owed for _, owed in past}
        if len(amounts) == 1:
            said += c.says("loan_arrears_same", count=Count(len(past)), amount=Money(amounts.pop(), p.currency),
                           total=total)
        else:
            said += c.says("loan_arrears", count=Count(len(past)), total=total)
    if upcoming:
        due_on, amount = upcoming[0]
        prompt = "loan_then_next" if past else "loan_next"
        said += c.says(prompt, amount=Money(amount, p.currency), date=Date(due_on))
    if past:
        said.append(c.say("loan_support"))
    return [*_as_of(c, got), *said]


async def fines(c: Conversation) -> list[Say]:
    got = await _position(c)
    p = got.value
    if p.fines_due_minor <= 0:
        return [*_as_of(c, got), c.say("fines_none")]
    return [*_as_of(c, got), *c.says("fines_due", amount=Money(p.fines_due_minor, p.currency))]


async def social(c: Conversation) -> list[Say]:
    got = await _position(c)
    p = got.value
    return [*_as_of(c, got), *c.says("social_fund", amount=Money(p.social_fund_contributions_minor, p.currency))]


async def group_totals(c: Conversation) -> list[Say]:
    assert c.membership is not None
    got = await c.timed_ledger(c.ledger.group_position(c.membership.group_id))
    g = got.value
    return [*_as_of(c, got),
            *c.says("group_totals", savings=Money(g.total_savings_minor, g.currency),
                    cash=Money(g.cash_in_box_minor, g.currency)),
            *c.says("group_totals_more", loans=Money(g.loans_outstanding_minor, g.currency),
                    social=Money(g.social_fund_balance_minor, g.currency))]


def parse_clock(text: str) -> time:
    """The ledger's "HH:MM" meeting time."""
    hours, minutes = text.split(":")[:2]
    return time(int(hours), int(minutes))


async def meeting(c: Conversation) -> list[Say]:
    assert c.membership is not None
    got = await c.timed_ledger(c.ledger.group(c.membership.group_id))
    c.group = got
    nxt = got.value.next_meeting
    if nxt is None:
        return [*_as_of(c, got), c.say("meeting_none")]
    return [*_as_of(c, got), *c.says("meeting_next", date=Date(nxt.date), time=Time(parse_clock(nxt.time)),
                                     place=Name(nxt.place))]
