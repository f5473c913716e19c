"""English SMS texts and command words (data only): short, friendly, figures with digits ("KES 12,500").

Every text stays within one GSM-7 SMS (160 characters) with typical values; longer ones are split by ivr/sms/gsm7.
"""

from __future__ import annotations

# How values are written in an SMS in English: dates as "Thu 3/12", times as "14:00".
SMS_STYLE: dict[str, str] = {"date": "{weekday} {day}/{month}", "time": "digits"}

SMS_TEXTS: dict[str, str] = {
    "sms_savings": "{group}: your savings are {amount} ({shares} shares). Well done for saving.",
    "sms_savings_only": "{group}: your savings are {amount}. Every contribution counts.",
    "sms_loan_none": "{group}: you have no loan right now.",
    "sms_loan": "{group}: loan balance {amount}.",
    "sms_loan_next": "{group}: loan balance {amount}. Next repayment {due} on {date}.",
    "sms_loan_past_due": "{group}: loan balance {amount}; {due} is past due. Your group is there to support you.",
    "sms_meeting": "{group}: next meeting {date} at {time}, {place}.",
    "sms_meeting_none": "{group}: no meeting is scheduled yet.",
    "sms_as_of": "(as of {date})",
    "sms_help": "MiKashBoks: send SAVINGS 1234 or LOAN 1234 (with your PIN), MEETING, STOP or START.",
    "sms_pin_ask": "For your privacy, reply with your PIN within {minutes} minutes, e.g. 1234.",
    "sms_pin_wrong": "That PIN did not match. You have {remaining} more tries.",
    "sms_pin_locked": "To keep your savings safe, PIN entry is paused until {time}.",
    "sms_pin_none": "You have no phone PIN yet. Your group secretary can set one up for you.",
    "sms_pin_expired": "Please send the command again with your PIN, e.g. SAVINGS 1234.",
    "sms_unknown_number": "This number is not in a savings group on MiKashBoks. Your group secretary can add it.",
    "sms_not_understood": "Sorry, I did not understand. Send HELP for the list of commands.",
    "sms_stopped": "You will get no more reminders. Send START to turn them back on.",
    "sms_started": "Reminders are on again. Send STOP to turn them off.",
    "sms_channel_sms": "Reminders will now come by SMS. Send CALL to get them as calls again.",
    "sms_channel_call": "Reminders will now come as phone calls. Send SMS to get them by SMS.",
    "sms_ledger_down": "Your group's records cannot be reached right now. Please try again a little later.",
    "sms_reminder_meeting": (
        "MiKashBoks: {name}, your group meets on {date} at {time}, {place}. Send STOP to end reminders."
    ),
    "sms_reminder_repayment": (
        "MiKashBoks: {name}, a friendly reminder that your loan repayment is due on {date}. "
        "Your group is there to support you."
    ),
    "sms_reminder_nudge": "MiKashBoks: congratulations {name}, your loan is fully repaid! Keep saving together.",
}

# Command words (lower case; a message is matched on its words). Several per command: members text what they say.
SMS_COMMANDS: dict[str, tuple[str, ...]] = {
    "savings": ("savings", "saving", "balance", "bal", "save"),
    "loan": ("loan", "loans"),
    "meeting": ("meeting", "meet", "next"),
    "help": ("help", "menu", "?"),
    "stop": ("stop", "unsubscribe", "end", "quit"),
    "start": ("start", "subscribe"),
    "sms": ("sms", "text"),
    "call": ("call", "calls"),
}
