"""Swahili prompt catalog: every word the bot says in Kiswahili, keyed by prompt id, values as {placeholders}."""

from __future__ import annotations

from dialogs.prompts import callback_sw, meeting_sw, reminder_sw
from dialogs.prompts.en import LANGUAGE_MENU, LANGUAGE_WORDS

PROMPTS: dict[str, str] = {
    "welcome_member": "Habari {name}, karibu MiKashBoks.",
    "unknown_caller": "Karibu MiKashBoks. Namba hii ya simu bado haimo katika kikundi chochote cha akiba.",
    "unknown_options": "Katibu wa kikundi chako anaweza kuiongeza. Kuongea na mtu, bonyeza sifuri.",
    "unknown_short": "Kuongea na mtu, bonyeza sifuri. Kumaliza simu, sema kwaheri.",
    "unknown_keypad": "Bonyeza sifuri kuongea na mtu, au nyota kusikia tena.",
    "number_hidden": "Namba yako ya simu imefichwa, kwa hiyo siwezi kupata kikundi chako.",
    "number_ask": "Tafadhali andika namba yako ya simu, kisha bonyeza reli. Au bonyeza sifuri kuongea na mtu.",
    "ledger_down": "Samahani, kumbukumbu za kikundi chako hazipatikani sasa. Tafadhali piga tena baadaye.",
    "language_menu": LANGUAGE_MENU,
    "language_saved": "Sawa, tutaongea Kiswahili. Nitakumbuka hivyo wakati ujao.",
    "group_choose": "Idadi ya vikundi vyako ni {count}. Ungependa kikundi kipi?",
    "group_option": "Kwa {name}, bonyeza {key}.",
    "group_short": "Kikundi kipi? Sema jina lake au bonyeza namba yake.",
    "group_keypad": "Tafadhali bonyeza namba ya kikundi chako.",
    "group_chosen": "{name}.",
    "pin_ask": "Kwa usiri wako, tafadhali andika PIN yako ya tarakimu {digits}, kisha bonyeza reli.",
    "pin_short": "Tafadhali andika PIN yako kwenye vitufe.",
    "pin_keypad_only": "Kwa usalama wako, usitamke PIN yako. Iandike kwenye vitufe.",
    "pin_wrong": "PIN hiyo haikulingana. Usijali, una nafasi {remaining} zaidi.",
    "pin_wrong_last": "PIN hiyo haikulingana. Usijali, una nafasi moja zaidi.",
    "pin_locked": "Ili kulinda akiba yako, kuandika PIN kumesimamishwa kwa dakika {minutes}.",
    "pin_locked_help": "Tafadhali piga tena baada ya hapo, au muombe katibu akusaidie.",
    "pin_none": "Bado huna PIN ya simu. Katibu wa kikundi chako, {secretary}, anaweza kukuwekea.",
    "pin_none_no_name": "Bado huna PIN ya simu. Katibu wa kikundi chako anaweza kukuwekea.",
    "pin_none_meanwhile": "Hadi hapo takwimu zako ni siri, lakini unaweza kusikia kuhusu mkutano ujao.",
    "pin_ok": "Asante.",
    "menu_item_savings": "Kwa akiba yako, sema akiba, au bonyeza moja.",
    "menu_item_loan": "Kwa mkopo wako, sema mkopo, au bonyeza mbili.",
    "menu_item_meeting": "Kwa mkutano ujao, sema mkutano, au bonyeza tatu.",
    "menu_item_more": "Kwa machaguo zaidi, sema zaidi, au bonyeza nne.",
    "menu_footer": "Bonyeza sifuri kwa mtu, au nyota kusikia tena.",
    "menu_item_fines": "Kwa faini, sema faini, au bonyeza moja.",
    "menu_item_social": "Kwa mfuko wa jamii, sema mfuko wa jamii, au bonyeza mbili.",
    "menu_item_group": "Kwa jumla ya kikundi, sema jumla ya kikundi, au bonyeza tatu.",
    "menu_item_language": "Kubadilisha lugha, sema lugha, au bonyeza nne.",
    "menu_item_record": "Kurekodi mkutano, sema rekodi mkutano, au bonyeza nne.",
    "menu_more_footer": "Bonyeza tisa kurudi, sifuri kwa mtu, au nyota kusikia tena.",
    "menu_short": "Ungependa nini? Kwa mfano, sema akiba au mkopo.",
    "menu_keypad": "Bonyeza moja kwa akiba, mbili kwa mkopo, tatu kwa mkutano ujao, au nne kwa zaidi.",
    "menu_more_short": "Ungependa nini? Kwa mfano, sema faini au mfuko wa jamii.",
    "menu_more_keypad": "Bonyeza moja kwa faini, mbili kwa mfuko wa jamii, tatu kwa jumla, au tisa kurudi.",
    "menu_limited": "Kwa mkutano ujao, sema mkutano, au bonyeza tatu. Kwa mtu, bonyeza sifuri.",
    "menu_limited_keypad": "Bonyeza tatu kwa mkutano ujao, au sifuri kuongea na mtu.",
    "anything_else": "Bonyeza nyota kusikia tena, au sema unachotaka kingine.",
    "figures_as_of": "Takwimu hizi ni za {date}, mara ya mwisho kumbukumbu za kikundi zilipopatikana.",
    "figure_unreadable": "Samahani, siwezi kusoma kiasi hicho. Bonyeza sifuri kuongea na mtu.",
    "savings": "Akiba yako ni {amount}. Hiyo ni hisa {shares}. Hongera kwa kuweka akiba.",
    "savings_only": "Akiba yako ni {amount}. Kila mchango una thamani.",
    "loan_none": "Huna mkopo kwa sasa.",
    "loan_balance": "Salio la mkopo wako ni {amount}.",
    "loan_next": "Marejesho yako yajayo ya {amount} ni {date}. Unaendelea vizuri.",
    "loan_overdue": "Marejesho ya {amount} yalitakiwa {date}.",
    "loan_arrears_same": "Marejesho {count} ya {amount} kila moja yamepita muda: jumla {total}.",
    "loan_arrears": "Marejesho {count} yamepita muda: jumla {total}.",
    "loan_then_next": "Baada ya hapo, marejesho yajayo ya {amount} ni {date}.",
    "loan_support": "Kama mambo ni magumu, kikundi chako kipo kukusaidia. Bonyeza sifuri kuongea na mtu.",
    "meeting_next": "Mkutano wenu ujao ni {date}, {time}, mahali: {place}.",
    "meeting_none": "Bado hakuna mkutano uliopangwa. Katibu wa kikundi atawajulisha.",
    "fines_none": "Huna faini ya kulipa. Asante kwa kufuata kanuni za kikundi.",
    "fines_due": "Una faini ya {amount} ya kulipa katika mkutano. Kuilipa kunaweka rekodi yako safi.",
    "social_fund": "Umechangia {amount} kwenye mfuko wa jamii. Asante kwa kusaidia kikundi chako.",
    "group_totals": "Kwa pamoja kikundi chenu kimeweka akiba ya {savings}. Sanduku lina {cash}.",
    "group_totals_more": "Wanachama wamekopa {loans}, na mfuko wa jamii una {social}.",
    "figures_need_pin": "Takwimu hizo ni za siri. Ukipata PIN kutoka kwa katibu, utazisikia hapa.",
    "figures_locked": "Takwimu hizo ni za siri, na kuandika PIN kumesimamishwa hadi {time}. Piga tena wakati huo.",
    "help": "Unaweza kuuliza kuhusu akiba yako, mkopo wako, mkutano ujao, faini, au jumla ya kikundi.",
    "transfer": "Nakuunganisha na {name}, katibu wa kikundi chako. Tafadhali subiri.",
    "transfer_chair": "Nakuunganisha na {name}, mwenyekiti wa kikundi chako. Tafadhali subiri.",
    "transfer_officer": "Nakuunganisha na afisa wa uwanjani. Tafadhali subiri.",
    "transfer_unavailable": "Samahani, hakuna mtu ninayeweza kukuunganisha naye sasa hivi.",
    "leave_recording_ask": "Unataka kuacha kurekodi mkutano? Kila rekodi iliyohifadhiwa itabaki.",
    "leave_pin_ask": "Unataka kuacha kuandika PIN yako?",
    "leave_yes_no": "Sema ndiyo au bonyeza moja. Kuendelea, sema hapana au bonyeza mbili.",
    "leave_cancelled": "Sawa, tuendelee.",
    "no_match": "Samahani, sikuelewa.",
    "no_input": "Sikusikia chochote.",
    "goodbye": "Asante kwa kupiga MiKashBoks. Endeleeni kuweka akiba pamoja. Kwaheri!",
    "goodbye_ladder": "Inaonekana huu si wakati mzuri. Karibu upige tena wakati wowote. Kwaheri!",
}

PHRASES: dict[str, tuple[str, ...]] = {
    "menu": ("akiba", "hisa", "mkopo", "mkutano ujao", "mkutano", "zaidi", "faini", "mfuko wa jamii",
             "jumla ya kikundi", "rudia", "rudi nyuma", "msaada", "niongee na mtu", "badilisha lugha", "lugha",
             "kwaheri"),
    "language": LANGUAGE_WORDS["en"] + LANGUAGE_WORDS["sw"],
    "unknown": ("niongee na mtu", "kwaheri", "msaada"),
}

PROMPTS.update(reminder_sw.REMINDER_PROMPTS)  # outbound reminder calls (dialogs/reminder_call.py)
PHRASES.update(reminder_sw.REMINDER_PHRASES)
PROMPTS.update(meeting_sw.MEETING_PROMPTS)  # meeting recording (dialogs/handlers/meeting*.py)
PHRASES["menu"] += meeting_sw.MENU_PHRASES
PROMPTS.update(callback_sw.CALLBACK_PROMPTS)  # missed-call callbacks (dialogs/callback_unknown.py)

__all__ = ["LANGUAGE_WORDS", "PHRASES", "PROMPTS"]
