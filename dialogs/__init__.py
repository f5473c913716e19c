"""Conversation logic as small state handlers; prompt catalogs per language."""
