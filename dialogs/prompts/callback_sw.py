"""Swahili words of missed-call callbacks (merged into dialogs.prompts.sw)."""

from __future__ import annotations

CALLBACK_PROMPTS: dict[str, str] = {
    "callback_unknown": (
        "Habari, huyu ni MiKashBoks akikupigia tena. Laini hii ni ya wanachama wa vikundi vya akiba "
        "vilivyosajiliwa, na namba hii bado haipo kwenye kikundi. Katibu wa kikundi chako anaweza kuiongeza. Kwaheri!"
    ),
}
