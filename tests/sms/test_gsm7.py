"""GSM-7 alphabet and segmenting: 160/153 septets, 70/67 UCS-2 units, escapes and surrogate pairs never split."""

from __future__ import annotations

import pytest

from ivr.sms.gsm7 import BASIC, EXTENSION, TooLong, coding_for, is_gsm7, length, segment


def test_the_basic_table_and_the_extension_table() -> None:
    assert len(BASIC) == 128 and BASIC[0] == "@" and BASIC[0x1B] == "\x1b" and BASIC[0x7F] == "à"
    assert is_gsm7("Akiba yako ni KES 12,500. Hongera!") and is_gsm7("€ [x] {y} ~ ^ | \\")
    assert not is_gsm7("Shíkamoo") and not is_gsm7("ç") and not is_gsm7("😀") and not is_gsm7("`")
    assert length("€[]", "gsm7") == 6 and length("abc", "gsm7") == 3
    assert length("😀a", "ucs2") == 3  # a surrogate pair is two UTF-16 units
    assert set(EXTENSION) <= set("\f^{}\\[~]|€")


@pytest.mark.parametrize(("n", "parts"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3)])
def test_gsm7_boundaries(n: int, parts: int) -> None:
    got = segment("a" * n)
    assert got.coding == "gsm7" and got.dcs == 0 and len(got.parts) == parts
    assert "".join(got.parts) == "a" * n
    assert all(len(p) <= (160 if parts == 1 else 153) for p in got.parts)


@pytest.mark.parametrize(("n", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_boundaries(n: int, parts: int) -> None:
    text = "í" * n
    got = segment(text)
    assert got.coding == "ucs2" and got.dcs == 2 and len(got.parts) == parts and "".join(got.parts) == text


def test_an_escape_pair_is_never_split_across_parts() -> None:
    text = "a" * 152 + "€" + "b" * 10  # the euro would need septets 153 and 154
    got = segment(text)
    assert got.parts[0] == "a" * 152 and got.parts[1].startswith("€")
    assert all(length(p, "gsm7") <= 153 for p in got.parts)


def test_a_surrogate_pair_is_never_split() -> None:
    text = "í" * 66 + "😀" + "x" * 10
    got = segment(text)
    assert got.parts[0] == "í" * 66 and got.parts[1].startswith("😀")
    assert all(length(p, "ucs2") <= 67 for p in got.parts)


def test_words_are_kept_whole_when_a_space_is_near() -> None:
    words = " ".join(["habari"] * 40)
    got = segment(words)
    assert all(not p.startswith("bari") for p in got.parts) and "".join(got.parts) == words
    assert all(p.endswith(" ") for p in got.parts[:-1])


def test_too_long_and_empty_are_clear_errors() -> None:
    with pytest.raises(TooLong, match="more than 2 SMS parts"):
        segment("a" * 400, max_parts=2)
    with pytest.raises(ValueError, match="needs some text"):
        segment("")
    assert coding_for("KES 12,500") == "gsm7"
