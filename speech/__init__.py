"""Speech: audio conversion, VAD/endpointing, ASR and TTS engines, prompt cache, number/money/date verbalisers."""
