"""calls.meeting_lines: a call registered for a dialled meeting-line number (as the dialplan posts ${EXTEN}, with or
without '+', spaces) starts with purpose "meeting"; every other number, and no number, is the self-service line."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient

from tests.calls.test_registry_api import app_with, patched_runtime, registry  # noqa: F401


def test_purpose_follows_the_dialled_number() -> None:
    reg, _ = registry(meeting_lines=["+254700999000", "+255 700 111 222"])
    for dialled, purpose in [("+254700999000", "meeting"), ("254700999000", "meeting"),
                             ("255700111222", "meeting"), ("100", "self_service"), ("", "self_service"),
                             ("softphone", "self_service"), ("+254700999001", "self_service")]:
        assert reg.register(caller="+254700000001", dialled=dialled).purpose == purpose, dialled


def test_registration_endpoint_starts_meeting_line_calls_as_meetings(tmp_path: Path,
                                                                     patched_runtime: None) -> None:  # noqa: F811
    reg, _ = registry(meeting_lines=["+254700999000"])
    client = TestClient(app_with(reg, tmp_path))
    purposes = []
    for dialled in ("254700999000", "100"):
        r = client.post("/asterisk/calls", data={"caller": "+254700000001", "dialled": dialled, "channel": "PJSIP/a-1"},
                        headers={"X-IVR-Token": "tok"})
        assert r.status_code == 200, r.text
        session = reg.accept(uuid.UUID(r.text))
        assert session is not None
        purposes.append(session.info.purpose)
    assert purposes == ["meeting", "self_service"]
