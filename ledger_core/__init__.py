"""Reference implementation of the MiKashBoks core ledger API (talked to over HTTP only, never imported by the IVR)."""
