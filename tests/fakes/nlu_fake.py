"""Fakes for NLU unit tests: a scripted intent parser and canned Rasa HTTP replies (real Rasa: tests/nlu/*rasa*)."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from nlu.types import IntentScore, NluUnavailable, RasaParse


class FakeParser:
    """Answers from a dict text -> (intent, confidence); `down=True` raises NluUnavailable like a dead server."""

    def __init__(self, answers: dict[str, tuple[str, float]] | None = None, *, down: bool = False) -> None:
        self.answers = answers or {}
        self.down = down
        self.calls: list[str] = []

    async def parse(self, text: str) -> RasaParse:
        self.calls.append(text)
        if self.down:
            raise NluUnavailable("fake rasa is down")
        intent, conf = self.answers.get(text, ("out_of_scope", 0.2))
        return RasaParse(intent, conf, (IntentScore(intent, conf),))


def rasa_transport(status: int, body: object | str) -> httpx.MockTransport:
    """An httpx transport that answers every request with `status` and `body` (JSON unless a str)."""

    def handler(request: httpx.Request) -> httpx.Response:
        content = body if isinstance(body, str) else json.dumps(body)
        return httpx.Response(status, content=content.encode(), headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def failing_transport(exc: Callable[[httpx.Request], Exception]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc(request)

    return httpx.MockTransport(handler)
