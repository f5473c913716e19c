"""Prompt catalogs per language (each pack's languages/<code>/prompts.yml) and the one place prompt ids become words
(values via speech.verbalise).

Interruptibility (barge-in) is decided here per prompt, not per call site: menus, help and reprompts may be
interrupted so a caller who knows what they want can say it at once; PIN prompts, figures, the as-of notice,
lock explanations, transfers and goodbyes may not, so a cough or a stray key cannot skip private or important
information (the caller can still ask for "repeat" afterwards).
"""

from __future__ import annotations

import string
from types import MappingProxyType

import languages
from dialogs.prompts.packs import language_words, pack_catalogs, pack_phrases
from dialogs.values import Value, value_segment
from speech.tts.plan import RenderPlan, Segment

# Every language's catalog comes from its pack's prompts.yml (languages/<code>/prompts.yml): code -> {id: template}.
CATALOGS = MappingProxyType(pack_catalogs(languages.packs().values()))
PHRASES = MappingProxyType(pack_phrases(languages.packs().values()))
# Words that pick a language at the language menu (in any installed language): the packs' names for it.
LANGUAGE_WORDS = language_words()

NOT_INTERRUPTIBLE = frozenset({
    "ledger_down", "pin_ask", "pin_short", "pin_keypad_only", "pin_wrong", "pin_wrong_last", "pin_locked", "pin_none",
    "pin_none_no_name", "figures_as_of", "savings", "savings_only", "loan_none", "loan_balance", "loan_next",
    "loan_overdue", "meeting_next", "meeting_none", "fines_none", "fines_due", "social_fund", "group_totals",
    "figures_need_pin", "transfer", "transfer_officer", "transfer_unavailable", "goodbye", "goodbye_ladder",
    "loan_arrears", "loan_arrears_same", "loan_then_next", "loan_support", "group_totals_more", "figures_locked",
    "figure_unreadable", "pin_locked_help", "pin_none_meanwhile", "transfer_chair", "number_hidden",
    "savings_shares", "savings_counts", "loan_next_date", "loan_then_date", "loan_overdue_date", "loan_arrears_total",
    "fines_clear", "social_thanks", "meeting_place", "group_cash", "group_social", "figures_as_of_why",
    "figures_locked_later",
    "callback_unknown", "callback_unknown_line", "callback_unknown_add",
})  # fmt: skip
# Meeting read-backs and outcomes, said whole: a cough must not skip the read-back the caller is about to say yes to,
# nor the outcome. Every transaction, bulk-entry and total read-back id of any catalog, and the outcomes.
_READ_BACKS = ("meeting_tx_", "meeting_bulk_", "meeting_total_")
NOT_INTERRUPTIBLE |= frozenset(
    [pid for catalog in CATALOGS.values() for pid in catalog if pid.startswith(_READ_BACKS)]
    + ["meeting_consent", "meeting_saved", "meeting_undone", "meeting_undone_bulk", "meeting_posted",
       "meeting_posted_some", "meeting_queued", "meeting_rejected_intro", "meeting_goodbye_saved"]
) - {"meeting_bulk_not_allowed"}


# Prompts said as several short sentences: the first carries the caller's figure, the next ones the rest (each
# sentence is short enough to take in at one hearing, and the figure comes first). `Conversation.says` and the
# reminder dialog say a prompt with its follow-ups, each given the values it names.
FOLLOW: MappingProxyType[str, tuple[str, ...]] = MappingProxyType({
    "savings": ("savings_shares",), "savings_only": ("savings_counts",), "loan_next": ("loan_next_date",),
    "loan_then_next": ("loan_then_date",), "loan_overdue": ("loan_overdue_date",),
    "loan_arrears_same": ("loan_arrears_total",), "loan_arrears": ("loan_arrears_total",),
    "fines_due": ("fines_clear",), "social_fund": ("social_thanks",), "meeting_next": ("meeting_place",),
    "group_totals": ("group_cash",), "group_totals_more": ("group_social",), "figures_as_of": ("figures_as_of_why",),
    "figures_locked": ("figures_locked_later",), "meeting_resume": ("meeting_resume_keys",),
    "meeting_type_keys": ("meeting_type_keys_more",), "meeting_submit_ask": ("meeting_submit_keys",),
    "meeting_confirm": ("meeting_confirm_no",), "meeting_bulk_savings": ("meeting_bulk_total",),
    "meeting_bulk_share_purchase": ("meeting_bulk_total",), "meeting_bulk_social_fund": ("meeting_bulk_total",),
    "reminder_greet": ("reminder_greet_confirm",), "reminder_meeting": ("reminder_meeting_place",),
    "reminder_repayment": ("reminder_support",),
    "reminder_nudge_repaid": ("reminder_nudge_proud",),
    "reminder_options_meeting": ("reminder_options_attend", "reminder_options_stop"),
    "reminder_options_repayment": ("reminder_options_pay", "reminder_options_amount", "reminder_options_stop"),
    "reminder_options_nudge": ("reminder_options_stop",), "reminder_opted_out": ("reminder_opt_back",),
    "callback_unknown": ("callback_unknown_line", "callback_unknown_add"),
    "reminder_no_pin": ("reminder_pin_help",), "reminder_pin_failed": ("reminder_pin_help",),
})  # fmt: skip


def sentences(prompt_id: str, values: dict[str, Value], lang: str) -> list[tuple[str, dict[str, Value]]]:
    """A prompt and its follow-ups (FOLLOW), each with the values its own placeholders name."""
    out = []
    for pid in (prompt_id, *FOLLOW.get(prompt_id, ())):
        names = value_names(template(pid, lang))
        out.append((pid, {k: v for k, v in values.items() if k in names}))
    return out


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


def plan(prompt_id: str, values: dict[str, Value], lang: str) -> RenderPlan:
    """A prompt as text parts and typed value parts (see speech.tts.plan): what the Speaker renders and a recorded
    pack stitches. Text parts of a prompt with values are clips "prompt:<id>.<n>" (n counts the parts that have
    words); a prompt without values is one clip "prompt:<id>"."""
    text = template(prompt_id, lang)
    expected = value_names(text)
    if expected != set(values):
        raise PromptValuesMismatch(
            f"prompt {prompt_id!r} takes {sorted(expected)}, got {sorted(values)}"
        )
    segments: list[Segment] = []
    part = 0
    for literal, name, _spec, _conv in string.Formatter().parse(text):
        if literal:
            clip = None
            if expected and any(ch.isalnum() for ch in literal):
                clip = f"prompt:{prompt_id}.{part}"
                part += 1
            segments.append(Segment(literal, clip=clip))
        if name:
            segments.append(value_segment(values[name], lang))
    return RenderPlan(lang, tuple(segments), prompt_id)


def render(prompt_id: str, values: dict[str, Value], lang: str) -> str:
    """The words of a prompt in `lang`, every value rendered by the verbalisers (no digits reach the TTS)."""
    return plan(prompt_id, values, lang).text
