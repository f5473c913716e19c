"""The prompt catalogs: complete in both languages, same value names, every prompt renders without digits."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from dialogs.prompts import (
    CATALOGS,
    NOT_INTERRUPTIBLE,
    PromptValuesMismatch,
    UnknownPrompt,
    interruptible,
    render,
    value_names,
)
from dialogs.values import Count, Date, Money, Name, Time, Value

SAMPLE: dict[str, Value] = {"amount": Money(1250000, "KES"), "shares": Count(42), "date": Date(date(2026, 11, 12)),
          "time": Time(time(14, 0)), "place": Name("the church hall"), "name": Name("Amina"), "count": Count(2),
          "key": Count(1), "digits": Count(4), "remaining": Count(2), "minutes": Count(15),
          "secretary": Name("Mary"), "savings": Money(76000000, "KES"), "cash": Money(507000, "KES"),
          "loans": Money(1, "KES"), "social": Money(0, "KES"),
          # meeting recording: bulk total and the names of a disambiguation question
          "total": Money(80000, "KES"), "n1": Name("Mary Akinyi"), "n2": Name("Mary Wanjiku"),
          "n3": Name("Mary Atieno")}


def test_both_languages_have_the_same_prompt_ids() -> None:
    assert set(CATALOGS["en"]) == set(CATALOGS["sw"])
    assert len(CATALOGS["en"]) > 40


@pytest.mark.parametrize("prompt_id", sorted(CATALOGS["en"]))
def test_same_value_names_and_no_digits(prompt_id: str) -> None:
    names = value_names(CATALOGS["en"][prompt_id])
    assert names == value_names(CATALOGS["sw"][prompt_id])
    for lang in ("en", "sw"):
        text = render(prompt_id, {n: SAMPLE[n] for n in names}, lang)
        assert not re.search(r"\d", text), f"{lang}/{prompt_id} would hand digits to the TTS: {text}"
        assert "{" not in text


def test_values_are_rendered_by_the_verbalisers() -> None:
    en = render("loan_next", {"amount": Money(175000, "KES")}, "en")
    assert en == "Your next repayment is one thousand seven hundred and fifty shillings."
    assert render("loan_next_date", {"date": Date(date(2026, 12, 3))}, "en") == (
        "It is due on Thursday, the third of December. You are doing well.")
    sw = render("meeting_next", {"date": Date(date(2026, 11, 28)), "time": Time(time(10, 0))}, "sw")
    assert "saa nne asubuhi" in sw and "Jumamosi" in sw  # Swahili clock: 10:00 is the fourth hour


def test_wrong_values_and_unknown_prompts_are_clear_errors() -> None:
    with pytest.raises(PromptValuesMismatch, match="amount"):
        render("savings_shares", {"amount": Money(1, "KES")}, "en")
    with pytest.raises(UnknownPrompt, match="nope"):
        render("nope", {}, "en")
    with pytest.raises(UnknownPrompt):
        render("savings", {}, "lg")


def test_interruptibility_is_decided_per_prompt() -> None:
    assert interruptible("menu_item_savings") and interruptible("help") and interruptible("menu_keypad")
    for pid in ("pin_ask", "savings", "loan_next", "figures_as_of", "pin_locked", "goodbye"):
        assert not interruptible(pid)
    assert set(CATALOGS["en"]) >= NOT_INTERRUPTIBLE
