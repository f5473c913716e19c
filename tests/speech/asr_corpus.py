"""Synthetic callers for the recogniser: voices (tuning set apart from test set), rendered once and cached on disk,
and what they say in each listen state with the meaning it must have. Used by tests/speech, tests/e2e and bench/.

Voices (all through speech.telephone: 8 kHz, 300-3400 Hz, noise, G.711 μ-law):
- English, tuning: Festival kal (diphone, two paces) and espeak-ng en-us variants. Test: Festival
  cmu_us_slt_arctic_hts and Piper joe (two paces).
- Swahili, tuning: one half of espeak-ng's variants of the sw voice; test: the other half, at other speeds.
Renderings are cached under ``var/cache/asr-corpus`` (``IVR_ASR_CORPUS_CACHE`` overrides), keyed by voice, text and
line, so a second run of a test or bench renders nothing.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ledger_client.types import RosterMember
from ledger_core.demo_people import demo_members
from speech.audio import read_wav_bytes, silence
from speech.lexicon.lexicon import words_of
from speech.telephone import TYPICAL, LineProfile, telephone_line
from speech.verbalise import money_words, number_words

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("IVR_ASR_CORPUS_CACHE", ROOT / "var" / "cache" / "asr-corpus"))
RATE = 8000
GROUPS = {"en": ("g-kes-umoja", "KES"), "sw": ("g-tzs-tumaini", "TZS")}


@dataclass(frozen=True)
class Voice:
    name: str
    lang: str
    kind: Literal["espeak", "festival", "piper"]
    variant: str = ""  # espeak voice+variant; Festival voice name
    wpm: int = 145
    pitch: int = 50
    length_scale: float = 1.0


def _espeak(lang: str, variants: list[tuple[str, int, int]]) -> list[Voice]:
    return [Voice(f"espeak {lang}{'+' + v if v else ''} {wpm}wpm p{p}", lang, "espeak",
                  f"{'en-us' if lang == 'en' else lang}{'+' + v if v else ''}", wpm, p)
            for v, wpm, p in variants]


TUNE_VOICES: dict[str, list[Voice]] = {
    "en": [Voice("festival kal", "en", "festival", "kal_diphone"), Voice("festival kal slow", "en", "festival",
                                                                       "kal_diphone", wpm=120),
           *_espeak("en", [("", 150, 50), ("m3", 140, 40), ("f2", 160, 60)])],
    "sw": _espeak("sw", [("", 145, 50), ("m3", 135, 40), ("f2", 155, 60), ("klatt", 145, 50), ("m5", 125, 45),
                         ("f5", 150, 65)]),
}
TEST_VOICES: dict[str, list[Voice]] = {
    "en": [Voice("festival slt", "en", "festival", "cmu_us_slt_arctic_hts"), Voice("piper joe", "en", "piper"),
           Voice("piper joe slow", "en", "piper", length_scale=1.25)],
    "sw": _espeak("sw", [("m1", 140, 45), ("f3", 160, 58), ("m7", 120, 35), ("f4", 135, 62), ("klatt3", 150, 50),
                         ("m2", 170, 48)]),
}


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        raise RuntimeError(f"{tool} is not installed: run scripts/setup.sh (step 10-apt)")


def _synth(voice: Voice, text: str) -> tuple[bytes, int]:
    if voice.kind == "espeak":
        _need("espeak-ng")
        wav = subprocess.run(["espeak-ng", "-v", voice.variant, "-s", str(voice.wpm), "-p", str(voice.pitch),
                              "--stdout", text], capture_output=True, check=True).stdout
        return read_wav_bytes(wav)
    if voice.kind == "festival":
        _need("text2wave")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "say.wav"
            stretch = f"(Parameter.set 'Duration_Stretch {145 / voice.wpm:.2f})" if voice.wpm != 145 else ""
            subprocess.run(["text2wave", "-eval", f"(voice_{voice.variant})", "-eval", f"(begin {stretch})",
                            "-o", str(out)], input=text.encode(), capture_output=True, check=True)
            return read_wav_bytes(out.read_bytes())
    from piper import SynthesisConfig

    from speech.tts.piper_engine import PiperEngine, load_voice

    piper = load_voice(PiperEngine().model_for(voice.lang))
    # no generator noise: Piper's VITS samples random noise per render, so without this every fresh clone (CI)
    # would hear a different corpus and a floor measured on one rendering could fail on the next
    config = SynthesisConfig(length_scale=voice.length_scale, noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(piper.synthesize(text, syn_config=config))
    return b"".join(c.audio_int16_bytes for c in chunks), chunks[0].sample_rate


def seed_of(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode())


def render(voice: Voice, text: str, profile: LineProfile = TYPICAL, *, lead_ms: int = 300, tail_ms: int = 500
           ) -> bytes:
    """What ``voice`` saying ``text`` sounds like at our end of a phone call (8 kHz), silence around it; cached."""
    key = hashlib.sha1(repr((voice, text, profile, lead_ms, tail_ms, 4)).encode()).hexdigest()
    path = CACHE / voice.lang / f"{key}.raw"
    if path.is_file():
        return path.read_bytes()
    pcm, rate = _synth(voice, text)
    padded = silence(lead_ms, rate) + pcm + silence(tail_ms, rate)  # the line's noise goes on through the pauses
    out = telephone_line(padded, rate, profile, seed=seed_of(voice.name, text))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(out)
    tmp.replace(path)
    return out


def roster(lang: str) -> list[RosterMember]:
    group = GROUPS[lang][0]
    return [RosterMember(member_id=m.member_id, roster_number=m.roster_number, name=m.name,
                         first_name=m.name.split()[0], nickname=m.nickname, role=m.role, language=m.language)
            for m in demo_members() if m.group_id == group]  # type: ignore[arg-type]


@dataclass(frozen=True)
class Item:
    """One caller turn: the state, what is said, and what it must mean (intent and/or entities)."""

    lang: str
    state: str  # menu, yes_no, amount, digits, member_name, meeting_entry; "oog" = must be rejected (menu grammar)
    text: str
    intent: str | None = None
    entities: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    held_out: bool = False  # not in the NLU training data or the catalog (a rewording)


MENU: dict[str, list[tuple[str, str, bool]]] = {  # (said, intent, held out)
    "en": [("savings", "check_savings", False), ("my savings", "check_savings", False),
           ("how much have i saved", "check_savings", False), ("loan", "check_loan", False),
           ("how much do i owe", "check_loan", False), ("next meeting", "next_meeting", False),
           ("when is the next meeting", "next_meeting", False), ("fines", "check_fines", False),
           ("social fund", "social_fund", False), ("group totals", "group_position", False),
           ("repeat", "repeat", False), ("help", "help", False), ("speak to a person", "speak_to_person", False),
           ("goodbye", "goodbye", False), ("change language", "change_language", False),
           ("record the meeting", "record_meeting", False), ("what is my loan balance", "check_loan", False),
           ("how much money have i saved", "check_savings", True), ("tell me my loan", "check_loan", True),
           ("when do we meet next", "next_meeting", True)],
    "sw": [("akiba", "check_savings", False), ("akiba yangu", "check_savings", False),
           ("nataka kujua akiba yangu", "check_savings", False), ("mkopo", "check_loan", False),
           ("mkopo wangu", "check_loan", False), ("mkutano ujao", "next_meeting", False),
           ("mkutano ujao ni lini", "next_meeting", False), ("faini", "check_fines", False),
           ("mfuko wa jamii", "social_fund", False), ("jumla ya kikundi", "group_position", False),
           ("rudia", "repeat", False), ("msaada", "help", False), ("niongee na mtu", "speak_to_person", False),
           ("kwaheri", "goodbye", False), ("badilisha lugha", "change_language", False),
           ("rekodi mkutano", "record_meeting", False), ("nadaiwa kiasi gani", "check_loan", False),
           ("akiba yangu ni kiasi gani", "check_savings", True), ("niambie mkopo wangu", "check_loan", True),
           ("tutakutana lini tena", "next_meeting", True)],
}
YES_NO: dict[str, list[tuple[str, str]]] = {
    "en": [("yes", "affirm"), ("no", "deny"), ("yes that is right", "affirm"), ("no that is wrong", "deny"),
           ("correct", "affirm"), ("okay", "affirm")],
    "sw": [("ndiyo", "affirm"), ("hapana", "deny"), ("ndio sahihi", "affirm"), ("hapana si sahihi", "deny"),
           ("sawa", "affirm"), ("si kweli", "deny")],
}
OUT_OF_GRAMMAR: dict[str, list[str]] = {
    "en": ["what is the weather like today", "i would like to buy a cow", "my daughter goes to school",
           "the bus was late this morning", "can you call my sister tomorrow", "thank you very much"],
    "sw": ["hali ya hewa ikoje leo", "nataka kununua ng'ombe", "binti yangu anaenda shule",
           "basi lilichelewa asubuhi hii", "mpigie dada yangu kesho", "asante sana kwa kila kitu"],
}
ENTRY_TEMPLATES: dict[str, list[tuple[str, str]]] = {  # (template, ledger type)
    "en": [("{first} paid {money} savings", "savings"), ("{name} {money} social fund", "social_fund"),
           ("{first} fine {number}", "fine"), ("{first} repaid {money} loan", "loan_repayment")],
    "sw": [("{first} ameweka akiba {money}", "savings"), ("{name} mfuko wa jamii {money}", "social_fund"),
           ("{first} faini {number}", "fine"), ("{first} amelipa mkopo {money}", "loan_repayment")],
}


def _amounts(rng: random.Random, n: int) -> list[int]:
    base = [rng.choice([50, 100, 200, 250, 500, 750, 1000, 1500, 2000, 2500, 5000, 10000, 12500, 20000, 150000])
            for _ in range(n // 2)]
    return base + [rng.randrange(1, 300) * rng.choice([10, 50, 100]) for _ in range(n - len(base))]


def items(lang: str, *, per_state: int = 10, seed: int = 7) -> list[Item]:
    """The corpus of one language (deterministic)."""
    rng = random.Random(seed + (0 if lang == "en" else 1))
    _, currency = GROUPS[lang]
    people = roster(lang)
    out = [Item(lang, "menu", t, i, held_out=h) for t, i, h in MENU[lang]]
    out += [Item(lang, "yes_no", t, i) for t, i in YES_NO[lang]]
    out += [Item(lang, "oog", t) for t in OUT_OF_GRAMMAR[lang]]
    for value in _amounts(rng, per_state):
        said = money_words(value * 100, currency, lang) if rng.random() < 0.5 else number_words(value, lang)
        out.append(Item(lang, "amount", said.replace(",", ""), entities={"amount": value}))
    for _ in range(per_state // 2):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(3, 6)))
        said = " ".join(number_words(int(d), lang) for d in digits)
        out.append(Item(lang, "digits", said, entities={"digits": digits}))
    firsts = [p.name.split()[0] for p in people]
    unique = [p for p in people if firsts.count(p.name.split()[0]) == 1]
    for p in rng.sample(people, min(per_state, len(people))):
        said = p.name if rng.random() < 0.5 or p not in unique else p.name.split()[0]
        out.append(Item(lang, "member_name", said, entities={"member": p.name}))
    for value, (template, kind) in zip(_amounts(rng, per_state), ENTRY_TEMPLATES[lang] * per_state, strict=False):
        p = rng.choice(unique)
        said = template.format(first=p.name.split()[0], name=p.name, number=number_words(value, lang),
                               money=number_words(value, lang))
        out.append(Item(lang, "meeting_entry", said, entities={"member": p.name, "type": kind, "amount": value}))
    return out


@dataclass
class Outcome:
    item: Item
    voice: Voice
    text: str
    confidence: float
    rejected: bool
    correct: bool
    audio_s: float


def correct(item: Item, text: str, rejected: bool, intent: str | None, entities: dict[str, Any]) -> bool:
    """Did the turn mean what the caller said? Out-of-grammar speech must be rejected."""
    if item.state == "oog":
        return rejected
    if rejected or not text:
        return False
    if item.state in ("menu", "yes_no"):
        # the NLU reads what was heard; the keyword fallback alone misses some whole training sentences, so the
        # words heard exactly as said count too (Rasa classifies its own training examples)
        return intent == item.intent or words_of(text) == words_of(item.text)
    return all(entities.get(k) == v for k, v in item.entities.items())
