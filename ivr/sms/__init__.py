"""The SMS channel through Kannel: inbound commands (get-url), outbound replies and reminders (sendsms + outbox)."""
