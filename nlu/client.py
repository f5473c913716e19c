"""Rasa HTTP adapter: POST /model/parse over the process's shared httpx client; NluUnavailable on ANY failure."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from nlu.types import IntentScore, NluUnavailable, RasaParse

log = logging.getLogger(__name__)


class RasaClient:
    """One method, `parse`; the httpx.AsyncClient is injected (one per process) and never closed here."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, timeout_s: float) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + "/model/parse"
        self._timeout = httpx.Timeout(timeout_s)

    async def parse(self, text: str) -> RasaParse:
        try:
            resp = await self._http.post(self._url, json={"text": text}, timeout=self._timeout)
        except httpx.HTTPError as exc:
            # the utterance is never logged; the error type is enough to diagnose a dead or slow server
            raise NluUnavailable(f"rasa unreachable at {self._url}: {type(exc).__name__}") from exc
        if resp.status_code != 200:
            raise NluUnavailable(f"rasa answered HTTP {resp.status_code} at {self._url}")
        try:
            return _to_parse(resp.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise NluUnavailable(f"rasa sent a malformed parse: {exc}") from exc


def _to_parse(body: Any) -> RasaParse:
    intent = body["intent"]
    name = intent.get("name") if isinstance(intent, dict) else None
    if not isinstance(name, str) or not name:
        raise ValueError("no intent in the reply (is a model loaded?)")
    confidence = float(intent["confidence"])
    ranking = tuple(
        IntentScore(str(r["name"]), float(r["confidence"])) for r in body.get("intent_ranking") or [] if r.get("name")
    )
    return RasaParse(name, confidence, ranking or (IntentScore(name, confidence),))
