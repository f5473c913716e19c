"""Natural-language understanding: the Rasa project and HTTP client, keyword fallback, entity normalisers."""
