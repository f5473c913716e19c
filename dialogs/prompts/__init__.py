"""Prompt catalogs per language and the one place prompt ids become words (values via speech.verbalise).

Interruptibility (barge-in) is decided here per prompt, not per call site: menus, help and reprompts may be
interrupted so a caller who knows what they want can say it at once; PIN prompts, figures, the as-of notice,
lock explanations, transfers and goodbyes may not, so a cough or a stray key cannot skip private or important
information (the caller can still ask for "repeat" afterwards).
"""

from __future__ import annotations

import string
from types import MappingProxyType

from dialogs.prompts import en, meeting_en, sw
from dialogs.values import Value, render_value

CATALOGS = MappingProxyType({"en": en.PROMPTS, "sw": sw.PROMPTS})
PHRASES = MappingProxyType({"en": en.PHRASES, "sw": sw.PHRASES})
LANGUAGE_WORDS = en.LANGUAGE_WORDS

NOT_INTERRUPTIBLE = frozenset({
    "ledger_down", "pin_ask", "pin_short", "pin_keypad_only", "pin_wrong", "pin_wrong_last", "pin_locked", "pin_none",
    "pin_none_no_name", "figures_as_of", "savings", "savings_only", "loan_none", "loan_balance", "loan_next",
    "loan_overdue", "meeting_next", "meeting_none", "fines_none", "fines_due", "social_fund", "group_totals",
    "figures_need_pin", "transfer", "transfer_officer", "transfer_unavailable", "goodbye", "goodbye_ladder",
    "loan_arrears", "loan_arrears_same", "loan_then_next", "loan_support", "group_totals_more", "figures_locked",
    "figure_unreadable", "pin_locked_help", "pin_none_meanwhile", "transfer_chair", "number_hidden",
    "callback_unknown",
})  # fmt: skip
NOT_INTERRUPTIBLE |= meeting_en.NOT_INTERRUPTIBLE  # meeting read-backs and outcomes


class UnknownPrompt(KeyError):
    """A prompt id (or language) that no catalog has."""


class PromptValuesMismatch(ValueError):
    """The values given do not match the prompt's placeholders (missing or extra names)."""


def value_names(template: str) -> frozenset[str]:
    """The {placeholders} of a template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def template(prompt_id: str, lang: str) -> str:
    try:
        return CATALOGS[lang][prompt_id]
    except KeyError:
        raise UnknownPrompt(f"no prompt {prompt_id!r} in language {lang!r}") from None


def interruptible(prompt_id: str) -> bool:
    return prompt_id not in NOT_INTERRUPTIBLE


def render(prompt_id: str, values: dict[str, Value], lang: str) -> str:
    """The words of a prompt in `lang`, every value rendered by the verbalisers (no digits reach the TTS)."""
    text = template(prompt_id, lang)
    expected = value_names(text)
    if expected != set(values):
        raise PromptValuesMismatch(
            f"prompt {prompt_id!r} takes {sorted(expected)}, got {sorted(values)}"
        )
    return text.format(**{name: render_value(v, lang) for name, v in values.items()})
