"""English words of the outbound reminder calls (merged into dialogs.prompts.en): friendly, never shaming."""

from __future__ import annotations

REMINDER_PROMPTS: dict[str, str] = {
    "reminder_greet": "Hello, this is MiKashBoks, your savings group's phone line, with a message for {name}.",
    "reminder_greet_confirm": "If you are {name}, please say yes or press one.",
    "reminder_identity_short": "Are you {name}? Say yes or press one. If not, press two.",
    "reminder_wrong_person": "Sorry to have disturbed you. Thank you, and goodbye.",
    "reminder_meeting": "A friendly reminder: your group meets on {date}, at {time}.",
    "reminder_meeting_place": "The place is {place}.",
    "reminder_repayment": "This is a friendly reminder that your loan repayment is due on {date}.",
    "reminder_support": "If things are difficult, your group is there to support you.",
    "reminder_repayment_amount": "Your repayment of {amount} is due on {date}.",
    "reminder_nudge_repaid": "Congratulations, {name}! You have fully repaid your loan.",
    "reminder_nudge_proud": "Your group is proud of you. Keep saving together.",
    "reminder_options_meeting": "To hear this again, press one or say repeat.",
    "reminder_options_attend": "To say you will attend, press two or say I will attend.",
    "reminder_options_repayment": "To hear this again, press one or say repeat.",
    "reminder_options_pay": "To say you will pay, press two or say I will pay.",
    "reminder_options_amount": "To hear the amount, press three, then type your PIN.",
    "reminder_options_nudge": "To hear this again, press one or say repeat.",
    "reminder_options_stop": "To stop these calls, press nine or say stop.",
    "reminder_options_short": "Press one to hear this again, two to confirm, or nine to stop these calls.",
    "reminder_no_pin": "You do not have a phone PIN yet, so I cannot say the amount.",
    "reminder_pin_failed": "That PIN did not match, so I will not say the amount.",
    "reminder_pin_help": "Your group secretary can help you with your PIN.",
    "reminder_thanks_attend": "Thank you! We look forward to seeing you at the meeting. Goodbye!",
    "reminder_thanks_pay": "Thank you! Your group appreciates your commitment. Goodbye!",
    "reminder_opted_out": "All right. You will not receive these reminder calls any more.",
    "reminder_opt_back": "If you change your mind, ask your group secretary to turn them back on. Goodbye!",
    "reminder_goodbye": "Thank you for listening. Goodbye!",
}

REMINDER_PHRASES: dict[str, tuple[str, ...]] = {
    "reminder_identity": ("yes", "no"),
    "reminder": ("repeat", "i will attend", "i will pay", "stop", "amount", "goodbye"),
}
