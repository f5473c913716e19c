"""Pure position arithmetic for members, loans and groups, so every money rule lives in one tested place.

All amounts are integer minor units (cents for KES/TZS, shillings for UGX); there are no floats anywhere.

Transaction effects (each amount is > 0):
  share_purchase, savings  -> member savings += amount; cash in box += amount
  withdrawal               -> member savings -= amount; cash in box -= amount
  social_fund              -> member social-fund contributions += amount; group social fund += amount; cash += amount
  social_fund_payout       -> group social fund -= amount; cash -= amount (help paid out to a member in need)
  fine                     -> member fines due += amount (a charge; no cash moves yet)
  fine_payment             -> member fines due -= amount; fines collected += amount; cash += amount
  loan_disbursement        -> a new loan; cash -= amount
  loan_repayment           -> that loan's repaid += amount; cash += amount

Rules:
  shares (VSLA only)      = savings // share_price  (0 for every other methodology or a zero share price)
  loan interest (flat)    = principal * rate_bp * term_months / 10_000, rounded half up to a whole minor unit
  loan schedule           = term_months monthly installments of (principal + interest) // term_months, the remainder
                            added to the LAST installment; installment k is due k calendar months after
                            disbursement (day clamped to the month's end, e.g. 31 Jan + 1 month = 28/29 Feb)
  loan outstanding        = principal + interest - repayments (never below 0)
  next due                = the first installment not fully covered by repayments (applied oldest first);
                            its amount is what is still owed on that installment
  loan status             = repaid if outstanding == 0; overdue if the next due date is before today; else current
  past due                = every installment due before today and not fully covered: (due date, still owed)
  upcoming                = the first installment due today or later and not fully covered
  fines due               = fines - fine payments
  group total savings     = sum of member savings
  group loans outstanding = sum of loan outstanding
  social fund balance     = social fund contributions - social fund payouts
  cash in box             = savings + share purchases + social fund + fine payments + repayments
                            - disbursements - withdrawals - social fund payouts
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

SAVINGS_IN = frozenset({"share_purchase", "savings"})
TYPES = (
    "share_purchase",
    "savings",
    "social_fund",
    "social_fund_payout",
    "loan_disbursement",
    "loan_repayment",
    "fine",
    "fine_payment",
    "withdrawal",
)


def div_round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half up (both operands non-negative): 5/10 -> 1, 4/10 -> 0."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("div_round_half_up needs numerator >= 0 and denominator > 0")
    return (2 * numerator + denominator) // (2 * denominator)


def flat_interest(principal_minor: int, rate_bp: int, term_months: int) -> int:
    """Flat monthly interest on the original principal for the whole term, rounded half up."""
    return div_round_half_up(principal_minor * rate_bp * term_months, 10_000)


def add_months(start: date, months: int) -> date:
    """The same day `months` calendar months later, clamped to the last day of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def installment_amounts(total_minor: int, count: int) -> list[int]:
    """Equal installments, the remainder on the last, so they always sum to `total_minor`."""
    if count <= 0:
        raise ValueError("a loan needs at least one installment")
    base = total_minor // count
    return [base] * (count - 1) + [total_minor - base * (count - 1)]


def loan_schedule(principal_minor: int, interest_minor: int, disbursed_on: date, term_months: int) -> list[
    tuple[date, int]
]:
    """(due date, amount) for each monthly installment."""
    amounts = installment_amounts(principal_minor + interest_minor, term_months)
    return [(add_months(disbursed_on, k + 1), amount) for k, amount in enumerate(amounts)]


def shares_of(savings_minor: int, share_price_minor: int, methodology: str) -> int:
    if methodology != "VSLA" or share_price_minor <= 0 or savings_minor <= 0:
        return 0
    return savings_minor // share_price_minor


@dataclass(frozen=True)
class LoanState:
    outstanding_minor: int
    next_due_date: date | None
    next_due_amount_minor: int | None
    status: str  # current | overdue | repaid
    past_due: tuple[tuple[date, int], ...] = ()  # (due date, still owed), oldest first
    upcoming_date: date | None = None
    upcoming_amount_minor: int | None = None


def loan_state(
    principal_minor: int, interest_minor: int, installments: Sequence[tuple[date, int]], repaid_minor: int, today: date
) -> LoanState:
    outstanding = max(principal_minor + interest_minor - repaid_minor, 0)
    if outstanding == 0:
        return LoanState(0, None, None, "repaid")
    covered = repaid_minor
    unpaid: list[tuple[date, int]] = []
    for due, amount in installments:
        if covered >= amount:
            covered -= amount
            continue
        unpaid.append((due, amount - covered))
        covered = 0
    if not unpaid:
        # Repaid less than the total but every installment covered cannot happen (they sum to the total).
        raise AssertionError("installments do not sum to principal + interest")
    first_due, first_owed = unpaid[0]
    past = tuple(u for u in unpaid if u[0] < today)
    upcoming = next((u for u in unpaid if u[0] >= today), None)
    return LoanState(outstanding, first_due, first_owed, "overdue" if first_due < today else "current", past,
                     upcoming[0] if upcoming else None, upcoming[1] if upcoming else None)


@dataclass
class MemberTotals:
    savings_minor: int = 0
    social_fund_minor: int = 0
    fines_charged_minor: int = 0
    fines_paid_minor: int = 0

    @property
    def fines_due_minor(self) -> int:
        return self.fines_charged_minor - self.fines_paid_minor

    def apply(self, kind: str, amount_minor: int) -> None:
        if kind in SAVINGS_IN:
            self.savings_minor += amount_minor
        elif kind == "withdrawal":
            self.savings_minor -= amount_minor
        elif kind == "social_fund":
            self.social_fund_minor += amount_minor
        elif kind == "fine":
            self.fines_charged_minor += amount_minor
        elif kind == "fine_payment":
            self.fines_paid_minor += amount_minor


def member_totals(entries: Iterable[tuple[str, int]]) -> MemberTotals:
    totals = MemberTotals()
    for kind, amount in entries:
        totals.apply(kind, amount)
    return totals


@dataclass
class GroupTotals:
    savings_in_minor: int = 0
    social_fund_in_minor: int = 0
    social_fund_out_minor: int = 0
    fines_collected_minor: int = 0
    disbursed_minor: int = 0
    repaid_minor: int = 0
    withdrawn_minor: int = 0
    by_type: dict[str, int] = field(default_factory=dict)

    @property
    def savings_minor(self) -> int:
        return self.savings_in_minor - self.withdrawn_minor

    @property
    def social_fund_balance_minor(self) -> int:
        return self.social_fund_in_minor - self.social_fund_out_minor

    @property
    def cash_in_box_minor(self) -> int:
        return (
            self.savings_in_minor
            + self.social_fund_in_minor
            + self.fines_collected_minor
            + self.repaid_minor
            - self.disbursed_minor
            - self.withdrawn_minor
            - self.social_fund_out_minor
        )

    def apply(self, kind: str, amount_minor: int) -> None:
        self.by_type[kind] = self.by_type.get(kind, 0) + amount_minor
        if kind in SAVINGS_IN:
            self.savings_in_minor += amount_minor
        elif kind == "withdrawal":
            self.withdrawn_minor += amount_minor
        elif kind == "social_fund":
            self.social_fund_in_minor += amount_minor
        elif kind == "social_fund_payout":
            self.social_fund_out_minor += amount_minor
        elif kind == "fine_payment":
            self.fines_collected_minor += amount_minor
        elif kind == "loan_disbursement":
            self.disbursed_minor += amount_minor
        elif kind == "loan_repayment":
            self.repaid_minor += amount_minor


def group_totals(entries: Iterable[tuple[str, int]]) -> GroupTotals:
    totals = GroupTotals()
    for kind, amount in entries:
        totals.apply(kind, amount)
    return totals
