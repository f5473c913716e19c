"""Background work on meetings recorded by phone (transcription of the session recordings)."""
