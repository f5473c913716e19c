"""Where a language's data lives: the language pack's folder (languages/<code>/, or an extra pack folder)."""

from __future__ import annotations

from pathlib import Path

import languages

# The built-in packs folder (languages/ of the checkout).
LANGUAGES_DIR = languages.BUILTIN_DIR


# One error type for broken language data, whichever package reads it (the registry's own).
LanguageDataError = languages.LanguagePackError
load_yaml = languages.load_yaml


def language_dir(lang: str, root: Path | None = None) -> Path:
    """The data directory of ``lang`` (``languages/<lang>``); raises when the language has none."""
    if not lang or not lang.replace("-", "").isalnum():
        raise LanguageDataError(f"not a language code: {lang!r}")
    if root is None and lang in languages.codes():
        return languages.get(lang).dir
    path = (root or LANGUAGES_DIR) / lang
    if not path.is_dir():
        raise LanguageDataError(f"no language data for {lang!r} in {path.parent} (add languages/{lang}/)")
    return path
