"""English words of meeting recording (merged into dialogs.prompts.en): every entry read back in full."""

from __future__ import annotations

MEETING_PROMPTS: dict[str, str] = {
    "meeting_officers_only": "Only the group's chair, secretary or treasurer can record a meeting.",
    "meeting_need_pin": "To record a meeting, please type your PIN first. Call again when you have it.",
    "meeting_consent": "This session will be recorded for the group's records. Do you agree?",
    "meeting_consent_keys": "Say yes or press one. To go on without keeping the audio, say no or press two.",
    "meeting_consent_yes": "Thank you. This session is being recorded for the group's records.",
    "meeting_consent_no": "All right, no audio will be kept. You can still enter the transactions.",
    "meeting_roster_down": "Sorry, I cannot get your group's member list right now, so I cannot record a meeting.",
    "meeting_resume": "You have {count} entries saved from the meeting of {date}. Press one to go on, two to send.",
    "meeting_resumed": "Continuing the meeting of {date}.",
    "meeting_date": "We will record the meeting of {date}. If that is right, say yes or press one.",
    "meeting_date_other": "For another day, say its date, for example yesterday, or the twelfth of November.",
    "meeting_date_which": "Which day was the meeting? Say its date, for example last Saturday.",
    "meeting_date_future": "That date is still to come. Please say the date of a meeting that has taken place.",
    "meeting_date_set": "Recording the meeting of {date}.",
    "meeting_has_entries": "This meeting already has {count} entries saved. New entries are added to them.",
    "meeting_entry_ask": "Say the next entry, for example: Mary paid two hundred savings.",
    "meeting_entry_keys": "Or type the member number, star, the type code, star, the amount, then hash.",
    "meeting_entry_commands": (
        "Say undo, read everything, total or finish. Or press seven, eight, nine or six, then hash."
    ),
    "meeting_entry_short": "Next entry?",
    "meeting_which": "{n1} or {n2}? Press one or two.",
    "meeting_which3": "{n1}, {n2} or {n3}? Press one, two or three.",
    "meeting_ask_member": "Which member? Say the name, or type the member number and press hash.",
    "meeting_member_unknown": "I could not find that member on the group's list.",
    "meeting_ask_type": "What kind of entry is it? Say it, or press its number.",
    "meeting_type_keys": (
        "One savings, two shares, three social fund, four loan repayment, five new loan, six fine, seven "
        "withdrawal."
    ),
    "meeting_ask_amount": "What is the amount? Say it, or type it and press hash.",
    "meeting_amount_unreadable": "Sorry, I could not understand the amount.",
    "meeting_tx_savings": "{name} paid {amount} savings.",
    "meeting_tx_share_purchase": "{name} bought shares for {amount}.",
    "meeting_tx_social_fund": "{name} paid {amount} to the social fund.",
    "meeting_tx_loan_repayment": "{name} repaid {amount} on the loan.",
    "meeting_tx_loan_disbursement": "{name} took a new loan of {amount}.",
    "meeting_tx_fine": "{name} was fined {amount}.",
    "meeting_tx_withdrawal": "{name} withdrew {amount} from savings.",
    "meeting_bulk_savings": "Savings of {amount} for each of the {count} members, {total} in all.",
    "meeting_bulk_share_purchase": "Shares of {amount} for each of the {count} members, {total} in all.",
    "meeting_bulk_social_fund": "Social fund of {amount} for each of the {count} members, {total} in all.",
    "meeting_bulk_not_allowed": "Only savings, shares or social fund can be entered for everyone at once.",
    "meeting_confirm": "Is that right? Say yes or press one. If not, say no or press two.",
    "meeting_saved": "Saved. Entries so far: {count}.",
    "meeting_redo": "All right. Say what should change: the name, the kind, or the amount.",
    "meeting_redo_cancelled": "All right, that entry is not saved.",
    "meeting_heard_name": "I heard {name}. Say yes, or say the name again.",
    "meeting_undone": "I removed the last entry:",
    "meeting_undone_bulk": "I removed the last entry, {amount} for every member.",
    "meeting_nothing_to_undo": "There is nothing to undo.",
    "meeting_read_none": "There are no entries yet.",
    "meeting_read_intro": "Entries so far: {count}.",
    "meeting_total_intro": "Entries in all: {count}.",
    "meeting_total_savings": "Savings: {amount}.",
    "meeting_total_share_purchase": "Shares: {amount}.",
    "meeting_total_social_fund": "Social fund: {amount}.",
    "meeting_total_loan_repayment": "Loan repayments: {amount}.",
    "meeting_total_loan_disbursement": "New loans: {amount}.",
    "meeting_total_fine": "Fines: {amount}.",
    "meeting_total_withdrawal": "Withdrawals: {amount}.",
    "meeting_no_entries": "There are no new entries to send yet.",
    "meeting_submit_ask": "Shall I send this meeting to the group's records? Say yes or press one. If not, press two.",
    "meeting_back_to_entries": "All right, back to the entries.",
    "meeting_posted": "Done. The group's records now have this meeting's entries: {count}. Thank you.",
    "meeting_posted_some": "Entries now in the group's records: {count}.",
    "meeting_queued": "Saved. It will be sent when the network is back.",
    "meeting_rejected_intro": "Entries the group's records did not accept: {count}. They are kept so you can fix them:",
    "meeting_rejected_fix": "To fix them, record those entries again correctly, then say finish.",
    "meeting_goodbye_saved": "Every entry you confirmed is saved. Call again to continue. Goodbye!",
}
# Officers say this at the main menu (the recogniser must be able to hear it there).
MENU_PHRASES: tuple[str, ...] = ("record the meeting",)
# Said whole (no barge-in): a cough must not skip the read-back the caller is about to say yes to, nor the outcome.
NOT_INTERRUPTIBLE = frozenset(
    [p for p in MEETING_PROMPTS if p.startswith(("meeting_tx_", "meeting_bulk_", "meeting_total_"))]
    + ["meeting_consent", "meeting_saved", "meeting_undone", "meeting_undone_bulk", "meeting_posted",
       "meeting_posted_some", "meeting_queued", "meeting_rejected_intro", "meeting_goodbye_saved"]
) - {"meeting_bulk_not_allowed"}
