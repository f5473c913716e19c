"""Admin API for recorded meetings: API-key roles, entries with their recording link, audited streaming."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select

from ivr.api import meetings as meetings_api
from models.audit import AuditEvent
from models.base import make_sessionmaker
from models.migrate import engine_for
from tests.meetings.seed import Seeded, seed_meeting

ADMIN = {"X-API-Key": "test-admin-key"}
VIEWER = {"X-API-Key": "viewer-key"}
WHY = {"reason": "monthly audit of the group's books"}


@pytest.fixture
async def seeded(tmp_path: Path) -> Seeded:
    keys = [SecretStr("tester:admin:test-admin-key"), SecretStr("vera:viewer:viewer-key")]
    from cryptography.fernet import Fernet

    return await seed_meeting(tmp_path, security={
        "encryption_keys": [SecretStr(Fernet.generate_key().decode())],
        "lookup_hash_key": SecretStr("test-lookup-key-0123456789"), "admin_api_keys": keys,
        "secrets_file": tmp_path / "secrets.json"})


@pytest.fixture
async def client(seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.state.settings = seeded.settings
    app.include_router(meetings_api.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ivr") as c:
        yield c
    made = getattr(app.state, "meeting_sessions", None)
    if made is not None:
        made.kw["bind"].dispose()


def audit_actions(seeded: Seeded) -> list[tuple[str, str, str]]:
    engine = engine_for(seeded.settings)
    try:
        with make_sessionmaker(engine)() as s:
            return [(e.actor, e.action, e.subject_id) for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    finally:
        engine.dispose()


async def test_keys_are_required(client: httpx.AsyncClient) -> None:
    assert (await client.get("/admin/meetings", params=WHY)).status_code == 401
    assert (await client.get("/admin/meetings", params=WHY, headers={"X-API-Key": "nope"})).status_code == 401


async def test_list_and_entries_for_a_viewer_hide_names_and_speech(client: httpx.AsyncClient, seeded: Seeded
                                                                   ) -> None:
    listed = (await client.get("/admin/meetings", params={**WHY, "group_id": "g-kes-umoja"}, headers=VIEWER)).json()
    assert [(m["meeting_id"], m["status"], m["entries"]) for m in listed] == [(seeded.draft_id, "open",
                                                                              {"confirmed": 2})]
    detail = (await client.get(f"/admin/meetings/{seeded.draft_id}", params=WHY, headers=VIEWER)).json()
    assert [(e["member_id"], e["type"], e["amount_minor"]) for e in detail["items"]] == [
        ("m-0001", "savings", 20000), ("m-0014", "fine", 5000)]
    assert all(e["member_name"] is None and e["transcript"] is None for e in detail["items"])
    assert detail["items"][0]["offset_ms"] == 42000 and detail["items"][0]["recording_ids"] == [seeded.recording_id]
    url = f"/admin/meetings/{seeded.draft_id}/recordings/{seeded.recording_id}"
    assert (await client.get(url, params=WHY, headers=VIEWER)).status_code == 403
    assert [a[:2] for a in audit_actions(seeded)] == [("admin:vera", "list.meetings"),
                                                      ("admin:vera", "list.meeting_entries")]


async def test_admin_reads_names_transcripts_and_streams_the_recording_audited(client: httpx.AsyncClient,
                                                                               seeded: Seeded) -> None:
    detail = (await client.get(f"/admin/meetings/{seeded.draft_id}", params=WHY, headers=ADMIN)).json()
    assert detail["items"][1]["member_name"] == "Peter Otieno"
    assert detail["items"][1]["transcript"] == "peter fine fifty"
    url = f"/admin/meetings/{seeded.draft_id}/recordings/{seeded.recording_id}"
    got = await client.get(url, params=WHY, headers=ADMIN)
    assert got.status_code == 200 and got.content == seeded.audio
    assert (await client.get(url, headers=ADMIN)).status_code == 422  # no reason given: refused
    assert (await client.get(f"/admin/meetings/{seeded.draft_id}/recordings/999", params=WHY,
                             headers=ADMIN)).status_code == 404
    assert audit_actions(seeded) == [("admin:tester", "read.meeting", str(seeded.draft_id)),
                                     ("admin:tester", "read.recording", str(seeded.recording_id))]
