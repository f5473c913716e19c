"""`ivr reminders`: preview who would be called, run a campaign (Rich progress), pause/resume, stats, contacts."""

from __future__ import annotations

import asyncio
import csv
import json
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ivr.ami import AmiError
from ivr.callbacks.stats import callback_stats
from ivr.cli.common import settings_of
from ivr.reminders.runner import RemindersDisabled
from ivr.reminders.service import Reminders, reminders_service
from ivr.reminders.stats import campaign_stats
from ivr.reminders.store import ALL_SCOPE
from ivr.settings import Settings
from ivr.sms.reminders import SmsReminders, reminder_sms, run_campaign
from ivr.sms.stats import sms_stats
from ledger_client.errors import LedgerError
from models.base import utcnow

app = typer.Typer(no_args_is_help=True, help="Outbound voice reminders (meetings, repayments, positive nudges).")
contacts = typer.Typer(no_args_is_help=True, help="The phone numbers reminder calls go to.")
app.add_typer(contacts, name="contacts")
console = Console()
T = TypeVar("T")
AtOption = Annotated[str | None, typer.Option("--at", help="Pretend it is this moment (ISO 8601 with offset).")]
GroupOption = Annotated[str | None, typer.Option("--group", help="Only this group (default: all groups).")]


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def _at(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"--at {value!r} is not an ISO 8601 date-time (e.g. 2026-11-25T18:30+03:00)")
        raise
    if moment.tzinfo is None:
        _fail("--at needs a UTC offset (e.g. 2026-11-25T18:30+03:00)")
    return moment


def _with(settings: Settings, work: Callable[[Reminders], Awaitable[T]], *, at: datetime | None = None,
          dial: bool = False) -> T:
    async def main() -> T:
        async with reminders_service(settings, clock=(lambda: at) if at else utcnow, dial=dial) as svc:
            return await work(svc)

    try:
        return asyncio.run(main())
    except LedgerError as exc:
        _fail(f"ledger: {exc} (is it running? `ivr ledger serve`; setting IVR_LEDGER__BASE_URL="
              f"{settings.ledger.base_url})")
    except AmiError as exc:
        _fail(f"AMI: {exc}")
    except (RemindersDisabled, ValueError) as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


@app.command()
def preview(ctx: typer.Context, at: AtOption = None) -> None:
    """Who would be called, when and why — no call placed, nothing stored."""
    settings, moment = settings_of(ctx), _at(at)
    lines = _with(settings, lambda svc: svc.planner.lines(moment))
    table = Table("first call (local)", "group", "member", "rule", "event", "status", "why")
    for ln in lines:
        c = ln.candidate
        when = ln.first_call_at.astimezone(ZoneInfo(c.timezone)).strftime("%a %d %b %H:%M") if ln.first_call_at else "-"
        table.add_row(when, c.group_id, c.member_id, c.rule, c.event_date.isoformat(), ln.status, ln.reason)
    console.print(table)
    new = sum(ln.status == "new" for ln in lines)
    console.print(f"{new} new reminder(s), {len(lines) - new} already planned or skipped; no call placed.")


def _advance(bar: Progress, task: TaskID, done: int, placed: int) -> None:
    bar.update(task, completed=done, total=max(placed, 1))


@app.command()
def run(ctx: typer.Context, at: AtOption = None,
        every: Annotated[float, typer.Option(help="Run again every this many seconds until Ctrl-C (0 = once).",
                                             min=0)] = 0) -> None:
    """Plan, then place every due reminder call (caps, quiet hours, retries) until those calls have ended."""
    settings, moment = settings_of(ctx), _at(at) if at else None
    if every and moment is not None:
        _fail("--every runs on the real clock: drop --at")

    clock = (lambda: moment) if moment is not None else utcnow

    async def work(svc: Reminders) -> None:
        assert svc.runner is not None
        async with AsyncExitStack() as stack:
            sms = await stack.enter_async_context(reminder_sms(settings, svc, clock)) if settings.sms.enabled else None
            await _campaigns(svc, sms)

    async def _campaigns(svc: Reminders, sms: SmsReminders | None) -> None:
        while True:
            columns = (TextColumn("reminder calls"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=False) as bar:
                task = bar.add_task("calls", total=None)
                report, sms_sent = await run_campaign(svc, sms, clock=clock, enabled=settings.reminders.enabled,
                                                      progress=partial(_advance, bar, task))
            outcomes = ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())) or "none"
            console.print(f"{report.new} new reminder(s) planned; {len(report.dials)} call(s) placed; outcomes: "
                          f"{outcomes}; at most {report.max_concurrent} at once.")
            if sms is not None:
                console.print(f"{sms_sent.primary} reminder SMS (chosen channel), {sms_sent.fallback} after "
                              "unanswered calls.")
            if not every:
                return
            await asyncio.sleep(every)

    try:
        _with(settings, work, at=moment, dial=True)
    except KeyboardInterrupt:
        console.print("stopped")


@app.command()
def pause(ctx: typer.Context, group: GroupOption = None) -> None:
    """Stop placing reminder calls (all groups, or one) until `resume`; planning continues."""
    _with(settings_of(ctx), lambda svc: svc.store.pause(group or ALL_SCOPE, "cli"))
    console.print(f"reminder calls paused for {group or 'all groups'}")


@app.command()
def resume(ctx: typer.Context, group: GroupOption = None) -> None:
    """Resume reminder calls paused with `pause` (same scope)."""
    was = _with(settings_of(ctx), lambda svc: svc.store.resume(group or ALL_SCOPE))
    console.print(f"reminder calls resumed for {group or 'all groups'}" if was else
                  f"reminder calls were not paused for {group or 'all groups'}")


@app.command()
def stats(ctx: typer.Context, campaign: Annotated[str | None, typer.Option(help="Campaign prefix.")] = None,
          as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Per-campaign statistics: reached, listened, confirmed, opted out, failed by cause."""
    found = _with(settings_of(ctx), lambda svc: asyncio.to_thread(campaign_stats, svc.store.sessions, campaign))
    if as_json:
        console.print_json(json.dumps([st.to_json() for st in found]))
        return
    table = Table("campaign", "reminders", "called", "reached", "listened", "confirmed", "opted out", "pending",
                  "gave up", "expired", "failed by cause")
    for st in found:
        causes = ", ".join(f"{k} {v}" for k, v in st.failed_by_cause.items()) or "-"
        table.add_row(st.campaign, *(str(n) for n in (st.reminders, st.called, st.reached, st.listened, st.confirmed,
                                                       st.opted_out, st.pending, st.gave_up, st.expired)), causes)
    console.print(table)
    _reach_stats(settings_of(ctx))


def _reach_stats(settings: Settings) -> None:
    """Missed-call callbacks and SMS beside the reminder calls."""
    cb, sms = _with(settings, lambda svc: asyncio.gather(asyncio.to_thread(callback_stats, svc.store.sessions),
                                                         asyncio.to_thread(sms_stats, svc.store.sessions)))
    drops = ", ".join(f"{k} {v}" for k, v in cb.by_disposition.items()) or "-"
    console.print(f"missed-call callbacks: {cb.missed_calls} drop(s) ({drops}); {cb.called_back} called back, "
                  f"{cb.answered} answered, {cb.no_answer} not answered, {cb.retries} retries, {cb.gave_up} gave up, "
                  f"{cb.pending} pending")
    for purpose, statuses in sorted(sms["outbox"].items()):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        console.print(f"SMS {purpose.replace('_', ' ')}: {counts}")


@app.command("opt-in")
def opt_in(ctx: typer.Context, member_id: str) -> None:
    """Turn reminder calls back on for a member (they asked their group secretary)."""
    _with(settings_of(ctx), lambda svc: svc.store.set_opt_out(member_id, False))
    console.print(f"reminder calls on for {member_id}")


@app.command("opt-out")
def opt_out(ctx: typer.Context, member_id: str) -> None:
    """Turn reminder calls off for a member (pending reminders are cancelled)."""
    _with(settings_of(ctx), lambda svc: svc.store.set_opt_out(member_id, True))
    console.print(f"reminder calls off for {member_id}")


@contacts.command("import")
def import_contacts(ctx: typer.Context,
                    file: Annotated[Path | None, typer.Argument(help="CSV with columns member_id,phone.")] = None,
                    demo: Annotated[bool, typer.Option(help="The demo members' numbers (ledger_core demo).")] = False,
                    ) -> None:
    """Store the numbers reminder calls go to (the ledger API does not expose phone numbers)."""
    if demo == (file is not None):
        _fail("give a CSV file (member_id,phone) or --demo, not both")
    pairs: list[tuple[str, str]] = []
    if demo:
        from ledger_core.demo_people import demo_members  # demo data only, like `ivr ledger seed --demo`

        pairs = [(m.member_id, m.phone) for m in demo_members()]
    else:
        assert file is not None
        try:
            with file.open(newline="") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            _fail(f"cannot read {file}: {exc.strerror}")
        for n, row in enumerate(rows, start=2):
            if not row.get("member_id") or not row.get("phone"):
                _fail(f"{file} line {n}: needs member_id and phone columns")
            pairs.append((row["member_id"].strip(), row["phone"].strip()))
    changed = _with(settings_of(ctx), lambda svc: svc.store.set_contacts(pairs))
    console.print(f"{len(pairs)} number(s) read, {changed} new or changed")
