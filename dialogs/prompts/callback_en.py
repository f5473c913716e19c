"""English words of missed-call callbacks (merged into dialogs.prompts.en)."""

from __future__ import annotations

CALLBACK_PROMPTS: dict[str, str] = {
    "callback_unknown": "Hello, this is MiKashBoks calling you back.",
    "callback_unknown_line": "This line is for members of savings groups, and this number is not in one yet.",
    "callback_unknown_add": "Your group secretary can add it for you. Goodbye!",
}
