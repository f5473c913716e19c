"""Where a language's data lives (languages/<code>/): one small resolver, to be replaced by a language-pack registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The repository's languages/ directory (an editable install runs from the checkout).
LANGUAGES_DIR = Path(__file__).resolve().parents[2] / "languages"


class LanguageDataError(ValueError):
    """A language data file is missing or malformed; the message names the file and what is wrong."""


def language_dir(lang: str, root: Path | None = None) -> Path:
    """The data directory of ``lang`` (``languages/<lang>``); raises when the language has none."""
    if not lang or not lang.replace("-", "").isalnum():
        raise LanguageDataError(f"not a language code: {lang!r}")
    path = (root or LANGUAGES_DIR) / lang
    if not path.is_dir():
        raise LanguageDataError(f"no language data for {lang!r} in {path.parent} (add languages/{lang}/)")
    return path


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping from a language data file, or a clear error naming the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LanguageDataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise LanguageDataError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LanguageDataError(f"{path} must hold a mapping at the top level")
    return data
