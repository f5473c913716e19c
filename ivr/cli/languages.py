"""`ivr languages list|check CODE`: the installed language packs, and one pack's completeness, one line per problem.

The check is what a local team runs after adding or editing languages/<code>/: every prompt id English has (with
the same placeholders), every SMS text id (when the pack has an sms.yml), the verbaliser's self-test, a
pronunciation for every word the recogniser's grammars can hold, NLU examples for every intent, and the pack's TTS
voice rendering a sample sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from pathlib import Path

import typer
import yaml

import languages

app = typer.Typer(no_args_is_help=True, help="Language packs: list them, check one for completeness.")
REFERENCE = languages.default_code()  # the catalog every other language is compared with: the first pack's
MIN_EXAMPLES = 5  # NLU examples per intent below which the intent is reported as thin
RASA = Path(__file__).resolve().parents[2] / "nlu" / "rasa"
# Numbers the verbaliser self-test says (scale boundaries of every numbering system we serve).
SELF_TEST_NUMBERS = (0, 1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 999, 1000, 1001, 9999, 10_000, 99_999, 100_000,
                     100_001, 999_999, 1_000_000, 9_999_999, 10_000_000, 10_000_001, 123_456_789, 10**12 - 1)


@app.command("list")
def list_packs() -> None:
    """Every installed language pack: code, name, keypad key, currency, TTS and what the pack folder holds."""
    from dialogs.prompts import CATALOGS

    for code, p in languages.packs().items():
        holds = [f for f in ("prompts.yml", "sms.yml", "words.yml", "nlu.yml", "verbalise.py",
                                         "lexicon/g2p.yml") if p.has(f)]
        voice = f"{p.tts.engine}:{p.tts.voice}" if p.tts.voice else p.tts.engine
        speaks = "speaks" if code in CATALOGS else "no prompts"
        typer.echo(f"{code}\t{p.name} ({p.english_name})\tkey {p.key}\t{p.currency}\t{voice}\t{speaks}\t"
                      f"{', '.join(holds) or '-'}\t{p.dir}")


def _intent_examples(code: str) -> dict[str, int]:
    p = languages.get(code)
    path = RASA / "data" / f"{code}.yml"
    if not path.is_file():
        path = p.path("nlu.yml")
    if not path.is_file():
        return {}
    counts: dict[str, int] = {}
    for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or ():
        lines = [ln for ln in str(block.get("examples", "")).splitlines() if ln.strip().startswith("- ")]
        counts[str(block.get("intent"))] = counts.get(str(block.get("intent")), 0) + len(lines)
    return counts


def check_prompts(code: str) -> list[str]:
    from dialogs.prompts import CATALOGS, PHRASES, value_names

    if code not in CATALOGS:
        return [f"prompts: no catalog (add languages/{code}/prompts.yml)"]
    ref, cat = CATALOGS[REFERENCE], CATALOGS[code]
    out = [f"prompts: missing {pid!r}" for pid in ref if pid not in cat]
    name = languages.get(REFERENCE).english_name
    out += [f"prompts: {pid!r} is not an {name} prompt id" for pid in cat if pid not in ref]
    for pid in ref:
        if pid in cat and value_names(cat[pid]) != value_names(ref[pid]):
            out.append(f"prompts: {pid!r} takes {sorted(value_names(cat[pid]))}, {name} "
                       f"{sorted(value_names(ref[pid]))}")
    out += [f"phrases: no phrases for listen state {k!r}" for k in PHRASES[REFERENCE] if k not in PHRASES[code]]
    return out


def check_sms(code: str) -> list[str]:
    """A pack's sms.yml against the reference pack's: every text id with the same placeholders, known commands, and
    no command word meaning two commands. A pack without one is written to in the fallback language (no problem)."""
    from dialogs.prompts import value_names
    from dialogs.prompts.sms import SMS_CATALOGS, SMS_COMMANDS

    try:
        from dialogs.sms.commands import COMMANDS
    except ValueError as exc:  # the command index refuses a word that means two commands
        return [f"sms: {exc}"]
    if code not in SMS_CATALOGS or REFERENCE not in SMS_CATALOGS or code == REFERENCE:
        return [f"sms: {c!r} is not an SMS command" for c in SMS_COMMANDS.get(code, {}) if c not in COMMANDS]
    ref, cat, name = SMS_CATALOGS[REFERENCE], SMS_CATALOGS[code], languages.get(REFERENCE).english_name
    out = [f"sms: missing text {tid!r}" for tid in ref if tid not in cat]
    out += [f"sms: {tid!r} is not an {name} SMS text id" for tid in cat if tid not in ref]
    out += [f"sms: {tid!r} takes {sorted(value_names(cat[tid]))}, {name} {sorted(value_names(ref[tid]))}"
            for tid in ref if tid in cat and value_names(cat[tid]) != value_names(ref[tid])]
    out += [f"sms: no words for the command {c!r}" for c in COMMANDS if not SMS_COMMANDS[code].get(c)]
    out += [f"sms: {c!r} is not an SMS command" for c in SMS_COMMANDS[code] if c not in COMMANDS]
    return out


def check_verbaliser(code: str) -> list[str]:
    from speech import verbalise as v

    try:
        vocab = set(v.vocabulary(code))
    except v.UnsupportedLanguage as exc:
        return [f"verbaliser: {exc}"]
    out: list[str] = []
    cur = languages.get(code).currency
    said = [v.number_words(n, code) for n in SELF_TEST_NUMBERS]
    said += [v.money_words(m, cur, code) for m in (0, 1, 100, 150_00, 1_50_000_00, 12_345_678_90)]
    said += [v.date_words(dt.date(2026, month, 28), code, year=True) for month in range(1, 13)]
    said += [v.time_words(dt.time(h, m), code) for h in range(24) for m in (0, 15, 30, 45)]
    said += [v.weekday_words(i, code) for i in range(7)]
    out += [f"verbaliser: a value is said as {words!r}" for words in said
            if any(ch.isdigit() for ch in words) or not words.strip()]
    if len(set(said[: len(SELF_TEST_NUMBERS)])) != len(SELF_TEST_NUMBERS):
        out.append("verbaliser: two different numbers are said the same way")
    missing = sorted({w for words in said for w in v.pieces(words)} - vocab)
    out += [f"verbaliser: {w!r} is said but not in vocabulary() (a recorded pack would miss its clip)"
            for w in missing]
    return out


def grammar_words(code: str) -> set[str]:
    """Every word a grammar of the language can hold: listen-state phrases, yes/no/repair words, global phrases,
    the NLU examples (intent grammars are built from them) and the verbaliser's vocabulary (amounts, dates)."""
    from dialogs.prompts import PHRASES
    from dialogs.vocab import BACK, GLOBAL_PHRASES, NO, REPEAT, YES
    from ivr.calls.grammars import GrammarBuilder
    from speech import verbalise
    from speech.lexicon.lexicon import words_of

    texts: list[str] = [p for phrases in PHRASES.get(code, {}).values() for p in phrases]
    for table in (YES, NO, REPEAT, BACK):
        texts += list(table.get(code, ()))
    texts += [p for ps in GLOBAL_PHRASES.get(code, {}).values() for p in ps]
    texts += [ex for exs in GrammarBuilder().words(code).examples.values() for ex in exs]
    with contextlib.suppress(verbalise.UnsupportedLanguage):
        texts += verbalise.vocabulary(code)
    return {w for t in texts for w in words_of(t)}


def check_lexicon(code: str) -> list[str]:
    from speech.lexicon.lexicon import lexicon_for
    from speech.lexicon.packs import LanguageDataError

    try:
        lex = lexicon_for(code)
    except LanguageDataError as exc:
        return [f"lexicon: {exc}"]
    out = []
    for w in sorted(grammar_words(code)):
        try:
            lex.pronunciations(w)
        except LanguageDataError:
            out.append(f"lexicon: no pronunciation for {w!r} (add a rule to lexicon/g2p.yml or the word to "
                       "lexicon/exceptions.yml)")
    return out


def check_nlu(code: str) -> list[str]:
    intents = yaml.safe_load((RASA / "domain.yml").read_text(encoding="utf-8"))["intents"]
    counts = _intent_examples(code)
    if not counts:
        return [f"nlu: no training examples (add languages/{code}/nlu.yml)"]
    out = [f"nlu: intent {i!r} has {counts.get(i, 0)} examples (at least {MIN_EXAMPLES})" for i in intents
           if counts.get(i, 0) < MIN_EXAMPLES]
    out += [f"nlu: {i!r} is not an intent of nlu/rasa/domain.yml" for i in counts if i not in intents]
    return out


def check_tts(ctx: typer.Context, code: str) -> list[str]:
    from dialogs.prompts import CATALOGS, render
    from dialogs.prompts.samples import sample_values
    from ivr.cli.common import settings_of
    from speech.tts.base import TtsError
    from speech.tts.factory import build_tts

    if code not in CATALOGS:
        return []
    text = render("savings", sample_values("savings", code), code)
    settings = settings_of(ctx, secrets=False)
    try:
        pcm = asyncio.run(build_tts(settings, code, None).synthesize(text, code))
    except (TtsError, OSError, ValueError) as exc:
        return [f"tts: {languages.get(code).tts.engine} cannot say a sample: {exc}"]
    if len(pcm) < 8000 * 2 // 2:  # under half a second of 8 kHz audio for a whole sentence
        return [f"tts: the sample sentence rendered to only {len(pcm) // 16} ms of audio"]
    return []


@app.command("check")
def check(ctx: typer.Context, code: str = typer.Argument(..., help="The pack's language code, e.g. hi."),
          skip_tts: bool = typer.Option(False, "--skip-tts", help="Do not synthesise the TTS sample.")) -> None:
    """Check one pack for completeness; one line per problem, exit 1 if there is any."""
    try:
        pack = languages.get(code)
    except languages.LanguagePackError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    problems = check_prompts(pack.code) + check_sms(pack.code) + check_verbaliser(pack.code) + check_lexicon(pack.code)
    problems += check_nlu(pack.code)
    if not skip_tts:
        problems += check_tts(ctx, pack.code)
    for line in problems:
        typer.echo(f"{pack.code}: {line}")
    if problems:
        typer.echo(f"{len(problems)} problem(s) in the {pack.english_name} pack ({pack.dir})")
        raise typer.Exit(1)
    typer.echo(f"{pack.code}: the {pack.english_name} pack is complete")
