"""Settings section for the member dialogs (PIN policy, reprompt ladder, timeouts, transfer); in Settings.dialogs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

import languages
from dialogs.actions import NO_INPUT_TIMEOUT_S


class DialogSettings(BaseModel):
    """Turn-taking numbers and policies of the self-service dialogs; each default says why."""

    # Language for callers we cannot look up (unknown numbers) and for the first words before a choice is made:
    # an installed language pack's code (`ivr languages list`); default the first pack in menu order.
    default_language: str = Field(default_factory=languages.default_code)
    # Keypad digits in a PIN (models.pins accepts 4 to 8); the prompt tells the caller how many.
    pin_length: int = Field(default=4, ge=4, le=8)
    # Wrong PINs in a row before PIN entry is paused: 3 keeps a 4-digit guesser at 3 in 10,000 per lock period.
    pin_max_attempts: int = Field(default=3, ge=1, le=10)
    # How long PIN entry stays paused after the last wrong try (explained to the caller in minutes).
    pin_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Reprompts after no input / no match before a polite goodbye: 1st a shorter prompt, 2nd the keypad menu.
    reprompts: int = Field(default=2, ge=0, le=5)
    # Silence before a Listen counts as no input: long enough for a first-time caller to think about the menu.
    no_input_timeout_s: float = Field(default=NO_INPUT_TIMEOUT_S, gt=0)
    # Gap between keypad digits that ends entry (a caller reading a PIN off a card types slowly).
    inter_digit_timeout_s: float = Field(default=4.0, gt=0)
    # Silence allowed before the first PIN digit: callers may need to find their note.
    pin_timeout_s: float = Field(default=10.0, gt=0)
    # "speak to a person" goes to the group's secretary (a ledger member) or to a field officer.
    transfer_to: Literal["secretary", "field_officer"] = "secretary"
    # Dial target of the field officer (e.g. "PJSIP/officer1"); empty = none configured. Unknown callers go here.
    field_officer: str = ""

    @field_validator("default_language")
    @classmethod
    def _installed(cls, code: str) -> str:
        try:
            return languages.get(code).code
        except languages.LanguagePackError as exc:
            raise ValueError(str(exc)) from None
