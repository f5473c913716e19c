"""Swahili words of the outbound reminder calls (merged into dialogs.prompts.sw): friendly, never shaming."""

from __future__ import annotations

REMINDER_PROMPTS: dict[str, str] = {
    "reminder_greet": "Habari, hapa ni MiKashBoks, simu ya kikundi chako cha akiba, na ujumbe kwa {name}.",
    "reminder_greet_confirm": "Kama wewe ni {name}, tafadhali sema ndiyo au bonyeza moja.",
    "reminder_identity_short": "Je, wewe ni {name}? Sema ndiyo au bonyeza moja. Kama sivyo, bonyeza mbili.",
    "reminder_wrong_person": "Samahani kwa usumbufu. Asante, na kwaheri.",
    "reminder_meeting": "Ukumbusho wa kirafiki: kikundi chenu kinakutana {date}, {time}.",
    "reminder_meeting_place": "Mahali ni {place}.",
    "reminder_repayment": "Huu ni ukumbusho wa kirafiki kwamba marejesho ya mkopo wako yanatakiwa {date}.",
    "reminder_support": "Kama mambo ni magumu, kikundi chako kipo kukusaidia.",
    "reminder_repayment_amount": "Marejesho yako ya {amount} yanatakiwa {date}.",
    "reminder_nudge_repaid": "Hongera, {name}! Umemaliza kulipa mkopo wako wote.",
    "reminder_nudge_proud": "Kikundi chako kinajivunia wewe. Endeleeni kuweka akiba pamoja.",
    "reminder_options_meeting": "Kusikia tena, bonyeza moja au sema rudia.",
    "reminder_options_attend": "Kusema utahudhuria, bonyeza mbili au sema nitahudhuria.",
    "reminder_options_repayment": "Kusikia tena, bonyeza moja au sema rudia.",
    "reminder_options_pay": "Kusema utalipa, bonyeza mbili au sema nitalipa.",
    "reminder_options_amount": "Kusikia kiasi, bonyeza tatu, kisha andika PIN yako.",
    "reminder_options_nudge": "Kusikia tena, bonyeza moja au sema rudia.",
    "reminder_options_stop": "Kusimamisha simu hizi, bonyeza tisa au sema acha.",
    "reminder_options_short": "Bonyeza moja kusikia tena, mbili kuthibitisha, au tisa kusimamisha simu hizi.",
    "reminder_no_pin": "Bado huna PIN ya simu, kwa hiyo siwezi kutaja kiasi.",
    "reminder_pin_failed": "PIN hiyo haikulingana, kwa hiyo sitataja kiasi.",
    "reminder_pin_help": "Katibu wa kikundi chako anaweza kukusaidia na PIN yako.",
    "reminder_thanks_attend": "Asante! Tunatarajia kukuona mkutanoni. Kwaheri!",
    "reminder_thanks_pay": "Asante! Kikundi chako kinathamini juhudi zako. Kwaheri!",
    "reminder_opted_out": "Sawa. Hutapokea simu hizi za ukumbusho tena.",
    "reminder_opt_back": "Ukibadilisha nia, muombe katibu wa kikundi chako aziwashe tena. Kwaheri!",
    "reminder_goodbye": "Asante kwa kusikiliza. Kwaheri!",
}

REMINDER_PHRASES: dict[str, tuple[str, ...]] = {
    "reminder_identity": ("ndiyo", "hapana"),
    "reminder": ("rudia", "nitahudhuria", "nitalipa", "acha", "kiasi", "kwaheri"),
}
