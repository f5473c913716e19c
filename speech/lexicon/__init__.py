"""Pronunciation lexicons per language: words -> phones of the acoustic model, from language data (no code)."""
