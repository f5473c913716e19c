"""The SMS conversation: command words per language (catalog data), PIN rules for SMS, replies as catalog text ids."""
