"""Builds the SMS channel from Settings: the conversation (dialogs.sms), its state, the outbox over Kannel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from dialogs.ports import LedgerPort
from dialogs.sms.conversation import SmsAnswer, SmsConversation, SmsRules
from dialogs.store import SqlStore
from ivr.reminders.store import ReminderStore
from ivr.settings import Settings
from ivr.sms.kannel import KannelGateway, SmsGateway
from ivr.sms.outbox import Clock, SmsOutbox
from ivr.sms.state import SmsState
from models.base import utcnow


@dataclass
class SmsChannel:
    settings: Settings
    conversation: SmsConversation
    state: SmsState
    outbox: SmsOutbox
    clock: Clock

    async def receive(self, message_key: str, phone: str, text: str) -> SmsAnswer | None:
        """Handle one inbound SMS once: the reply is queued in the outbox before this returns (None = a repeat)."""
        now: datetime = self.clock()
        if not await self.state.first_delivery(message_key, phone, now):
            return None
        try:
            answer = await self.conversation.answer(phone, text, now)
            await self.outbox.enqueue(f"reply|{message_key}", phone, answer.text, purpose="reply")
        except BaseException:
            await self.state.forget(message_key)  # Kannel re-delivers it: handled then, not lost
            raise
        await self.state.handled(message_key, command=answer.command, lang=answer.lang, outcome=answer.outcome)
        return answer


def build_sms_channel(settings: Settings, *, sessions: sessionmaker[Session], ledger: LedgerPort,
                      http: httpx.AsyncClient, gateway: SmsGateway | None = None,
                      clock: Clock = utcnow) -> SmsChannel:
    s, d = settings.sms, settings.dialogs
    state = SmsState(sessions, ReminderStore(sessions, settings.reminders))
    rules = SmsRules(pin_reply_minutes=s.pin_reply_minutes, trusted_groups=frozenset(s.trusted_number_groups),
                     pin_max_attempts=d.pin_max_attempts, pin_lock_minutes=d.pin_lock_minutes,
                     default_language=d.default_language)
    conversation = SmsConversation(ledger=ledger, pins=SqlStore(sessions), state=state, rules=rules)
    outbox = SmsOutbox(sessions, gateway or KannelGateway(http, s), s, clock)
    return SmsChannel(settings, conversation, state, outbox, clock)


@asynccontextmanager
async def sms_channel(settings: Settings, **kwargs: object) -> AsyncIterator[SmsChannel]:
    """The channel with its outbox drainer running (stopped on exit)."""
    channel = build_sms_channel(settings, **kwargs)  # type: ignore[arg-type]
    channel.outbox.start()
    try:
        yield channel
    finally:
        await channel.outbox.stop()
