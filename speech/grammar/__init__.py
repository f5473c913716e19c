"""Recogniser grammars built from plain data (GrammarSpec): numbers, digits, dates, names, phrase sets, entries."""
