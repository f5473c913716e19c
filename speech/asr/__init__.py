"""Speech recognition engines behind one protocol (Vosk streaming, faster-whisper utterance-level)."""
