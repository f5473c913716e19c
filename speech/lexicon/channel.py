"""Channel variants of pronunciations: what a wide-band acoustic model hears on a telephone line (telephone.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from speech.lexicon.packs import LanguageDataError, load_yaml

TELEPHONE = Path(__file__).with_name("telephone.yml")


@lru_cache(maxsize=4)
def replacements(path: Path = TELEPHONE) -> dict[str, str]:
    data = load_yaml(path).get("replace") or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise LanguageDataError(f"{path}: `replace` must map phones to phones")
    return {k.strip(): v.strip() for k, v in data.items()}


def with_channel_variants(prons: tuple[str, ...], table: dict[str, str]) -> tuple[str, ...]:
    """Each pronunciation, followed by its variant with the table's phones replaced (when that differs)."""
    out: list[str] = []
    for p in prons:
        out.append(p)
        q = " ".join(x for x in (table.get(ph, ph) for ph in p.split()) if x)
        if q and q != p:
            out.append(q)
    return tuple(dict.fromkeys(out))
