"""The held-out sets never leak into training, cover every intent, and the training hash tracks data changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from nlu.evaluation import load_heldout, macro_f1
from nlu.server import data_hash

RASA = Path(__file__).resolve().parents[2] / "nlu" / "rasa"
DATA = Path(__file__).parent / "data"


def training_examples() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in sorted((RASA / "data").glob("*.yml")):
        for block in yaml.safe_load(f.read_text())["nlu"]:
            lines = [ln.strip()[2:].strip() for ln in block["examples"].splitlines() if ln.strip().startswith("- ")]
            out.setdefault(block["intent"], set()).update(lines)
    return out


def domain_intents() -> set[str]:
    return set(yaml.safe_load((RASA / "domain.yml").read_text())["intents"])


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_heldout_is_never_in_training(lang: str) -> None:
    train = set().union(*training_examples().values())
    held = load_heldout(DATA / f"heldout_{lang}.yml")
    assert len(held) >= 80
    leaked = [ex.text for ex in held if ex.text in train]
    assert leaked == []


@pytest.mark.parametrize("lang", ["en", "sw"])
def test_heldout_covers_every_intent_and_is_asr_like(lang: str) -> None:
    held = load_heldout(DATA / f"heldout_{lang}.yml")
    assert {ex.intent for ex in held} == domain_intents()
    for ex in held:
        assert ex.text == ex.text.lower(), ex.text
        assert not any(c in ex.text for c in ",.?!") and not any(c.isdigit() for c in ex.text), ex.text


def test_every_domain_intent_has_training_data_in_both_languages() -> None:
    for lang in ("en", "sw"):
        blocks = yaml.safe_load((RASA / "data" / f"{lang}.yml").read_text())["nlu"]
        assert {b["intent"] for b in blocks} == domain_intents(), lang
    required = {
        "check_savings", "check_loan", "next_meeting", "check_fines", "social_fund", "group_position",
        "record_meeting", "record_transaction", "finish_recording", "undo_last", "read_back_all", "affirm", "deny",
        "repeat", "help", "speak_to_person", "change_language", "goodbye", "will_attend", "will_pay",
        "stop_reminders", "out_of_scope",
    }  # fmt: skip
    assert required <= domain_intents()


def test_data_hash_changes_only_with_training_inputs(tmp_path: Path) -> None:
    copy = tmp_path / "rasa"
    shutil.copytree(RASA, copy)
    h = data_hash(copy)
    assert data_hash(copy) == h
    (copy / "experiments" / "diet.yml").write_text("# not a training input\n")
    assert data_hash(copy) == h
    with (copy / "data" / "en.yml").open("a") as f:
        f.write("    - how much is my akiba now\n")
    assert data_hash(copy) != h


def test_macro_f1() -> None:
    assert macro_f1([("a", "a"), ("b", "b")]) == 1.0
    assert macro_f1([("a", "a"), ("a", "b"), ("b", "b")]) == pytest.approx((2 / 3 + 2 / 3) / 2)
