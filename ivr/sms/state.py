"""The SMS channel's SQL side for the conversation: PIN round trips, opt-out (the reminders' store), channels,
and the inbound log (command word and outcome only, deduplicated on Kannel's message id)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr.reminders.store import ReminderStore
from models.crypto import phone_hash
from models.reach import ReachPreference, SmsInbound, SmsPending

T = TypeVar("T")
CHANNELS = ("call", "sms")


class SmsState:
    """dialogs.sms.conversation.SmsStatePort over the IVR database."""

    def __init__(self, sessions: sessionmaker[Session], reminders: ReminderStore) -> None:
        self._sessions = sessions
        self._reminders = reminders

    async def _run(self, fn: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions.begin() as s:
                return fn(s)

        return await asyncio.to_thread(run)

    async def take_pending(self, phone: str, now: datetime) -> tuple[str, str] | None:
        def q(s: Session) -> tuple[str, str] | None:
            row = s.get(SmsPending, phone_hash(phone))
            if row is None:
                return None
            s.delete(row)
            return (row.command, row.language) if now < row.expires_at else None

        return await self._run(q)

    async def set_pending(self, phone: str, command: str, lang: str, expires_at: datetime) -> None:
        def q(s: Session) -> None:
            key = phone_hash(phone)
            row = s.get(SmsPending, key)
            if row is None:
                s.add(SmsPending(phone_hash=key, command=command, language=lang, expires_at=expires_at))
            else:
                row.command, row.language, row.expires_at = command, lang, expires_at

        await self._run(q)

    async def set_opt_out(self, member_ids: Sequence[str], opted_out: bool) -> None:
        for member_id in member_ids:  # the reminders' own opt-out: cancels pending reminders, keeps the history
            await self._reminders.set_opt_out(member_id, opted_out)

    async def set_channel(self, member_ids: Sequence[str], channel: str) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"reminder channel must be one of {CHANNELS}, got {channel!r}")

        def q(s: Session) -> None:
            for member_id in member_ids:
                row = s.get(ReachPreference, member_id)
                if row is None:
                    s.add(ReachPreference(member_id=member_id, reminder_channel=channel))
                else:
                    row.reminder_channel = channel

        await self._run(q)

    async def first_delivery(self, message_key: str, phone: str, now: datetime) -> bool:
        """Record an inbound message; False when this message was already handled (Kannel re-delivers on errors)."""

        def run() -> bool:
            try:
                with self._sessions.begin() as s:
                    s.add(SmsInbound(message_key=message_key[:100], phone_hash=phone_hash(phone), outcome="received",
                                     received_at=now))
                return True
            except IntegrityError:
                return False

        return await asyncio.to_thread(run)

    async def handled(self, message_key: str, *, command: str | None, lang: str, outcome: str) -> None:
        def q(s: Session) -> None:
            row = s.query(SmsInbound).filter_by(message_key=message_key[:100]).one()
            row.command, row.language, row.outcome = command, lang, outcome

        await self._run(q)

    async def forget(self, message_key: str) -> None:
        """Drop the record of a message whose handling failed, so Kannel's re-delivery is handled."""

        def q(s: Session) -> None:
            s.query(SmsInbound).filter_by(message_key=message_key[:100]).delete()

        await self._run(q)
