"""Reminders: campaign preview with quiet hours, run now / pause / resume, outcomes over time (chart + table),
campaign figures, opt-outs with opt-back-in. The services behind /admin/reminders and `ivr reminders` do the work."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ivr.ami import AmiError
from ivr.callbacks.stats import callback_stats
from ivr.console.access import pii_reason, require_group
from ivr.console.formats import label
from ivr.console.queries.groups import roster
from ivr.console.queries.reminders import SERIES, campaign_group, opt_outs, outcomes_by_day
from ivr.console.web import PREFIX, AdminDep, ConsoleError, FormDep, StaffDep, field_of, in_db, render, state_of
from ivr.reminders.runner import RemindersDisabled
from ivr.reminders.service import Reminders, reminders_service
from ivr.reminders.stats import campaign_stats
from ivr.reminders.store import ALL_SCOPE
from ivr.sms.reminders import SmsReminders, run_campaign
from ivr.sms.stats import sms_stats
from ledger_client.errors import LedgerError
from models import audit
from models.base import utcnow

log = logging.getLogger(__name__)
router = APIRouter()
# A field officer's opt-out list asks the ledger for at most this many rosters (cached reads) per page view.
ROSTER_GROUPS_MAX = 25
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _service(request: Request) -> Reminders | None:
    svc = getattr(request.app.state, "reminders", None)
    return svc if isinstance(svc, Reminders) else None


def _at(value: str) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConsoleError(400, "Not a time", f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM).") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # the form's field is labelled UTC


async def _preview(svc: Reminders, staff: Any, at: datetime, group: str) -> tuple[list[Any], str]:
    try:
        lines = await svc.planner.lines(at)
    except LedgerError as exc:
        return [], f"The ledger is not reachable, so no preview: {exc}"
    return [ln for ln in lines if staff.sees(ln.candidate.group_id)
            and (not group or ln.candidate.group_id == group)], ""


def _quiet_hours(request: Request, lines: list[Any], at: datetime) -> dict[str, Any]:
    cfg = state_of(request).settings.reminders
    zones = sorted({ln.candidate.timezone for ln in lines})
    svc = _service(request)
    window = svc.store.window if svc else None
    return {"from": cfg.calls_from.strftime("%H:%M"), "until": cfg.calls_until.strftime("%H:%M"),
            "no_days": [WEEKDAYS[d] for d in sorted(cfg.no_call_weekdays)],
            "zones": [(tz, at.astimezone(ZoneInfo(tz)).strftime("%a %H:%M"), window.allows(at, tz) if window else None)
                      for tz in zones]}


@router.get(PREFIX + "/reminders", response_class=HTMLResponse, include_in_schema=False)
async def reminders_page(request: Request, staff: StaffDep, group: str = "", at: str = "") -> HTMLResponse:
    if group:
        require_group(staff, group)
    svc = _service(request)
    moment = _at(at) or utcnow()
    scope = staff.scope()
    lines, preview_error = await _preview(svc, staff, moment, group) if svc else ([], "")
    stats, paused = [], set()
    if svc is not None:
        found = await asyncio.to_thread(campaign_stats, svc.store.sessions, None)
        stats = [st for st in found if staff.sees(campaign_group(st)) and (not group or campaign_group(st) == group)]
        paused = await svc.store.paused()
    reach = None
    if svc is not None and staff.is_admin:  # counts over every group: admins only
        reach = {"callbacks": await asyncio.to_thread(callback_stats, svc.store.sessions),
                 "sms": await asyncio.to_thread(sms_stats, svc.store.sessions)}
    by_day = await in_db(request, lambda s: outcomes_by_day(s, scope, group=group or None))
    roster_map = await _roster_groups(request, [group] if group else sorted(staff.groups))
    optouts = await in_db(request, lambda s: opt_outs(s, scope, roster_map))
    if group:
        optouts = [o for o in optouts if o.group_id == group]
    return render(request, "reminders.html", staff, section="reminders", svc=svc is not None, lines=lines,
                  preview_error=preview_error, quiet=_quiet_hours(request, lines, moment), at=at, moment=moment,
                  stats=stats, paused=paused, all_paused=ALL_SCOPE in paused, by_day=by_day,
                  outcome_head=["Day (UTC)", *(label(k) for k in SERIES)],
                  outcome_rows=[(d.day.isoformat(), [d.counts[k] for k in SERIES]) for d in by_day],
                  optouts=optouts, group=group, runs=state_of(request).runs, names=None,
                  my_groups=sorted(staff.groups) if not staff.is_admin else None,
                  done=request.query_params.get("done", ""), reach=reach)


async def _roster_groups(request: Request, group_ids: list[str]) -> dict[str, str]:
    """member id -> group from the ledger's rosters (members the IVR never called are placed by these)."""
    out: dict[str, str] = {}
    for gid in group_ids[:ROSTER_GROUPS_MAX]:
        found = await roster(request, gid)
        out.update({mem.member_id: gid for mem in found.members} if found else {})
    return out


def _require_service(request: Request) -> Reminders:
    svc = _service(request)
    if svc is None:
        raise ConsoleError(503, "Reminders not running", "The reminders service is not running (the IVR is "
                           "starting or stopping): try again in a minute.")
    return svc


def _back(done: str, group: str = "") -> RedirectResponse:
    query = f"?done={done}" + (f"&group={group}" if group else "")
    return RedirectResponse(f"{PREFIX}/reminders{query}", status_code=303)


async def _audit(request: Request, staff: Any, action: str, subject_type: str, subject_id: str, reason: str) -> None:
    await in_db(request, lambda s: audit.record(s, actor=staff.actor, action=action, subject_type=subject_type,
                                                subject_id=subject_id, reason=reason))


async def _pause_or_resume(request: Request, staff: Any, form: Any, verb: str) -> Response:
    """Pause or resume reminder calls for one group (its officers) or for every group (admins)."""
    group = field_of(form, "group")
    if not group and not staff.is_admin:
        raise ConsoleError(403, "Admins only", f"Only admins {verb} reminder calls for every group; choose a group.")
    if group:
        require_group(staff, group)
    store = _require_service(request).store
    await (store.pause(group or ALL_SCOPE, staff.actor) if verb == "pause" else store.resume(group or ALL_SCOPE))
    await _audit(request, staff, f"reminders.{verb}", "group", group or ALL_SCOPE, f"{verb}d from the staff console")
    return _back(f"{verb}d", group)


@router.post(PREFIX + "/reminders/pause", include_in_schema=False)
async def pause(request: Request, staff: StaffDep, form: FormDep) -> Response:
    return await _pause_or_resume(request, staff, form, "pause")


@router.post(PREFIX + "/reminders/resume", include_in_schema=False)
async def resume(request: Request, staff: StaffDep, form: FormDep) -> Response:
    return await _pause_or_resume(request, staff, form, "resume")


@router.post(PREFIX + "/reminders/run", include_in_schema=False)
async def run_now(request: Request, staff: AdminDep, _form: FormDep) -> Response:
    """One `ivr reminders run` pass in the background: plan, dial what is due (caps, quiet hours), until done."""
    st = state_of(request)
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise ConsoleError(503, "IVR not running", "The IVR is starting or stopping: try again in a minute.")
    if st.runs.running:
        raise ConsoleError(409, "Already running", "A reminder run is in progress; its result shows on the page.")
    runs = st.runs
    runs.started_at, runs.started_by, runs.summary, runs.error = utcnow(), staff.name, "", ""

    channel = getattr(request.app.state, "sms", None)  # the app's SMS channel: reminder SMS go through its outbox
    sms = (SmsReminders(runtime.sessions, channel.outbox, st.settings.sms, st.settings.reminders)
           if channel is not None else None)

    async def run() -> None:
        try:
            async with reminders_service(st.settings, dial=True, http=runtime.http, sessions=runtime.sessions) as svc:
                assert svc.runner is not None
                report, _sms = await run_campaign(svc, sms, clock=utcnow, enabled=st.settings.reminders.enabled)
            outcomes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(report.outcomes.items())) or "none"
            runs.summary = (f"{report.new} new reminder(s) planned; {len(report.dials)} call(s) placed; "
                            f"outcomes: {outcomes}; at most {report.max_concurrent} at once.")
        except AmiError as exc:
            runs.error = f"Asterisk manager (AMI) not reachable: {exc}"
        except LedgerError as exc:
            runs.error = f"Ledger not reachable: {exc}"
        except RemindersDisabled as exc:
            runs.error = str(exc)
        except Exception as exc:  # shown on the page; the traceback goes to the log
            log.exception("reminder run from the console failed")
            runs.error = f"The run failed: {type(exc).__name__}"

    await _audit(request, staff, "reminders.run", "reminders", ALL_SCOPE, "run started from the staff console")
    runs.task = asyncio.create_task(run(), name="console-reminder-run")
    return _back("run")


@router.post(PREFIX + "/reminders/members/{member_id}/opt-in", include_in_schema=False)
async def opt_in(request: Request, staff: StaffDep, form: FormDep, member_id: str) -> Response:
    """Turn a member's reminder calls back on (they asked their secretary)."""
    svc = _require_service(request)
    scope = staff.scope()
    found = {o.member_id: o for o in await in_db(request, lambda s: opt_outs(s, scope))}
    if member_id not in found:
        raise ConsoleError(404, "Not opted out", f"Member {member_id} is not on your opt-out list.")
    note = field_of(form, "note") or "member asked to receive reminder calls again"
    await svc.store.set_opt_out(member_id, False)
    await _audit(request, staff, "reminders.opt_in", "member", member_id, note[:300])
    return _back("opted-in", field_of(form, "group"))


@router.post(PREFIX + "/reminders/opt-outs/reveal", response_class=HTMLResponse, include_in_schema=False)
async def reveal_names(request: Request, staff: StaffDep, form: FormDep) -> HTMLResponse:
    """The opted-out members' names in one group (from the ledger's roster): a reason, consent, audited."""
    group = field_of(form, "group")
    if not group:
        raise ConsoleError(400, "Choose a group", "Names are shown one group at a time: choose the group.")
    reason = await pii_reason(request, staff, group, field_of(form, "reason"))
    found = await roster(request, group)
    if found is None:
        raise ConsoleError(503, "Ledger not reachable", "The ledger did not answer, so names cannot be shown now.")
    await _audit(request, staff, "read.members", "group", group, reason)
    names = {mem.member_id: mem.name for mem in found.members}
    extra = dict.fromkeys(names, group)
    optouts = [o for o in await in_db(request, lambda s: opt_outs(s, staff.scope(), extra)) if o.group_id == group]
    return render(request, "reminders.html", staff, section="reminders", svc=True, lines=[], preview_error="",
                  quiet=None, at="", moment=utcnow(), stats=[], paused=set(), all_paused=False, by_day=[],
                  optouts=optouts, group=group, runs=state_of(request).runs, names=names,
                  reason=reason, my_groups=None, done="", only_optouts=True)
