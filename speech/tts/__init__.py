"""Text-to-speech engines behind one protocol (espeak-ng, Piper, Coqui, recorded prompt packs) and the prompt cache."""
