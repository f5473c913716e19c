"""Swahili words of missed-call callbacks (merged into dialogs.prompts.sw)."""

from __future__ import annotations

CALLBACK_PROMPTS: dict[str, str] = {
    "callback_unknown": "Habari, huyu ni MiKashBoks akikupigia tena.",
    "callback_unknown_line": "Laini hii ni ya wanachama wa vikundi vya akiba, na namba hii bado haipo kwenye kikundi.",
    "callback_unknown_add": "Katibu wa kikundi chako anaweza kuiongeza. Kwaheri!",
}
