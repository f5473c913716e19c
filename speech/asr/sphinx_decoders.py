"""Pocketsphinx decoders for calls: built once, lent to one utterance at a time, grammars cached on each.

A decoder holds the acoustic model (~6 MB with our small dictionary) and is used only while a caller speaks, so a
pool per language serves many calls with few decoders. Each lent decoder comes as a pair: the grammar decoder and a
reference decoder (a free phone loop) whose score says how well *any* speech would fit the audio — the grammar's
score against it is the confidence that the caller said something in the grammar (out-of-grammar speech fits the
phone loop far better than any phrase). Words get their pronunciations from the language's lexicon (speech/lexicon)
the first time a grammar uses them; compiled grammars become FSG searches kept per decoder (LRU).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from speech.asr.base import AsrUnavailable, GrammarError
from speech.asr.config import AsrSettings
from speech.grammar.compile import CompiledGrammar
from speech.lexicon.channel import replacements, with_channel_variants
from speech.lexicon.lexicon import Lexicon, lexicon_for
from speech.lexicon.packs import LanguageDataError

log = logging.getLogger(__name__)

# The reference phone loop: a broad set of the model's phones covering vowels, nasals, liquids, glides, fricatives
# and stops. Measured on telephone audio: as discriminating as all 39 phones at ~1/3 of the cost.
REFERENCE_PHONES = ("AA", "IY", "UW", "EH", "OW", "AH", "ER", "M", "N", "L", "R", "W", "Y", "S", "F", "HH", "T", "K",
                    "D", "B")
REF_PREFIX = "+ref+"
SEED_WORD = "+seed+"  # the one word of the dictionary file every decoder starts from
SEARCHES_PER_DECODER = 32  # compiled state grammars kept per decoder (menu, yes/no, amount … per language)


def import_pocketsphinx() -> Any:
    try:
        import pocketsphinx
    except ImportError as exc:
        raise AsrUnavailable("the pocketsphinx package is not installed: run scripts/setup.sh "
                             "(pip install pocketsphinx)") from exc
    return pocketsphinx


def model_dir(asr: AsrSettings) -> Path:
    """The acoustic model directory: the setting, else the US-English model bundled with the pocketsphinx wheel."""
    if asr.pocketsphinx_model_dir is not None:
        path = asr.pocketsphinx_model_dir
    else:
        path = Path(import_pocketsphinx().Config()["hmm"])  # the wheel's default: its bundled US-English model
    if not (path / "mdef").is_file():
        raise AsrUnavailable(f"{path} is not a pocketsphinx acoustic model (no mdef): fix "
                             "IVR_SPEECH__ASR__POCKETSPHINX_MODEL_DIR or reinstall pocketsphinx")
    return path


def _noise_dictionary(model: Path) -> Path:
    """The model's filler dictionary without its spoken-noise word ([SPEECH] +SPN+): a grammar decoder with it
    lets that garbage model swallow whole words of an answer (the first or last digits of a number vanished)."""
    lines = [ln for ln in (model / "noisedict").read_text(encoding="ascii", errors="replace").splitlines()
             if ln.split() and "+SPN+" not in ln.split()[1:]]
    digest = abs(hash(tuple(lines))) % 10**8
    path = Path(tempfile.gettempdir()) / f"mikashboks-sphinx-noisedict-{digest}"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="ascii")
        tmp.replace(path)
    return path


def _seed_dictionary() -> Path:
    """A one-word dictionary file: decoders start empty (the 130k-word CMUdict would cost 20 MB each) and learn
    the words their grammars use."""
    path = Path(tempfile.gettempdir()) / "mikashboks-sphinx-seed-1.dict"
    if not path.exists() or path.read_text(encoding="ascii", errors="replace").split()[:1] != [SEED_WORD]:
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(f"{SEED_WORD} AA\n", encoding="ascii")
        tmp.replace(path)
    return path


class Decoder:
    """One pocketsphinx decoder with the words it has learned and the grammar searches it holds."""

    def __init__(self, asr: AsrSettings, *, reference: bool) -> None:
        ps = import_pocketsphinx()
        hmm = model_dir(asr)
        cfg: dict[str, Any] = {
            "hmm": str(hmm), "dict": str(_seed_dictionary()), "fdict": str(_noise_dictionary(hmm)), "lm": None,
            "loglevel": "FATAL",
            "bestpath": False,  # the second pass adds latency and does nothing for a grammar
            "cmn": "live",  # streaming: the mean follows the audio; each turn starts from the calibrated value
            "cmninit": asr.pocketsphinx_cmn_init,
            # Word insertion penalty: with grammar arcs at full preference (speech/grammar/rules.py), 0.05 keeps
            # short words out of pauses; measured on the tuning voices against 0.65 (default), 0.005, 0.0005.
            "wip": 0.05,
        }
        if reference:  # only a score is needed from it: tighter beams, a third of the cost of the default ones
            cfg.update(beam=1e-20, wbeam=1e-15, pbeam=1e-20)
        else:
            cfg.update(asr.pocketsphinx_options)
        try:
            self.ps = ps.Decoder(**cfg)
        except Exception as exc:
            raise AsrUnavailable(f"pocketsphinx could not start with the model in {hmm}: {exc}") from exc
        self.words: set[str] = {SEED_WORD}
        self.telephone = asr.pocketsphinx_telephone_variants
        self.searches: OrderedDict[str, None] = OrderedDict()
        if reference:
            self._init_reference()

    def _init_reference(self) -> None:
        names = [REF_PREFIX + p.lower() for p in REFERENCE_PHONES]
        for name, phone in zip(names, REFERENCE_PHONES, strict=True):
            if name not in self.words:
                self.ps.add_word(name, phone, False)
                self.words.add(name)
        self.ps.add_word(REF_PREFIX + "spn", "+SPN+", True)
        loop = 2
        arcs = [(0, loop, 1.0)] + [(loop, loop, 1.0 / len(names), n) for n in names] + [(loop, 1, 0.5)]
        fsg = self.ps.create_fsg("reference", 0, 1, [(s, d, min(p, 1.0), *w) for s, d, p, *w in arcs])
        self.ps.add_fsg("reference", fsg)
        self.ps.activate_search("reference")

    def learn(self, lexicon: Lexicon, words: frozenset[str]) -> None:
        """Add the pronunciations of the words this decoder does not know yet (alternatives as word(2), …)."""
        new = sorted(words - self.words)
        if not new:
            return
        try:
            prons = lexicon.for_words(new)
            if self.telephone:
                table = replacements()
                prons = {w: with_channel_variants(ps, table) for w, ps in prons.items()}
        except LanguageDataError as exc:
            raise GrammarError(f"no pronunciation for a grammar word: {exc}") from exc
        items = [(w if i == 0 else f"{w}({i + 1})", p) for w, ps in prons.items() for i, p in enumerate(ps)]
        for n, (name, phones) in enumerate(items):
            try:
                self.ps.add_word(name, phones, n == len(items) - 1)
            except RuntimeError as exc:
                raise GrammarError(f"pocketsphinx refused the pronunciation {phones!r} of {name!r}: {exc}") from exc
        self.words.update(new)

    def use(self, grammar: CompiledGrammar, lexicon: Lexicon) -> None:
        """Make ``grammar`` the active search (building it on first use on this decoder)."""
        name = grammar.key
        if name in self.searches:
            self.searches.move_to_end(name)
        else:
            self.learn(lexicon, grammar.words)
            a = grammar.automaton
            # Sphinx applies its language weight to the word insertion penalty but not to grammar arcs: raise the
            # grammar's preferences to it so both speak in the same units.
            lw = float(self.ps.config["lw"])
            arcs: list[tuple[Any, ...]] = [(s, d, p**lw, w) for s, d, p, w in a.word_arcs()]
            arcs += [(s, d, p**lw) for s, d, p in a.null_closure()]
            try:
                fsg = self.ps.create_fsg(name, a.start, a.final, arcs)
                self.ps.add_fsg(name, fsg)
            except (ValueError, RuntimeError) as exc:
                raise GrammarError(f"pocketsphinx could not build the grammar: {exc}") from exc
            self.searches[name] = None
            while len(self.searches) > SEARCHES_PER_DECODER:
                old, _ = self.searches.popitem(last=False)
                self.ps.remove_search(old)
        self.ps.activate_search(name)


@dataclass
class DecoderPair:
    grammar: Decoder
    reference: Decoder | None


@dataclass
class DecoderPool:
    """Idle decoder pairs of one language; ``take`` lends one (preferring one that already has the grammar)."""

    lang: str
    asr: AsrSettings
    idle: list[DecoderPair] = field(default_factory=list)
    created: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def lexicon(self) -> Lexicon:
        try:
            return lexicon_for(self.lang)
        except LanguageDataError as exc:
            raise AsrUnavailable(f"pocketsphinx has no lexicon for {self.lang!r}: {exc}") from exc

    def new_pair(self) -> DecoderPair:
        ref = Decoder(self.asr, reference=True) if self.asr.pocketsphinx_reject else None
        pair = DecoderPair(Decoder(self.asr, reference=False), ref)
        with self._lock:
            self.created += 1
        return pair

    def take(self, grammar: CompiledGrammar) -> DecoderPair:
        """Blocking (decoder creation, grammar building): run off the event loop."""
        with self._lock:
            pick = next((i for i, p in enumerate(self.idle) if grammar.key in p.grammar.searches), None)
            if pick is None and self.idle:
                pick = len(self.idle) - 1
            pair = self.idle.pop(pick) if pick is not None else None
        if pair is None:
            pair = self.new_pair()
        try:
            pair.grammar.use(grammar, self.lexicon)
        except Exception:
            self.give_back(pair)
            raise
        return pair

    def give_back(self, pair: DecoderPair) -> None:
        with self._lock:
            self.idle.append(pair)

    def warm(self, n: int = 1) -> None:
        for _ in range(max(0, n - len(self.idle))):
            self.give_back(self.new_pair())
