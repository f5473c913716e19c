"""Roles and PII rules over HTTP: a field officer sees only their groups (lists and typed URLs), admins only see the
audit page, personal data needs a reason and the group's consent, and each view writes the audit rows that
models.reads writes for the admin API."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from models.audit import AuditEvent
from tests.console.conftest import TUMAINI, UMOJA, Db, signed_in


def audit_rows(db: Db) -> list[tuple[str, str, str, str]]:
    with db.sessions() as s:
        return [(e.actor, e.action, e.subject_id, e.reason) for e in s.scalars(select(AuditEvent)
                                                                              .order_by(AuditEvent.id))]


async def test_a_field_officer_sees_only_their_groups(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    mine, theirs = db.call(UMOJA), db.call(TUMAINI)
    await signed_in(client, "olga")
    listed = (await client.get("/console/calls")).text
    assert str(mine) in listed and str(theirs) not in listed
    for url in (f"/console/calls/{theirs}", f"/console/groups/{TUMAINI}", f"/console/calls?group={TUMAINI}",
                f"/console/meetings?group={TUMAINI}", f"/console/reminders?group={TUMAINI}"):
        answer = await client.get(url)
        assert answer.status_code == 403 and "Not one of your groups" in answer.text, url
    assert (await client.get(f"/console/calls/{mine}")).status_code == 200
    assert (await client.get("/console/audit")).status_code == 403  # admins only


async def test_an_unidentified_call_is_for_admins_only(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    anonymous = db.call(None)
    await signed_in(client, "olga")
    assert (await client.get(f"/console/calls/{anonymous}")).status_code == 403


async def test_an_admin_sees_every_group_and_the_audit(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("ada", role="admin")
    a, b = db.call(UMOJA), db.call(TUMAINI)
    await signed_in(client, "ada")
    listed = (await client.get("/console/calls")).text
    assert str(a) in listed and str(b) in listed
    page = await client.get("/console/audit")
    assert page.status_code == 200 and "staff.sign_in" in page.text


async def test_a_call_page_shows_timings_but_no_pii(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    call_id = db.call(UMOJA, transcript="how much have I saved", phone="+254711222333")
    await signed_in(client, "olga")
    page = (await client.get(f"/console/calls/{call_id}")).text
    assert "main menu" in page and "1,680 ms" in page and "480 ms" in page  # first audio, speech -> answer
    assert "+254711222333" not in page and "how much have I saved" not in page and "Grace W" not in page
    assert "ask savings" not in page  # what the bot understood is shown with the transcript only


async def test_pii_needs_a_reason(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    db.consent(UMOJA)
    call_id = db.call(UMOJA)
    token = await signed_in(client, "olga")
    before = audit_rows(db)
    for reason in ("", "  ", "ok"):
        refused = await client.post(f"/console/calls/{call_id}/reveal", data={"csrf_token": token, "reason": reason})
        assert refused.status_code == 400 and "Say why" in refused.text
    assert audit_rows(db) == before  # nothing shown, nothing audited


async def test_pii_needs_the_groups_consent(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    call_id = db.call(UMOJA, phone="+254711222333")
    token = await signed_in(client, "olga")
    why = {"csrf_token": token, "reason": "member asked why her savings were not read"}
    refused = await client.post(f"/console/calls/{call_id}/reveal", data=why)
    assert refused.status_code == 403 and "has not consented" in refused.text and "+254711222333" not in refused.text
    db.consent(UMOJA, granted=True)
    db.consent(UMOJA, granted=False)  # the newest decision wins
    assert (await client.post(f"/console/calls/{call_id}/reveal", data=why)).status_code == 403


async def test_a_pii_view_with_a_reason_is_shown_and_audited(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    db.consent(UMOJA)
    call_id = db.call(UMOJA, transcript="how much have I saved", phone="+254711222333")
    token = await signed_in(client, "olga")
    reason = "member asked why her savings were not read"
    shown = await client.post(f"/console/calls/{call_id}/reveal", data={"csrf_token": token, "reason": reason})
    assert shown.status_code == 200
    for text in ("+254711222333", "Grace W", "how much have I saved", "ask savings (0.93)"):
        assert text in shown.text
    assert "no-store" in shown.headers["cache-control"]
    reads = [r for r in audit_rows(db) if r[1].startswith("read.")]
    assert [(a, act, r) for a, act, _s, r in reads] == [("console:olga", "read.caller", reason),
                                                        ("console:olga", "read.transcript", reason)]
    assert reads[0][2] == str(call_id)


async def test_another_officers_call_cannot_be_revealed(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    db.consent(TUMAINI)
    theirs = db.call(TUMAINI)
    token = await signed_in(client, "olga")
    answer = await client.post(f"/console/calls/{theirs}/reveal", data={"csrf_token": token, "reason": "curious"})
    assert answer.status_code == 403 and not [r for r in audit_rows(db) if r[1].startswith("read.")]


async def test_only_admins_record_consent(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga", groups=(UMOJA,))
    token = await signed_in(client, "olga")
    answer = await client.post(f"/console/groups/{UMOJA}/consent",
                               data={"csrf_token": token, "decision": "granted", "note": "minutes"})
    assert answer.status_code == 403
    db.staff("ada", role="admin")
    await client.post("/console/sign-out", data={"csrf_token": token})
    token = await signed_in(client, "ada")
    answer = await client.post(f"/console/groups/{UMOJA}/consent",
                               data={"csrf_token": token, "decision": "granted", "note": "minutes of 3 May"})
    assert answer.status_code == 303
    page = (await client.get(f"/console/groups/{UMOJA}")).text
    assert "Granted" in page and "minutes of 3 May" in page and "console:ada" in page
    assert ("console:ada", "consent.grant", UMOJA, "minutes of 3 May") in audit_rows(db)


async def test_pages_render_empty_states_without_a_running_ivr(db: Db, client: httpx.AsyncClient) -> None:
    db.staff("olga")
    await signed_in(client, "olga")
    expected = {"/console/today": "starting or stopping", "/console/calls": "No calls match",
                "/console/meetings": "No meetings have been recorded", "/console/groups": "No groups are assigned",
                "/console/reminders": "reminders service is not running"}
    for url, text in expected.items():
        page = await client.get(url)
        assert page.status_code == 200 and text in page.text, url
        assert 'src="/console/static/vendor/htmx.min.js"' in page.text  # served here, never a CDN


async def test_a_calls_recording_plays_only_through_the_link_of_an_audited_view(db: Db, client: httpx.AsyncClient,
                                                                                app: object) -> None:
    import re

    from models.recording_store import RecordingStore, add_recording

    db.staff("olga", groups=(UMOJA,))
    db.consent(UMOJA)
    call_id = db.call(UMOJA)
    with db.sessions.begin() as s:
        rec_id = add_recording(s, RecordingStore.from_settings(db.settings), call_id=call_id, audio=b"RIFF-audio",
                               duration_ms=1000).id
    token = await signed_in(client, "olga")
    plain = await client.get(f"/console/calls/{call_id}/recordings/{rec_id}")  # no link: refused
    assert plain.status_code == 403
    shown = await client.post(f"/console/calls/{call_id}/reveal", data={"csrf_token": token, "reason": "dispute"})
    link = re.search(rf'src="(/console/calls/{call_id}/recordings/{rec_id}\?link=[^"]+)"', shown.text)
    assert link, shown.text
    played = await client.get(link.group(1).replace("&amp;", "&"))
    assert played.status_code == 200 and played.content == b"RIFF-audio" and played.headers["content-type"] == \
        "audio/wav"
    assert ("console:olga", "read.recording", str(rec_id), "dispute") in audit_rows(db)
    tampered = await client.get(link.group(1)[:-3] + "abc")
    assert tampered.status_code == 403
    await client.post("/console/sign-out", data={"csrf_token": token})
    await signed_in(client, "olga")  # a new session: the old link is not its own
    assert (await client.get(link.group(1))).status_code == 403


async def test_a_meetings_csv_has_names_only_after_a_reason(db: Db, client: httpx.AsyncClient) -> None:
    from datetime import date

    from models.meetings import MeetingDraft, MeetingEntry

    db.staff("olga", groups=(UMOJA,))
    db.consent(UMOJA)
    with db.sessions.begin() as s:
        d = MeetingDraft(group_id=UMOJA, meeting_date=date(2026, 11, 24), currency="KES", recorder_member_id="m-0002",
                         status="posted")
        s.add(d)
        s.flush()
        s.add(MeetingEntry(draft_id=d.id, seq=1, idempotency_key="k1", member_id="m-0001", member_name="Grace W",
                           type="savings", amount_text="20000", status="sent"))
        meeting_id = d.id
    token = await signed_in(client, "olga")
    plain = await client.get(f"/console/meetings/{meeting_id}/export.csv")
    assert plain.status_code == 200 and "m-0001,savings,20000,KES,sent" in plain.text and "Grace" not in plain.text
    assert "attachment" in plain.headers["content-disposition"]
    refused = await client.post(f"/console/meetings/{meeting_id}/export", data={"csrf_token": token})
    assert refused.status_code == 400
    named = await client.post(f"/console/meetings/{meeting_id}/export",
                              data={"csrf_token": token, "reason": "the group's auditor asked"})
    assert named.status_code == 200 and "m-0001,Grace W,savings" in named.text
    assert ("console:olga", "export.meeting", str(meeting_id), "the group's auditor asked") in audit_rows(db)
