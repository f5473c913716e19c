"""English prompt catalog: every word the bot says in English, keyed by prompt id, values as {placeholders}."""

from __future__ import annotations

from dialogs.prompts import callback_en, meeting_en, reminder_en
from dialogs.prompts.packs import language_menu, language_phrases, language_words

# Multilingual on purpose: each installed language is offered in its own words (pack.yml `menu_line`), so a caller
# who does not understand one language still hears theirs.
LANGUAGE_MENU = language_menu()

PROMPTS: dict[str, str] = {
    "welcome_member": "Hello {name}, welcome to MiKashBoks.",
    "unknown_caller": "Welcome to MiKashBoks. This phone number is not in any savings group yet.",
    "unknown_options": "Your group secretary can add it. To speak to a person, press zero.",
    "unknown_short": "To speak to a person, press zero. To end the call, say goodbye.",
    "unknown_keypad": "Press zero to speak to a person, or star to hear this again.",
    "number_hidden": "Your phone number is hidden, so I cannot find your group from it.",
    "number_ask": "Please type your phone number, then press hash. Or press zero to speak to a person.",
    "ledger_down": "Sorry, your group's records cannot be reached right now. Please call again a little later.",
    "language_menu": LANGUAGE_MENU,
    "language_saved": "English it is. I will remember that for next time.",
    "group_choose": "You belong to {count} groups. Which one would you like?",
    "group_option": "For {name}, press {key}.",
    "group_short": "Which group? Say its name or press its number.",
    "group_keypad": "Please press the number of your group.",
    "group_chosen": "{name}.",
    "pin_ask": "For your privacy, please type your {digits} digit PIN, then press hash.",
    "pin_short": "Please type your PIN on the keypad.",
    "pin_keypad_only": "For your safety, please do not say your PIN. Type it on the keypad.",
    "pin_wrong": "That PIN did not match. No problem, you have {remaining} more tries.",
    "pin_wrong_last": "That PIN did not match. No problem, you have one more try.",
    "pin_locked": "To keep your savings safe, PIN entry is paused for {minutes} minutes.",
    "pin_locked_help": "Please call again after that, or ask your group secretary to help you.",
    "pin_none": "You do not have a phone PIN yet. Your group secretary, {secretary}, can set one up for you.",
    "pin_none_no_name": "You do not have a phone PIN yet. Your group secretary can set one up for you.",
    "pin_none_meanwhile": "Until then your figures stay private, but you can hear about the next meeting.",
    "pin_ok": "Thank you.",
    "menu_item_savings": "For your savings, say savings, or press one.",
    "menu_item_loan": "For your loan, say loan, or press two.",
    "menu_item_meeting": "For the next meeting, say meeting, or press three.",
    "menu_item_more": "For more choices, say more, or press four.",
    "menu_footer": "Press zero for a person, or star to hear this again.",
    "menu_item_fines": "For fines, say fines, or press one.",
    "menu_item_social": "For the social fund, say social fund, or press two.",
    "menu_item_group": "For your group's totals, say group totals, or press three.",
    "menu_item_language": "To change language, say language, or press four.",
    "menu_item_record": "To record a meeting, say record the meeting, or press four.",
    "menu_more_footer": "Press nine to go back, zero for a person, or star to hear this again.",
    "menu_short": "What would you like? For example, say savings or loan.",
    "menu_keypad": "Press one for savings, two for your loan, three for the next meeting, or four for more.",
    "menu_more_short": "What would you like? For example, say fines or social fund.",
    "menu_more_keypad": "Press one for fines, two for the social fund, three for group totals, or nine to go back.",
    "menu_limited": "For the next meeting, say meeting, or press three. For a person, press zero.",
    "menu_limited_keypad": "Press three for the next meeting, or zero to speak to a person.",
    "anything_else": "Press star to hear this again, or say what else you would like.",
    "figures_as_of": "These figures are from {date}.",
    "figure_unreadable": "Sorry, I cannot read that figure out. Press zero to speak to a person who can.",
    "savings": "Your savings are {amount}.",
    "savings_only": "Your savings are {amount}.",
    "loan_none": "You have no loan right now.",
    "loan_balance": "Your loan balance is {amount}.",
    "loan_next": "Your next repayment is {amount}.",
    "loan_overdue": "A repayment of {amount} is past due.",
    "loan_arrears_same": "There are {count} repayments of {amount} each past due.",
    "loan_arrears": "There are {count} repayments past due.",
    "loan_then_next": "After that, the next repayment is {amount}.",
    "loan_support": "If things are difficult, your group is there to support you. Press zero to talk to a person.",
    "meeting_next": "Your next meeting is on {date}, at {time}.",
    "meeting_none": "No meeting is scheduled yet. Your group secretary will let you know.",
    "fines_none": "You have no fines to pay. Thank you for keeping the group's rules.",
    "fines_due": "You have {amount} in fines to settle at a meeting.",
    "social_fund": "You have given {amount} to the social fund.",
    "group_totals": "Together your group has saved {savings}.",
    "group_totals_more": "Members have {loans} out on loan.",
    "figures_need_pin": "Those figures are private. Once your secretary gives you a PIN, you can hear them here.",
    "figures_locked": "Those figures are private, and PIN entry is paused until {time}.",
    "help": "You can ask about your savings, your loan, the next meeting, fines, or your group's totals.",
    "transfer": "I am connecting you to {name}, your group secretary. Please hold.",
    "transfer_chair": "I am connecting you to {name}, your group chair. Please hold.",
    "transfer_officer": "I am connecting you to a field officer. Please hold.",
    "transfer_unavailable": "I am sorry, there is nobody I can connect you to right now.",
    "leave_recording_ask": "Do you want to stop recording the meeting? Every saved entry stays saved.",
    "leave_pin_ask": "Do you want to stop typing your PIN?",
    "leave_yes_no": "Say yes or press one. To go on, say no or press two.",
    "leave_cancelled": "All right, let us go on.",
    "savings_shares": "That is {shares} shares. Well done for saving.",
    "savings_counts": "Every contribution counts.",
    "loan_next_date": "It is due on {date}. You are doing well.",
    "loan_then_date": "It is due on {date}.",
    "loan_overdue_date": "It was due on {date}.",
    "loan_arrears_total": "That is {total} in all.",
    "fines_clear": "Settling them keeps your record clear.",
    "social_thanks": "Thank you for supporting your group.",
    "meeting_place": "The place is {place}.",
    "group_cash": "The cash box holds {cash}.",
    "group_social": "The social fund has {social}.",
    "figures_as_of_why": "That is the last time your group's records could be reached.",
    "figures_locked_later": "Please call again then.",
    "no_match": "Sorry, I did not catch that.",
    "no_input": "I did not hear anything.",
    "goodbye": "Thank you for calling MiKashBoks. Keep saving together. Goodbye!",
    "goodbye_ladder": "It seems this is not a good time. Please call again whenever you like. Goodbye!",
}

# Phrases the recogniser is biased towards at each listening state (ASR grammar).
PHRASES: dict[str, tuple[str, ...]] = {
    "menu": ("savings", "shares", "loan", "next meeting", "meeting", "more", "more choices", "fines", "social fund",
             "group totals", "repeat", "go back", "help", "speak to a person", "change language", "language",
             "goodbye"),
    "language": language_phrases("en"),
    "unknown": ("speak to a person", "goodbye", "help"),
}
PROMPTS.update(reminder_en.REMINDER_PROMPTS)  # outbound reminder calls (dialogs/reminder_call.py)
PHRASES.update(reminder_en.REMINDER_PHRASES)
PROMPTS.update(meeting_en.MEETING_PROMPTS)  # meeting recording (dialogs/handlers/meeting*.py)
PHRASES["menu"] += meeting_en.MENU_PHRASES
PROMPTS.update(callback_en.CALLBACK_PROMPTS)  # missed-call callbacks (dialogs/callback_unknown.py)
# Words that pick a language at the language menu (in any installed language): the packs' names for it.
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = language_words()
