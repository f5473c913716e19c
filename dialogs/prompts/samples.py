"""Sample values for every placeholder of the catalogs, typed as the dialogs pass them: to render any prompt without
a call (start-up warming of the text around values, prompt-length checks, the intelligibility bench, recording
scripts). Realistic figures from the demo groups, in each language pack's currency, names from its words.yml."""

from __future__ import annotations

import datetime as dt

import languages
from dialogs.prompts import CATALOGS, plan, value_names
from dialogs.values import Count, Date, Money, Name, Time, Value
from speech.tts.plan import RenderPlan

_CURRENCY: dict[str, str] = {}
_NAMES: dict[str, tuple[str, ...]] = {}
_PLACES: dict[str, str] = {}
_GROUPS: dict[str, str] = {}
for _code, _pack in languages.packs().items():  # each pack's samples (words.yml `samples`) and currency
    _s = _pack.data("words.yml").get("samples") or {}
    _CURRENCY[_code] = _pack.currency
    _NAMES[_code] = tuple(str(n) for n in _s.get("names") or ("Grace Akinyi", "Mary Wanjiku", "Mary Akinyi"))
    _PLACES[_code] = str(_s.get("place") or "the community hall")
    _GROUPS[_code] = str(_s.get("group") or "Umoja Women VSLA")
_FIRST = languages.default_code()


class NoSample(KeyError):
    """A placeholder with no sample value: add it here when a prompt gains a new placeholder."""


def sample_value(name: str, lang: str) -> Value:
    """A typical value for the placeholder `name` in `lang` (minor units for money)."""
    cur = _CURRENCY.get(lang, _CURRENCY[_FIRST])
    names = _NAMES.get(lang, _NAMES[_FIRST])
    money = {"amount": 1_250_000, "savings": 48_500_000, "cash": 6_320_000, "loans": 35_000_000,
             "social": 2_150_000, "total": 2_700_000}
    counts = {"count": 3, "digits": 4, "key": 2, "minutes": 15, "remaining": 2, "shares": 25}
    if name in money:
        return Money(money[name], cur)
    if name in counts:
        return Count(counts[name])
    if name == "date":
        return Date(dt.date(2026, 11, 12))
    if name == "time":
        return Time(dt.time(14, 30))
    if name in ("name", "secretary"):
        return Name(names[0] if name == "name" else names[1])
    if name in ("n1", "n2", "n3"):
        return Name(names[int(name[1]) - 1])
    if name == "place":
        return Name(_PLACES.get(lang, _PLACES[_FIRST]))
    if name == "group":
        return Name(_GROUPS.get(lang, _GROUPS[_FIRST]))
    raise NoSample(f"no sample value for placeholder {{{name}}}: add one in dialogs/prompts/samples.py")


def sample_values(prompt_id: str, lang: str) -> dict[str, Value]:
    """Sample values for every placeholder of one prompt."""
    return {name: sample_value(name, lang) for name in value_names(CATALOGS[lang][prompt_id])}


def sample_plans(languages: list[str]) -> list[RenderPlan]:
    """Every prompt of those languages' catalogs as a render plan (sample values where it takes values)."""
    return [plan(pid, sample_values(pid, lang), lang) for lang in languages if lang in CATALOGS
            for pid in CATALOGS[lang]]


def recording_clips(lang: str) -> dict[str, str]:
    """{clip name: what to say} of every prompt clip a `lang` recorded pack needs: "menu_main" for a static
    prompt, "savings.0", "savings.1", ... for the text parts around a prompt's values (the values are stitched
    from number/money/date pieces, which the pack builder adds itself)."""
    out: dict[str, str] = {}
    for p in sample_plans([lang]):
        if p.whole_clip:
            out[p.whole_clip.removeprefix("prompt:")] = p.text.strip()
            continue
        for seg in p.segments:
            if seg.clip:
                out[seg.clip.removeprefix("prompt:")] = seg.text.strip(" ,;:")
    return out
