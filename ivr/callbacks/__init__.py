"""Missed-call callback: a member rings and hangs up (free), the IVR calls back into the normal member dialog."""
