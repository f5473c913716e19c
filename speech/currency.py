"""Currencies the product serves: ISO code -> minor-unit exponent. Money is always integer minor units."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Currency:
    code: str
    # ISO 4217 exponent: 100 minor units per shilling for KES/TZS, none for UGX.
    exponent: int

    @property
    def factor(self) -> int:
        return 10**self.exponent


CURRENCIES: dict[str, Currency] = {
    "KES": Currency("KES", 2),
    "TZS": Currency("TZS", 2),
    "UGX": Currency("UGX", 0),
    "INR": Currency("INR", 2),
}


def currency(code: str) -> Currency:
    try:
        return CURRENCIES[code.upper()]
    except KeyError as exc:
        raise ValueError(f"unsupported currency {code!r}; known: {', '.join(CURRENCIES)}") from exc


def to_minor(major: int, code: str) -> int:
    """Whole currency units (e.g. 500 shillings) to integer minor units."""
    return major * currency(code).factor
