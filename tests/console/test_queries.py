"""The console's small read models on a real migrated SQLite database, and its pure helpers."""

from __future__ import annotations

import io
import uuid
import wave
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from ivr.cli.keys import fingerprint as cli_fingerprint
from ivr.console.audio import wav_span
from ivr.console.formats import money
from ivr.console.pages.meetings import parse_amount
from ivr.console.pages.signin import safe_next
from ivr.console.pii import MediaGrant, MediaLinks, PiiRefused
from ivr.console.queries.audit import AuditFilter, fingerprint, key_status, search_audit
from ivr.console.queries.calls import CallFilter, search_calls
from ivr.console.queries.meetings import entries_csv, list_meetings, meeting_detail, read_back
from ivr.console.queries.reminders import opt_outs, outcomes_by_day
from ivr.console.queries.today import calls_per_hour, latency_per_hour, live_calls, percentile
from models import audit
from models.calls import Call, Recording, Turn
from models.crypto import current_keyring
from models.meetings import MeetingDraft, MeetingEntry
from models.members import MemberPreference
from models.recording_store import RecordingStore
from models.reminders import Reminder, ReminderAttempt
from tests.console.conftest import TUMAINI, UMOJA, Db

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=UTC)


def add_call(s: Session, group: str | None, start: datetime, **kw: object) -> uuid.UUID:
    cid = uuid.uuid4()
    s.add(Call(id=cid, direction="in", purpose="self_service", caller_phone="+254700000001", group_id=group,
               language=kw.pop("language", "en"), started_at=start, outcome=kw.pop("outcome", "completed"), **kw))
    return cid


def test_calls_and_latency_per_hour(db: Db) -> None:
    with db.sessions.begin() as s:
        for minutes, latencies in ((10, [300, 500]), (70, [900]), (26 * 60, [100])):  # the last: too old
            cid = add_call(s, UMOJA, NOW - timedelta(minutes=minutes))
            for i, ms in enumerate(latencies):
                s.add(Turn(call_id=cid, seq=i + 1, speech_end_ms=1000, first_audio_ms=1000 + ms,
                           created_at=NOW - timedelta(minutes=minutes)))
    with db.sessions() as s:
        per_hour = calls_per_hour(s, NOW)
        latency = latency_per_hour(s, NOW)
    assert len(per_hour) == 24 and per_hour[-1] == (datetime(2026, 11, 24, 15, tzinfo=UTC), 1)
    assert per_hour[-2][1] == 1 and sum(n for _h, n in per_hour) == 2
    assert (latency[-1].turns, latency[-1].p50_ms, latency[-1].p95_ms) == (2, 300, 500)  # nearest rank
    assert (latency[-2].p50_ms, latency[-3].p50_ms) == (900, None)
    assert percentile([1, 2, 3, 4], 0.5) == 3 and percentile([], 0.95) is None  # /ops/calls' nearest rank


def test_live_calls_know_where_they_are(db: Db) -> None:
    with db.sessions.begin() as s:
        cid = add_call(s, UMOJA, NOW - timedelta(seconds=95), outcome=None)
        s.add(Turn(call_id=cid, seq=1, prompt_id="pin_ask"))
        s.add(Turn(call_id=cid, seq=2, prompt_id="main_menu"))
    unstored = uuid.uuid4()
    with db.sessions() as s:
        live = {c.call_id: c for c in live_calls(s, [cid, unstored], NOW)}
    assert (live[cid].at_prompt, live[cid].turns, round(live[cid].seconds)) == ("main_menu", 2, 95)
    assert live[unstored].group_id is None and live[unstored].turns == 0


def test_call_search_filters_and_scope(db: Db) -> None:
    with db.sessions.begin() as s:
        add_call(s, UMOJA, NOW, language="en", outcome="completed")
        add_call(s, UMOJA, NOW - timedelta(days=1), language="sw", outcome="hangup")
        add_call(s, TUMAINI, NOW, language="sw", outcome=None)
        add_call(s, None, NOW)
    with db.sessions() as s:
        def n(f: CallFilter, groups: set[str] | None = None) -> int:
            return search_calls(s, f, groups)[1]

        assert n(CallFilter()) == 4 and n(CallFilter(), {UMOJA}) == 2 and n(CallFilter(), set()) == 0
        assert n(CallFilter(day=date(2026, 11, 23))) == 1 and n(CallFilter(language="sw")) == 2
        assert n(CallFilter(outcome="running")) == 1 and n(CallFilter(group=TUMAINI), {UMOJA}) == 0
        rows, total = search_calls(s, CallFilter(per_page=2, page=2), None)
        assert total == 4 and len(rows) == 2


def test_meetings_scope_spans_and_csv(db: Db) -> None:
    store = RecordingStore.from_settings(db.settings)
    with db.sessions.begin() as s:
        cid = add_call(s, UMOJA, NOW - timedelta(minutes=5))
        s.add(Recording(call_id=cid, path=store.save(b"x"), duration_ms=60_000))
        d = MeetingDraft(group_id=UMOJA, meeting_date=date(2026, 11, 24), currency="KES", recorder_member_id="m-0002",
                         status="needs_fix")
        s.add(d)
        s.flush()
        for seq, offset, name in ((1, 20_000, "=cmd|' /C calc'!A0"), (2, 30_000, "Peter Otieno")):
            s.add(MeetingEntry(draft_id=d.id, seq=seq, idempotency_key=f"k{seq}", member_id=f"m-000{seq}",
                               member_name=name, type="savings", amount_text="20000", status="rejected" if seq == 2
                               else "sent", reject_reason="no such member" if seq == 2 else None, call_id=cid,
                               offset_ms=offset))
        s.add(MeetingDraft(group_id=TUMAINI, meeting_date=date(2026, 11, 24), currency="TZS",
                           recorder_member_id="m-0100"))
        draft_id = d.id
    with db.sessions() as s:
        assert [r.group_id for r in list_meetings(s, {UMOJA})] == [UMOJA]
        assert len(list_meetings(s, None)) == 2 and list_meetings(s, None, status="posted") == []
        detail = meeting_detail(s, draft_id)
    assert detail is not None
    spans = [e.span for e in detail.entries]
    assert spans == [(5_000, 21_000), (20_000, 31_000)]  # the read-back before the entry, never the one before
    assert detail.entries[1].reject_reason == "no such member"
    from ivr.console.queries.meetings import MeetingPrivate

    private = MeetingPrivate(None, {1: "=cmd|' /C calc'!A0", 2: "Peter Otieno"}, {}, None)
    text = entries_csv(detail, private)
    assert "'=cmd" in text and "\n=cmd" not in text and ",Peter Otieno," in text
    assert "member_name" not in entries_csv(detail) and "Peter" not in entries_csv(detail)
    assert read_back("savings", "Mary Akinyi", 20000, "KES", "en") == "Mary Akinyi paid two hundred shillings savings."
    assert read_back("fine_payment", "Mary", 100, "KES", "en") is None


def test_amounts_are_parsed_exactly() -> None:
    assert parse_amount("1,250.50", "KES") == 125050 and parse_amount("200", "TZS") == 20000
    assert parse_amount("5000", "UGX") == 5000
    for bad in ("", "abc", "-5", "0", "1.005", "nan", "inf"):
        with pytest.raises(ValueError):
            parse_amount(bad, "KES")
    assert money(125050, "KES") == "KES 1,250.50" and money(5000, "UGX") == "UGX 5,000"


def test_reminder_outcomes_by_day_and_opt_outs(db: Db) -> None:
    def reminder(s: Session, key: str, group: str, member: str, **flags: bool) -> Reminder:
        r = Reminder(key=key, campaign=f"meeting_eve {group} 2026-11-25", rule="meeting_eve", kind="meeting",
                     member_id=member, group_id=group, event_date=date(2026, 11, 25), currency="KES", language="en",
                     first_name="X", group_name="G", timezone="Africa/Nairobi", due_at=NOW, expires_at=NOW,
                     next_attempt_at=NOW, status="done", **flags)
        s.add(r)
        s.flush()
        return r

    with db.sessions.begin() as s:
        a = reminder(s, "a", UMOJA, "m-1", confirmed=True)
        b = reminder(s, "b", UMOJA, "m-2", opted_out=True)
        c = reminder(s, "c", TUMAINI, "m-3")
        for r, seq, outcome, day in ((a, 1, "answered", 24), (b, 1, "busy", 24), (b, 2, "answered", 25),
                                     (c, 1, "congestion", 24)):
            s.add(ReminderAttempt(reminder_id=r.id, call_id=uuid.uuid4(), seq=seq, outcome=outcome,
                                  started_at=datetime(2026, 11, day, 16, tzinfo=UTC)))
        s.add(MemberPreference(member_id="m-2", reminders_opt_out=True))
        s.add(MemberPreference(member_id="m-9", reminders_opt_out=True))  # group unknown to the IVR
    with db.sessions() as s:
        days = outcomes_by_day(s, None)
        mine = outcomes_by_day(s, {UMOJA})
        assert [(d.day.day, d.counts["answered"], d.counts["confirmed"], d.counts["busy"], d.counts["failed"],
                 d.counts["opted_out"]) for d in days] == [(24, 1, 1, 1, 1, 0), (25, 1, 0, 0, 0, 1)]
        assert mine[0].counts["failed"] == 0
        assert [o.member_id for o in opt_outs(s, None)] == ["m-9", "m-2"]  # unknown group sorts first
        assert [o.member_id for o in opt_outs(s, {UMOJA})] == ["m-2"]
        assert [o.member_id for o in opt_outs(s, {TUMAINI}, {"m-9": TUMAINI})] == ["m-9"]  # placed by a roster


def test_audit_search_and_key_status(db: Db) -> None:
    with db.sessions.begin() as s:
        audit.record(s, actor="console:olga", action="read.caller", subject_type="call", subject_id="c1", reason="r")
        audit.record(s, actor="cli:root", action="keys.rotate", subject_type="keyring", subject_id="k", reason="r")
    with db.sessions() as s:
        assert [e.action for e in search_audit(s, AuditFilter(actor="olga"))[0]] == ["read.caller"]
        assert search_audit(s, AuditFilter(action="read."))[1] == 1
        assert search_audit(s, AuditFilter(subject="k"))[1] == 1
        assert search_audit(s, AuditFilter(until=date(2000, 1, 1)))[1] == 0
    ring = current_keyring()
    status = key_status(db.sessions.kw["bind"], ring, RecordingStore.from_settings(db.settings))
    assert status.fingerprints == [cli_fingerprint(k) for k in ring.keys] and status.total_left == 0
    assert fingerprint("abc") == cli_fingerprint("abc")


def test_media_links_are_bound_and_expire() -> None:
    links = MediaLinks(ttl_s=600)
    grant = MediaGrant(7, 1000, 5000, "member asked")
    token = links.mint(session_id=3, grant=grant, now=NOW)
    assert links.check(token, session_id=3, recording_id=7, now=NOW) == grant
    for kwargs in ({"session_id": 4, "recording_id": 7, "now": NOW}, {"session_id": 3, "recording_id": 8, "now": NOW},
                   {"session_id": 3, "recording_id": 7, "now": NOW + timedelta(minutes=11)}):
        with pytest.raises(PiiRefused):
            links.check(token, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(PiiRefused):
        links.check(token[:-2] + "AA", session_id=3, recording_id=7, now=NOW)
    with pytest.raises(PiiRefused):
        MediaLinks(600).check(token, session_id=3, recording_id=7, now=NOW)  # another process's key


def test_wav_span_cuts_without_reencoding() -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(range(256)) * 125)  # 2 s
    cut = wav_span(out.getvalue(), 500, 1500)
    with wave.open(io.BytesIO(cut)) as r:
        assert (r.getframerate(), r.getnframes()) == (8000, 8000)
        assert r.readframes(1) == out.getvalue()[44 + 8000: 44 + 8002]
    with wave.open(io.BytesIO(wav_span(out.getvalue(), 1900, None))) as r:
        assert r.getnframes() == 800


def test_safe_next() -> None:
    assert safe_next("/console/calls?x=1") == "/console/calls?x=1"
    for bad in ("https://evil.example/", "//evil.example", "/consoleX", "/console/sign-in", "/console\\..\\x", None):
        assert safe_next(bad) == "/console/today"


def test_a_corrected_entry_is_known_from_its_audit_row(db: Db) -> None:
    from ivr.console.queries.meetings import CORRECT_ACTION, corrected_seqs

    with db.sessions.begin() as s:
        for subject in ("12:3", "12:x", "123:4", "1:3"):
            audit.record(s, actor="console:ada", action=CORRECT_ACTION, subject_type="meeting", subject_id=subject,
                         reason="amount was 200")
    with db.sessions() as s:
        assert corrected_seqs(s, 12) == {3} and corrected_seqs(s, 1) == {3} and corrected_seqs(s, 5) == set()
