"""The typed actions a dialog answers with: say a catalog prompt, listen, record, transfer, hang up — nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import languages
from dialogs.expect import Expect
from dialogs.values import Value

# Silence before a Listen counts as no input (the default of IVR_DIALOGS__NO_INPUT_TIMEOUT_S; the one definition).
NO_INPUT_TIMEOUT_S = 6.0


@dataclass(frozen=True)
class Say:
    """Say catalog prompt `prompt_id` in `lang` with typed `values`; `interruptible` = the caller may barge in."""

    prompt_id: str
    values: dict[str, Value] = field(default_factory=dict)
    interruptible: bool = True
    lang: str = field(default_factory=languages.default_code)


@dataclass(frozen=True)
class Listen:
    """Wait for the caller: speech (ASR biased to `phrases`) and/or keypad digits.

    `max_digits` ends keypad entry when reached; `terminator` ends it early; `speech=False` means keypad only (PIN).
    `expects` declares what answers the question accepts (dialogs/expect.py): the dialog understands in that order
    and the call layer builds the recogniser's grammar from it.
    """

    prompt_id: str
    phrases: tuple[str, ...] = ()
    speech: bool = True
    max_digits: int = 1
    terminator: str | None = "#"
    no_input_timeout_s: float = NO_INPUT_TIMEOUT_S
    inter_digit_timeout_s: float = 4.0
    expects: Expect = field(default_factory=Expect)


@dataclass(frozen=True)
class Transfer:
    """Hand the call to a person: the group's secretary or chair (a ledger member id) or a configured field officer."""

    kind: Literal["secretary", "chair", "field_officer"]
    destination: str
    group_id: str | None = None


@dataclass(frozen=True)
class End:
    """Hang up from our side (after the goodbye prompt has been said)."""

    outcome: str = "completed"


@dataclass(frozen=True)
class Record:
    """Keep the call's audio from now on (`on`), or stop and discard what was kept: the caller's recording consent.

    The dialog says it when consent is given or withdrawn; the call layer keeps audio only between these.
    """

    on: bool


Action = Say | Listen | Record | Transfer | End
