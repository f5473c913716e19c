"""Unit tests (fakes) for the Rasa client's error typing, the keyword fallback and the understand() flow."""

from __future__ import annotations

import logging
from datetime import date

import httpx
import pytest

from nlu.client import RasaClient
from nlu.config import NluSettings
from nlu.fallback import match_command
from nlu.normalise.names import RosterMember
from nlu.types import NOT_UNDERSTOOD, NluUnavailable
from nlu.understand import Nlu
from tests.fakes.nlu_fake import FakeParser, failing_transport, rasa_transport

GOOD = {
    "text": "how much have i saved",
    "intent": {"name": "check_savings", "confidence": 0.93},
    "entities": [],
    "intent_ranking": [{"name": "check_savings", "confidence": 0.93}, {"name": "check_loan", "confidence": 0.04}],
}


async def test_client_returns_typed_parse() -> None:
    async with httpx.AsyncClient(transport=rasa_transport(200, GOOD)) as http:
        parsed = await RasaClient(http, "http://rasa", 1.0).parse("how much have i saved")
    assert parsed.intent == "check_savings" and parsed.confidence == pytest.approx(0.93)
    assert [r.name for r in parsed.ranking] == ["check_savings", "check_loan"]


@pytest.mark.parametrize(
    "transport",
    [
        rasa_transport(500, {"error": "boom"}),
        rasa_transport(200, "not json"),
        rasa_transport(200, {"text": "x", "intent": {}}),  # no model loaded: Rasa answers an empty intent
        rasa_transport(200, {"text": "x", "intent": {"name": None, "confidence": 0.0}}),
        rasa_transport(200, {"text": "x"}),
        failing_transport(lambda r: httpx.ConnectError("refused", request=r)),
        failing_transport(lambda r: httpx.ReadTimeout("slow", request=r)),
    ],
)
async def test_client_raises_nlu_unavailable_never_an_empty_intent(transport: httpx.MockTransport) -> None:
    async with httpx.AsyncClient(transport=transport) as http:
        with pytest.raises(NluUnavailable):
            await RasaClient(http, "http://rasa", 1.0).parse("anything")


CORE: list[tuple[str, str, str]] = [
    ("yes", "en", "affirm"), ("yeah", "en", "affirm"), ("no", "en", "deny"), ("repeat", "en", "repeat"),
    ("say that again", "en", "repeat"), ("help", "en", "help"), ("main menu", "en", "help"),
    ("stop calling me", "en", "stop_reminders"), ("no more reminders", "en", "stop_reminders"),
    ("i want to talk to a real person", "en", "speak_to_person"), ("goodbye", "en", "goodbye"),
    ("my savings", "en", "check_savings"), ("my loan", "en", "check_loan"), ("next meeting", "en", "next_meeting"),
    ("my fines", "en", "check_fines"), ("social fund", "en", "social_fund"), ("swahili", "en", "change_language"),
    ("ndio", "sw", "affirm"), ("sawa", "sw", "affirm"), ("hapana", "sw", "deny"), ("rudia", "sw", "repeat"),
    ("sema tena", "sw", "repeat"), ("msaada", "sw", "help"), ("acha kunipigia", "sw", "stop_reminders"),
    ("sitaki vikumbusho", "sw", "stop_reminders"), ("nataka kuongea na mtu", "sw", "speak_to_person"),
    ("kwaheri", "sw", "goodbye"), ("akiba yangu", "sw", "check_savings"), ("mkopo wangu", "sw", "check_loan"),
    ("mkutano ujao", "sw", "next_meeting"), ("faini zangu", "sw", "check_fines"),
    ("mfuko wa jamii", "sw", "social_fund"), ("kiingereza", "sw", "change_language"),
    ("yes", "sw", "affirm"),  # code-switching: English yes on a Swahili call
]  # fmt: skip


@pytest.mark.parametrize(("text", "lang", "intent"), CORE)
def test_fallback_core_commands(text: str, lang: str, intent: str) -> None:
    found = match_command(text, lang)  # type: ignore[arg-type]
    assert found is not None and found.intent == intent


@pytest.mark.parametrize("text", ["what is the weather", "", "play music for me please now"])
def test_fallback_says_nothing_when_nothing_matches(text: str) -> None:
    assert match_command(text, "en") is None


def test_bare_no_in_a_long_sentence_is_not_a_deny() -> None:
    found = match_command("there is no way i can remember what was paid", "en")
    assert found is None or found.intent != "deny"


def make_nlu(parser: FakeParser, threshold: float = NluSettings().confidence_threshold) -> Nlu:
    return Nlu(parser=parser, settings=NluSettings(confidence_threshold=threshold))


async def test_confident_rasa_answer_is_used_as_is() -> None:
    nlu = make_nlu(FakeParser({"how much have i saved": ("check_savings", 0.9)}))
    u = await nlu.understand("how much have i saved", "en", currency="KES")
    assert (u.intent, u.source, u.degraded, u.reason) == ("check_savings", "rasa", False, None)


async def test_rasa_down_uses_fallback_logged_without_the_utterance(caplog: pytest.LogCaptureFixture) -> None:
    nlu = make_nlu(FakeParser(down=True))
    with caplog.at_level(logging.WARNING, logger="nlu.understand"):
        u = await nlu.understand("hapana si sahihi", "sw", currency="KES")
    assert (u.intent, u.source, u.degraded, u.reason) == ("deny", "fallback", True, "rasa_unavailable")
    assert "degraded" in caplog.text and "rasa_unavailable" in caplog.text
    assert "hapana" not in caplog.text


async def test_low_confidence_goes_to_fallback() -> None:
    nlu = make_nlu(FakeParser({"rudia": ("deny", 0.2)}), threshold=0.25)
    u = await nlu.understand("rudia", "sw", currency="KES")
    assert (u.intent, u.source, u.reason) == ("repeat", "fallback", "low_confidence")
    assert u.ranking and u.ranking[0].name == "deny"  # Rasa's guess is still there for "did you mean"


async def test_nothing_understood_is_explicit() -> None:
    u = await make_nlu(FakeParser(down=True)).understand("the cow is sick", "en", currency="KES")
    assert u.intent == NOT_UNDERSTOOD and u.intent and u.degraded and u.source == "none"


async def test_entities_are_normalised() -> None:
    text = "mary wanjiku paid two thousand five hundred shillings savings on tuesday"
    roster = [RosterMember("a", "Mary Wanjiku"), RosterMember("b", "Mary Achieng")]
    nlu = make_nlu(FakeParser({text: ("record_transaction", 0.8)}))
    u = await nlu.understand(text, "en", currency="KES", roster=roster, today=date(2026, 11, 26))
    e = u.entities
    assert (e.amount_minor, e.currency, e.transaction_type) == (250_000, "KES", "savings")
    assert e.members[0].member_id == "a" and e.date == date(2026, 12, 1)
    assert u.to_json()["entities"]["date"] == "2026-12-01"
