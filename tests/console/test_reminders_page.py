"""The Reminders page over HTTP with the real reminders service (ReminderStore on the real database) and a core
ledger that is down: pause/resume scoped by role and group, opt-back-in only for one's own members, a clear error
instead of a preview."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from ivr.reminders.service import reminders_service
from models.audit import AuditEvent
from models.base import utcnow
from models.calls import Call
from models.members import MemberPreference
from models.reach import MissedCall
from models.reminders import ReminderPause
from tests.console.conftest import TUMAINI, UMOJA, Db, signed_in
from tests.fixtures.ledger_server import free_port


@pytest.fixture
async def with_reminders(app: FastAPI, db: Db) -> AsyncIterator[FastAPI]:
    down = db.settings.model_copy(update={"ledger": db.settings.ledger.model_copy(
        update={"base_url": f"http://127.0.0.1:{free_port()}", "retries": 0})})  # nothing listens there
    async with httpx.AsyncClient() as http, reminders_service(down, http=http, sessions=db.sessions) as svc:
        app.state.reminders = svc
        yield app


async def test_pause_and_resume_follow_roles_and_groups(db: Db, with_reminders: FastAPI,
                                                        client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    token = await signed_in(client, "olga")
    assert (await client.post("/console/reminders/pause", data={"csrf_token": token, "group": UMOJA})).status_code \
        == 303
    assert (await client.post("/console/reminders/pause", data={"csrf_token": token, "group": TUMAINI})).status_code \
        == 403
    assert (await client.post("/console/reminders/pause", data={"csrf_token": token})).status_code == 403  # all
    assert (await client.post("/console/reminders/run", data={"csrf_token": token})).status_code == 403
    with db.sessions() as s:
        assert [(p.scope, p.actor) for p in s.scalars(select(ReminderPause))] == [(UMOJA, "console:olga")]
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.action == "reminders.pause")) is not None
    page = await client.get("/console/reminders")
    assert f"Paused for: {UMOJA}" in page.text
    assert "The ledger is not reachable, so no preview" in page.text  # a clear error, the rest still shows
    assert "Calls only between" in page.text
    assert (await client.post("/console/reminders/resume", data={"csrf_token": token, "group": UMOJA})).status_code \
        == 303
    with db.sessions() as s:
        assert list(s.scalars(select(ReminderPause))) == []


async def test_opt_back_in_only_for_ones_own_members(db: Db, with_reminders: FastAPI,
                                                     client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    with db.sessions.begin() as s:
        for member, group in (("m-0004", UMOJA), ("m-0020", TUMAINI)):
            s.add(MemberPreference(member_id=member, reminders_opt_out=True))
            s.add(Call(direction="in", purpose="self_service", caller_phone="+254700000001", group_id=group,
                       member_id=member))
    token = await signed_in(client, "olga")
    page = (await client.get("/console/reminders")).text
    assert "m-0004" in page and "m-0020" not in page
    other = await client.post("/console/reminders/members/m-0020/opt-in", data={"csrf_token": token})
    assert other.status_code == 404
    mine = await client.post("/console/reminders/members/m-0004/opt-in",
                             data={"csrf_token": token, "note": "asked at the meeting"})
    assert mine.status_code == 303 and mine.headers["location"].startswith("/console/reminders?done=opted-in")
    with db.sessions() as s:
        assert not s.get(MemberPreference, "m-0004").reminders_opt_out  # type: ignore[union-attr]
        assert s.get(MemberPreference, "m-0020").reminders_opt_out  # type: ignore[union-attr]
        row = s.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.opt_in")).one()
        assert (row.actor, row.subject_id, row.reason) == ("console:olga", "m-0004", "asked at the meeting")


async def test_callback_and_sms_figures_for_admins_only(db: Db, with_reminders: FastAPI,
                                                        client: httpx.AsyncClient) -> None:
    with db.sessions.begin() as s:
        s.add(MissedCall(phone_hash="h" * 64, received_at=utcnow(), disposition="rate_limited"))
    db.staff("olga", groups=(UMOJA,))
    await signed_in(client, "olga")
    assert "Missed-call callbacks and SMS" not in (await client.get("/console/reminders")).text
    client.cookies.clear()
    db.staff("ada", role="admin")
    await signed_in(client, "ada")
    page = (await client.get("/console/reminders")).text
    assert "Missed-call callbacks and SMS" in page and "Missed calls</th><td>1 (" in page
