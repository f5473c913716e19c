"""The reminders admin API: API-key auth with roles, preview/stats without phone numbers, pause/resume, opt-in/out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from ivr.api import reminders as api
from ivr.reminders.planner import Planner
from ivr.reminders.service import Reminders
from tests.fakes.reminder_fakes import FakeLedgerReads, FakePlacer, group_info, meeting, roster
from tests.reminders.conftest import Env

ADMIN = {"X-API-Key": "test-admin-key"}
VIEWER = {"X-API-Key": "viewer-key"}
PHONE = "+254722000111"


@pytest.fixture
async def client(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    env.settings.security.admin_api_keys.append(SecretStr("wanjiku:viewer:viewer-key"))
    lg = FakeLedgerReads({"g": group_info("g", "Africa/Nairobi")}, {"g": roster("g", 2)},
                         events=[meeting("g", date(2026, 11, 26))])
    store = env.store()
    await store.set_contacts([("g-m1", PHONE)])
    app = FastAPI()
    app.state.settings = env.settings
    app.state.reminders = Reminders(store, Planner(ledger=lg, store=store, settings=env.rem()), None)
    app.include_router(api.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ivr") as c:
        yield c


async def test_keys_and_roles(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/reminders/stats")).status_code == 401
    assert (await client.get("/admin/reminders/stats", headers={"X-API-Key": "nope"})).status_code == 401
    assert (await client.get("/admin/reminders/stats", headers=VIEWER)).status_code == 200
    refused = await client.post("/admin/reminders/pause", json={}, headers=VIEWER)
    assert refused.status_code == 403 and "admin role" in refused.text
    assert (await client.post("/admin/reminders/pause", json={}, headers=ADMIN)).json() == {"paused": "all"}


async def test_preview_lists_reasons_without_phone_numbers(client: httpx.AsyncClient) -> None:
    r = await client.get("/admin/reminders/preview", params={"at": "2026-11-25T18:30:00+03:00"}, headers=VIEWER)
    assert r.status_code == 200
    rows = r.json()["reminders"]
    assert {(x["member_id"], x["rule"], x["status"]) for x in rows} == {
        ("g-m1", "meeting_eve", "new"), ("g-m1", "meeting_soon", "new"),
        ("g-m2", "meeting_eve", "skipped"), ("g-m2", "meeting_soon", "skipped")}
    assert PHONE not in r.text and PHONE.lstrip("+") not in r.text
    naive = await client.get("/admin/reminders/preview", params={"at": "2026-11-25T18:30:00"}, headers=VIEWER)
    assert naive.status_code == 422


async def test_pause_resume_opt_out_and_stats(client: httpx.AsyncClient, env: Env) -> None:
    assert (await client.post("/admin/reminders/pause", json={"group_id": "g"}, headers=ADMIN)).status_code == 200
    assert await env.store().paused() == {"g"}
    r = await client.post("/admin/reminders/resume", json={"group_id": "g"}, headers=ADMIN)
    assert r.json() == {"resumed": "g", "was_paused": True}
    assert (await client.post("/admin/reminders/members/g-m1/opt-out", headers=ADMIN)).json()["reminders"] == "off"
    assert await env.store().opted_out(["g-m1"]) == {"g-m1"}
    assert (await client.post("/admin/reminders/members/g-m1/opt-in", headers=ADMIN)).json()["reminders"] == "on"
    assert await env.store().opted_out(["g-m1"]) == set()
    # a run, then the statistics of its campaign
    lg = FakeLedgerReads({"g": group_info("g", "Africa/Nairobi")}, {"g": roster("g", 2)},
                         events=[meeting("g", date(2026, 11, 26))])
    env.clock.now = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    runner, _ = env.runner(lg, FakePlacer(outcomes={PHONE: "busy"}), meeting_hours_before=0)
    await runner.run()
    (st,) = (await client.get("/admin/reminders/stats", headers=VIEWER)).json()["campaigns"]
    assert st["campaign"] == "meeting_eve g 2026-11-26"
    assert (st["reminders"], st["called"], st["reached"], st["pending"], st["failed_by_cause"]) == (
        1, 1, 0, 1, {"busy": 1})
