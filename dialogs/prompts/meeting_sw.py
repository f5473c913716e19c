"""Swahili words of meeting recording (merged into dialogs.prompts.sw): every entry read back in full."""

from __future__ import annotations

MEETING_PROMPTS: dict[str, str] = {
    "meeting_officers_only": "Ni mwenyekiti, katibu au mweka hazina wa kikundi tu anayeweza kurekodi mkutano.",
    "meeting_need_pin": "Kurekodi mkutano, tafadhali andika PIN yako kwanza. Piga tena ukiwa nayo.",
    "meeting_consent": "Kipindi hiki kitarekodiwa kwa ajili ya kumbukumbu za kikundi. Unakubali?",
    "meeting_consent_keys": "Sema ndiyo au bonyeza moja. Kuendelea bila kuhifadhi sauti, sema hapana au bonyeza mbili.",
    "meeting_consent_yes": "Asante. Kipindi hiki kinarekodiwa kwa ajili ya kumbukumbu za kikundi.",
    "meeting_consent_no": "Sawa, sauti haitahifadhiwa. Bado unaweza kuingiza miamala.",
    "meeting_roster_down": "Samahani, siwezi kupata orodha ya wanachama sasa, kwa hiyo siwezi kurekodi mkutano.",
    "meeting_resume": (
        "Una rekodi {count} zilizohifadhiwa kutoka mkutano wa {date}. Bonyeza moja kuendelea, mbili kuwasilisha."
    ),
    "meeting_resumed": "Tunaendelea na mkutano wa {date}.",
    "meeting_date": "Tutarekodi mkutano wa {date}. Kama ni sahihi, sema ndiyo au bonyeza moja.",
    "meeting_date_other": "Kwa siku nyingine, sema tarehe yake, kwa mfano jana, au tarehe kumi na mbili Novemba.",
    "meeting_date_which": "Mkutano ulikuwa siku gani? Sema tarehe yake, kwa mfano Jumamosi iliyopita.",
    "meeting_date_future": "Tarehe hiyo bado haijafika. Tafadhali sema tarehe ya mkutano uliokwisha fanyika.",
    "meeting_date_set": "Tunarekodi mkutano wa {date}.",
    "meeting_has_entries": "Mkutano huu tayari una rekodi {count} zilizohifadhiwa. Rekodi mpya zinaongezwa.",
    "meeting_entry_ask": "Sema rekodi inayofuata, kwa mfano: Baraka ameweka akiba elfu mbili.",
    "meeting_entry_keys": "Au andika namba ya mwanachama, nyota, namba ya aina, nyota, kiasi, kisha reli.",
    "meeting_entry_commands": "Sema futa, soma zote, jumla au maliza. Au bonyeza saba, nane, tisa au sita, kisha reli.",
    "meeting_entry_short": "Rekodi inayofuata?",
    "meeting_which": "{n1} au {n2}? Bonyeza moja au mbili.",
    "meeting_which3": "{n1}, {n2} au {n3}? Bonyeza moja, mbili au tatu.",
    "meeting_ask_member": "Mwanachama gani? Sema jina, au andika namba ya mwanachama kisha alama ya reli.",
    "meeting_member_unknown": "Sikumpata mwanachama huyo kwenye orodha ya kikundi.",
    "meeting_ask_type": "Ni rekodi ya aina gani? Sema, au bonyeza namba yake.",
    "meeting_type_keys": (
        "Moja akiba, mbili hisa, tatu mfuko wa jamii, nne marejesho ya mkopo, tano mkopo mpya, sita faini, "
        "saba kutoa akiba."
    ),
    "meeting_ask_amount": "Kiasi ni kiasi gani? Sema, au kiandike kisha alama ya reli.",
    "meeting_amount_unreadable": "Samahani, sikuelewa kiasi.",
    "meeting_tx_savings": "{name} ameweka akiba {amount}.",
    "meeting_tx_share_purchase": "{name} amenunua hisa za {amount}.",
    "meeting_tx_social_fund": "{name} amechangia mfuko wa jamii {amount}.",
    "meeting_tx_loan_repayment": "{name} amerejesha mkopo {amount}.",
    "meeting_tx_loan_disbursement": "{name} amechukua mkopo mpya wa {amount}.",
    "meeting_tx_fine": "{name} amepigwa faini ya {amount}.",
    "meeting_tx_withdrawal": "{name} ametoa akiba {amount}.",
    "meeting_bulk_savings": "Akiba ya {amount} kwa kila mmoja wa wanachama {count}, jumla {total}.",
    "meeting_bulk_share_purchase": "Hisa za {amount} kwa kila mmoja wa wanachama {count}, jumla {total}.",
    "meeting_bulk_social_fund": "Mfuko wa jamii {amount} kwa kila mmoja wa wanachama {count}, jumla {total}.",
    "meeting_bulk_not_allowed": "Akiba, hisa au mfuko wa jamii tu ndizo zinaweza kuingizwa kwa wote kwa pamoja.",
    "meeting_confirm": "Je, ni sahihi? Sema ndiyo au bonyeza moja. Kama si sahihi, sema hapana au bonyeza mbili.",
    "meeting_saved": "Imehifadhiwa. Sasa kuna rekodi {count}.",
    "meeting_redo": "Sawa. Sema kinachobadilika: jina, aina, au kiasi.",
    "meeting_redo_cancelled": "Sawa, rekodi hiyo haijahifadhiwa.",
    "meeting_heard_name": "Nimesikia {name}. Sema ndiyo, au sema jina tena.",
    "meeting_undone": "Nimeondoa rekodi ya mwisho:",
    "meeting_undone_bulk": "Nimeondoa rekodi ya mwisho, {amount} kwa kila mwanachama.",
    "meeting_nothing_to_undo": "Hakuna rekodi ya kuondoa.",
    "meeting_read_none": "Bado hakuna rekodi.",
    "meeting_read_intro": "Kuna rekodi {count}.",
    "meeting_total_intro": "Rekodi {count} kwa jumla.",
    "meeting_total_savings": "Akiba: {amount}.",
    "meeting_total_share_purchase": "Hisa: {amount}.",
    "meeting_total_social_fund": "Mfuko wa jamii: {amount}.",
    "meeting_total_loan_repayment": "Marejesho ya mikopo: {amount}.",
    "meeting_total_loan_disbursement": "Mikopo mipya: {amount}.",
    "meeting_total_fine": "Faini: {amount}.",
    "meeting_total_withdrawal": "Akiba iliyotolewa: {amount}.",
    "meeting_no_entries": "Bado hakuna rekodi mpya za kutuma.",
    "meeting_submit_ask": (
        "Nitume mkutano huu kwenye kumbukumbu za kikundi? Sema ndiyo au bonyeza moja. Kama sivyo, bonyeza "
        "mbili."
    ),
    "meeting_back_to_entries": "Sawa, turudi kwenye rekodi.",
    "meeting_posted": "Tayari. Rekodi {count} sasa ziko kwenye kumbukumbu za kikundi. Asante.",
    "meeting_posted_some": "Rekodi {count} sasa ziko kwenye kumbukumbu za kikundi.",
    "meeting_queued": "Imehifadhiwa. Itatumwa mtandao ukirudi.",
    "meeting_rejected_intro": "Kumbukumbu za kikundi hazikukubali rekodi {count}. Zimehifadhiwa ili uzirekebishe:",
    "meeting_rejected_fix": "Kuzirekebisha, rekodi tena kwa usahihi, kisha sema maliza.",
    "meeting_goodbye_saved": "Kila rekodi uliyothibitisha imehifadhiwa. Piga tena kuendelea. Kwaheri!",
}
# Officers say this at the main menu (the recogniser must be able to hear it there).
MENU_PHRASES: tuple[str, ...] = ("rekodi mkutano",)
