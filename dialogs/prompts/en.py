"""English prompt catalog: every word the bot says in English, keyed by prompt id, values as {placeholders}."""

from __future__ import annotations

from dialogs.prompts import meeting_en, reminder_en

# Bilingual on purpose: a caller who does not understand one language still hears the other.
LANGUAGE_MENU = "For English press one. Kwa Kiswahili bonyeza mbili."

PROMPTS: dict[str, str] = {
    "welcome_member": "Hello {name}, welcome to MiKashBoks.",
    "unknown_caller": (
        "Welcome to MiKashBoks. We could not find this phone number in any savings group. That is all right: "
        "your group secretary can add it for you. To speak to a person, press zero or say speak to a person. "
        "To end the call, say goodbye."
    ),
    "unknown_short": "To speak to a person, press zero. To end the call, say goodbye.",
    "unknown_keypad": "Press zero to speak to a person, or star to end the call.",
    "ledger_down": (
        "Sorry, we cannot reach your group's records right now, and we have no saved copy yet. "
        "Please call again a little later."
    ),
    "language_menu": LANGUAGE_MENU,
    "language_saved": "English it is. I will remember that for next time.",
    "group_choose": "You belong to {count} groups. Which one would you like?",
    "group_option": "For {name}, press {key}.",
    "group_short": "Which group? Say its name or press its number.",
    "group_keypad": "Please press the number of your group.",
    "group_chosen": "{name}.",
    "pin_ask": "For your privacy, please type your {digits} digit PIN on the keypad, then press hash.",
    "pin_short": "Please type your PIN on the keypad.",
    "pin_keypad_only": "For your safety, please do not say your PIN out loud. Type it on the keypad instead.",
    "pin_wrong": "That PIN did not match. No problem, you have {remaining} more tries.",
    "pin_wrong_last": "That PIN did not match. No problem, you have one more try.",
    "pin_locked": (
        "To keep your savings safe, PIN entry is paused for {minutes} minutes. Please call again after that, "
        "or ask your group secretary to help you. Thank you for your patience."
    ),
    "pin_none": (
        "You do not have a phone PIN yet. Your group secretary, {secretary}, can set one up for you. "
        "Until then your figures stay private, but I can tell you about the next meeting or connect you to a person."
    ),
    "pin_none_no_name": (
        "You do not have a phone PIN yet. Your group secretary can set one up for you. "
        "Until then your figures stay private, but I can tell you about the next meeting or connect you to a person."
    ),
    "pin_ok": "Thank you.",
    "menu_main": (
        "What would you like to know? You can say savings, loan, next meeting, fines, social fund, or group totals. "
        "Or press one for savings, two for your loan, three for the next meeting, four for fines, "
        "five for the social fund, six for group totals. Press nine for help, or zero to speak to a person."
    ),
    "menu_short": "What would you like to know? For example, say savings or loan.",
    "menu_keypad": (
        "Press one for savings, two for your loan, three for the next meeting, four for fines, five for the social "
        "fund, six for group totals, seven to change language, eight to repeat, nine for help, zero to speak to a "
        "person, or star to end the call."
    ),
    "menu_limited": "You can say next meeting or press three, say speak to a person or press zero, or say goodbye.",
    "menu_limited_keypad": "Press three for the next meeting, zero to speak to a person, or star to end the call.",
    "anything_else": "What else would you like to know? Say repeat to hear that again, or help for the choices.",
    "figures_as_of": "These figures are as of {date}, the last time we could reach your group's records.",
    "savings": "Your savings are {amount}. That is {shares} shares. Well done for saving.",
    "savings_only": "Your savings are {amount}. Every contribution counts.",
    "loan_none": "You have no loan right now.",
    "loan_balance": "Your loan balance is {amount}.",
    "loan_next": "Your next repayment of {amount} is on {date}. You are doing well.",
    "loan_overdue": (
        "A repayment of {amount} was due on {date}. If things are difficult, your group is there to support you: "
        "press zero to speak to a person."
    ),
    "meeting_next": "Your next meeting is on {date} at {time}, at {place}.",
    "meeting_none": "No meeting is scheduled yet. Your group secretary will let you know.",
    "fines_none": "You have no fines to pay. Thank you for keeping the group's rules.",
    "fines_due": "You have {amount} in fines to settle at a meeting. Settling them keeps your record clear.",
    "social_fund": "You have contributed {amount} to the social fund. Thank you for supporting your group.",
    "group_totals": (
        "Together your group has saved {savings}. There is {cash} in the cash box, {loans} out on loan to members, "
        "and {social} in the social fund."
    ),
    "figures_need_pin": "Those figures are private. Once your secretary has given you a PIN, you can hear them here.",
    "help": (
        "You can ask about your savings, your loan, the next meeting, fines, the social fund or your group's totals, "
        "by saying it or with the keypad. Say change language to switch language, repeat to hear something again, "
        "or speak to a person."
    ),
    "transfer": "I am connecting you to {name}, your group secretary. Please hold.",
    "transfer_officer": "I am connecting you to a field officer. Please hold.",
    "transfer_unavailable": (
        "I am sorry, there is nobody I can connect you to right now. Your group secretary can help you at the next "
        "meeting."
    ),
    "no_match": "Sorry, I did not catch that.",
    "no_input": "I did not hear anything.",
    "goodbye": "Thank you for calling MiKashBoks. Keep saving together. Goodbye!",
    "goodbye_ladder": "It seems this is not a good time. Please call again whenever you like. Goodbye!",
}

# Phrases the recogniser is biased towards at each listening state (ASR grammar).
PHRASES: dict[str, tuple[str, ...]] = {
    "menu": ("savings", "shares", "loan", "next meeting", "fines", "social fund", "group totals", "repeat", "help",
             "speak to a person", "change language", "goodbye"),
    "language": ("english", "swahili", "kiswahili"),
    "unknown": ("speak to a person", "goodbye", "help"),
}
PROMPTS.update(reminder_en.REMINDER_PROMPTS)  # outbound reminder calls (dialogs/handlers/reminder.py)
PHRASES.update(reminder_en.REMINDER_PHRASES)
PROMPTS.update(meeting_en.MEETING_PROMPTS)  # meeting recording (dialogs/handlers/meeting*.py)
PHRASES["menu"] += meeting_en.MENU_PHRASES
# Words that pick a language at the language menu (in either language).
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {"en": ("english", "kiingereza"), "sw": ("swahili", "kiswahili")}
