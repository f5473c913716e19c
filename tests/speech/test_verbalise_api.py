"""The verbaliser public API: language codes, typed errors, vocabulary coverage for prompt packs, no ambiguity."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from speech.verbalise import (
    LANGUAGES,
    UnsupportedLanguage,
    date_words,
    money_words,
    number_words,
    pieces,
    time_words,
    vocabulary,
    weekday_words,
)


@pytest.mark.parametrize("code", ["sw", "SW", "sw-KE", "sw_TZ", " sw "])
def test_language_codes_with_region(code: str) -> None:
    assert number_words(12500, code) == "elfu kumi na mbili na mia tano"


@pytest.mark.parametrize("code", ["lg", "fr", "", "swahili"])
def test_unsupported_language_is_a_clear_error(code: str) -> None:
    with pytest.raises(UnsupportedLanguage, match="supported: en, sw"):
        number_words(1, code)
    with pytest.raises(ValueError):  # UnsupportedLanguage is a ValueError
        vocabulary(code)


def test_floats_and_bools_are_refused() -> None:
    with pytest.raises(TypeError, match="must be an int"):
        number_words(1.5, "en")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="amount_minor must be an int"):
        money_words(12.5, "KES", "en")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        number_words(True, "en")


def test_out_of_range_and_negative_money() -> None:
    with pytest.raises(ValueError, match="out of range"):
        number_words(10**12, "sw")
    with pytest.raises(ValueError, match=">= 0 minor units"):
        money_words(-100, "KES", "sw")


def test_unknown_currency() -> None:
    with pytest.raises(ValueError, match="unsupported currency 'USD'"):
        money_words(100, "USD", "en")
    assert money_words(100, "kes", "en") == "one shilling"


def test_bad_dates_times_and_weekdays() -> None:
    with pytest.raises(TypeError):
        date_words("2026-11-12", "sw")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        time_words("09:00", "sw")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="0 \\(Monday\\)"):
        weekday_words(7, "en")
    assert weekday_words(dt.datetime(2026, 11, 26, 9, 0), "sw") == "Alhamisi"


def test_pieces_split_words_hyphens_and_commas() -> None:
    assert pieces("milioni mbili, laki tatu") == ["milioni", "mbili", "laki", "tatu"]
    assert pieces("seventy-five thousand") == ["seventy", "five", "thousand"]


def _sample_outputs(lang: str) -> list[str]:
    rng = random.Random(4)
    numbers = list(range(0, 1200)) + [rng.randrange(10**12) for _ in range(3000)] + [-7]
    out = [number_words(n, lang) for n in numbers]
    for code in ("KES", "TZS", "UGX", "INR"):
        for amount in [0, 1, 99, 100, 101, *(rng.randrange(10**9) for _ in range(200))]:
            out += [money_words(amount, code, lang), money_words(amount, code, lang, with_country=True)]
    day = dt.date(2026, 1, 1)
    for i in range(366):
        out.append(date_words(day + dt.timedelta(days=i), lang, year=True))
    for minute in range(24 * 60):
        out.append(time_words(dt.time(minute // 60, minute % 60), lang))
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_vocabulary_covers_every_piece_emitted(lang: str) -> None:
    vocab = vocabulary(lang)
    assert len(vocab) == len(set(vocab))
    emitted = {p for text in _sample_outputs(lang) for p in pieces(text)}
    assert emitted - set(vocab) == set()
    # and the vocabulary holds nothing that is never said
    assert set(vocab) - emitted == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_numbers_read_unambiguously(lang: str) -> None:
    # Distinct numbers must give distinct words (Swahili marks "elfu kumi, na mbili" vs "elfu kumi na mbili").
    rng = random.Random(7)
    numbers = set(range(0, 300_000)) | {rng.randrange(10**12) for _ in range(50_000)}
    numbers |= {m * 10**6 + r for m in (10, 20, 100, 300, 310) for r in range(0, 1000)}
    words = {number_words(n, lang) for n in numbers}
    assert len(words) == len(numbers)


def test_every_minute_of_the_day_has_a_swahili_clock_reading() -> None:
    seen = {time_words(dt.time(m // 60, m % 60), "sw") for m in range(24 * 60)}
    assert len(seen) == 24 * 60


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_the_largest_sayable_number_and_a_typed_error_beyond_it(lang: str) -> None:
    """A value the bot cannot say raises CannotVerbalise (a ValueError) naming the limit, so the dialog can say
    "I cannot read that figure" instead of ending the call; MAX_NUMBER itself is said."""
    from speech.verbalise import MAX_NUMBER, CannotVerbalise

    assert number_words(MAX_NUMBER, lang)
    assert money_words(MAX_NUMBER, "KES", lang)
    for too_big in (MAX_NUMBER + 1, 2**63 - 1):
        with pytest.raises(CannotVerbalise, match=f"{MAX_NUMBER:,}") as err:
            number_words(too_big, lang)
        assert isinstance(err.value, ValueError) and err.value.value == too_big
        with pytest.raises(CannotVerbalise):
            money_words(too_big, "TZS", lang)
    with pytest.raises(CannotVerbalise):
        number_words(-MAX_NUMBER - 1, lang)


def test_the_ledgers_largest_entry_is_sayable() -> None:
    """An entry at the core ledger's limit can always be read back (ledger_core.schemas.MAX_AMOUNT_MINOR)."""
    from ledger_core.schemas import MAX_AMOUNT_MINOR
    from speech.verbalise import MAX_NUMBER

    assert MAX_AMOUNT_MINOR <= MAX_NUMBER
    assert money_words(MAX_AMOUNT_MINOR, "KES", "sw")
