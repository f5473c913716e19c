"""Meetings recorded by phone, for the console: drafts per group, entries with state, read-backs, audio spans, CSV.

The outbox's verdicts are copied onto submitted drafts first (models.meetings.apply_outbox_verdicts, as the admin
API and `ivr meetings list` do), so a meeting posted since the call shows as posted.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

import languages
from dialogs.prompts import CATALOGS, render
from dialogs.values import Money, Name
from ledger_client.types import TransactionType
from models import audit
from models import meetings as m
from models.calls import Call, Recording

# The read-back begins at most this long before the entry was saved (the caller's words, the read-back, "yes").
SPAN_BEFORE_MS = 15_000
# ... and the entry is saved just after the "yes": keep a little after it.
SPAN_AFTER_MS = 1_000
# Types the meeting dialog records (each has a read-back prompt in the reference catalog, the first pack's): what
# a correction may choose.
ENTRY_TYPES = tuple(t for t in get_args(TransactionType)
                    if f"meeting_tx_{t}" in CATALOGS[languages.default_code()])


@dataclass(frozen=True)
class MeetingRow:
    meeting_id: int
    group_id: str
    meeting_date: date
    status: str
    recorder_member_id: str
    entries: dict[str, int]  # entry status -> count
    updated_at: datetime
    transcribed: bool


def _row(d: m.MeetingDraft) -> MeetingRow:
    counts: dict[str, int] = {}
    for e in d.entries:
        counts[e.status] = counts.get(e.status, 0) + 1
    return MeetingRow(d.id, d.group_id, d.meeting_date, d.status, d.recorder_member_id, counts, d.updated_at,
                      d.transcribed_at is not None)


def list_meetings(s: Session, groups: Collection[str] | None, *, group: str | None = None,
                  status: str | None = None) -> list[MeetingRow]:
    q = select(m.MeetingDraft).order_by(m.MeetingDraft.meeting_date.desc(), m.MeetingDraft.id.desc())
    if groups is not None:
        q = q.where(m.MeetingDraft.group_id.in_(list(groups)))
    if group:
        q = q.where(m.MeetingDraft.group_id == group)
    drafts = list(s.scalars(q))
    for d in drafts:
        if d.status == m.SUBMITTED:
            m.apply_outbox_verdicts(s, d)
    return [_row(d) for d in drafts if not status or d.status == status]


@dataclass(frozen=True)
class EntryRow:
    seq: int
    member_id: str
    type: str
    amount_minor: int
    status: str
    bulk: bool
    reject_reason: str | None
    call_id: uuid.UUID | None
    recording_id: int | None
    span: tuple[int, int] | None  # (start ms, end ms) in that recording
    created_at: datetime
    lang: str
    corrected: bool = False  # recorded again from the console (the rejected row stays as history)


@dataclass(frozen=True)
class MeetingDetail:
    row: MeetingRow
    currency: str
    submitted_at: datetime | None
    entries: list[EntryRow]


def meeting_detail(s: Session, meeting_id: int) -> MeetingDetail | None:
    d = s.get(m.MeetingDraft, meeting_id)
    if d is None:
        return None
    if d.status == m.SUBMITTED:
        m.apply_outbox_verdicts(s, d)
    calls = {e.call_id for e in d.entries if e.call_id}
    recs: dict[uuid.UUID, Recording] = {}
    langs: dict[uuid.UUID, str] = {}
    if calls:
        for r in s.scalars(select(Recording).where(Recording.call_id.in_(calls)).order_by(Recording.id)):
            recs.setdefault(r.call_id, r)
        langs = {c.id: c.language for c in s.scalars(select(Call).where(Call.id.in_(calls))) if c.language}
    previous: dict[uuid.UUID, int] = {}
    fixed = corrected_seqs(s, meeting_id)
    entries = []
    first = languages.default_code()  # an entry keyed without a call: read back in the first pack's language
    for e in d.entries:
        rec = recs.get(e.call_id) if e.call_id else None
        span = None
        if rec is not None and e.call_id is not None and e.offset_ms is not None:
            start = max(previous.get(e.call_id, 0), e.offset_ms - SPAN_BEFORE_MS)
            span = (start, min(rec.duration_ms, e.offset_ms + SPAN_AFTER_MS))
            previous[e.call_id] = e.offset_ms
        entries.append(EntryRow(e.seq, e.member_id, e.type, e.amount_minor, e.status, e.bulk, e.reject_reason,
                                e.call_id, rec.id if rec else None, span, e.created_at,
                                langs.get(e.call_id, first) if e.call_id else first, e.seq in fixed))
    return MeetingDetail(_row(d), d.currency, d.submitted_at, entries)


CORRECT_ACTION = "meeting.correct"


def corrected_seqs(s: Session, meeting_id: int) -> set[int]:
    """Entries already recorded again from the console (their audit rows say so: "<meeting>:<seq>")."""
    prefix = f"{meeting_id}:"
    rows = s.scalars(select(audit.AuditEvent.subject_id).where(
        audit.AuditEvent.action == CORRECT_ACTION, audit.AuditEvent.subject_id.startswith(prefix, autoescape=True)))
    return {int(sid[len(prefix):]) for sid in rows if sid[len(prefix):].isdigit()}


def read_back(entry_type: str, name: str, amount_minor: int, currency: str, lang: str) -> str | None:
    """The sentence the bot said to confirm the entry (None for a type the dialog has no read-back for)."""
    try:
        return render(f"meeting_tx_{entry_type}", {"name": Name(name), "amount": Money(amount_minor, currency)},
                      lang if lang in CATALOGS else languages.default_code())
    except (KeyError, LookupError):
        return None


@dataclass(frozen=True)
class MeetingPrivate:
    recorder_name: str | None
    names: dict[int, str]  # seq -> member name
    transcripts: dict[int, str | None]  # seq -> what the caller said for the entry
    transcript: str | None  # the whole session, transcribed


def read_private(s: Session, meeting_id: int, *, actor: str, reason: str, action: str = "read.meeting"
                 ) -> MeetingPrivate:
    """Names and speech of a meeting, after committing the audit row (the admin API's "read.meeting")."""
    d = s.get(m.MeetingDraft, meeting_id)
    if d is None:
        raise LookupError(f"no meeting {meeting_id}")
    audit.record(s, actor=actor, action=action, subject_type="meeting", subject_id=str(meeting_id), reason=reason)
    s.commit()  # committed before the data leaves
    return MeetingPrivate(d.recorder_name, {e.seq: e.member_name for e in d.entries},
                          {e.seq: e.transcript for e in d.entries}, d.transcript)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @ at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def entries_csv(detail: MeetingDetail, private: MeetingPrivate | None = None) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    head = ["meeting_id", "group_id", "meeting_date", "seq", "member_id", "type", "amount_minor", "currency",
            "status", "bulk", "reject_reason", "recorded_at"]
    w.writerow([*head[:5], "member_name", *head[5:]] if private else head)
    for e in detail.entries:
        cells: list[object] = [detail.row.meeting_id, detail.row.group_id, detail.row.meeting_date.isoformat(), e.seq,
                               e.member_id, e.type, e.amount_minor, detail.currency, e.status, e.bulk,
                               e.reject_reason or "", e.created_at.isoformat()]
        if private:
            cells.insert(5, private.names.get(e.seq, ""))
        w.writerow([_cell(c) for c in cells])
    return out.getvalue()
