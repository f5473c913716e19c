"""Entity normalisers: pure functions from ASR text to typed values (money, names, transaction types, dates)."""
