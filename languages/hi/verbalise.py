"""Hindi numbers (Indian numbering: lakh, crore), rupees and paise, dates and times as words, in Devanagari.

Loaded by speech.verbalise from the Hindi pack (no TTS engine is trusted with digits). Choices, one form each:

* Cardinals 0-99 are whole words (Hindi's are irregular: 23 "तेईस", 99 "निन्यानबे"), 0 "शून्य".
  Above them the Indian scales, largest first, with no joiner: सौ (100), हज़ार (1,000), लाख (1,00,000),
  करोड़ (1,00,00,000). 100 "एक सौ", 1,000 "एक हज़ार", 1,50,000 "एक लाख पचास हज़ार" — never the fractional forms
  "डेढ़ लाख", "ढाई हज़ार", "सवा सौ": an exact count per scale is easier to follow and to stitch from clips.
  The count of crores is itself said in words with lakh/hazar (news style): 10^11 "दस हज़ार करोड़";
  no अरब/खरब. Negative: "ऋण" + the words. Range: up to 999,999,999,999 (as the other languages).
* Money: the number, then the currency noun: "एक लाख पचास हज़ार रुपये"; one is singular "एक रुपया";
  paise follow with "और": "पाँच सौ रुपये और पचास पैसे" ("एक पैसा"); zero "शून्य रुपये". Shillings (KES, TZS,
  UGX) are "शिलिंग" and "सेंट". ``with_country`` puts the country adjective first: "भारतीय रुपये".
* Dates: "गुरुवार, बारह नवंबर" (cardinal day; + ", दो हज़ार छब्बीस" with ``year``).
* Times, 12-hour with the period first (as said in Hindi): 09:00 "सुबह नौ बजे", 14:30 "दोपहर दो बजकर तीस मिनट".
  Minutes are always "बजकर N मिनट", never सवा/साढ़े/पौने (one form, no fractions). Periods: रात 20:00-03:59,
  सुबह 04:00-11:59, दोपहर 12:00-15:59, शाम 16:00-19:59. Seconds are ignored.
"""

from __future__ import annotations

import datetime as dt

# 0..99, each its own word.
UNITS = [
    "शून्य", "एक", "दो", "तीन", "चार", "पाँच", "छह", "सात", "आठ", "नौ",
    "दस", "ग्यारह", "बारह", "तेरह", "चौदह", "पंद्रह", "सोलह", "सत्रह", "अठारह", "उन्नीस",
    "बीस", "इक्कीस", "बाईस", "तेईस", "चौबीस", "पच्चीस", "छब्बीस", "सत्ताईस", "अट्ठाईस", "उनतीस",
    "तीस", "इकतीस", "बत्तीस", "तैंतीस", "चौंतीस", "पैंतीस", "छत्तीस", "सैंतीस", "अड़तीस", "उनतालीस",
    "चालीस", "इकतालीस", "बयालीस", "तैंतालीस", "चवालीस", "पैंतालीस", "छियालीस", "सैंतालीस", "अड़तालीस", "उनचास",
    "पचास", "इक्यावन", "बावन", "तिरेपन", "चौवन", "पचपन", "छप्पन", "सत्तावन", "अट्ठावन", "उनसठ",
    "साठ", "इकसठ", "बासठ", "तिरेसठ", "चौंसठ", "पैंसठ", "छियासठ", "सड़सठ", "अड़सठ", "उनहत्तर",
    "सत्तर", "इकहत्तर", "बहत्तर", "तिहत्तर", "चौहत्तर", "पचहत्तर", "छिहत्तर", "सतहत्तर", "अठहत्तर", "उनासी",
    "अस्सी", "इक्यासी", "बयासी", "तिरासी", "चौरासी", "पचासी", "छियासी", "सत्तासी", "अट्ठासी", "नवासी",
    "नब्बे", "इक्यानबे", "बानबे", "तिरानबे", "चौरानबे", "पचानबे", "छियानबे", "सत्तानबे", "अट्ठानबे", "निन्यानबे",
]  # fmt: skip
assert len(UNITS) == 100
HUNDRED, THOUSAND, LAKH, CRORE = "सौ", "हज़ार", "लाख", "करोड़"
SCALES = [HUNDRED, THOUSAND, LAKH, CRORE]
NEGATIVE = "ऋण"
AND = "और"
WEEKDAYS = ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"]
MONTHS = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर",
          "दिसंबर"]  # fmt: skip
# currency code -> (major singular, major plural, minor singular, minor plural, country adjective)
CURRENCY_NOUNS: dict[str, tuple[str, str, str, str, str]] = {
    "INR": ("रुपया", "रुपये", "पैसा", "पैसे", "भारतीय"),
    "KES": ("शिलिंग", "शिलिंग", "सेंट", "सेंट", "केन्याई"),
    "TZS": ("शिलिंग", "शिलिंग", "सेंट", "सेंट", "तंज़ानियाई"),
    "UGX": ("शिलिंग", "शिलिंग", "सेंट", "सेंट", "युगांडाई"),
}
O_CLOCK, PAST, MINUTES = "बजे", "बजकर", "मिनट"
PERIODS = ["रात", "सुबह", "दोपहर", "शाम"]


def _positive(n: int) -> list[str]:
    out: list[str] = []
    crore, n = divmod(n, 10**7)
    if crore:
        out += [*_positive(crore), CRORE]
    for scale, size in ((LAKH, 10**5), (THOUSAND, 10**3), (HUNDRED, 100)):
        count, n = divmod(n, size)
        if count:
            out += [UNITS[count], scale]
    if n:
        out.append(UNITS[n])
    return out


def number_words(n: int) -> str:
    """1,50,000 -> "एक लाख पचास हज़ार"; 0 -> "शून्य"."""
    if n == 0:
        return UNITS[0]
    if n < 0:
        return f"{NEGATIVE} {number_words(-n)}"
    return " ".join(_positive(n))


def money_words(amount_minor: int, code: str, exponent: int, *, with_country: bool = False) -> str:
    one, many, minor_one, minor_many, country = CURRENCY_NOUNS[code]
    major, minor = divmod(amount_minor, 10**exponent)
    out = []
    if major or not minor:
        noun = one if major == 1 else many
        out.append(f"{number_words(major)} {country + ' ' if with_country else ''}{noun}")
    if minor:
        out.append(f"{number_words(minor)} {minor_one if minor == 1 else minor_many}")
    return f" {AND} ".join(out)


def weekday_words(index: int) -> str:
    return WEEKDAYS[index]


def date_words(d: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    text = f"{number_words(d.day)} {MONTHS[d.month - 1]}"
    if weekday:
        text = f"{WEEKDAYS[d.weekday()]}, {text}"
    if year:
        text += f", {number_words(d.year)}"
    return text


def period_word(hour: int) -> str:
    if 4 <= hour < 12:
        return "सुबह"
    if 12 <= hour < 16:
        return "दोपहर"
    if 16 <= hour < 20:
        return "शाम"
    return "रात"


def time_words(t: dt.time) -> str:
    hour = t.hour % 12 or 12
    clock = f"{UNITS[hour]} {O_CLOCK}" if t.minute == 0 else f"{UNITS[hour]} {PAST} {UNITS[t.minute]} {MINUTES}"
    return f"{period_word(t.hour)} {clock}"


def vocabulary() -> list[str]:
    words = [*UNITS, *SCALES, NEGATIVE, AND, *WEEKDAYS, *MONTHS, O_CLOCK, PAST, MINUTES, *PERIODS]
    for nouns in CURRENCY_NOUNS.values():
        words += list(nouns)
    return list(dict.fromkeys(words))
