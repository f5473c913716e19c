"""Swahili SMS texts and command words (data only): short, friendly, figures with digits ("TZS 12,500")."""

from __future__ import annotations

# Dates as "Alhamisi 3/12"; times in words on the Swahili clock ("saa nane mchana"), as people read them.
SMS_STYLE: dict[str, str] = {"date": "{weekday} {day}/{month}", "time": "words"}

SMS_TEXTS: dict[str, str] = {
    "sms_savings": "{group}: akiba yako ni {amount} (hisa {shares}). Hongera kwa kuweka akiba.",
    "sms_savings_only": "{group}: akiba yako ni {amount}. Kila mchango una thamani.",
    "sms_loan_none": "{group}: huna mkopo kwa sasa.",
    "sms_loan": "{group}: salio la mkopo ni {amount}.",
    "sms_loan_next": "{group}: salio la mkopo ni {amount}. Rejesho lijalo {due} tarehe {date}.",
    "sms_loan_past_due": "{group}: salio la mkopo ni {amount}; {due} limepita muda. Kikundi chako kiko kukusaidia.",
    "sms_meeting": "{group}: mkutano ujao {date} {time}, {place}.",
    "sms_meeting_none": "{group}: hakuna mkutano uliopangwa bado.",
    "sms_as_of": "(hadi {date})",
    "sms_help": "MiKashBoks: tuma AKIBA 1234 au MKOPO 1234 (na PIN yako), MKUTANO, ACHA au ANZA.",
    "sms_pin_ask": "Kwa usalama wako, jibu kwa PIN yako ndani ya dakika {minutes}, mfano 1234.",
    "sms_pin_wrong": "PIN hiyo si sahihi. Umebaki na majaribio {remaining}.",
    "sms_pin_locked": "Ili kulinda akiba yako, kuingiza PIN kumesitishwa hadi {time}.",
    "sms_pin_none": "Bado huna PIN ya simu. Katibu wa kikundi chako anaweza kukuwekea.",
    "sms_pin_expired": "Tafadhali tuma ombi tena pamoja na PIN yako, mfano AKIBA 1234.",
    "sms_unknown_number": (
        "Namba hii haipo kwenye kikundi cha akiba cha MiKashBoks. Katibu wa kikundi anaweza kuiongeza."
    ),
    "sms_not_understood": "Samahani, sijaelewa. Tuma MSAADA kupata orodha ya maagizo.",
    "sms_stopped": "Hutapokea vikumbusho tena. Tuma ANZA kuviwasha tena.",
    "sms_started": "Vikumbusho vimewashwa tena. Tuma ACHA kuvizima.",
    "sms_channel_sms": "Vikumbusho sasa vitakuja kwa SMS. Tuma SIMU kuvipata kwa simu tena.",
    "sms_channel_call": "Vikumbusho sasa vitakuja kwa simu. Tuma SMS kuvipata kwa ujumbe.",
    "sms_ledger_down": "Kumbukumbu za kikundi chako hazipatikani sasa hivi. Tafadhali jaribu tena baadaye kidogo.",
    "sms_reminder_meeting": "MiKashBoks: {name}, kikundi chako kinakutana {date} {time}, {place}. Tuma ACHA kusitisha.",
    "sms_reminder_repayment": (
        "MiKashBoks: {name}, kikumbusho cha kirafiki: rejesho la mkopo wako ni tarehe {date}. "
        "Kikundi chako kiko kukusaidia."
    ),
    "sms_reminder_nudge": "MiKashBoks: hongera {name}, umemaliza kulipa mkopo wako! Endeleeni kuweka akiba pamoja.",
}

SMS_COMMANDS: dict[str, tuple[str, ...]] = {
    "savings": ("akiba", "salio", "hisa"),
    "loan": ("mkopo", "deni"),
    "meeting": ("mkutano", "kikao"),
    "help": ("msaada", "usaidizi"),
    "stop": ("acha", "sitisha", "simama"),
    "start": ("anza", "endelea"),
    "sms": ("sms", "ujumbe"),
    "call": ("simu", "piga"),
}
