"""Swahili prompt catalog: every word the bot says in Kiswahili, keyed by prompt id, values as {placeholders}."""

from __future__ import annotations

from dialogs.prompts import meeting_sw, reminder_sw
from dialogs.prompts.en import LANGUAGE_MENU, LANGUAGE_WORDS

PROMPTS: dict[str, str] = {
    "welcome_member": "Habari {name}, karibu MiKashBoks.",
    "unknown_caller": (
        "Karibu MiKashBoks. Hatukupata namba hii ya simu katika kikundi chochote cha akiba. Usijali: katibu wa "
        "kikundi chako anaweza kuiongeza. Kuongea na mtu, bonyeza sifuri au sema niongee na mtu. Kumaliza simu, "
        "sema kwaheri."
    ),
    "unknown_short": "Kuongea na mtu, bonyeza sifuri. Kumaliza simu, sema kwaheri.",
    "unknown_keypad": "Bonyeza sifuri kuongea na mtu, au nyota kumaliza simu.",
    "ledger_down": (
        "Samahani, hatuwezi kufikia kumbukumbu za kikundi chako sasa hivi, na bado hatuna nakala iliyohifadhiwa. "
        "Tafadhali piga tena baadaye kidogo."
    ),
    "language_menu": LANGUAGE_MENU,
    "language_saved": "Sawa, tutaongea Kiswahili. Nitakumbuka hivyo wakati ujao.",
    "group_choose": "Idadi ya vikundi vyako ni {count}. Ungependa kikundi kipi?",
    "group_option": "Kwa {name}, bonyeza {key}.",
    "group_short": "Kikundi kipi? Sema jina lake au bonyeza namba yake.",
    "group_keypad": "Tafadhali bonyeza namba ya kikundi chako.",
    "group_chosen": "{name}.",
    "pin_ask": "Kwa usiri wako, tafadhali andika PIN yako ya tarakimu {digits} kwenye vitufe, kisha bonyeza reli.",
    "pin_short": "Tafadhali andika PIN yako kwenye vitufe.",
    "pin_keypad_only": "Kwa usalama wako, tafadhali usitamke PIN yako kwa sauti. Iandike kwenye vitufe badala yake.",
    "pin_wrong": "PIN hiyo haikulingana. Usijali, una nafasi {remaining} zaidi.",
    "pin_wrong_last": "PIN hiyo haikulingana. Usijali, una nafasi moja zaidi.",
    "pin_locked": (
        "Ili kulinda akiba yako, kuandika PIN kumesimamishwa kwa dakika {minutes}. Tafadhali piga tena baada ya "
        "hapo, au muombe katibu wa kikundi chako akusaidie. Asante kwa uvumilivu wako."
    ),
    "pin_none": (
        "Bado huna PIN ya simu. Katibu wa kikundi chako, {secretary}, anaweza kukuwekea. Hadi hapo takwimu zako "
        "zitabaki siri, lakini naweza kukueleza kuhusu mkutano ujao au kukuunganisha na mtu."
    ),
    "pin_none_no_name": (
        "Bado huna PIN ya simu. Katibu wa kikundi chako anaweza kukuwekea. Hadi hapo takwimu zako zitabaki siri, "
        "lakini naweza kukueleza kuhusu mkutano ujao au kukuunganisha na mtu."
    ),
    "pin_ok": "Asante.",
    "menu_main": (
        "Ungependa kujua nini? Unaweza kusema akiba, mkopo, mkutano ujao, faini, mfuko wa jamii, au jumla ya "
        "kikundi. Au bonyeza moja kwa akiba, mbili kwa mkopo, tatu kwa mkutano ujao, nne kwa faini, tano kwa mfuko "
        "wa jamii, sita kwa jumla ya kikundi. Bonyeza tisa kwa msaada, au sifuri kuongea na mtu."
    ),
    "menu_short": "Ungependa kujua nini? Kwa mfano, sema akiba au mkopo.",
    "menu_keypad": (
        "Bonyeza moja kwa akiba, mbili kwa mkopo, tatu kwa mkutano ujao, nne kwa faini, tano kwa mfuko wa jamii, "
        "sita kwa jumla ya kikundi, saba kubadilisha lugha, nane kurudia, tisa kwa msaada, sifuri kuongea na mtu, "
        "au nyota kumaliza simu."
    ),
    "menu_limited": (
        "Unaweza kusema mkutano ujao au kubonyeza tatu, kusema niongee na mtu au kubonyeza sifuri, au kusema "
        "kwaheri."
    ),
    "menu_limited_keypad": "Bonyeza tatu kwa mkutano ujao, sifuri kuongea na mtu, au nyota kumaliza simu.",
    "anything_else": "Ungependa kujua nini kingine? Sema rudia kusikia tena, au msaada kwa machaguo.",
    "figures_as_of": "Takwimu hizi ni za {date}, mara ya mwisho tulipofikia kumbukumbu za kikundi chako.",
    "savings": "Akiba yako ni {amount}. Hiyo ni hisa {shares}. Hongera kwa kuweka akiba.",
    "savings_only": "Akiba yako ni {amount}. Kila mchango una thamani.",
    "loan_none": "Huna mkopo kwa sasa.",
    "loan_balance": "Salio la mkopo wako ni {amount}.",
    "loan_next": "Marejesho yako yajayo ya {amount} ni {date}. Unaendelea vizuri.",
    "loan_overdue": (
        "Marejesho ya {amount} yalitakiwa {date}. Kama mambo ni magumu, kikundi chako kipo kukusaidia: bonyeza "
        "sifuri kuongea na mtu."
    ),
    "meeting_next": "Mkutano wenu ujao ni {date}, {time}, mahali: {place}.",
    "meeting_none": "Bado hakuna mkutano uliopangwa. Katibu wa kikundi atawajulisha.",
    "fines_none": "Huna faini ya kulipa. Asante kwa kufuata kanuni za kikundi.",
    "fines_due": "Una faini ya {amount} ya kulipa katika mkutano. Kuilipa kunaweka rekodi yako safi.",
    "social_fund": "Umechangia {amount} kwenye mfuko wa jamii. Asante kwa kusaidia kikundi chako.",
    "group_totals": (
        "Kwa pamoja kikundi chenu kimeweka akiba ya {savings}. Kuna {cash} kwenye sanduku, {loans} zimekopeshwa kwa "
        "wanachama, na {social} kwenye mfuko wa jamii."
    ),
    "figures_need_pin": "Takwimu hizo ni za siri. Ukishapata PIN kutoka kwa katibu wako, utaweza kuzisikia hapa.",
    "help": (
        "Unaweza kuuliza kuhusu akiba yako, mkopo wako, mkutano ujao, faini, mfuko wa jamii au jumla ya kikundi "
        "chako, kwa kusema au kwa vitufe. Sema badilisha lugha kubadili lugha, rudia kusikia tena, au niongee na mtu "
        "kuongea na mtu."
    ),
    "transfer": "Nakuunganisha na {name}, katibu wa kikundi chako. Tafadhali subiri.",
    "transfer_officer": "Nakuunganisha na afisa wa uwanjani. Tafadhali subiri.",
    "transfer_unavailable": (
        "Samahani, hakuna mtu ninayeweza kukuunganisha naye sasa hivi. Katibu wa kikundi chako anaweza kukusaidia "
        "katika mkutano ujao."
    ),
    "no_match": "Samahani, sikuelewa.",
    "no_input": "Sikusikia chochote.",
    "goodbye": "Asante kwa kupiga MiKashBoks. Endeleeni kuweka akiba pamoja. Kwaheri!",
    "goodbye_ladder": "Inaonekana huu si wakati mzuri. Karibu upige tena wakati wowote. Kwaheri!",
}

PHRASES: dict[str, tuple[str, ...]] = {
    "menu": ("akiba", "hisa", "mkopo", "mkutano ujao", "faini", "mfuko wa jamii", "jumla ya kikundi", "rudia",
             "msaada", "niongee na mtu", "badilisha lugha", "kwaheri"),
    "language": LANGUAGE_WORDS["en"] + LANGUAGE_WORDS["sw"],
    "unknown": ("niongee na mtu", "kwaheri", "msaada"),
}

PROMPTS.update(reminder_sw.REMINDER_PROMPTS)  # outbound reminder calls (dialogs/handlers/reminder.py)
PHRASES.update(reminder_sw.REMINDER_PHRASES)
PROMPTS.update(meeting_sw.MEETING_PROMPTS)  # meeting recording (dialogs/handlers/meeting*.py)
PHRASES["menu"] += meeting_sw.MENU_PHRASES

__all__ = ["LANGUAGE_WORDS", "PHRASES", "PROMPTS"]
