"""The live call pipeline: registry of issued call UUIDs and one CallSession per call (audio in, actions out)."""
