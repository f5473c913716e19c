"""Transaction-type words in English and Swahili -> one TransactionType; a bare "loan" is ambiguous -> None."""

from __future__ import annotations

import re
from enum import StrEnum

from nlu.normalise.tokens import tokenize


class TransactionType(StrEnum):
    SAVINGS = "savings"
    SHARES = "shares"
    SOCIAL_FUND = "social_fund"
    LOAN_REPAYMENT = "loan_repayment"
    LOAN_DISBURSEMENT = "loan_disbursement"
    FINE = "fine"
    WITHDRAWAL = "withdrawal"


T = TransactionType
# Longest phrases are tried first, so "kulipa mkopo" wins over any shorter word inside it. Whole words only.
PHRASES: dict[str, TransactionType] = {
    # social fund
    "social fund": T.SOCIAL_FUND, "social found": T.SOCIAL_FUND, "social fun": T.SOCIAL_FUND,
    "welfare fund": T.SOCIAL_FUND, "welfare": T.SOCIAL_FUND, "emergency fund": T.SOCIAL_FUND,
    "mfuko wa jamii": T.SOCIAL_FUND, "mfuko wa jami": T.SOCIAL_FUND, "mchango wa jamii": T.SOCIAL_FUND,
    "amechangia mfuko wa jamii": T.SOCIAL_FUND, "to the social fund": T.SOCIAL_FUND,
    "mfuko wa ustawi": T.SOCIAL_FUND, "mfuko wa dharura": T.SOCIAL_FUND, "mfuko wa msaada": T.SOCIAL_FUND,
    # loan repayment
    "loan repayment": T.LOAN_REPAYMENT, "repaid loan": T.LOAN_REPAYMENT, "repaid his loan": T.LOAN_REPAYMENT,
    "repaid her loan": T.LOAN_REPAYMENT, "repaid the loan": T.LOAN_REPAYMENT, "repay loan": T.LOAN_REPAYMENT,
    "paid loan": T.LOAN_REPAYMENT, "paid her loan": T.LOAN_REPAYMENT, "paid his loan": T.LOAN_REPAYMENT,
    "paid the loan": T.LOAN_REPAYMENT, "for her loan": T.LOAN_REPAYMENT, "for his loan": T.LOAN_REPAYMENT,
    "for the loan": T.LOAN_REPAYMENT, "repaid": T.LOAN_REPAYMENT, "repayment": T.LOAN_REPAYMENT,
    "kulipa mkopo": T.LOAN_REPAYMENT, "kulipa loan": T.LOAN_REPAYMENT, "amelipa mkopo": T.LOAN_REPAYMENT,
    "amelipa loan": T.LOAN_REPAYMENT, "malipo ya mkopo": T.LOAN_REPAYMENT, "kwa mkopo": T.LOAN_REPAYMENT,
    "marejesho": T.LOAN_REPAYMENT, "rejesho": T.LOAN_REPAYMENT, "kurejesha mkopo": T.LOAN_REPAYMENT,
    "amerejesha mkopo": T.LOAN_REPAYMENT, "amerejesha": T.LOAN_REPAYMENT, "kurejesha": T.LOAN_REPAYMENT,
    "repayments": T.LOAN_REPAYMENT, "loan repayments": T.LOAN_REPAYMENT, "on the loan": T.LOAN_REPAYMENT,
    # new loan
    "new loan": T.LOAN_DISBURSEMENT, "took a loan": T.LOAN_DISBURSEMENT, "take a loan": T.LOAN_DISBURSEMENT,
    "a loan of": T.LOAN_DISBURSEMENT, "loan disbursement": T.LOAN_DISBURSEMENT, "borrowed": T.LOAN_DISBURSEMENT,
    "give a loan": T.LOAN_DISBURSEMENT, "mkopo mpya": T.LOAN_DISBURSEMENT, "amechukua mkopo": T.LOAN_DISBURSEMENT,
    "kuchukua mkopo": T.LOAN_DISBURSEMENT, "mkopo wa": T.LOAN_DISBURSEMENT, "amekopa": T.LOAN_DISBURSEMENT,
    "kukopa": T.LOAN_DISBURSEMENT, "mpe mkopo": T.LOAN_DISBURSEMENT, "new loans": T.LOAN_DISBURSEMENT,
    "took a new loan": T.LOAN_DISBURSEMENT, "mikopo mipya": T.LOAN_DISBURSEMENT,
    # fines
    "fine": T.FINE, "fined": T.FINE, "fines": T.FINE, "penalty": T.FINE, "faini": T.FINE, "adhabu": T.FINE,
    # shares
    "shares": T.SHARES, "share": T.SHARES, "hisa": T.SHARES, "bought shares": T.SHARES, "amenunua hisa": T.SHARES,
    # savings
    "savings": T.SAVINGS, "saving": T.SAVINGS, "saved": T.SAVINGS, "deposit": T.SAVINGS, "deposited": T.SAVINGS,
    "akiba": T.SAVINGS, "kuweka akiba": T.SAVINGS, "ameweka": T.SAVINGS, "amechanga": T.SAVINGS,
    "savings yake": T.SAVINGS, "ameweka akiba": T.SAVINGS,
    # withdrawal
    "ametoa akiba": T.WITHDRAWAL, "withdrawal": T.WITHDRAWAL,
    "withdrew": T.WITHDRAWAL, "withdraw": T.WITHDRAWAL, "ametoa": T.WITHDRAWAL,
    "kutoa akiba": T.WITHDRAWAL, "kutoa pesa": T.WITHDRAWAL, "from savings": T.WITHDRAWAL,
    "withdrawals": T.WITHDRAWAL, "akiba iliyotolewa": T.WITHDRAWAL,
}  # fmt: skip
_ORDERED = sorted(PHRASES, key=lambda p: (-len(p.split()), -len(p)))


def transaction_type(text: str) -> TransactionType | None:
    """The transaction type named in the utterance; None when none is named or two different ones are."""
    words = " " + " ".join(tokenize(text)) + " "
    found: set[TransactionType] = set()
    for phrase in _ORDERED:
        pat = re.compile(rf" {re.escape(phrase)} ")
        if pat.search(words):
            found.add(PHRASES[phrase])
            words = pat.sub("  ", words)  # a matched phrase cannot also match its sub-words
    if len(found) == 1:
        return found.pop()
    return None
